package attribution

import (
	"errors"
	"fmt"
	"time"
)

// Dates as exports write them (DESIGN section 2.6), besides ISO 8601 and
// Unix times: DD.MM.YYYY (always day first), DD/MM/YYYY and MM/DD/YYYY,
// each with an optional time HH:MM[:SS] or hh:mm[:ss] AM/PM. Day/month
// order is decided per column: a value over 12 settles it, and a column
// whose every date has both parts 12 or less needs --date-format.

// DateOrder says how to read DD/MM/YYYY versus MM/DD/YYYY.
type DateOrder string

// The date orders; DateOrderAuto decides from the column.
const (
	DateOrderAuto DateOrder = ""
	DayFirst      DateOrder = "dd/mm/yyyy"
	MonthFirst    DateOrder = "mm/dd/yyyy"
)

// ParseDateOrder reads a --date-format value: dd/mm/yyyy or mm/dd/yyyy
// (also dmy, mdy, day-first, month-first), "" or auto for detection.
func ParseDateOrder(s string) (DateOrder, error) {
	switch s {
	case "", "auto":
		return DateOrderAuto, nil
	case "dd/mm/yyyy", "DD/MM/YYYY", "dmy", "day-first", "dd.mm.yyyy", "DD.MM.YYYY":
		return DayFirst, nil
	case "mm/dd/yyyy", "MM/DD/YYYY", "mdy", "month-first":
		return MonthFirst, nil
	}
	return "", fmt.Errorf("date format %q: use dd/mm/yyyy or mm/dd/yyyy", s)
}

// errBadTimestamp is shared: building it per bad cell would allocate on
// the hot path of files whose every row is checked.
var errBadTimestamp = errors.New(badTimestamp)

const yearRange = "year out of range: dates must be in the years 1 to 9999"

// Bounds of the years 1 to 9999 in Unix milliseconds.
var (
	minMillis = daysFromCivil(1, 1, 1) * 86400000
	maxMillis = daysFromCivil(10000, 1, 1)*86400000 - 1
)

func checkYearRange(ms int64) error {
	if ms < minMillis || ms > maxMillis {
		return fmt.Errorf("%s", yearRange)
	}
	return nil
}

// Date evidence bits: what one cell shows about its column's order.
const (
	evDayFirst   = 1 << iota // first part over 12: 13/01/2024
	evMonthFirst             // second part over 12: 01/13/2024
	evOrderRead              // both parts 12 or less and different: read by the column's order
)

// dateEvidence is the first line of each kind a column has shown.
type dateEvidence struct {
	dayFirst, monthFirst, orderRead evidenceAt
}

func (e *dateEvidence) note(ev uint8, line int, cell []byte) {
	if ev&evDayFirst != 0 && e.dayFirst.line == 0 {
		e.dayFirst = evidenceAt{line, shorten(string(cell))}
	}
	if ev&evMonthFirst != 0 && e.monthFirst.line == 0 {
		e.monthFirst = evidenceAt{line, shorten(string(cell))}
	}
	if ev&evOrderRead != 0 && e.orderRead.line == 0 {
		e.orderRead = evidenceAt{line, shorten(string(cell))}
	}
}

func (e *dateEvidence) fold(later *dateEvidence) {
	if e.dayFirst.line == 0 {
		e.dayFirst = later.dayFirst
	}
	if e.monthFirst.line == 0 {
		e.monthFirst = later.monthFirst
	}
	if e.orderRead.line == 0 {
		e.orderRead = later.orderRead
	}
}

// decide returns the order the evidence settles, or DateOrderAuto.
func (e *dateEvidence) decide() DateOrder {
	switch {
	case e.dayFirst.line > 0 && e.monthFirst.line == 0:
		return DayFirst
	case e.monthFirst.line > 0 && e.dayFirst.line == 0:
		return MonthFirst
	}
	return DateOrderAuto
}

