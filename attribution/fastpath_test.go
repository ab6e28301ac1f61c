package attribution

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
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
		got, dot, ok := simpleDecimal([]byte(c))
		if ok && dot != strings.IndexByte(c, '.') {
			t.Errorf("%q: dot at %d", c, dot)
		}
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
		if v, _, ok := simpleDecimal([]byte(c)); ok {
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

// mixedPathTable writes a path table whose plain rows (the fast scanner's)
// alternate with every kind of row it leaves to the general reader:
// padded, grouped and negative numbers, a required cell left empty, value
// without a conversion, too few or too many fields, a quoted path over two
// lines or with a doubled quote, blank lines, CRLF ends, and decimals
// such as 1.234 that are evidence about a column's number style.
func mixedPathTable(rows int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 3))
	var b bytes.Buffer
	b.WriteString("path,total_conversions,total_conversion_value,total_null\n")
	names := []string{"aa", "bb", "cc", "dd", "Paid Search", "ü"}
	for i := range rows {
		var toks []string
		for range 1 + rng.IntN(4) {
			toks = append(toks, names[rng.IntN(len(names))])
		}
		path := strings.Join(toks, " > ")
		conv, value, nulls := strconv.Itoa(rng.IntN(4)), "", strconv.Itoa(rng.IntN(9))
		if conv != "0" {
			value = strconv.FormatFloat(float64(rng.IntN(100000))/100, 'f', -1, 64)
		}
		row := fmt.Sprintf("%q,%s,%s,%s\n", path, conv, value, nulls)
		switch i % 97 {
		case 3:
			row = fmt.Sprintf("%s, %s ,%s,%s\n", path, conv, value, nulls)
		case 11:
			row = fmt.Sprintf("%s,%s,\"1,234.5\",%s\n", path, "2", nulls)
		case 17:
			row = fmt.Sprintf("%s,-1,,%s\n", path, nulls)
		case 23:
			row = fmt.Sprintf("%s,,,%s\n", path, nulls)
		case 29:
			row = fmt.Sprintf("%s,0,12.5,%s\n", path, nulls)
		case 31:
			row = fmt.Sprintf("%s,%s\n", path, conv)
		case 37:
			row = fmt.Sprintf("%s,%s,%s,%s,9\n", path, conv, value, nulls)
		case 41:
			row = fmt.Sprintf("\"%s >\n bb\",%s,%s,%s\n", path, conv, value, nulls)
		case 43:
			row = fmt.Sprintf("\"%s > say \"\"hi\"\"\",%s,%s,%s\n", path, conv, value, nulls)
		case 47:
			row = "\n" + row
		case 53:
			row = strings.TrimSuffix(row, "\n") + "\r\n"
		case 59:
			row = fmt.Sprintf("%s,1,1.234,%s\n", path, nulls)
		case 61:
			row = fmt.Sprintf("%s,1,1e3,%s\n", path, nulls)
		case 67:
			row = fmt.Sprintf("%s,1234567890123456,,%s\n", path, nulls)
		}
		b.WriteString(row)
	}
	return b.Bytes()
}

