package attribution

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"
)

// sameTouchesAsGeneralReader is sameAsGeneralReader for a touch log.
func sameTouchesAsGeneralReader(t *testing.T, label string, data []byte, opts ImportOptions) importOutcome {
	t.Helper()
	opts.Layout = LayoutTouches
	return sameAsGeneralReader(t, label, data, opts)
}

// messyTouchLog is oddTouchLog (journeys interleaved across chunks, times
// out of order, ties, conversions without a channel, ignored values,
// costs, touches outside the window) with every kind of row the fast
// scanner leaves to the general reader mixed in: quoted cells (with the
// delimiter inside, and a quoted newline), non-ASCII ids and channels,
// blank lines, CRLF and bare CR endings, too many and too few fields,
// padded cells, and bad cells (timestamp, flag, number, an empty journey)
// that reject the row. The last row has no newline.
func messyTouchLog(rows int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 21))
	lines := strings.Split(strings.TrimSuffix(string(oddTouchLog(rows, seed)), "\n"), "\n")
	var b strings.Builder
	b.WriteString(lines[0] + "\n")
	for _, l := range lines[1:] {
		f := strings.Split(l, ",")
		switch rng.IntN(40) {
		case 0:
			f[2] = `"` + f[2] + `, inc"`
		case 1:
			f[0] = `"` + f[0] + `"`
		case 2:
			f[0] += "é"
		case 3:
			f[2] = "affiliés"
		case 4:
			b.WriteString("\n")
		case 5:
			l = strings.Join(f, ",") + "\r"
			b.WriteString(l + "\n")
			continue
		case 6:
			f = append(f, "extra")
		case 7:
			f = f[:len(f)-1]
		case 8:
			f[1] = "2025-13-01T00:00:00Z"
		case 9:
			f[3] = "maybe"
		case 10:
			f[5] = "-1"
		case 11:
			f[0] = " "
		case 12:
			f[2] = "  " + f[2] + " "
		case 13:
			f[2] = `"two` + "\n" + `lines"`
		case 14:
			f[3] = "TRUE"
		case 15:
			f[4] = "1e2"
		}
		b.WriteString(strings.Join(f, ",") + "\n")
	}
	return []byte(strings.TrimSuffix(b.String(), "\n"))
}

// TestTouchRowsMatchGeneralReader: on touch logs of a few megabytes
// (many chunks) with every kind of odd row, skipping bad rows or stopping
// at the first, with and without a lookback window and periods, the fast
// row scanner and the general reader import the same, bit for bit. The
// general reader is itself checked against an independent reading in
// TestImportTouchesBitIdenticalToPlainReader.
func TestTouchRowsMatchGeneralReader(t *testing.T) {
	data := messyTouchLog(80000, 5)
	for _, opts := range []ImportOptions{
		{File: "messy.csv", SkipBadRows: true},
		{File: "messy.csv", SkipBadRows: true, Lookback: UnlimitedLookback, By: "month"},
		{File: "messy.csv", SkipBadRows: true, Lookback: 7 * 24 * time.Hour},
		{File: "messy.csv"}, // stops at the first bad row
	} {
		label := fmt.Sprintf("skip %v, lookback %v, by %q", opts.SkipBadRows, opts.Lookback, opts.By)
		got := sameTouchesAsGeneralReader(t, label, data, opts)
		if opts.SkipBadRows && (got.err != "" || len(got.rejects) < 100 || got.summary.RowsAccepted < 60000) {
			t.Fatalf("%s: the log should import with many rejects: error %q, %d rejects, %d accepted",
				label, got.err, len(got.rejects), got.summary.RowsAccepted)
		}
		if !opts.SkipBadRows && got.err == "" {
			t.Fatalf("%s: the log should stop at its first bad row", label)
		}
	}
	// The clean log, the fast scanner's every row, in a semicolon variant
	// and with CRLF endings too.
	clean := oddTouchLog(30000, 6)
	for name, d := range map[string][]byte{
		"clean":     clean,
		"semicolon": bytes.ReplaceAll(clean, []byte(","), []byte(";")),
		"crlf":      bytes.ReplaceAll(clean, []byte("\n"), []byte("\r\n")),
	} {
		got := sameTouchesAsGeneralReader(t, name, d, ImportOptions{File: name + ".csv"})
		if got.err != "" || got.summary.RowsAccepted != 30000 {
			t.Fatalf("%s: error %q, %d rows accepted, want 30000", name, got.err, got.summary.RowsAccepted)
		}
	}
}