// check says why a column's dates are inconsistent, or "".
func (e *dateEvidence) check(column string) string {
	if e.dayFirst.line > 0 && e.monthFirst.line > 0 {
		a, b := e.dayFirst, e.monthFirst
		return fmt.Sprintf("column %q writes dates both day first (line %d %q) and month first (line %d %q): set --date-format dd/mm/yyyy or --date-format mm/dd/yyyy (or the date order picker), and rows that do not fit it are rejected", column, a.line, a.value, b.line, b.value)
	}
	return ""
}

// undecidedMessage is the error for dates whose order nothing settles.
func undecidedMessage(column string, at evidenceAt) string {
	return fmt.Sprintf("column %q: every date read has day and month both 12 or less (line %d %q), so day/month order cannot be told: set --date-format dd/mm/yyyy or --date-format mm/dd/yyyy (or the date order picker)", column, at.line, at.value)
}

// Names of the day/month formats, by date style and time style.
var dmFormats = [3][5]TimeFormat{
	{"DD.MM.YYYY", "DD.MM.YYYY HH:MM", "DD.MM.YYYY HH:MM:SS", "DD.MM.YYYY hh:mm AM/PM", "DD.MM.YYYY hh:mm:ss AM/PM"},
	{"DD/MM/YYYY", "DD/MM/YYYY HH:MM", "DD/MM/YYYY HH:MM:SS", "DD/MM/YYYY hh:mm AM/PM", "DD/MM/YYYY hh:mm:ss AM/PM"},
	{"MM/DD/YYYY", "MM/DD/YYYY HH:MM", "MM/DD/YYYY HH:MM:SS", "MM/DD/YYYY hh:mm AM/PM", "MM/DD/YYYY hh:mm:ss AM/PM"},
}

// parseTime parses one timestamp cell to Unix milliseconds. order reads
// slash dates (DateOrderAuto: only unambiguous ones); forced makes a date
// that does not fit order an error rather than evidence; loc is the zone
// of times that carry none (nil for UTC). ev is the cell's evidence about
// day/month order.
func parseTime(b []byte, order DateOrder, forced bool, loc *time.Location) (int64, TimeFormat, uint8, error) {
	if ms, ok := rfc3339UTC(b); ok {
		// Zoned, so loc does not apply; no evidence about the order.
		return ms, FormatRFC3339, 0, checkYearRange(ms)
	}
	var ms int64
	var format TimeFormat
	var ev uint8
	var zoned bool
	var err error
	if len(b) >= 10 && b[4] == '-' || allDigits(b) || len(b) == 0 {
		ms, format, zoned, err = parseISO(b)
	} else {
		ms, format, ev, err = parseDayMonth(b, order, forced)
	}
	if err != nil {
		return 0, "", ev, err
	}
	if loc != nil && !zoned {
		t := time.UnixMilli(ms).UTC()
		ms = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc).UnixMilli()
	}
	return ms, format, ev, checkYearRange(ms)
}

// num12 reads 1 or 2 digits at b[i:], returning the value and the index
// after them.
func num12(b []byte, i int) (int, int, bool) {
	n, j := 0, i
	for j < len(b) && j-i < 2 && b[j] >= '0' && b[j] <= '9' {
		n = n*10 + int(b[j]-'0')
		j++
	}
	return n, j, j > i
}

