package attribution

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/attrlab/attrlab/synth"
)

// sizeless hides a reader's size, so the import cannot reserve its
// columns up front and grows them as it goes.
type sizeless struct{ r io.Reader }

func (s sizeless) Read(p []byte) (int, error) { return s.r.Read(p) }

// oddPathTable writes a path table in the shapes the chunked reader must
// cut right: a byte-order mark, CRLF line ends, quoted paths with a
// newline or a doubled quote inside (so that chunk boundaries fall inside
// quotes), empty value and null cells, spaces around tokens, repeated
// paths and a few paths of thousands of touches (rows longer than the
// first chunk).
func oddPathTable(rows int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 7))
	var b bytes.Buffer
	b.WriteString("\xef\xbb\xbfpath,total_conversions,total_conversion_value,total_null\r\n")
	names := []string{"a", "bb", "paid search", `say "hi"`, "e,mail", "ü", "direct", "x"}
	var prev string
	for i := range rows {
		n := 1 + rng.IntN(4)
		if i%5000 == 4999 {
			n = 20000 + rng.IntN(5000) // a row of some 100 KB
		}
		var toks []string
		for range n {
			toks = append(toks, names[rng.IntN(len(names))])
		}
		sep := " > "
		if rng.IntN(9) == 0 {
			sep = " >\n " // a newline inside the quoted path
		}
		path := strings.Join(toks, sep)
		if prev != "" && rng.IntN(4) == 0 {
			path = prev
		}
		prev = path
		cell := `"` + strings.ReplaceAll(path, `"`, `""`) + `"`
		if !strings.ContainsAny(path, "\",\n") && rng.IntN(2) == 0 {
			cell = path
		}
		conv := rng.IntN(4)
		value := ""
		if conv > 0 && rng.IntN(5) > 0 {
			value = strconv.FormatFloat(float64(rng.IntN(100000))/100, 'f', -1, 64)
		}
		nulls := ""
		if rng.IntN(3) > 0 {
			nulls = strconv.Itoa(rng.IntN(9))
		}
		end := "\n"
		if rng.IntN(2) == 0 {
			end = "\r\n"
		}
		fmt.Fprintf(&b, "%s,%d,%s,%s%s", cell, conv, value, nulls, end)
	}
	return b.Bytes()
}

// samePaths compares a PathSet with readPlainPaths' reading bit for bit.
func samePaths(t *testing.T, name string, ps *PathSet, want plainPaths) {
	t.Helper()
	if !slices.Equal(ps.Channels, want.channels) {
		t.Errorf("%s: channels %q, want %q", name, ps.Channels, want.channels)
		return
	}
	if ps.Len() != len(want.paths) {
		t.Errorf("%s: %d distinct paths, want %d", name, ps.Len(), len(want.paths))
		return
	}
	for i := 0; i < ps.Len(); i++ {
		path, conv, value, nulls := ps.Path(i)
		if !slices.Equal(path, want.paths[i]) ||
			math.Float64bits(conv) != math.Float64bits(want.conv[i]) ||
			math.Float64bits(value) != math.Float64bits(want.value[i]) ||
			math.Float64bits(nulls) != math.Float64bits(want.nulls[i]) {
			t.Errorf("%s: path %d = %v %v %v %v, want %v %v %v %v", name, i, path, conv, value, nulls,
				want.paths[i], want.conv[i], want.value[i], want.nulls[i])
			return
		}
	}
}

// TestImportOddPathTablesBitIdenticalToPlainReader reads odd-shaped path
// tables (oddPathTable, several megabytes so that they span many chunks)
// and the reference data, each from a reader that tells its size (the
// import reserves its columns from it) and from one that does not, and
// checks every distinct path and sum against encoding/csv's reading.
func TestImportOddPathTablesBitIdenticalToPlainReader(t *testing.T) {
	files := map[string][]byte{
		"odd-1": oddPathTable(12000, 1),
		"odd-2": oddPathTable(30000, 2),
		// Over 8 MB: chunks are read into the buffers of merged ones.
		"odd-3": oddPathTable(150000, 3),
	}
	for _, name := range []string{"ex1_three_paths.csv", "ex2_order2.csv", "ex2b_repeats.csv", "pathdata.csv"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "shared", "data", "reference", name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = data
	}
	for name, data := range files {
		want := readPlainPaths(t, data)
		for _, sized := range []bool{true, false} {
			var r io.Reader = bytes.NewReader(data)
			if !sized {
				r = sizeless{r}
			}
			ds, err := Import(context.Background(), r, ImportOptions{File: name})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			samePaths(t, fmt.Sprintf("%s (size known: %v)", name, sized), ds.Paths, want)
		}
	}
}

