package attribution

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

// importRejectCases are malformed inputs and the line their error must
// name. TestImportRejects checks them; the fuzz targets start from them.
var importRejectCases = []struct {
	name   string
	layout Layout
	data   string
	line   int
}{
	{"empty", LayoutPaths, "", 1},
	{"empty", LayoutTouches, "", 1},
	{"header only", LayoutPaths, "path,total_conversions\n", 2},
	{"header only", LayoutTouches, "journey_id,timestamp,channel,conversion\n", 2},
	{"missing column", LayoutPaths, "path,nulls\nA,1\n", 1},
	{"missing column", LayoutTouches, "journey_id,timestamp,channel\nu,2024-01-01,A\n", 1},
	{"ragged", LayoutPaths, "path,conv\nA,1\nB,1,5\n", 3},
	{"bad number", LayoutPaths, "path,conv\nA,1\nB,x\n", 3},
	{"negative count", LayoutPaths, "path,conv,value,nulls\nA,1,1,1\nB,1,1,-1\n", 3},
	{"NaN", LayoutPaths, "path;conv;value\nA;1;NaN\n", 2},
	{"too large", LayoutPaths, "path\tconv\nA\t1e400\n", 2},
	{"unterminated quote", LayoutPaths, "path,conv\nA,1\n\"B,1\nC,1\n", 3},
	{"text after quote", LayoutPaths, "path,conv\n\"A\"B,1\n", 2},
	{"not UTF-8", LayoutPaths, "path,conv\nA,1\n\xffB,1\n", 3},
	{"ragged after quoted newline", LayoutPaths, "path,conv\n\"A\n>B\",1\nC\n", 4},
	{"CRLF ragged", LayoutPaths, "\xEF\xBB\xBFpath,conv\r\nA,1\r\nB,1,2\r\n", 3},
	{"date 31/02/2024", LayoutTouches, "journey_id,timestamp,channel,conversion\nu,31/02/2024,A,0\n", 2},
	{"date 2024-02-31", LayoutTouches, "journey_id,timestamp,channel,conversion\nu,2024-01-01,A,0\nu,2024-02-31,A,1\n", 3},
	{"time 24:00", LayoutTouches, "journey_id,timestamp,channel,conversion\nu,2024-02-01 24:00:00,A,0\n", 2},
	{"bad zone", LayoutTouches, "journey_id,timestamp,channel,conversion\nu,2024-02-01T10:00:00+25:00,A,0\n", 2},
	{"18-digit epoch", LayoutTouches, "journey_id,timestamp,channel,conversion\nu,123456789012345678,A,0\n", 2},
	{"year 0", LayoutTouches, "journey_id,timestamp,channel,conversion\nu,2024-01-01,A,0\nu,0000-01-01,A,1\n", 3},
	{"year 10000 by offset", LayoutTouches, "journey_id,timestamp,channel,conversion\nu,9999-12-31T23:30:00-01:00,A,1\n", 2},
	{"hex float", LayoutPaths, "path,conv\nA,1\nB,0x1p4\n", 3},
	{"Inf", LayoutPaths, "path,conv\nA,Inf\n", 2},
	{"underscore", LayoutPaths, "path,conv\nA,1_000\n", 2},
	{"value on non-conversion", LayoutTouches, "uid,ts,source,converted,revenue\nu,1700000000,A,1,3\nu,1700000001,A,0,abc\n", 3},
	{"12-hour clock 13 PM", LayoutTouches, "uid,ts,source,converted\nu,03/13/2024 13:00 PM,A,0\n", 2},
	{"bad flag", LayoutTouches, "journey_id,timestamp,channel,conversion\nu,2024-01-01,A,2\n", 2},
	{"negative value", LayoutTouches, "uid,ts,source,converted,revenue\nu,1700000000,A,1,-3\n", 2},
	{"cost without channel", LayoutTouches, "uid,ts,source,converted,revenue,cost\nu,1700000000,,1,3,2\n", 2},
	{"no journey id", LayoutTouches, "uid,ts,source,converted\n,1700000000,A,0\n", 2},
	{"touch without channel", LayoutTouches, "uid,ts,source,converted\nu,1700000000,,0\n", 2},
}

