package attribution

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// TimeFormat names a timestamp layout the touch-log importer recognises.
type TimeFormat string

// The recognised timestamp formats. Times without a zone are taken as UTC.
const (
	FormatRFC3339     TimeFormat = "RFC 3339"
	FormatDateTime    TimeFormat = "YYYY-MM-DD HH:MM:SS"
	FormatDate        TimeFormat = "YYYY-MM-DD"
	FormatUnixSeconds TimeFormat = "Unix seconds"
	FormatUnixMillis  TimeFormat = "Unix milliseconds"
	FormatUnixMicros  TimeFormat = "Unix microseconds"
	FormatDateTimeMin TimeFormat = "YYYY-MM-DD HH:MM"
)

const badTimestamp = "not a valid date or time: use ISO 8601 (YYYY-MM-DD[ HH:MM[:SS]], with an optional offset), DD.MM.YYYY, DD/MM/YYYY or MM/DD/YYYY with an optional time (HH:MM[:SS], or hh:mm AM/PM), or Unix seconds, milliseconds or microseconds"

// Unix timestamps are told apart by size: 1e11 seconds is the year 5138,
// 1e11 milliseconds is 1973; likewise 1e14 ms is 5138 and 1e14 µs 1973.
const (
	unixMillisCutoff = 1e11
	unixMicrosCutoff = 1e14
	unixMicrosLimit  = 1e17
)

// parseTimestamp parses one timestamp to Unix milliseconds and says which
// format it was in. It does not allocate.
func parseTimestamp(b []byte) (int64, TimeFormat, error) {
	ms, f, _, err := parseISO(b)
	if err == nil {
		err = checkYearRange(ms)
	}
	return ms, f, err
}

// parseISO parses ISO 8601 / RFC 3339 dates and times and Unix timestamps;
// zoned says whether the text fixed its own offset (Unix times do).
func parseISO(b []byte) (int64, TimeFormat, bool, error) {
	if len(b) == 0 {
		return 0, "", false, fmt.Errorf("is empty")
	}
	if allDigits(b) {
		if len(b) > 17 {
			return 0, "", false, fmt.Errorf("%s", badTimestamp)
		}
		var n int64
		for _, c := range b {
			n = n*10 + int64(c-'0')
		}
		switch {
		case n >= unixMicrosLimit:
			return 0, "", false, fmt.Errorf("%s", badTimestamp)
		case n >= unixMicrosCutoff:
			return n / 1000, FormatUnixMicros, true, nil
		case n >= unixMillisCutoff:
			return n, FormatUnixMillis, true, nil
		}
		return n * 1000, FormatUnixSeconds, true, nil
	}
	ms, f, err := parseISODate(b)
	return ms, f, err == nil && (f == FormatRFC3339 && zonedISO(b)), err
}

// zonedISO reports whether an ISO time that parsed ends in a zone.
func zonedISO(b []byte) bool {
	c := b[len(b)-1]
	if c == 'Z' || c == 'z' || hasSuffixString(b, " UTC") {
		return true
	}
	return len(b) > 16 && (b[len(b)-6] == '+' || b[len(b)-6] == '-' || b[len(b)-5] == '+' || b[len(b)-5] == '-')
}

// rfc3339UTC reads the timestamp most logs hold, YYYY-MM-DDTHH:MM:SSZ,
// when it is valid, to what parseISODate makes of it (FormatRFC3339,
// zoned), in one pass with no search or call per part: it was a sixth of
// reading a touch log. Anything else, valid or not, reports false and is
// read by the general rules, which also explain what is wrong with it.
func rfc3339UTC(b []byte) (int64, bool) {
	if len(b) != 20 || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' || b[19] != 'Z' {
		return 0, false
	}
	y1, y2, mo, d := twoDigits(b, 0), twoDigits(b, 2), twoDigits(b, 5), twoDigits(b, 8)
	h, mi, s := twoDigits(b, 11), twoDigits(b, 14), twoDigits(b, 17)
	if y1|y2|mo|d|h|mi|s < 0 {
		return 0, false // not digits
	}
	y := y1*100 + y2
	if y < 1 || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || s > 59 {
		return 0, false
	}
	days := daysFromCivil(y, mo, d)
	return ((days*24+int64(h))*60+int64(mi))*60000 + int64(s)*1000, true
}

// twoDigits returns the number b[i:i+2] writes in two decimal digits, or
// -1.
func twoDigits(b []byte, i int) int {
	hi, lo := b[i]-'0', b[i+1]-'0'
	if hi > 9 || lo > 9 {
		return -1
	}
	return int(hi)*10 + int(lo)
}