// TestHeuristicsPassBitIdenticalToPositional checks the one-pass
// computation of the positional models against positional, one model at
// a time, bit for bit, on generated tables at several channel counts and
// with position weights and direct sets that zero some weights.
func TestHeuristicsPassBitIdenticalToPositional(t *testing.T) {
	var sets []*PathSet
	for _, c := range []struct{ channels, paths int }{{3, 2000}, {8, 20000}, {300, 5000}} {
		var b bytes.Buffer
		if err := synth.WritePaths(&b, synth.Options{Channels: c.channels, Paths: c.paths, Seed: 5}); err != nil {
			t.Fatal(err)
		}
		sets = append(sets, importBytes(t, "gen", b.Bytes(), ImportOptions{}).Paths)
	}
	sets = append(sets, importBytes(t, "short", shortQuotedTable(20000, 3), ImportOptions{}).Paths)
	sets = append(sets, importBytes(t, "odd", oddPathTable(3000, 4), ImportOptions{}).Paths)
	heur := []string{FirstTouch, LastTouch, LastNonDirect, Linear, PositionBased}
	for _, o := range []Options{
		{},
		{FirstWeight: 0.3, LastWeight: 0},
		{FirstWeight: 0.5, LastWeight: 0.5},
		{FirstWeight: 0.1, LastWeight: 0.7, Direct: []string{"email", "ab", "a", "direct", "social"}},
		{Direct: []string{}},
	} {
		opts, err := o.withDefaults()
		if err != nil {
			t.Fatal(err)
		}
		for si, ps := range sets {
			for _, models := range [][]string{heur, {PositionBased}, {LastNonDirect, Linear}} {
				got := heuristics(ps, models, opts)
				for k, name := range models {
					want, err := runModel(context.Background(), ps, name, opts)
					if err != nil {
						t.Fatal(err)
					}
					sameResultBits(t, fmt.Sprintf("set %d, %s, %+v", si, name, o), got[k], want)
				}
			}
		}
	}
}

func sameResultBits(t *testing.T, label string, got, want *Result) {
	t.Helper()
	if got.Model != want.Model || !slices.Equal(got.Channels, want.Channels) {
		t.Fatalf("%s: model %s channels %v, want %s %v", label, got.Model, got.Channels, want.Model, want.Channels)
	}
	bits := func(v []float64) []uint64 {
		out := make([]uint64, len(v))
		for i, x := range v {
			out[i] = math.Float64bits(x)
		}
		return out
	}
	if !slices.Equal(bits(got.Conversions), bits(want.Conversions)) || !slices.Equal(bits(got.Value), bits(want.Value)) ||
		!slices.Equal(bits(got.Share), bits(want.Share)) ||
		math.Float64bits(got.TotalConversions) != math.Float64bits(want.TotalConversions) ||
		math.Float64bits(got.TotalValue) != math.Float64bits(want.TotalValue) {
		t.Errorf("%s: credits differ from the per-model pass:\n got %v %v\nwant %v %v", label, got.Conversions, got.Value, want.Conversions, want.Value)
	}
}

// oddTouchLog writes a touch log whose journeys interleave across the
// whole file (so that they span chunks), with touches out of time order,
// equal times, conversion rows with and without a channel, values on
// non-conversion rows (ignored), costs, and touches older than the
// lookback window.
func oddTouchLog(rows int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 9))
	var b bytes.Buffer
	b.WriteString("journey_id,timestamp,channel,conversion,conversion_value,cost\n")
	channels := []string{"paid_search", "email", "social", "display", "direct", "x"}
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	journeys := rows / 4
	for range rows {
		j := rng.IntN(journeys)
		at := start.Add(time.Duration(rng.IntN(120*24*3600)) * time.Second)
		if rng.IntN(5) == 0 {
			at = start.Add(time.Duration(j) * time.Hour) // ties within a journey
		}
		conv := rng.IntN(6) == 0
		ch := channels[rng.IntN(len(channels))]
		if conv && rng.IntN(2) == 0 {
			ch = ""
		}
		value := ""
		if rng.IntN(3) == 0 {
			value = strconv.FormatFloat(float64(rng.IntN(50000))/100, 'f', -1, 64)
		}
		cost := ""
		if ch != "" && rng.IntN(2) == 0 {
			cost = strconv.FormatFloat(float64(rng.IntN(300))/100, 'f', -1, 64)
		}
		flag := "0"
		if conv {
			flag = "1"
		}
		fmt.Fprintf(&b, "j%d,%s,%s,%s,%s,%s\n", j, at.Format(time.RFC3339), ch, flag, value, cost)
	}
	return b.Bytes()
}

