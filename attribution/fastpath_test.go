package attribution

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/attrlab/attrlab/synth"
)

// plainPaths is a path table read the slow, obvious way (encoding/csv, a
// map per name and per path, sums in file order): the independent
// reference for the import's fast paths.
type plainPaths struct {
	channels []string
	paths    [][]int32
	conv     []float64
	value    []float64
	nulls    []float64
}

func readPlainPaths(t *testing.T, data []byte) plainPaths {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	num := func(rec []string, name string) float64 {
		i, ok := col[name]
		if !ok || strings.TrimSpace(rec[i]) == "" {
			return 0
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(rec[i]), 64)
		if err != nil {
			t.Fatalf("%q: %v", rec[i], err)
		}
		return v
	}
	var p plainPaths
	channelID := map[string]int32{}
	pathID := map[string]int{}
	for _, rec := range recs[1:] {
		var path []int32
		for _, tok := range strings.Split(rec[col["path"]], ">") {
			tok = strings.TrimSpace(tok)
			if tok == "" {
				continue
			}
			id, ok := channelID[tok]
			if !ok {
				id = int32(len(p.channels))
				channelID[tok] = id
				p.channels = append(p.channels, tok)
			}
			path = append(path, id)
		}
		if len(path) == 0 {
			continue
		}
		key := fmt.Sprint(path)
		i, ok := pathID[key]
		if !ok {
			i = len(p.paths)
			pathID[key] = i
			p.paths = append(p.paths, path)
			p.conv, p.value, p.nulls = append(p.conv, 0), append(p.value, 0), append(p.nulls, 0)
		}
		p.conv[i] += num(rec, "total_conversions")
		p.value[i] += num(rec, "total_conversion_value")
		p.nulls[i] += num(rec, "total_null")
	}
	return p
}

// shortQuotedTable writes the benchmark's second shape: two-letter names,
// one to three touches, every path quoted, and each path written twice so
// that rows merge.
func shortQuotedTable(rows int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	var b bytes.Buffer
	b.WriteString("path,total_conversions,total_conversion_value,total_null\n")
	for i := 0; i < rows; i++ {
		var names []string
		for t := 0; t <= rng.IntN(3); t++ {
			c := rng.IntN(60)
			names = append(names, string(rune('a'+c/26))+string(rune('a'+c%26)))
		}
		conv := rng.IntN(4)
		value := "0"
		if conv > 0 {
			value = strconv.FormatFloat(float64(conv)*(10+float64(rng.IntN(9000))/100), 'f', 2, 64)
		}
		row := fmt.Sprintf("%q,%d,%s,%d\n", strings.Join(names, " > "), conv, value, rng.IntN(7))
		b.WriteString(row)
		if i%3 == 0 {
			b.WriteString(row)
		}
	}
	return b.Bytes()
}

// TestImportPathsBitIdenticalToPlainReader checks the path-table import —
// chunked parsing, the path table, the one-pass separator split, the name
// hash — against readPlainPaths: the same channels in the same order, the
// same distinct paths in the same order, and sums equal to the last bit.
// With the same PathSet every model computes the same bits, so the
// attribute output is byte-identical to a reader with no fast path.
func TestImportPathsBitIdenticalToPlainReader(t *testing.T) {
	files := map[string][]byte{}
	for _, name := range []string{"ex1_three_paths.csv", "ex2_order2.csv", "ex2b_repeats.csv", "pathdata.csv"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "shared", "data", "reference", name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = data
	}
	for _, c := range []struct{ channels, paths int }{{8, 30000}, {60, 5000}, {2000, 8000}} {
		var b bytes.Buffer
		if err := synth.WritePaths(&b, synth.Options{Channels: c.channels, Paths: c.paths, Seed: 9}); err != nil {
			t.Fatal(err)
		}
		files[fmt.Sprintf("gen-%dch", c.channels)] = b.Bytes()
	}
	files["short-quoted"] = shortQuotedTable(40000, 4)
	rng := rand.New(rand.NewPCG(2, 2))
	rows := pathGen{channels: 9, rows: 3000, minLen: 1, maxLen: 5, fractional: true, nulls: true, repeats: true}.generate(rng)
	files["random-with-duplicates"] = writePathCSV(append(rows, rows...), true)

	for name, data := range files {
		want := readPlainPaths(t, data)
		ps := importBytes(t, name, data, ImportOptions{}).Paths
		if !slicesEqual(ps.Channels, want.channels) {
			t.Errorf("%s: channels %v, want %v", name, ps.Channels, want.channels)
			continue
		}
		if ps.Len() != len(want.paths) {
			t.Errorf("%s: %d distinct paths, want %d", name, ps.Len(), len(want.paths))
			continue
		}
		for i := 0; i < ps.Len(); i++ {
			path, conv, value, nulls := ps.Path(i)
			if fmt.Sprint(path) != fmt.Sprint(want.paths[i]) ||
				math.Float64bits(conv) != math.Float64bits(want.conv[i]) ||
				math.Float64bits(value) != math.Float64bits(want.value[i]) ||
				math.Float64bits(nulls) != math.Float64bits(want.nulls[i]) {
				t.Errorf("%s: path %d = %v %v %v %v, want %v %v %v %v", name, i, path, conv, value, nulls,
					want.paths[i], want.conv[i], want.value[i], want.nulls[i])
				break
			}
		}
	}
}