// TestImportRejects: every malformed input gives a *ParseError naming the
// file and the line.
func TestImportRejects(t *testing.T) {
	for _, c := range importRejectCases {
		t.Run(string(c.layout)+"/"+c.name, func(t *testing.T) {
			_, err := Import(context.Background(), strings.NewReader(c.data), ImportOptions{File: "bad.csv", Layout: c.layout})
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a *ParseError", err)
			}
			if pe.File != "bad.csv" || pe.Line != c.line {
				t.Errorf("error at %s line %d, want bad.csv line %d: %v", pe.File, pe.Line, c.line, err)
			}
			if want := fmt.Sprintf("bad.csv:%d:", c.line); !strings.HasPrefix(err.Error(), want) {
				t.Errorf("message %q does not begin %q", err, want)
			}
		})
	}
}

// durationCases are hand-checked ParseDuration inputs; ok false means the
// input must be rejected.
var durationCases = []struct {
	in   string
	want time.Duration
	ok   bool
}{
	{"7d", 7 * 24 * time.Hour, true},
	{"30d", 30 * 24 * time.Hour, true},
	{"12h", 12 * time.Hour, true},
	{"1w", 7 * 24 * time.Hour, true},
	{"1d12h", 36 * time.Hour, true},
	{"1.5d", 36 * time.Hour, true},
	{"90m", 90 * time.Minute, true},
	{"45s", 45 * time.Second, true},
	{"250ms", 250 * time.Millisecond, true},
	{"1h30m15s", time.Hour + 30*time.Minute + 15*time.Second, true},
	{" 7d ", 7 * 24 * time.Hour, true},
	{"0", 0, true},
	{"0d", 0, true},
	{"36500d", 36500 * 24 * time.Hour, true}, // exactly 100 years of 365 days
	{"36501d", 0, false},                     // over 100 years
	{"", 0, false},
	{"-7d", 0, false},
	{"-0", 0, false},
	{"7", 0, false},
	{"00", 0, false},
	{"d", 0, false},
	{"7x", 0, false},
	{"7 d", 0, false},
	{"1e3d", 0, false},
	{"1..5d", 0, false},
	{"NaNd", 0, false},
	{"Infd", 0, false},
}

// TestParseDuration checks the hand-worked table, and that FormatDuration
// writes what ParseDuration reads back.
func TestParseDuration(t *testing.T) {
	for _, c := range durationCases {
		got, err := ParseDuration(c.in)
		switch {
		case c.ok && (err != nil || got != c.want):
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", c.in, got, err, c.want)
		case !c.ok && err == nil:
			t.Errorf("ParseDuration(%q) = %v, want an error", c.in, got)
		}
	}
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0"},
		{7 * 24 * time.Hour, "7d"},
		{36 * time.Hour, "36h"},
		{90 * time.Minute, "90m"},
		{45 * time.Second, "45s"},
		{1500 * time.Millisecond, "1500ms"},
	} {
		if got := FormatDuration(c.d); got != c.want {
			t.Errorf("FormatDuration(%v) = %q, want %q", c.d, got, c.want)
		}
		if back, err := ParseDuration(c.want); err != nil || back != c.d {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", c.want, back, err, c.d)
		}
	}
}

// checkImported asserts what must hold of any import that succeeded: the
// summary adds up, and every model the data allows runs, credits every
// channel with a finite non-negative amount, and sums to the totals.
func checkImported(t *testing.T, ds *Dataset) {
	t.Helper()
	ps, s := ds.Paths, ds.Summary
	if s.RowsAccepted+s.RowsRejected != s.RowsRead || s.RowsAccepted == 0 {
		t.Fatalf("summary: %d rows read, %d accepted, %d rejected", s.RowsRead, s.RowsAccepted, s.RowsRejected)
	}
	conv, value, nulls := ps.Totals()
	for what, v := range map[string]float64{"conversions": conv, "value": value, "nulls": nulls,
		"unattributed conversions": ps.UnattributedConversions, "unattributed value": ps.UnattributedValue} {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			t.Fatalf("imported %s = %g, want a finite number ≥ 0", what, v)
		}
	}
	if !near(s.Conversions, conv+ps.UnattributedConversions, s.Conversions) {
		t.Errorf("summary has %g conversions; paths %g + unattributed %g", s.Conversions, conv, ps.UnattributedConversions)
	}
	if s.Channels != len(ps.Channels) {
		t.Errorf("summary has %d channels, the paths %d", s.Channels, len(ps.Channels))
	}
	for order := 1; order <= 2; order++ {
		opts := Options{Order: order}
		if order > 1 {
			opts.Models = []string{Markov}
		}
		results, err := Run(context.Background(), ps, opts)
		if err != nil {
			t.Fatalf("order %d: %v", order, err)
		}
		for _, r := range results {
			wantConv, wantValue := conv, value
			if r.Model == TimeDecay {
				// Time-decay counts converting journeys one by one.
				wantConv, wantValue = 0, 0
				for i := 0; i < ps.Timed.Len(); i++ {
					_, _, v := ps.Timed.Journey(i)
					wantConv++
					wantValue += v
				}
			}
			label := fmt.Sprintf("order %d", order)
			if !slices.Equal(r.Channels, ps.Channels) {
				t.Fatalf("%s %s: channels %q, want %q", label, r.Model, r.Channels, ps.Channels)
			}
			checkFuzzCredit(t, label, r, wantConv, wantValue)
		}
	}
}

