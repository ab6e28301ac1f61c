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
	var s string
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
		s = trimZero(strconv.FormatFloat(v/1e3, 'f', oneDecimalBelow10(a/1e3), 64)) + "k"
	case a < 1e9:
		s = trimZero(strconv.FormatFloat(v/1e6, 'f', oneDecimalBelow10(a/1e6), 64)) + "M"
	default:
		s = trimZero(strconv.FormatFloat(v/1e9, 'f', oneDecimalBelow10(a/1e9), 64)) + "B"
	}
	return s
}

func oneDecimalBelow10(a float64) int {
	if a < 9.95 {
		return 1
	}
	return 0
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