func slicesEqual(a, b []string) bool { return slices.Equal(a, b) }

// TestTouchRowsKeepsConversionsApart checks the touch-log row store: flags
// across word boundaries and each conversion's value found by its row.
func TestTouchRowsKeepsConversionsApart(t *testing.T) {
	var r touchRows
	rng := rand.New(rand.NewPCG(3, 3))
	var wantConv []bool
	var wantValue []float64
	for i := 0; i < 1000; i++ {
		isConv := rng.IntN(5) == 0
		value := 0.0
		if isConv {
			value = float64(i) + 0.25
		}
		r.add(int32(i%7), int64(i), int32(i%3)-1, isConv, value)
		wantConv, wantValue = append(wantConv, isConv), append(wantValue, value)
	}
	for i := range wantConv {
		if r.isConv(int32(i)) != wantConv[i] {
			t.Fatalf("row %d: conversion %v, want %v", i, r.isConv(int32(i)), wantConv[i])
		}
		if wantConv[i] && r.value(int32(i)) != wantValue[i] {
			t.Fatalf("row %d: value %v, want %v", i, r.value(int32(i)), wantValue[i])
		}
		if r.journey[i] != int32(i%7) || r.at[i] != int64(i) || r.channel[i] != int32(i%3)-1 {
			t.Fatalf("row %d: %d %d %d", i, r.journey[i], r.at[i], r.channel[i])
		}
	}
}

// TestSimpleDecimalMatchesParseFloat checks the number fast path against
// strconv.ParseFloat bit for bit, and that it declines what it cannot
// parse exactly so the general path (and its error messages) takes over.
func TestSimpleDecimalMatchesParseFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	cells := []string{"0", "7", "0.5", "10.25", "716.41", "123456789012345", "99999999.9999999", "0.000000001", "1.0", "000.10"}
	for i := 0; i < 200000; i++ {
		digits := 1 + rng.IntN(15)
		var b []byte
		for j := 0; j < digits; j++ {
			b = append(b, byte('0'+rng.IntN(10)))
		}
		if digits > 1 && rng.IntN(2) == 0 {
			at := 1 + rng.IntN(digits-1)
			b = append(b[:at], append([]byte{'.'}, b[at:]...)...)
		}
		cells = append(cells, string(b))
	}
	for _, c := range cells {
		got, ok := simpleDecimal([]byte(c))
		want, err := strconv.ParseFloat(c, 64)
		if err != nil {
			t.Fatalf("%q: %v", c, err)
		}
		if want != 0 && want < MinCell {
			if ok {
				t.Errorf("%q: fast path took %g, below MinCell", c, got)
			}
			continue
		}
		if !ok || math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("%q: %v, %v; ParseFloat %v", c, got, ok, want)
		}
	}
	for _, c := range []string{"", ".5", "5.", "1.2.3", "-1", "+1", "1e5", "1,5", " 1", "1234567890123456", "0x10", "1_000", "NaN", "٣"} {
		if v, ok := simpleDecimal([]byte(c)); ok {
			t.Errorf("%q: fast path took it as %g; want the general path", c, v)
		}
	}
}

// FuzzSplitSimpleQuoted: whenever the aliasing split of a quoted line
// takes it, its fields are those of readQuoted, the general parser.
func FuzzSplitSimpleQuoted(f *testing.F) {
	for _, s := range []string{`"a > b",1,2`, `"",x`, `x,"y"`, `"a,b",`, `"a""b",1`, `"a"b,1`, `a"b,1`,
		`"ab > cd",3,116.58,0`, `"x",,"y",`, `"open`, `"a";"b"`} {
		f.Add([]byte(s), byte(','))
	}
	f.Add([]byte(`"a";"b";c`), byte(';'))
	f.Fuzz(func(t *testing.T, line []byte, delim byte) {
		if delim == '"' || delim == '\n' || delim == '\r' || bytes.ContainsAny(line, "\r\n") {
			return
		}
		fast := newRecordReader(&sliceSource{}, delim)
		if !fast.splitSimpleQuoted(line) {
			return
		}
		slow := newRecordReader(&sliceSource{}, delim)
		want, err := slow.readQuoted(line)
		if err != nil {
			t.Fatalf("%q: the fast split took a line readQuoted rejects: %v", line, err)
		}
		if len(fast.fields) != len(want) {
			t.Fatalf("%q: %d fields, readQuoted %d", line, len(fast.fields), len(want))
		}
		for i := range want {
			if !bytes.Equal(fast.fields[i], want[i]) {
				t.Fatalf("%q: field %d %q, readQuoted %q", line, i, fast.fields[i], want[i])
			}
		}
	})
}