// parseDayMonth reads D.M.YYYY or D/M/YYYY (either order) with an
// optional time.
func parseDayMonth(b []byte, order DateOrder, forced bool) (int64, TimeFormat, uint8, error) {
	p1, i, ok := num12(b, 0)
	if !ok || i >= len(b) || (b[i] != '.' && b[i] != '/') {
		return 0, "", 0, errBadTimestamp
	}
	sep := b[i]
	p2, j, ok := num12(b, i+1)
	if !ok || j >= len(b) || b[j] != sep || j+5 > len(b) {
		return 0, "", 0, errBadTimestamp
	}
	y, ok := digits(b[j+1 : j+5])
	if !ok {
		return 0, "", 0, errBadTimestamp
	}
	rest := b[j+5:]
	if len(rest) > 0 && rest[0] == ',' {
		rest = rest[1:]
	}
	timeStyle, dayMs := 0, int64(0)
	if len(rest) > 0 {
		if rest[0] != ' ' && rest[0] != 'T' {
			return 0, "", 0, errBadTimestamp
		}
		for len(rest) > 0 && (rest[0] == ' ' || rest[0] == 'T') {
			rest = rest[1:]
		}
		h, k, ok := num12(rest, 0)
		if !ok || k+3 > len(rest) || rest[k] != ':' {
			return 0, "", 0, errBadTimestamp
		}
		mi, ok := digits(rest[k+1 : k+3])
		if !ok {
			return 0, "", 0, errBadTimestamp
		}
		k += 3
		s := 0
		timeStyle = 1
		if k < len(rest) && rest[k] == ':' {
			if k+3 > len(rest) {
				return 0, "", 0, errBadTimestamp
			}
			if s, ok = digits(rest[k+1 : k+3]); !ok {
				return 0, "", 0, errBadTimestamp
			}
			k += 3
			timeStyle = 2
		}
		tail := rest[k:]
		for len(tail) > 0 && tail[0] == ' ' {
			tail = tail[1:]
		}
		switch {
		case len(tail) == 0:
			if h > 23 {
				return 0, "", 0, fmt.Errorf("not a valid time of day")
			}
		case len(tail) == 2 && (tail[1] == 'M' || tail[1] == 'm') && (tail[0] == 'A' || tail[0] == 'a' || tail[0] == 'P' || tail[0] == 'p'):
			if h < 1 || h > 12 {
				return 0, "", 0, fmt.Errorf("not a valid time of day: a 12-hour clock runs 1 to 12")
			}
			if h == 12 {
				h = 0
			}
			if tail[0] == 'P' || tail[0] == 'p' {
				h += 12
			}
			timeStyle += 2
		default:
			return 0, "", 0, errBadTimestamp
		}
		if mi > 59 || s > 59 {
			return 0, "", 0, fmt.Errorf("not a valid time of day")
		}
		dayMs = int64((h*60+mi)*60+s) * 1000
	}
	if y < 1 {
		return 0, "", 0, fmt.Errorf("%s", yearRange)
	}
	validDM := p2 >= 1 && p2 <= 12 && p1 >= 1 && p1 <= daysIn(y, p2)
	validMD := p1 >= 1 && p1 <= 12 && p2 >= 1 && p2 <= daysIn(y, p1)
	style := 0
	var ev uint8
	d, m := p1, p2
	switch {
	case sep == '.':
		if !validDM {
			return 0, "", 0, fmt.Errorf("not a valid date (DD.MM.YYYY)")
		}
	case !validDM && !validMD:
		return 0, "", 0, fmt.Errorf("not a valid date")
	case forced && order == DayFirst && !validDM, forced && order == MonthFirst && !validMD:
		return 0, "", 0, fmt.Errorf("not a valid date as %s (the date format set)", order)
	case validDM && !validMD:
		ev, style = evDayFirst, 1
	case validMD && !validDM:
		ev, style, d, m = evMonthFirst, 2, p2, p1
	case p1 == p2:
		style = 1
		if order == MonthFirst {
			style = 2
		}
	default:
		ev = evOrderRead
		switch order {
		case DayFirst:
			style = 1
		case MonthFirst:
			style, d, m = 2, p2, p1
		default:
			return 0, "", ev, fmt.Errorf("day/month order unknown: set --date-format dd/mm/yyyy or --date-format mm/dd/yyyy (or the date order picker)")
		}
	}
	return daysFromCivil(y, m, d)*86400000 + dayMs, dmFormats[style][timeStyle], ev, nil
}