func parseISODate(b []byte) (int64, TimeFormat, error) {
	if len(b) < 10 || b[4] != '-' || b[7] != '-' {
		return 0, "", fmt.Errorf("%s", badTimestamp)
	}
	y, ok1 := digits(b[0:4])
	mo, ok2 := digits(b[5:7])
	d, ok3 := digits(b[8:10])
	if !ok1 || !ok2 || !ok3 {
		return 0, "", fmt.Errorf("%s", badTimestamp)
	}
	if mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) {
		return 0, "", fmt.Errorf("not a valid date")
	}
	if y < 1 {
		return 0, "", fmt.Errorf("%s", yearRange)
	}
	days := daysFromCivil(y, mo, d)
	if len(b) == 10 {
		return days * 86400000, FormatDate, nil
	}
	rest := b[10:]
	format := FormatDateTime
	switch rest[0] {
	case 'T', 't':
		format = FormatRFC3339
	case ' ':
	default:
		return 0, "", fmt.Errorf("%s", badTimestamp)
	}
	if len(rest) < 6 || rest[3] != ':' {
		return 0, "", fmt.Errorf("%s", badTimestamp)
	}
	h, ok1 := digits(rest[1:3])
	mi, ok2 := digits(rest[4:6])
	s, ok3 := 0, true
	if len(rest) >= 9 && rest[6] == ':' {
		s, ok3 = digits(rest[7:9])
		rest = rest[9:]
	} else {
		rest = rest[6:]
		if format == FormatDateTime {
			format = FormatDateTimeMin
		}
	}
	if !ok1 || !ok2 || !ok3 {
		return 0, "", fmt.Errorf("%s", badTimestamp)
	}
	if h > 23 || mi > 59 || s > 59 {
		return 0, "", fmt.Errorf("not a valid time of day")
	}
	ms := ((days*24+int64(h))*60+int64(mi))*60000 + int64(s)*1000
	if len(rest) > 0 && rest[0] == '.' {
		i := 1
		frac, scale := int64(0), int64(100)
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			frac += int64(rest[i]-'0') * scale
			scale /= 10
			i++
		}
		if i == 1 {
			return 0, "", fmt.Errorf("%s", badTimestamp)
		}
		ms += frac
		rest = rest[i:]
	}
	switch {
	case len(rest) == 0:
	case len(rest) == 1 && (rest[0] == 'Z' || rest[0] == 'z'), len(rest) == 4 && string(rest) == " UTC":
		format = FormatRFC3339
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':',
		len(rest) == 5 && (rest[0] == '+' || rest[0] == '-'):
		zh, ok1 := digits(rest[1:3])
		zm, ok2 := digits(rest[len(rest)-2:])
		if !ok1 || !ok2 || zh > 23 || zm > 59 {
			return 0, "", fmt.Errorf("%s", badTimestamp)
		}
		off := int64(zh*60+zm) * 60000
		if rest[0] == '+' {
			ms -= off
		} else {
			ms += off
		}
		format = FormatRFC3339
	default:
		return 0, "", fmt.Errorf("%s", badTimestamp)
	}
	return ms, format, nil
}

func allDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}

func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil returns days since 1970-01-01 of a proleptic Gregorian
// date (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// ParseDuration parses a duration such as "7d", "30d", "12h", "1w",
// "1d12h", "90m" or "1.5d". Units: w (weeks), d (days), h, m, s, ms.
// "0" is zero. Negative durations and durations over 100 years are
// rejected.
func ParseDuration(s string) (time.Duration, error) {
	orig := s
	s = strings.TrimSpace(s)
	if s == "0" {
		return 0, nil
	}
	if s == "" {
		return 0, fmt.Errorf("duration is empty: write it like 7d, 12h or 30m")
	}
	const limit = 100 * 365 * 24 * time.Hour
	var total float64
	for s != "" {
		i := 0
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
			i++
		}
		if i == 0 {
			return 0, fmt.Errorf("duration %q: expected a number at %q (write it like 7d, 12h or 30m)", orig, s)
		}
		n, err := strconv.ParseFloat(s[:i], 64)
		if err != nil {
			return 0, fmt.Errorf("duration %q: %q is not a number", orig, s[:i])
		}
		s = s[i:]
		j := 0
		for j < len(s) && (s[j] < '0' || s[j] > '9') && s[j] != '.' {
			j++
		}
		var unit time.Duration
		switch s[:j] {
		case "w":
			unit = 7 * 24 * time.Hour
		case "d":
			unit = 24 * time.Hour
		case "h":
			unit = time.Hour
		case "m":
			unit = time.Minute
		case "s":
			unit = time.Second
		case "ms":
			unit = time.Millisecond
		case "":
			return 0, fmt.Errorf("duration %q: missing unit after %s (use w, d, h, m, s or ms)", orig, strconv.FormatFloat(n, 'g', -1, 64))
		default:
			return 0, fmt.Errorf("duration %q: unknown unit %q (use w, d, h, m, s or ms)", orig, s[:j])
		}
		s = s[j:]
		total += n * float64(unit)
		if math.IsInf(total, 0) || math.IsNaN(total) || total > float64(limit) {
			return 0, fmt.Errorf("duration %q: longer than 100 years", orig)
		}
	}
	return time.Duration(total), nil
}

// FormatDuration writes d in the largest whole units ParseDuration reads
// back, e.g. "7d" or "36h".
func FormatDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0"
	case d%(24*time.Hour) == 0:
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d%time.Minute == 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	case d%time.Second == 0:
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	return strconv.FormatInt(int64(d/time.Millisecond), 10) + "ms"
}
