package report

import (
	"math"
	"strconv"
	"strings"
)

// percent formats a share (0.234) as "23.4%".
func percent(v float64) string {
	return strconv.FormatFloat(100*v, 'f', 1, 64) + "%"
}

// compact formats an amount for a label: 3.25, 12.5, 950, 1.2k, 34k,
// 1.5M, 2.1B.
func compact(v float64) string {
	a := math.Abs(v)
	switch {
	case a < 1e3:
		// 950, 12.5, 3.25: fewer decimals the bigger the amount.
		decimals := 0
		switch {
		case a < 10:
			decimals = 2
		case a < 100:
			decimals = 1
		}
		return trimZero(strconv.FormatFloat(v, 'f', decimals, 64))
	case a < 1e6:
		return scaled(v, 1e3, "k")
	case a < 1e9:
		return scaled(v, 1e6, "M")
	}
	return scaled(v, 1e9, "B")
}

// scaled writes v in units of unit with suffix: one decimal below 10
// units, none above.
func scaled(v, unit float64, suffix string) string {
	decimals := 0
	if math.Abs(v/unit) < 9.95 {
		decimals = 1
	}
	return trimZero(strconv.FormatFloat(v/unit, 'f', decimals, 64)) + suffix
}

func trimZero(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// percentTick formats an axis tick of a share: 0.25 → "25%".
func percentTick(v float64) string {
	return trimZero(strconv.FormatFloat(100*v, 'f', 1, 64)) + "%"
}
