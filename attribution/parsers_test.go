package attribution

import (
	"encoding/binary"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
)

var (
	autoComma = numberStyle{comma: roleGroup, dot: roleDecimal} // a comma file with no evidence
	unknown   = numberStyle{}                                   // nothing settled
	forcedDot = numberStyle{comma: roleGroup, dot: roleDecimal, forced: true}
	forcedCom = numberStyle{comma: roleDecimal, dot: roleGroup, forced: true}
)

// numberCases are hand-checked cells; ok false means rejected.
var numberCases = []struct {
	cell  string
	st    numberStyle
	want  float64
	ok    bool
	ev    uint8
	money string
}{
	{"1234", unknown, 1234, true, 0, ""},
	{"12.5", unknown, 12.5, true, evDecDot, ""},
	{"12,5", unknown, 12.5, true, evDecComma, ""},
	{"1,234.56", unknown, 1234.56, true, evGrpComma | evDecDot, ""},
	{"1.234,56", unknown, 1234.56, true, evGrpDot | evDecComma, ""},
	{"1 234,56", unknown, 1234.56, true, evDecComma, ""},
	{"1\u00a0234,56", unknown, 1234.56, true, evDecComma, ""},
	{"1'234.5", unknown, 1234.5, true, evDecDot, ""},
	{"1,234,567", unknown, 1234567, true, evGrpComma, ""},
	{"1.234.567", unknown, 1234567, true, evGrpDot, ""},
	{"1,234", unknown, 0, false, evAmbComma, ""},
	{"1,234", autoComma, 1234, true, evAmbComma, ""},
	{"1,234", forcedCom, 1.234, true, evAmbComma, ""},
	{"1.234", autoComma, 1.234, true, evAmbDot, ""},
	{"1.234", forcedCom, 1234, true, evAmbDot, ""},
	{"0,234", unknown, 0.234, true, evDecComma, ""},
	{"1234,567", unknown, 1234.567, true, evDecComma, ""},
	{"$1,234.56", unknown, 1234.56, true, evGrpComma | evDecDot, "$"},
	{"1.234,56 €", unknown, 1234.56, true, evGrpDot | evDecComma, "€"},
	{"£12", unknown, 12, true, 0, "£"},
	{"-$5.5", unknown, -5.5, true, evDecDot, "$"},
	{"1e3", unknown, 1000, true, 0, ""},
	{"1.5e-9", unknown, 1.5e-9, true, evDecDot, ""},
	{".5", unknown, 0.5, true, evDecDot, ""},
	{"1,5", forcedDot, 0, false, evDecComma, ""},
	{"1.5", forcedCom, 0, false, evDecDot, ""},
	{"0x1p4", unknown, 0, false, 0, ""},
	{"0X10", unknown, 0, false, 0, ""},
	{"Inf", unknown, 0, false, 0, ""},
	{"-infinity", unknown, 0, false, 0, ""},
	{"NaN", unknown, 0, false, 0, ""},
	{"1_000", unknown, 0, false, 0, ""},
	{"12,34,567", unknown, 0, false, 0, ""},
	{"1,2345", unknown, 1.2345, true, evDecComma, ""},
	{"1,234.5,6", unknown, 0, false, 0, ""},
	{"1.234.5", unknown, 0, false, 0, ""},
	{"1,234e5", unknown, 0, false, 0, ""},
	{"", unknown, 0, false, 0, ""},
	{"$", unknown, 0, false, 0, ""},
	{"abc", unknown, 0, false, 0, ""},
	{".", unknown, 0, false, 0, ""},
	{"1..5", unknown, 0, false, 0, ""},
}