// plainTouches reads a touch log the obvious way (encoding/csv, maps,
// a stable sort per journey) into the paths the import must build: each
// conversion closes a path of the touches since the previous one within
// the lookback window, and touches after the last conversion form one
// non-converting path. Journeys are taken in order of first appearance.
func plainTouches(t *testing.T, data []byte, lookback time.Duration) (plainPaths, *TimedPaths) {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		at      int64
		channel string
		conv    bool
		value   float64
	}
	byJourney := map[string][]row{}
	var order []string
	for _, rec := range recs[1:] {
		ts, err := time.Parse(time.RFC3339, rec[1])
		if err != nil {
			t.Fatal(err)
		}
		r := row{at: ts.UnixMilli(), channel: rec[2], conv: rec[3] == "1"}
		if r.conv && rec[4] != "" {
			if r.value, err = strconv.ParseFloat(rec[4], 64); err != nil {
				t.Fatal(err)
			}
		}
		if _, ok := byJourney[rec[0]]; !ok {
			order = append(order, rec[0])
		}
		byJourney[rec[0]] = append(byJourney[rec[0]], r)
	}
	var p plainPaths
	channelID := map[string]int32{}
	pathID := map[string]int{}
	add := func(path []int32, conv, value, nulls float64) {
		if len(path) == 0 {
			return
		}
		key := fmt.Sprint(path)
		i, ok := pathID[key]
		if !ok {
			i = len(p.paths)
			pathID[key] = i
			p.paths = append(p.paths, slices.Clone(path))
			p.conv, p.value, p.nulls = append(p.conv, 0), append(p.value, 0), append(p.nulls, 0)
		}
		p.conv[i] += conv
		p.value[i] += value
		p.nulls[i] += nulls
	}
	// Channel ids follow first appearance in the file, rows of every journey.
	for _, rec := range recs[1:] {
		if ch := rec[2]; ch != "" {
			if _, ok := channelID[ch]; !ok {
				channelID[ch] = int32(len(p.channels))
				p.channels = append(p.channels, ch)
			}
		}
	}
	timed := &TimedPaths{offsets: []int32{0}}
	window := lookback.Milliseconds()
	for _, j := range order {
		rows := byJourney[j]
		slices.SortStableFunc(rows, func(a, b row) int { return int(min(max(a.at-b.at, -1), 1)) })
		var pend []row
		for _, r := range rows {
			if r.channel != "" {
				pend = append(pend, r)
			}
			if !r.conv {
				continue
			}
			var path []int32
			var ages []float64
			for _, q := range pend {
				if r.at-q.at <= window {
					path = append(path, channelID[q.channel])
					ages = append(ages, float64(r.at-q.at)/1000)
				}
			}
			add(path, 1, r.value, 0)
			if len(path) > 0 {
				timed.touches = append(timed.touches, path...)
				timed.ageSec = append(timed.ageSec, ages...)
				timed.offsets = append(timed.offsets, int32(len(timed.touches)))
				timed.value = append(timed.value, r.value)
			}
			pend = nil
		}
		if len(pend) > 0 {
			last := pend[len(pend)-1].at
			var path []int32
			for _, q := range pend {
				if last-q.at <= window {
					path = append(path, channelID[q.channel])
				}
			}
			add(path, 0, 0, 1)
		}
	}
	return p, timed
}