// TestFastRowsMatchGeneralReader imports path tables with the fast row
// scanner and with the general reader alone and requires the same
// outcome: the same summary, rejected rows (lines, columns, reasons,
// cells) in the same order, distinct paths and sums to the last bit, or
// the same first error when bad rows stop the import.
func TestFastRowsMatchGeneralReader(t *testing.T) {
	files := map[string][]byte{
		"mixed-small": mixedPathTable(3000, 1),
		"mixed-large": mixedPathTable(120000, 2), // several chunks
		"odd":         oddPathTable(20000, 5),
		"short":       shortQuotedTable(50000, 6),
	}
	// A byte that is not UTF-8 sends its chunk to the general reader.
	bad := mixedPathTable(20000, 3)
	bad = append(bad[:len(bad)/2:len(bad)/2], append([]byte("\"aa\xff\",1,2,3\n"), bad[len(bad)/2:]...)...)
	files["not-utf8"] = bad
	// A decimal comma late in the file, against the decimal points of the
	// fast rows before it: the import stops, naming both lines.
	late := mixedPathTable(40000, 5)
	at := bytes.IndexByte(late[len(late)*3/4:], '\n') + len(late)*3/4 + 1
	files["late-comma"] = append(late[:at:at], append([]byte("aa,1,\"12,5\",0\n"), late[at:]...)...)
	// Decimal commas: "." groups thousands, so 1.234 is not the fast
	// scanner's to read.
	comma := strings.NewReplacer(",", ";", ".", ",").Replace(string(mixedPathTable(5000, 4)))
	lines := strings.Split(comma, "\n")
	for i, l := range lines {
		// 1.234 is 1234 here: a thousands separator.
		if f := strings.Split(l, ";"); i%10 == 1 && len(f) == 4 && f[1] != "0" {
			f[2] = "1.234"
			lines[i] = strings.Join(f, ";")
		}
	}
	files["decimal-comma"] = []byte(strings.Join(lines, "\n"))
	// And every reference file, path tables and touch logs alike.
	refs, err := filepath.Glob(filepath.Join("..", "..", "shared", "data", "reference", "*.csv"))
	if err != nil || len(refs) == 0 {
		t.Fatalf("no reference files: %v", err)
	}
	for _, ref := range refs {
		data, err := os.ReadFile(ref)
		if err != nil {
			t.Fatal(err)
		}
		files["reference/"+filepath.Base(ref)] = data
	}

	for name, data := range files {
		for _, skip := range []bool{true, false} {
			opts := ImportOptions{File: name, SkipBadRows: skip}
			if name == "decimal-comma" {
				opts.Decimal = ","
			}
			label := fmt.Sprintf("%s (skip bad rows: %v)", name, skip)
			general := sameAsGeneralReader(t, label, data, opts)
			// The tables must show what they were made for.
			switch {
			case name == "late-comma" && skip && !strings.Contains(general.err, "12,5"):
				t.Errorf("%s: want the import stopped at the decimal comma, got %q", label, general.err)
			case name == "mixed-large" && skip && (len(general.rejects) < 1000 || general.paths.channels == nil):
				t.Errorf("%s: want rejects and paths, got %d rejects, error %q", label, len(general.rejects), general.err)
			}
		}
	}
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// importOutcome is all an import tells: the error, or the summary, the
// rejected rows, the channels, distinct paths and their sums, the
// unattributed conversions, and for a touch log the timed journeys, the
// spend and the periods.
type importOutcome struct {
	err     string
	summary Summary
	rejects []string
	paths   plainPaths
	unattr  [2]float64
	timed   [][]any
	spend   []ChannelSpend
	periods []Period
}

func readOutcome(data []byte, opts ImportOptions) importOutcome {
	var o importOutcome
	opts.OnReject = func(r RejectedRow) {
		o.rejects = append(o.rejects, fmt.Sprintf("%d:%d %s %q %q", r.Err.Line, r.Err.Column, r.Err.Reason, r.Err.Value, r.Fields))
	}
	ds, err := Import(context.Background(), bytes.NewReader(data), opts)
	if err != nil {
		o.err = err.Error()
		return o
	}
	o.summary, o.spend, o.periods = ds.Summary, ds.Spend, ds.Periods
	ps := ds.Paths
	o.paths.channels = ps.Channels
	for i := range ps.Len() {
		path, conv, value, nulls := ps.Path(i)
		o.paths.paths = append(o.paths.paths, path)
		o.paths.conv = append(o.paths.conv, conv)
		o.paths.value = append(o.paths.value, value)
		o.paths.nulls = append(o.paths.nulls, nulls)
	}
	o.unattr = [2]float64{ps.UnattributedConversions, ps.UnattributedValue}
	if ps.Timed != nil {
		for i := range ps.Timed.Len() {
			touches, ages, value := ps.Timed.Journey(i)
			o.timed = append(o.timed, []any{slices.Clone(touches), slices.Clone(ages), value})
		}
	}
	return o
}

// sameAsGeneralReader imports data with the fast row scanner and with the
// general reader alone, requires the same outcome to the last bit, and
// returns the general reader's.
func sameAsGeneralReader(t *testing.T, label string, data []byte, opts ImportOptions) importOutcome {
	t.Helper()
	fast := readOutcome(data, opts)
	opts.generalRowsOnly = true
	general := readOutcome(data, opts)
	if fast.err != general.err {
		t.Errorf("%s: error %q, general reader %q", label, fast.err, general.err)
		return general
	}
	if !reflect.DeepEqual(fast.summary, general.summary) {
		t.Errorf("%s: summary\n%+v\ngeneral reader\n%+v", label, fast.summary, general.summary)
	}
	if !slices.Equal(fast.rejects, general.rejects) {
		t.Errorf("%s: %d rejects, general reader %d; first %q / %q", label, len(fast.rejects), len(general.rejects),
			first(fast.rejects), first(general.rejects))
	}
	for what, pair := range map[string][2]any{
		"paths": {fast.paths, general.paths}, "unattributed": {fast.unattr, general.unattr},
		"timed journeys": {fast.timed, general.timed}, "spend": {fast.spend, general.spend}, "periods": {fast.periods, general.periods},
	} {
		if !reflect.DeepEqual(pair[0], pair[1]) {
			t.Errorf("%s: %s differ from the general reader's", label, what)
		}
	}
	return general
}

// FuzzFastRowsMatchGeneralReader: on any path table, skipping bad rows or
// stopping at the first, the fast row scanner and the general reader
// import the same.
func FuzzFastRowsMatchGeneralReader(f *testing.F) {
	for _, s := range []string{
		"\"a > b\",1,2,0\n", "a,1,,\n", "\"a\",,1,2\n", "a, 1 ,2,3\r\n", "\"a\nb\",1,2,3\n", "\"a\"\"b\",1,2,3\n",
		"a,1.5,2.25,0\r", "a,1,2,3,4\n", "a,1\n", "\n\na,1,2,3", "a,0,5,1\n", "a,1,1.234,0\n", "a,1e3,,\n",
		"x > y,12345678901234567,0,0\n", "\"a\"x,1,2,3\n", "a\rb,1,2,3\n", "ü > a,2,3.5,1\n",
	} {
		f.Add([]byte(s), false, uint8(0))
		f.Add([]byte(s), true, uint8(1))
	}
	f.Add([]byte("1,2,3,a > b\r"), false, uint8(1))
	f.Add([]byte("1;2;\"a\";x\n"), true, uint8(2))
	headers := []string{
		"path,total_conversions,total_conversion_value,total_null\n",
		"total_conversions,total_conversion_value,total_null,path\n", // the path last
		"total_conversions;path;source;value\n",                      // a column not read, semicolons
	}
	f.Fuzz(func(t *testing.T, body []byte, skip bool, header uint8) {
		data := append([]byte(headers[int(header)%len(headers)]), body...)
		sameAsGeneralReader(t, fmt.Sprintf("%q", body), data, ImportOptions{File: "fuzz.csv", SkipBadRows: skip})
	})
}

// FuzzQuoteEnd: quoteEnd finds the first quote when no newline comes
// before it, at every length around its word-at-a-time and search paths.
func FuzzQuoteEnd(f *testing.F) {
	for _, s := range []string{"", `"`, "a\"", "ab > cd\",1", "a\nb\"", strings.Repeat("x", 31) + `"`,
		strings.Repeat("y", 32) + `"`, strings.Repeat("z", 40) + "\n\"", strings.Repeat("w", 300)} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		want := bytes.IndexAny(b, "\"\n")
		if want >= 0 && b[want] == '\n' {
			want = -1
		}
		if got := quoteEnd(b); got != want {
			t.Fatalf("quoteEnd(%q) = %d, want %d", b, got, want)
		}
	})
}