func TestParseNumberCell(t *testing.T) {
	for _, c := range numberCases {
		got, reason := parseNumberCell([]byte(c.cell), c.st)
		v := got.v
		if got.neg {
			v = -v
		}
		switch {
		case c.ok && reason != "":
			t.Errorf("%q: rejected (%s), want %v", c.cell, reason, c.want)
		case !c.ok && reason == "":
			t.Errorf("%q: read as %v, want rejected", c.cell, v)
		case c.ok && math.Abs(v-c.want) > 1e-12*math.Abs(c.want):
			t.Errorf("%q: %v, want %v", c.cell, v, c.want)
		}
		if c.ok && got.ev != c.ev {
			t.Errorf("%q: evidence %b, want %b", c.cell, got.ev, c.ev)
		}
		money := ""
		if got.currency >= 0 {
			money = currencySymbols[got.currency]
		}
		if c.ok && money != c.money {
			t.Errorf("%q: currency %q, want %q", c.cell, money, c.money)
		}
	}
}

// timeCases are hand-checked timestamps (UTC unless zone says).
var timeCases = []struct {
	cell  string
	order DateOrder
	want  string // RFC 3339 in UTC; "" means rejected
}{
	{"01.03.2024 17:20", DateOrderAuto, "2024-03-01T17:20:00Z"},
	{"1.3.2024", DateOrderAuto, "2024-03-01T00:00:00Z"},
	{"13/03/2024 08:00:05", DateOrderAuto, "2024-03-13T08:00:05Z"},
	{"03/13/2024 08:00 PM", DateOrderAuto, "2024-03-13T20:00:00Z"},
	{"03/13/2024 12:15 AM", DateOrderAuto, "2024-03-13T00:15:00Z"},
	{"03/13/2024 12:15 pm", DateOrderAuto, "2024-03-13T12:15:00Z"},
	{"3/1/2024 5:20 PM", MonthFirst, "2024-03-01T17:20:00Z"},
	{"3/1/2024 5:20 PM", DayFirst, "2024-01-03T17:20:00Z"},
	{"03/01/2024", DateOrderAuto, ""},
	{"02/02/2024", DateOrderAuto, "2024-02-02T00:00:00Z"},
	{"2024-03-01 17:20", DateOrderAuto, "2024-03-01T17:20:00Z"},
	{"2024-03-01T17:20:00.5+01:00", DateOrderAuto, "2024-03-01T16:20:00.5Z"},
	{"2024-03-01 17:20:00.123456 UTC", DateOrderAuto, "2024-03-01T17:20:00.123Z"},
	{"1709312400", DateOrderAuto, "2024-03-01T17:00:00Z"},
	{"1709312400123", DateOrderAuto, "2024-03-01T17:00:00.123Z"},
	{"1709312400123456", DateOrderAuto, "2024-03-01T17:00:00.123Z"},
	{"123456789012345678", DateOrderAuto, ""},
	{"0000-01-01", DateOrderAuto, ""},
	{"0001-01-01T00:30:00+01:00", DateOrderAuto, ""},
	{"9999-12-31T23:59:59Z", DateOrderAuto, "9999-12-31T23:59:59Z"},
	{"31.02.2024", DateOrderAuto, ""},
	{"13/13/2024", DateOrderAuto, ""},
	{"13/01/2024", MonthFirst, ""},
	{"01/03/2024 13:00 PM", MonthFirst, ""},
	{"01/03/2024 0:30 AM", MonthFirst, ""},
	{"01/03/2024 24:00", MonthFirst, ""},
	{"01-03-2024", DateOrderAuto, ""},
}