// TestImportTouchesBitIdenticalToPlainReader checks the chunked touch-log
// import — columns reserved from the input's size or grown, chunks merged
// column by column — against plainTouches on logs of several megabytes
// whose journeys span chunks: the same channels, distinct paths and sums
// to the last bit, and the same timed journeys for time-decay.
func TestImportTouchesBitIdenticalToPlainReader(t *testing.T) {
	for _, seed := range []uint64{1, 3} { // seed 3: some 7 MB, buffers reused
		data := oddTouchLog(60000*int(seed), seed)
		want, wantTimed := plainTouches(t, data, DefaultLookback)
		for _, sized := range []bool{true, false} {
			var r io.Reader = bytes.NewReader(data)
			if !sized {
				r = sizeless{r}
			}
			name := fmt.Sprintf("touches seed %d (size known: %v)", seed, sized)
			ds, err := Import(context.Background(), r, ImportOptions{File: name})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			samePaths(t, name, ds.Paths, want)
			got := ds.Paths.Timed
			if got.Len() != wantTimed.Len() {
				t.Fatalf("%s: %d timed journeys, want %d", name, got.Len(), wantTimed.Len())
			}
			for i := 0; i < got.Len(); i++ {
				gt, ga, gv := got.Journey(i)
				wt, wa, wv := wantTimed.Journey(i)
				if !slices.Equal(gt, wt) || !slices.Equal(ga, wa) || math.Float64bits(gv) != math.Float64bits(wv) {
					t.Fatalf("%s: timed journey %d = %v %v %v, want %v %v %v", name, i, gt, ga, gv, wt, wa, wv)
				}
			}
		}
	}
}

// TestInternersMatchAMap checks both interners against a map: ids in
// order of first appearance, for names of 1 to 12 bytes (the recent-name
// cache takes those up to 8) that differ only in length, in a zero byte
// or in a high bit, given in buffers with and without bytes after them,
// and with runs of one key (the journey interner's last-key check), over
// enough names to make the tables grow and the cache collide.
func TestInternersMatchAMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	var names [][]byte
	for range 3000 {
		n := 1 + rng.IntN(12)
		b := make([]byte, n)
		for i := range b {
			b[i] = []byte{'a', 'b', 0, 0xff, 'z'}[rng.IntN(5)]
		}
		names = append(names, b)
	}
	var ch interner
	var keys keyInterner
	want := map[string]int32{}
	for round := range 20000 {
		name := names[rng.IntN(len(names))]
		if round%7 == 0 {
			name = names[0]
		}
		// Sometimes the name ends its buffer (cap < 8), sometimes bytes
		// that are not part of it follow.
		buf := append(slices.Clip(slices.Clone(name)), "trailing"...)[:len(name)]
		if rng.IntN(2) == 0 {
			buf = slices.Clip(slices.Clone(name))
		}
		if round == 5000 {
			keys.reserve(4000, 30000) // rehashes the keys so far
			keys.reserve(10, 10)      // smaller than it holds: no change
		}
		id, ok := want[string(name)]
		if !ok {
			id = int32(len(want))
			want[string(name)] = id
		}
		for k := range 1 + rng.IntN(3) {
			if got := ch.intern(buf); got != id {
				t.Fatalf("round %d: interner gave %q id %d, want %d", round, name, got, id)
			}
			if got := keys.intern(buf); got != id {
				t.Fatalf("round %d (repeat %d): keyInterner gave %q id %d, want %d", round, k, name, got, id)
			}
		}
	}
	if len(ch.names) != len(want) || keys.Len() != len(want) {
		t.Fatalf("%d and %d names, want %d", len(ch.names), keys.Len(), len(want))
	}
	ch.reset()
	if got := ch.intern(names[1]); got != 0 {
		t.Fatalf("after reset: id %d, want 0", got)
	}

	// Every name of 1 to 8 bytes over {'a', 0}: many share their bytes as
	// a word and differ only in length (trailing zeros), so some share a
	// cache entry too.
	var short []string
	for n := 1; n <= 8; n++ {
		for bitsOf := range 1 << n {
			b := make([]byte, n)
			for i := range b {
				if bitsOf&(1<<i) != 0 {
					b[i] = 'a'
				}
			}
			short = append(short, string(b))
		}
	}
	// Long names alike in their first eight bytes and their length share
	// a cache entry; only the full comparison tells them apart.
	for i := range 100 {
		short = append(short, fmt.Sprintf("paid_search_%02d", i))
	}
	var small interner
	ids := map[string]int32{}
	for round := range 5 {
		rng.Shuffle(len(short), func(i, j int) { short[i], short[j] = short[j], short[i] })
		for _, name := range short {
			id, ok := ids[name]
			if !ok {
				id = int32(len(ids))
				ids[name] = id
			}
			if got := small.intern([]byte(name)); got != id {
				t.Fatalf("round %d: %q: id %d, want %d", round, name, got, id)
			}
		}
	}
}