// TestTouchRowsDeferredDateOrder: dates that read both ways (day first or
// month first) are settled by the whole column, after the chunks are
// merged; the fast scanner must leave the same evidence as the general
// reader, whether a late row settles the order or none does.
func TestTouchRowsDeferredDateOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	var b strings.Builder
	b.WriteString("journey_id,timestamp,channel,conversion\n")
	for i := range 40000 {
		fmt.Fprintf(&b, "j%d,%02d/%02d/2025 %02d:%02d,%s,%d\n", rng.IntN(9000), 1+rng.IntN(12), 1+rng.IntN(12),
			rng.IntN(24), rng.IntN(60), []string{"email", "search", "social"}[i%3], rng.IntN(2))
	}
	undecided := b.String()
	for name, d := range map[string]string{
		"settled late": undecided + "j1,25/12/2025 10:00,email,1\n",
		"undecided":    undecided,
	} {
		got := sameTouchesAsGeneralReader(t, name, []byte(d), ImportOptions{File: name + ".csv"})
		if name == "settled late" && got.err != "" {
			t.Fatalf("%s: %s", name, got.err)
		}
	}
}

// FuzzTouchRowsMatchGeneralReader: on any touch log, skipping bad rows or
// stopping at the first, the fast row scanner and the general reader
// import the same.
func FuzzTouchRowsMatchGeneralReader(f *testing.F) {
	for _, s := range []string{
		"u1,2025-01-01T00:00:00Z,email,0,,0.5\nu1,2025-01-02T00:00:00Z,,1,10,\n",
		"u1,2025-01-01,email,1,5,1\r\nu2,2025-01-01,x,0,,\r\n", "\n\nu1,2025-01-01,a,1,2,3",
		"\"u,1\",2025-01-01,a,1,,\n", "u1,2025-01-01,\"a\nb\",1,,\n", "u1,2025-01-01,a,1,,,\n", "u1,2025-01-01,a\n",
		"ü,2025-01-01,é,1,,\n", "u1,2025-01-01,a,1,,\r", "u1,2025-01-01,a,yes,1.234,\n", "u1, 2025-01-01 ,a ,1,,\n",
		"u1,13/01/2025,a,1,,\nu1,01/02/2025,b,0,,\n", "u1,2025-01-01,a,x,,\n", ",2025-01-01,a,1,,\n",
		// A row the general reader stops at, then a bad one the scanner
		// must not read (it did, and reported the later row).
		"0\n,,,,,\n",
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, body []byte, skip bool) {
		data := append([]byte("journey_id,timestamp,channel,conversion,conversion_value,cost\n"), body...)
		sameTouchesAsGeneralReader(t, fmt.Sprintf("%q", body), data, ImportOptions{File: "fuzz.csv", SkipBadRows: skip})
	})
}

// TestTouchSpendSumsInFileOrder: a channel's spend is its rows' costs
// summed in file order, to the last bit, however the log is cut into
// chunks: checked against a sequential sum over encoding/csv's reading,
// on a log of many chunks imported several times (the chunks' sizes
// follow which buffers are free, which varies from run to run; spend
// summed per chunk differed in its last digits between runs).
func TestTouchSpendSumsInFileOrder(t *testing.T) {
	data := oddTouchLog(300000, 7)
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{}
	for _, rec := range recs[1:] {
		if rec[2] == "" {
			continue
		}
		var cost float64
		if rec[5] != "" {
			if cost, err = strconv.ParseFloat(rec[5], 64); err != nil {
				t.Fatal(err)
			}
		}
		want[rec[2]] += cost
	}
	for run := range 4 {
		ds, err := Import(context.Background(), bytes.NewReader(data), ImportOptions{File: "spend.csv"})
		if err != nil {
			t.Fatal(err)
		}
		if len(ds.Spend) != len(want) {
			t.Fatalf("run %d: spend for %d channels, want %d", run, len(ds.Spend), len(want))
		}
		for _, s := range ds.Spend {
			if math.Float64bits(s.Spend) != math.Float64bits(want[s.Channel]) {
				t.Fatalf("run %d: %s spend %v, want %v (summed in file order)", run, s.Channel, s.Spend, want[s.Channel])
			}
		}
	}
}

// TestParseFlagMatchesFlagWords checks parseFlag, with its shortcut for
// "0" and "1", against bytes.EqualFold over every flag word: on every cell
// of one or two bytes and on each flag word in upper, lower and mixed case.
func TestParseFlagMatchesFlagWords(t *testing.T) {
	want := func(cell []byte) int {
		if len(cell) == 0 {
			return 0
		}
		for _, w := range flagWords {
			if bytes.EqualFold(cell, w.word) {
				return w.flag
			}
		}
		return -1
	}
	var cells [][]byte
	for a := range 256 {
		cells = append(cells, []byte{byte(a)})
		for b := range 256 {
			cells = append(cells, []byte{byte(a), byte(b)})
		}
	}
	for _, w := range flagWords {
		cells = append(cells, w.word, bytes.ToUpper(w.word), []byte(strings.ToTitle(string(w.word[:1]))+string(w.word[1:])))
	}
	for _, c := range cells {
		if got := parseFlag(c); got != want(c) {
			t.Fatalf("parseFlag(%q) = %d, want %d", c, got, want(c))
		}
	}
}