func TestParseTime(t *testing.T) {
	for _, c := range timeCases {
		ms, _, _, err := parseTime([]byte(c.cell), c.order, c.order != DateOrderAuto, nil)
		if c.want == "" {
			if err == nil {
				t.Errorf("%q (%s): read as %s, want rejected", c.cell, c.order, time.UnixMilli(ms).UTC().Format(time.RFC3339Nano))
			}
			continue
		}
		if err != nil {
			t.Errorf("%q (%s): %v", c.cell, c.order, err)
			continue
		}
		want, _ := time.Parse(time.RFC3339Nano, c.want)
		if ms != want.UnixMilli() {
			t.Errorf("%q (%s): %s, want %s", c.cell, c.order, time.UnixMilli(ms).UTC().Format(time.RFC3339Nano), c.want)
		}
	}
	// A zone for times written without one; Unix times and offsets keep theirs.
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	for cell, want := range map[string]string{
		"01.03.2024 17:20":          "2024-03-01T16:20:00Z", // CET, +01:00
		"01.07.2024 17:20":          "2024-07-01T15:20:00Z", // CEST, +02:00
		"2024-03-01T17:20:00+05:00": "2024-03-01T12:20:00Z",
		"1709312400":                "2024-03-01T17:00:00Z",
	} {
		ms, _, _, err := parseTime([]byte(cell), DateOrderAuto, false, berlin)
		w, _ := time.Parse(time.RFC3339, want)
		if err != nil || ms != w.UnixMilli() {
			t.Errorf("%q in Berlin: %s %v, want %s", cell, time.UnixMilli(ms).UTC().Format(time.RFC3339), err, want)
		}
	}
}

func FuzzParseNumber(f *testing.F) {
	for _, c := range numberCases {
		f.Add(c.cell, uint8(0))
		f.Add(c.cell, uint8(3))
	}
	styles := []numberStyle{unknown, autoComma, forcedDot, forcedCom}
	f.Fuzz(func(t *testing.T, cell string, which uint8) {
		st := styles[int(which)%len(styles)]
		got, reason := parseNumberCell([]byte(cell), st)
		if reason != "" {
			if st.comma != roleUnknown && strings.Contains(reason, "could be") {
				t.Fatalf("%q: ambiguous under a settled style: %s", cell, reason)
			}
			return
		}
		if math.IsNaN(got.v) || math.IsInf(got.v, 0) || got.v < 0 {
			t.Fatalf("%q: read as %v", cell, got.v)
		}
		low := strings.ToLower(cell)
		for _, bad := range []string{"x", "_", "inf", "nan", "p"} {
			if strings.Contains(low, bad) {
				t.Fatalf("%q: accepted although it holds %q", cell, bad)
			}
		}
		// Plain decimal text reads as strconv reads it.
		plain := cell != "" && strings.Count(cell, ".") <= 1 && strings.Trim(cell, "0123456789.") == "" && strings.Trim(cell, ".") != ""
		if plain && !(st.dot == roleGroup) && got.ev&evAmbDot == 0 {
			want, err := strconv.ParseFloat(cell, 64)
			if err == nil && want != got.v {
				t.Fatalf("%q: %v, strconv says %v", cell, got.v, want)
			}
		}
	})
}

func FuzzParseTime(f *testing.F) {
	for _, c := range timeCases {
		f.Add(c.cell, uint8(0))
		f.Add(c.cell, uint8(1))
	}
	orders := []DateOrder{DateOrderAuto, DayFirst, MonthFirst}
	f.Fuzz(func(t *testing.T, cell string, which uint8) {
		order := orders[int(which)%len(orders)]
		ms, format, _, err := parseTime([]byte(cell), order, order != DateOrderAuto, nil)
		if err != nil {
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("%q: error %q holds a line break", cell, err)
			}
			return
		}
		if ms < minMillis || ms > maxMillis {
			t.Fatalf("%q: %d ms is outside the years 1 to 9999", cell, ms)
		}
		tm := time.UnixMilli(ms).UTC()
		if _, err := tm.MarshalJSON(); err != nil {
			t.Fatalf("%q: %v does not marshal to JSON: %v", cell, tm, err)
		}
		// Day/month dates read back from the day and month they name.
		var again string
		switch {
		case strings.HasPrefix(string(format), "DD/MM/YYYY"):
			again = tm.Format("02/01/2006 15:04:05")
		case strings.HasPrefix(string(format), "MM/DD/YYYY"):
			again = tm.Format("01/02/2006 15:04:05")
		case strings.HasPrefix(string(format), "DD.MM.YYYY"):
			again = tm.Format("02.01.2006 15:04:05")
		default:
			return
		}
		ms2, _, _, err := parseTime([]byte(again), order, false, nil)
		if order == DateOrderAuto {
			if strings.HasPrefix(string(format), "MM/") {
				ms2, _, _, err = parseTime([]byte(again), MonthFirst, false, nil)
			} else {
				ms2, _, _, err = parseTime([]byte(again), DayFirst, false, nil)
			}
		}
		if err != nil || ms2/1000 != ms/1000 {
			t.Fatalf("%q read as %s; %q reads back as %d (%v), want %d", cell, tm, again, ms2, err, ms)
		}
	})
}