// TestIsLabelMatchesEqualFold checks the conversion-label test, which
// skips ASCII cells of lengths no label has, against bytes.EqualFold on
// every label: ASCII and non-ASCII labels and cells, the Kelvin sign
// (which folds to "k" in three bytes) and empty cells.
func TestIsLabelMatchesEqualFold(t *testing.T) {
	cells := []string{"", "0", "1", "k", "K", "\u212a", "purchase", "PURCHASE", "purchases", "lead", "Lead ", "kauf", "\u212aauf", "ordér", "ORDÉR", "x"}
	for _, labels := range [][]string{
		DefaultConversionLabels(),
		{"k", "lead"},
		{"\u212a"},
		{"Kauf", "ordér"},
		{strings.Repeat("z", 70), "x"},
	} {
		f, err := newColumnFormats(ImportOptions{ConversionLabel: strings.Join(labels, ",")}, LayoutTouches, []string{"t"}, map[string]int{FieldTimestamp: 0, FieldValue: -1, FieldCost: -1}, ',')
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range append(cells, labels...) {
			want := false
			for _, l := range labels {
				want = want || bytes.EqualFold([]byte(c), []byte(l))
			}
			if got := f.isLabel([]byte(c)); got != want {
				t.Errorf("labels %q, cell %q: isLabel %v, want %v", labels, c, got, want)
			}
		}
	}
}

// TestJourneyBlocksAddInOrder cuts the journeys of a touch log in blocks
// of a few rows each, on two workers, and in one block on the calling
// goroutine, and checks that both give the same PathSet, timed journeys,
// periods and summary to the last bit: the blocks are added in journey
// order whatever order the workers finish them in.
func TestJourneyBlocksAddInOrder(t *testing.T) {
	data := oddTouchLog(20000, 3)
	// The rows as the merge leaves them, read with encoding/csv: journeys
	// and channels numbered by first appearance.
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var rows touchRows
	journeyID, channelID := map[string]int32{}, map[string]int32{}
	var channels []string
	for _, rec := range recs[1:] {
		j, ok := journeyID[rec[0]]
		if !ok {
			j = int32(len(journeyID))
			journeyID[rec[0]] = j
		}
		ts, err := time.Parse(time.RFC3339, rec[1])
		if err != nil {
			t.Fatal(err)
		}
		ch := int32(-1)
		if rec[2] != "" {
			if ch, ok = channelID[rec[2]]; !ok {
				ch = int32(len(channels))
				channelID[rec[2]] = ch
				channels = append(channels, rec[2])
			}
		}
		value := 0.0
		if rec[3] == "1" && rec[4] != "" {
			value, _ = strconv.ParseFloat(rec[4], 64)
		}
		rows.add(j, ts.UnixMilli(), ch, rec[3] == "1", value)
	}
	build := func(blockRows int32) (*PathSet, Summary, []Period) {
		ps := NewPathSet()
		for _, c := range channels {
			ps.Channel(c)
		}
		ps.Timed = &TimedPaths{offsets: []int32{0}}
		ps.periods = newPeriodSplitter(ByWeek, time.UTC, ps.Channels)
		var s Summary
		n := len(journeyID)
		start := make([]int32, n+1)
		for _, j := range rows.journey {
			start[j+1]++
		}
		for j := range n {
			start[j+1] += start[j]
		}
		// Each build sorts its own order of the rows.
		order := make([]int32, len(rows.journey))
		next := slices.Clone(start[:n])
		for i, j := range rows.journey {
			order[next[j]] = int32(i)
			next[j]++
		}
		cutJourneysInParallel(ps, &s, &rows, order, start, n, DefaultLookback.Milliseconds(), blockRows)
		return ps, s, ps.periods.periods()
	}
	one, sOne, pOne := build(math.MaxInt32)
	for _, blockRows := range []int32{1, 7, 300} {
		many, sMany, pMany := build(blockRows)
		if !reflect.DeepEqual(sOne, sMany) {
			t.Errorf("blocks of %d rows: summary %+v, want %+v", blockRows, sMany, sOne)
		}
		want := plainPaths{channels: one.Channels}
		for i := 0; i < one.Len(); i++ {
			path, c, v, n := one.Path(i)
			want.paths = append(want.paths, path)
			want.conv, want.value, want.nulls = append(want.conv, c), append(want.value, v), append(want.nulls, n)
		}
		samePaths(t, fmt.Sprintf("blocks of %d rows", blockRows), many, want)
		if !slices.Equal(many.Timed.touches, one.Timed.touches) || !slices.Equal(many.Timed.ageSec, one.Timed.ageSec) ||
			!slices.Equal(many.Timed.value, one.Timed.value) || !slices.Equal(many.Timed.offsets, one.Timed.offsets) {
			t.Errorf("blocks of %d rows: timed journeys differ", blockRows)
		}
		if len(pMany) != len(pOne) {
			t.Fatalf("blocks of %d rows: %d periods, want %d", blockRows, len(pMany), len(pOne))
		}
		for k := range pOne {
			if pMany[k].Paths.String() != pOne[k].Paths.String() {
				t.Errorf("blocks of %d rows: period %d %s, want %s", blockRows, k, pMany[k].Paths, pOne[k].Paths)
			}
		}
	}
}

