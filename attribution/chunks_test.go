package attribution

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// bigPathTable writes a path table of n rows (spanning several chunks), with
// a quoted multi-line path cell every 1000 rows so that physical lines and
// rows differ, and returns it with the physical line of each row.
func bigPathTable(n int) ([]byte, []int) {
	var b bytes.Buffer
	b.WriteString("path,total_conversions,total_conversion_value,total_null\n")
	line := 2
	lines := make([]int, n)
	for i := 0; i < n; i++ {
		lines[i] = line
		if i%1000 == 0 {
			// A newline inside quotes: one row, two physical lines.
			fmt.Fprintf(&b, "\"alpha > beta\n> gamma_%d\",1,2.5,3\n", i%7)
			line += 2
			continue
		}
		// Value only where there are conversions (i%3 > 0).
		value := "0"
		if i%3 > 0 {
			value = fmt.Sprintf("%d.25", i%11)
		}
		fmt.Fprintf(&b, "alpha > ch_%d > beta,%d,%s,1\n", i%50, i%3, value)
		line++
	}
	return b.Bytes(), lines
}

// TestChunkedImportLinesAndOrder checks that an import cut into chunks
// reports the same line numbers and rejects in the same order as the file.
func TestChunkedImportLinesAndOrder(t *testing.T) {
	const n = 120000 // about 4 MB: several chunks
	data, lines := bigPathTable(n)
	if len(data) < 3*chunkSize {
		t.Fatalf("test file is %d bytes, want several chunks", len(data))
	}
	// Break rows far apart, in different chunks.
	badRows := []int{5, 40001, 90002, n - 1}
	text := string(data)
	for _, r := range badRows {
		// Replace the conversions cell of row r with a bad number.
		old := fmt.Sprintf("alpha > ch_%d > beta,%d,", r%50, r%3)
		idx := nthRowOffset(text, lines[r])
		if !strings.HasPrefix(text[idx:], old) {
			t.Fatalf("row %d does not start as expected: %q", r, text[idx:idx+30])
		}
		text = text[:idx] + fmt.Sprintf("alpha > ch_%d > beta,x%d,", r%50, r%3) + text[idx+len(old):]
	}

	// Stop at the first bad row: its line, not a later one.
	_, err := Import(context.Background(), strings.NewReader(text), ImportOptions{File: "big.csv"})
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("want a ParseError, got %v", err)
	}
	if pe.Line != lines[badRows[0]] {
		t.Errorf("first error at line %d, want %d (%v)", pe.Line, lines[badRows[0]], err)
	}

	// Skip bad rows: every one reported, in file order, with its line.
	var got []int
	ds, err := Import(context.Background(), strings.NewReader(text), ImportOptions{File: "big.csv", SkipBadRows: true,
		OnReject: func(r RejectedRow) { got = append(got, r.Err.Line) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(badRows) {
		t.Fatalf("rejected lines %v, want %d of them", got, len(badRows))
	}
	for i, r := range badRows {
		if got[i] != lines[r] {
			t.Errorf("reject %d at line %d, want %d", i, got[i], lines[r])
		}
	}
	s := ds.Summary
	if s.RowsRead != n || s.RowsAccepted != n-len(badRows) || s.RowsRejected != len(badRows) {
		t.Errorf("rows read/accepted/rejected = %d/%d/%d, want %d/%d/%d", s.RowsRead, s.RowsAccepted, s.RowsRejected, n, n-len(badRows), len(badRows))
	}
	// Channel order is first appearance in the file, whatever the chunking.
	want := []string{"alpha", "beta", "gamma_0"}
	for i, w := range want {
		if ds.Paths.Channels[i] != w {
			t.Fatalf("channels start %v, want %v", ds.Paths.Channels[:3], want)
		}
	}
}

// nthRowOffset returns the byte offset where physical line `line` starts.
func nthRowOffset(text string, line int) int {
	off := 0
	for l := 1; l < line; l++ {
		off += strings.IndexByte(text[off:], '\n') + 1
	}
	return off
}

// TestChunkedImportMatchesSequential compares the chunked import with
// feeding the same rows one small file at a time (each a single chunk).
func TestChunkedImportMatchesSequential(t *testing.T) {
	data, _ := bigPathTable(60000)
	whole, err := Import(context.Background(), bytes.NewReader(data), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// An independent tally of conversions per distinct path text.
	want := map[string]float64{}
	recs := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	var total float64
	for i := 1; i < len(recs); i++ {
		r := recs[i]
		if strings.HasPrefix(r, "\"") { // the quoted two-line row
			r = r[1:] + " " + recs[i+1]
			i++
			r = strings.Replace(r, "\" ", " ", 1)
			r = strings.Replace(r, "\",", ",", 1)
		}
		f := strings.Split(r, ",")
		var conv float64
		fmt.Sscan(f[1], &conv)
		parts := strings.Split(f[0], ">")
		for k := range parts {
			parts[k] = strings.TrimSpace(parts[k])
		}
		want[strings.Join(parts, ">")] += conv
		total += conv
	}
	got := map[string]float64{}
	for i := 0; i < whole.Paths.Len(); i++ {
		path, conv, _, _ := whole.Paths.Path(i)
		names := make([]string, len(path))
		for k, c := range path {
			names[k] = whole.Paths.Channels[c]
		}
		got[strings.Join(names, ">")] += conv
	}
	if len(got) != len(want) {
		t.Fatalf("%d distinct paths, want %d", len(got), len(want))
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("path %q: %g conversions, want %g", k, got[k], v)
		}
	}
	if c, _, _ := whole.Paths.Totals(); c != total {
		t.Errorf("total conversions %g, want %g", c, total)
	}
}

// TestImportCancelled checks that a cancelled import stops with the
// context's error and no dataset.
func TestImportCancelled(t *testing.T) {
	data, _ := bigPathTable(100000)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ds, err := Import(ctx, bytes.NewReader(data), ImportOptions{})
	if !errors.Is(err, context.Canceled) || ds != nil {
		t.Fatalf("got %v, %v; want context.Canceled and no dataset", ds, err)
	}
}