// TestDecimalPointEvidenceMatchesParser checks the shortcut the sample
// inference and the fast scanner take for plain decimals: the evidence
// decimalPointEvidence gives is parseNumberCell's under a style not yet
// decided, with no currency, on every shape of plain decimal.
func TestDecimalPointEvidenceMatchesParser(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	checked := map[uint8]int{}
	for range 300000 {
		b := make([]byte, 2+rng.IntN(15))
		for i := range b {
			b[i] = byte('0' + rng.IntN(10))
			if rng.IntN(4) == 0 {
				b[i] = '0'
			}
		}
		b[1+rng.IntN(len(b)-1)] = '.'
		_, dot, ok := simpleDecimal(b)
		if !ok || dot < 0 {
			continue
		}
		c, _ := parseNumberCell(b, numberStyle{})
		if got := decimalPointEvidence(b, dot); c.ev != got || c.currency != -1 {
			t.Fatalf("%q: parseNumberCell notes %b (currency %d), decimalPointEvidence %b", b, c.ev, c.currency, got)
		}
		checked[c.ev]++
	}
	if checked[evDecDot] == 0 || checked[evAmbDot] == 0 {
		t.Fatalf("the cells did not cover both kinds of evidence: %v", checked)
	}
}

// TestMultiByteSeparator checks the path split for a separator of more
// than one byte, which neither fast path takes: the same table written
// with " -> " and read with that separator gives the channels, paths and
// sums of the one written with ">", empty tokens and padding included.
func TestMultiByteSeparator(t *testing.T) {
	rows := []string{`"a -> bb -> a",2,10,1`, `" bb->c",1,5,0`, `"a ->  -> c -> ",0,0,3`, `"c",1,1.5,2`}
	var arrow, gt strings.Builder
	arrow.WriteString("path,total_conversions,total_conversion_value,total_null\n")
	gt.WriteString("path,total_conversions,total_conversion_value,total_null\n")
	for _, r := range rows {
		arrow.WriteString(r + "\n")
		gt.WriteString(strings.ReplaceAll(r, "->", ">") + "\n")
	}
	got := readOutcome([]byte(arrow.String()), ImportOptions{File: "arrow.csv", Separator: "->"})
	want := readOutcome([]byte(gt.String()), ImportOptions{File: "gt.csv"})
	if got.err != "" || want.err != "" {
		t.Fatalf("errors: %q, %q", got.err, want.err)
	}
	if !reflect.DeepEqual(got.paths, want.paths) || len(got.paths.paths) != 4 {
		t.Fatalf("paths with \"->\": %+v\nwith \">\": %+v", got.paths, want.paths)
	}
	if !slices.Equal(got.paths.channels, []string{"a", "bb", "c"}) {
		t.Errorf("channels %q, want a, bb, c", got.paths.channels)
	}
}
