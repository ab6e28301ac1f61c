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

// noise is the size below which a number shown to people is taken as 0:
// sums of shares and probabilities leave residues like -5.551e-17 that
// mean nothing and read as a mistake.
const noise = 5e-10

// Number formats v for people: thousands separators, at most two
// decimals from 1 up (1,234,567.89; 12.5; 950), four significant digits
// below 1 (0.03417), no exponent, and 0 for floating-point residue. NaN
// (missing) is empty. Files keep full precision: CSV writers do not use
// it.
func Number(v float64) string {
	switch {
	case math.IsNaN(v):
		return ""
	case math.IsInf(v, 1):
		return "∞"
	case math.IsInf(v, -1):
		return "-∞"
	case math.Abs(v) < noise:
		return "0"
	}
	if math.Abs(v) < 1 {
		// Four significant digits, written out in full.
		digits := 3 - int(math.Floor(math.Log10(math.Abs(v))))
		return trimZero(strconv.FormatFloat(v, 'f', digits, 64))
	}
	s := trimZero(strconv.FormatFloat(v, 'f', 2, 64))
	return groupThousands(s)
}

// Fixed formats v with exactly decimals decimals and thousands separators
// (1,234.50), for columns whose figures should line up; residue and -0
// read 0 (0.00).
func Fixed(v float64, decimals int) string {
	switch {
	case math.IsNaN(v):
		return ""
	case math.IsInf(v, 0):
		return Number(v)
	}
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-") // -0.00 reads 0.00
	}
	return groupThousands(s)
}

// Percent formats a share (0.234) as a percentage with one decimal
// ("23.4%"); residue reads "0.0%".
func Percent(share float64) string {
	if math.IsNaN(share) {
		return ""
	}
	return Fixed(100*share, 1) + "%"
}

// Signed is Number with a sign in front of positive values (+1,200; -3.5;
// 0), for changes against a baseline.
func Signed(v float64) string {
	s := Number(v)
	if s != "0" && s != "" && !strings.HasPrefix(s, "-") {
		s = "+" + s
	}
	return s
}

// groupThousands puts commas between groups of three digits of the
// integer part of a formatted number.
func groupThousands(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, d := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	if hasFrac {
		b.WriteString("." + frac)
	}
	return sign + b.String()
}