// checkFuzzCredit is checkCredit for fuzzing: same sums, no known channel
// list.
func checkFuzzCredit(t *testing.T, label string, r *Result, wantConv, wantValue float64) {
	t.Helper()
	var sc, sv float64
	for i := range r.Channels {
		for _, v := range []float64{r.Conversions[i], r.Value[i], r.Share[i]} {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < -relTol {
				t.Fatalf("%s %s: %s credited %g / %g / %g, want finite numbers ≥ 0", label, r.Model, r.Channels[i], r.Conversions[i], r.Value[i], r.Share[i])
			}
		}
		if r.RemovalEffect != nil {
			if re := r.RemovalEffect[i]; math.IsNaN(re) || re < 0 || re > 1 {
				t.Fatalf("%s %s: %s removal effect %g, want 0 to 1", label, r.Model, r.Channels[i], re)
			}
		}
		sc += r.Conversions[i]
		sv += r.Value[i]
	}
	if !near(r.TotalConversions, wantConv, wantConv) || !near(r.TotalValue, wantValue, wantValue) {
		t.Fatalf("%s %s: totals %.17g worth %.17g, the data has %.17g worth %.17g", label, r.Model, r.TotalConversions, r.TotalValue, wantConv, wantValue)
	}
	if !near(sc, wantConv, wantConv) || !near(sv, wantValue, wantValue) {
		t.Fatalf("%s %s: credits sum to %.17g conversions worth %.17g, want %.17g worth %.17g", label, r.Model, sc, sv, wantConv, wantValue)
	}
}

// fuzzImport imports data as layout: either a *ParseError at a line the
// data has, or a dataset that checkImported accepts.
func fuzzImport(t *testing.T, data []byte, layout Layout) {
	for _, lookback := range []time.Duration{0, UnlimitedLookback} {
		ds, err := Import(context.Background(), bytes.NewReader(data), ImportOptions{File: "fuzz.csv", Layout: layout, Lookback: lookback})
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error is not a *ParseError: %v", err)
			}
			if pe.File != "fuzz.csv" || pe.Line < 0 || pe.Line > bytes.Count(data, []byte{'\n'})+2 {
				t.Fatalf("error names %s line %d of a %d-line input: %v", pe.File, pe.Line, bytes.Count(data, []byte{'\n'})+1, err)
			}
			return
		}
		checkImported(t, ds)
		if layout == LayoutPaths {
			return // the lookback window is for touch logs only
		}
	}
}

func FuzzImportPaths(f *testing.F) {
	for _, c := range workedPathCases {
		f.Add([]byte(c.csv))
	}
	for _, c := range importRejectCases {
		if c.layout == LayoutPaths {
			f.Add([]byte(c.data))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) { fuzzImport(t, data, LayoutPaths) })
}

func FuzzImportTouches(f *testing.F) {
	f.Add([]byte(touchesSmallCSV))
	for _, c := range importRejectCases {
		if c.layout == LayoutTouches {
			f.Add([]byte(c.data))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) { fuzzImport(t, data, LayoutTouches) })
}

// FuzzParseDuration: no panic; never a negative duration or one over 100
// years; a whole number of milliseconds reads back from FormatDuration.
func FuzzParseDuration(f *testing.F) {
	for _, c := range durationCases {
		f.Add(c.in)
	}
	const limit = 100 * 365 * 24 * time.Hour
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			return
		}
		if d < 0 || d > limit {
			t.Fatalf("ParseDuration(%q) = %v: outside 0 to 100 years", s, d)
		}
		if strings.Contains(s, "-") {
			t.Fatalf("ParseDuration(%q) = %v: a negative sign was accepted", s, d)
		}
		if d%time.Millisecond != 0 {
			return
		}
		text := FormatDuration(d)
		back, err := ParseDuration(text)
		if err != nil || back != d {
			t.Fatalf("ParseDuration(%q) = %d ns; FormatDuration writes %q, which reads back as %d ns, %v", s, int64(d), text, int64(back), err)
		}
	})
}