// TestParseChunksReusesBuffers runs parseChunks over 30 MB of rows, some
// with a quoted newline, and checks that every chunk's bytes are still
// what they were when parsed at the time they are merged, that the chunks
// put together are the input, and that buffers of merged chunks were read
// into again (a pointer seen twice).
func TestParseChunksReusesBuffers(t *testing.T) {
	var b bytes.Buffer
	rng := rand.New(rand.NewPCG(6, 6))
	for i := 0; b.Len() < 30<<20; i++ {
		if rng.IntN(50) == 0 {
			fmt.Fprintf(&b, "\"row %d\nwith a newline\",%d\n", i, rng.IntN(1000))
		} else {
			fmt.Fprintf(&b, "row %d,%s\n", i, strings.Repeat("x", rng.IntN(200)))
		}
	}
	data := b.Bytes()
	var got []byte
	seen := map[*byte]int{}
	reused := 0
	err := parseChunks(context.Background(), bytes.NewReader(data), 1,
		func(c chunk) []byte { return slices.Clone(c.data) },
		func(c chunk, parsed []byte) error {
			if !bytes.Equal(c.data, parsed) {
				return fmt.Errorf("chunk %d changed between its parse and its merge", c.seq)
			}
			p := unsafe.SliceData(c.data)
			if seen[p]++; seen[p] > 1 {
				reused++
			}
			got = append(got, c.data...)
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("the chunks put together (%d bytes) differ from the input (%d bytes)", len(got), len(data))
	}
	if reused == 0 {
		t.Errorf("no chunk was read into the buffer of a merged one")
	}
}

// plainTokens splits a path cell the obvious way: bytes.Split at sep,
// each part trimmed by trimSpace, empty parts dropped.
func plainTokens(cell []byte, sep byte) []string {
	var out []string
	for _, part := range bytes.Split(cell, []byte{sep}) {
		if tok := trimSpace(part); len(tok) > 0 {
			out = append(out, string(tok))
		}
	}
	return out
}

// checkTokens compares appendTokens with plainTokens on one cell, given
// both at the end of its buffer and followed by other bytes.
func checkTokens(t *testing.T, cell []byte, sep byte) {
	t.Helper()
	want := plainTokens(cell, sep)
	for _, buf := range [][]byte{slices.Clip(slices.Clone(cell)), append(slices.Clone(cell), ">>>>>>>>"...)[:len(cell)]} {
		var channels interner
		ids := appendTokens(nil, &channels, buf, sep)
		var got []string
		for _, id := range ids {
			got = append(got, channels.names[id])
		}
		if !slices.Equal(got, want) {
			t.Fatalf("cell %q sep %q: tokens %q, want %q", cell, sep, got, want)
		}
	}
}

// TestAppendTokensMatchesSplit checks the eight-bytes-at-a-time path
// split against bytes.Split on random cells of separators, bytes one bit
// from a separator, spaces, tabs, other control bytes, bytes above 0x7f
// (which must not be taken for a separator or for white space) and
// letters, at every length up to 40.
func TestAppendTokensMatchesSplit(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 10))
	// '?' and '}' are '>' and '|' with the lowest bit flipped: where a
	// borrow-based zero test would see a separator.
	alphabet := []byte{'>', '?', ' ', '\t', '\r', 1, 0, 0x80, 0xbe, 0xff, 'a', 'b', '|', '}'}
	for n := 0; n <= 40; n++ {
		for range 300 {
			cell := make([]byte, n)
			for i := range cell {
				cell[i] = alphabet[rng.IntN(len(alphabet))]
			}
			checkTokens(t, cell, '>')
			checkTokens(t, cell, '|')
		}
	}
	checkTokens(t, []byte("social > paid_search > organic > display > referral > paid_search > email"), '>')
}