func FuzzNormalizeHeader(f *testing.F) {
	for _, s := range []string{"User ID", "userId", "Source / Medium", "MCF Channel Grouping Path", "event_timestamp", "ÄÖÜ Kunden-Nr.", "  ", "a__b", "ID", "userID2x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := normalizeHeader(s)
		if again := normalizeHeader(n); again != n {
			t.Fatalf("%q -> %q -> %q: not idempotent", s, n, again)
		}
		if strings.HasPrefix(n, "_") || strings.HasSuffix(n, "_") || strings.Contains(n, "__") {
			t.Fatalf("%q -> %q: stray separators", s, n)
		}
		for _, r := range n {
			if r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				t.Fatalf("%q -> %q: holds %q", s, n, r)
			}
			if unicode.ToLower(r) != r {
				t.Fatalf("%q -> %q: upper case %q", s, n, r)
			}
		}
		if normalizeHeader(strings.ToLower(s)) != normalizeHeader(strings.ToLower(n)) && strings.ToLower(s) == s {
			t.Fatalf("%q: lower-case input normalises differently", s)
		}
	})
}

// FuzzImportExports starts from the realistic exports: whatever the
// bytes, an import either succeeds or fails with a *ParseError or a plain
// option error, and never panics.
func FuzzImportExports(f *testing.F) {
	for _, c := range exportCases {
		f.Add([]byte(c.export))
	}
	// UTF-16 as Excel's "Unicode text" writes it, and without a mark.
	f.Add(encodeUTF16(utf16Excel, binary.LittleEndian, true))
	f.Add(encodeUTF16(utf16Excel, binary.BigEndian, false))
	// Fields read from two columns, and two columns with one name.
	f.Add([]byte("user_pseudo_id,Date,Time,Session source,Session medium,Event name\nu,2024-03-01,17:20:05,google,cpc,session_start\nu,2024-03-02,9:05 PM,,,purchase\n"))
	f.Add([]byte("User ID,Event Time,Source,Source,,Converted\nc-1,2024-03-01 17:20,google,cpc,,No\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzImport(t, data, LayoutAuto) })
}

// Per-cell costs of the export parsers next to what they replace: plain
// strconv for numbers, the ISO-only timestamp parser for dates.
func BenchmarkCellNumberPlain(b *testing.B) {
	cell, st := []byte("716.41"), numberStyle{comma: roleGroup, dot: roleDecimal}
	for b.Loop() {
		parseNumberCell(cell, st)
	}
}

func BenchmarkCellNumberStrconv(b *testing.B) {
	cell := []byte("716.41")
	for b.Loop() {
		_, _ = strconv.ParseFloat(string(cell), 64)
	}
}

func BenchmarkCellNumberGrouped(b *testing.B) {
	cell, st := []byte("1.234,56 €"), numberStyle{comma: roleDecimal, dot: roleGroup}
	for b.Loop() {
		parseNumberCell(cell, st)
	}
}

func BenchmarkCellTimeISO(b *testing.B) {
	cell := []byte("2025-02-17T11:18:49Z")
	for b.Loop() {
		_, _, _, _ = parseTime(cell, DateOrderAuto, false, nil)
	}
}

func BenchmarkCellTimeISOOnly(b *testing.B) {
	cell := []byte("2025-02-17T11:18:49Z")
	for b.Loop() {
		_, _, _, _ = parseISO(cell)
	}
}

func BenchmarkCellTimeDayMonth(b *testing.B) {
	cell := []byte("03/14/2024 11:45 AM")
	for b.Loop() {
		_, _, _, _ = parseTime(cell, MonthFirst, false, nil)
	}
}