// FuzzAppendTokens: the eight-bytes-at-a-time split of any cell at any
// separator gives bytes.Split's tokens.
func FuzzAppendTokens(f *testing.F) {
	f.Add([]byte("a > b>c >  > d "), byte('>'))
	f.Add([]byte("\xbe\x3e\xff>x"), byte('>'))
	f.Fuzz(func(t *testing.T, cell []byte, sep byte) {
		checkTokens(t, cell, sep)
	})
}

// TestJourneyKeysMergeByHash checks the merge's way of interning journeys
// against a map: chunks intern their keys (keeping each key's hash), and
// the dataset's table takes every chunk's keys in order through
// internHashed with the chunk's hashes (warmed or not). The dataset ids must follow first
// appearance over all the chunks, for keys that recur across chunks,
// keys that differ only in length or a zero byte, a table that grows from
// empty and one reserved too small, and chunk tables reset and reused.
func TestJourneyKeysMergeByHash(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 12))
	var keys []string
	for i := range 20000 {
		switch i % 3 {
		case 0:
			keys = append(keys, fmt.Sprintf("u%d", i))
		case 1:
			keys = append(keys, strings.Repeat("\x00", 1+i%11))
		default:
			keys = append(keys, fmt.Sprintf("customer-%012d", rng.IntN(1<<40)))
		}
	}
	for _, reserved := range []int{0, 100} {
		var merged keyInterner
		merged.reserve(reserved, reserved*4)
		want := map[string]int32{}
		var chunk keyInterner
		for c := range 60 {
			chunk.reset()
			var local []int32
			for range 1 + rng.IntN(2000) {
				k := keys[rng.IntN(len(keys))]
				if c%5 == 0 {
					k = keys[rng.IntN(50)] // a chunk of a few journeys seen before
				}
				for range 1 + rng.IntN(3) { // a journey's rows together
					local = append(local, chunk.intern([]byte(k)))
				}
				if _, ok := want[k]; !ok {
					want[k] = -1 // placed below, in chunk order
				}
			}
			if len(chunk.hashes) != chunk.Len() {
				t.Fatalf("chunk %d: %d hashes for %d keys", c, len(chunk.hashes), chunk.Len())
			}
			if c%2 == 0 {
				merged.warm(chunk.hashes) // may grow the table first
			}
			ids := make([]int32, chunk.Len())
			for i, h := range chunk.hashes {
				key := chunk.key(int32(i))
				if h != hashName(key) {
					t.Fatalf("chunk %d: key %q kept hash %x, want %x", c, key, h, hashName(key))
				}
				ids[i] = merged.internHashed(key, h)
				if want[string(key)] == -1 {
					want[string(key)] = int32(merged.Len() - 1)
				}
				if ids[i] != want[string(key)] {
					t.Fatalf("chunk %d (reserved %d): %q got id %d, want %d", c, reserved, key, ids[i], want[string(key)])
				}
			}
			for _, l := range local {
				if string(merged.key(ids[l])) != string(chunk.key(l)) {
					t.Fatalf("chunk %d: local id %d maps to %q, want %q", c, l, merged.key(ids[l]), chunk.key(l))
				}
			}
		}
		if merged.Len() != len(want) {
			t.Fatalf("reserved %d: %d keys, want %d", reserved, merged.Len(), len(want))
		}
	}
}
