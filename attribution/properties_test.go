package attribution

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/attrlab/attrlab/synth"
)

// relTol is the tolerance of every numeric property here, relative to the
// total it is a share of (or absolute when the total is below 1): the
// 1e-9 of the reference README.
const relTol = 1e-9

// near reports whether got is within relTol of want, scaled by total.
func near(got, want, total float64) bool {
	return math.Abs(got-want) <= relTol*math.Max(math.Abs(total), 1)
}

// pathRow is one generated path-table row, kept as plain data so that the
// expected totals and the reference Markov solver read it directly rather
// than through the importer under test.
type pathRow struct {
	path               []string
	conv, value, nulls float64
}

// genChannelNames include a blank inside a name and a comma (quoted in the
// CSV) so the generated files exercise trimming and RFC 4180 quoting.
var genChannelNames = []string{
	"paid search", "email", "social", "display", "direct", "affiliate",
	"tv, radio", "sms", "video", "push", "podcast", "referral", "organic", "print",
}

func genChannel(i int) string {
	if i < len(genChannelNames) {
		return genChannelNames[i]
	}
	return "ch" + strconv.Itoa(i)
}

// pathGen describes a random path table.
type pathGen struct {
	channels       int // channels to draw from
	rows           int
	minLen, maxLen int  // touches per path
	fractional     bool // counts in quarters, as DESIGN 2.1 allows
	nulls          bool // draw non-converting journeys (else total_null is 0)
	repeats        bool // allow a channel to follow itself (A > A)
}

// generate draws the rows. The first row always converts, so totals are
// positive; some rows have neither conversions nor nulls.
func (g pathGen) generate(rng *rand.Rand) []pathRow {
	rows := make([]pathRow, g.rows)
	for i := range rows {
		n := g.minLen + rng.IntN(g.maxLen-g.minLen+1)
		path := make([]string, 0, n)
		for len(path) < n {
			c := genChannel(rng.IntN(g.channels))
			if !g.repeats && len(path) > 0 && path[len(path)-1] == c && g.channels > 1 {
				continue
			}
			path = append(path, c)
		}
		count := func(max int) float64 {
			if g.fractional {
				return float64(rng.IntN(4*max+1)) / 4
			}
			return float64(rng.IntN(max + 1))
		}
		r := pathRow{path: path, conv: count(3)}
		if i == 0 && r.conv == 0 {
			r.conv = 1
		}
		if r.conv > 0 {
			r.value = math.Round(r.conv*(5+95*rng.Float64())*100) / 100
		}
		if g.nulls {
			r.nulls = count(5)
		}
		rows[i] = r
	}
	return rows
}

// writePathCSV writes rows as a path table; withNulls adds total_null.
func writePathCSV(rows []pathRow, withNulls bool) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	header := []string{"path", "total_conversions", "total_conversion_value"}
	if withNulls {
		header = append(header, "total_null")
	}
	w.Write(header)
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	for _, r := range rows {
		rec := []string{strings.Join(r.path, " > "), f(r.conv), f(r.value)}
		if withNulls {
			rec = append(rec, f(r.nulls))
		}
		w.Write(rec)
	}
	w.Flush()
	return b.Bytes()
}

// rowTotals sums conversions and value over rows, and lists channels in
// order of first appearance.
func rowTotals(rows []pathRow) (conv, value float64, channels []string) {
	for _, r := range rows {
		conv += r.conv
		value += r.value
		for _, c := range r.path {
			if !slices.Contains(channels, c) {
				channels = append(channels, c)
			}
		}
	}
	return conv, value, channels
}

func importBytes(t testing.TB, name string, data []byte, opts ImportOptions) *Dataset {
	t.Helper()
	opts.File = name
	ds, err := Import(context.Background(), bytes.NewReader(data), opts)
	if err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
	return ds
}

func runModels(t testing.TB, ps *PathSet, opts Options) []*Result {
	t.Helper()
	results, err := Run(context.Background(), ps, opts)
	if err != nil {
		t.Fatalf("run %+v: %v", opts, err)
	}
	if len(results) == 0 {
		t.Fatalf("run %+v: no results", opts)
	}
	return results
}

// checkCredit asserts the properties every result must have: every channel
// of the data in order of first appearance, finite non-negative credits
// that sum to the totals, shares that sum to one.
func checkCredit(t *testing.T, label string, r *Result, wantConv, wantValue float64, channels []string) {
	t.Helper()
	label = label + "/" + r.Model
	if !slices.Equal(r.Channels, channels) {
		t.Errorf("%s: channels %q, want %q (every channel, in order of first appearance)", label, r.Channels, channels)
		return
	}
	if len(r.Conversions) != len(channels) || len(r.Value) != len(channels) || len(r.Share) != len(channels) {
		t.Fatalf("%s: %d channels but %d conversions, %d values, %d shares", label, len(channels), len(r.Conversions), len(r.Value), len(r.Share))
	}
	var sumConv, sumValue, sumShare float64
	for i, ch := range channels {
		for what, v := range map[string]float64{"conversions": r.Conversions[i], "value": r.Value[i], "share": r.Share[i]} {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < -relTol {
				t.Errorf("%s: %s %s = %g, want a finite number ≥ 0", label, ch, what, v)
			}
		}
		sumConv += r.Conversions[i]
		sumValue += r.Value[i]
		sumShare += r.Share[i]
	}
	if !near(r.TotalConversions, wantConv, wantConv) || !near(r.TotalValue, wantValue, wantValue) {
		t.Errorf("%s: totals %.12g conversions, %.12g value; the data has %.12g and %.12g", label, r.TotalConversions, r.TotalValue, wantConv, wantValue)
	}
	if !near(sumConv, wantConv, wantConv) {
		t.Errorf("%s: credited conversions sum to %.12g, want %.12g", label, sumConv, wantConv)
	}
	if !near(sumValue, wantValue, wantValue) {
		t.Errorf("%s: credited value sums to %.12g, want %.12g", label, sumValue, wantValue)
	}
	if wantConv > 0 && !near(sumShare, 1, 1) {
		t.Errorf("%s: shares sum to %.12g, want 1", label, sumShare)
	}
}

// TestPropertyCreditSumsToTotals runs every model on random path tables and
// synthetic touch logs and checks that credit sums to the conversions and
// value in the data, and that every channel is in every result.
func TestPropertyCreditSumsToTotals(t *testing.T) {
	for seed := uint64(1); seed <= 12; seed++ {
		rng := rand.New(rand.NewPCG(seed, 0xC0FFEE))
		g := pathGen{
			channels:   1 + rng.IntN(12),
			rows:       10 + rng.IntN(150),
			minLen:     1,
			maxLen:     1 + rng.IntN(9),
			fractional: seed%2 == 0,
			nulls:      seed%3 != 0,
			repeats:    seed%4 == 0,
		}
		rows := g.generate(rng)
		name := fmt.Sprintf("paths-seed%d", seed)
		t.Run(name, func(t *testing.T) {
			ds := importBytes(t, name+".csv", writePathCSV(rows, seed%5 != 0), ImportOptions{})
			conv, value, channels := rowTotals(rows)
			for _, r := range runModels(t, ds.Paths, Options{}) {
				checkCredit(t, name, r, conv, value, channels)
			}
			for order := 2; order <= MaxOrder; order++ {
				for _, r := range runModels(t, ds.Paths, Options{Models: []string{Markov}, Order: order}) {
					checkCredit(t, fmt.Sprintf("%s/order%d", name, order), r, conv, value, channels)
				}
			}
		})
	}
	for seed := uint64(1); seed <= 4; seed++ {
		name := fmt.Sprintf("touches-seed%d", seed)
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := synth.WriteTouches(&buf, synth.Options{Channels: 2 + int(seed)*2, Seed: seed, Journeys: 400}); err != nil {
				t.Fatal(err)
			}
			conv, value, channels := touchLogTotals(t, buf.Bytes())
			for _, lookback := range []time.Duration{0, UnlimitedLookback, 3 * 24 * time.Hour} {
				ds := importBytes(t, name+".csv", buf.Bytes(), ImportOptions{Lookback: lookback})
				s := ds.Summary
				if s.Conversions != conv || !near(s.Value, value, value) {
					t.Errorf("lookback %v: summary has %g conversions worth %g, the file has %g worth %g", lookback, s.Conversions, s.Value, conv, value)
				}
				if lookback == UnlimitedLookback && s.UnattributedConversions != 0 {
					t.Errorf("unlimited lookback: %g unattributed conversions, want 0 (every synthetic conversion follows a touch)", s.UnattributedConversions)
				}
				// Attributed = all conversions in the file less the unattributed.
				// Channels are every channel of an accepted row, whether or not
				// the lookback window kept its touches.
				attrConv, attrValue := conv-s.UnattributedConversions, value-s.UnattributedValue
				label := fmt.Sprintf("%s/lookback=%v", name, lookback)
				for _, hl := range []time.Duration{0, time.Hour, 30 * 24 * time.Hour} {
					for _, r := range runModels(t, ds.Paths, Options{Order: 1 + int(seed)%3, HalfLife: hl}) {
						checkCredit(t, label, r, attrConv, attrValue, channels)
					}
				}
			}
		})
	}
}

// touchLogTotals reads a touch log with encoding/csv (not the importer
// under test): conversions are rows with conversion 1, value their
// conversion_value; channels in order of first appearance.
func touchLogTotals(t *testing.T, data []byte) (conv, value float64, channels []string) {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, r := range recs[1:] {
		if ch := r[col["channel"]]; ch != "" && !slices.Contains(channels, ch) {
			channels = append(channels, ch)
		}
		if r[col["conversion"]] == "1" {
			conv++
			v, err := strconv.ParseFloat(r[col["conversion_value"]], 64)
			if err != nil {
				t.Fatal(err)
			}
			value += v
		}
	}
	return conv, value, channels
}

// TestPropertyEveryChannelAppears checks channels that earn nothing: one
// only on a row with no journeys at all, one only on non-converting paths,
// and, in a touch log, one only outside the lookback window.
func TestPropertyEveryChannelAppears(t *testing.T) {
	paths := "path,total_conversions,total_conversion_value,total_null\n" +
		"ghost,0,0,0\n" + // seen, but no journey followed it
		"A > B,2,20,1\n" +
		"loser > dud,0,0,3\n" + // only on non-converting journeys, which no chain links to a conversion
		"B,1,5,0\n"
	touches := "journey_id,timestamp,channel,conversion,conversion_value\n" +
		"j1,2024-01-01,old,0,\n" + // 60 days before the conversion: outside 30 days
		"j1,2024-03-01,A,0,\n" +
		"j1,2024-03-01 12:00:00,,1,10\n" +
		"j2,2024-03-02,browser,0,\n" // never converts
	for _, c := range []struct {
		name     string
		data     string
		channels []string
		zero     []string
	}{
		{"paths", paths, []string{"ghost", "A", "B", "loser", "dud"}, []string{"ghost", "loser", "dud"}},
		{"touches", touches, []string{"old", "A", "browser"}, []string{"old", "browser"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ds := importBytes(t, c.name+".csv", []byte(c.data), ImportOptions{})
			for order := 1; order <= 3; order++ {
				for _, r := range runModels(t, ds.Paths, Options{Order: order}) {
					if !slices.Equal(r.Channels, c.channels) {
						t.Errorf("%s: channels %q, want %q", r.Model, r.Channels, c.channels)
						continue
					}
					for _, ch := range c.zero {
						if conv, value, share, _ := r.Credit(ch); conv != 0 || value != 0 || share != 0 {
							t.Errorf("%s order %d: %s credited %g conversions worth %g (share %g), want zeros", r.Model, order, ch, conv, value, share)
						}
					}
				}
			}
		})
	}
}

// TestPropertySingleTouchPathsAgree: when every path has one touch, every
// model must give each channel exactly the conversions and value of its
// own paths (for Markov: RE_c is c's share of conversions, so the credit
// is c's conversions; the value removal effect likewise).
func TestPropertySingleTouchPathsAgree(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		rng := rand.New(rand.NewPCG(seed, 1))
		g := pathGen{channels: 1 + rng.IntN(10), rows: 5 + rng.IntN(60), minLen: 1, maxLen: 1, fractional: seed%2 == 1, nulls: seed%3 != 0}
		rows := g.generate(rng)
		want := map[string][2]float64{}
		for _, r := range rows {
			w := want[r.path[0]]
			want[r.path[0]] = [2]float64{w[0] + r.conv, w[1] + r.value}
		}
		totalConv, totalValue, channels := rowTotals(rows)
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			ds := importBytes(t, "single.csv", writePathCSV(rows, g.nulls), ImportOptions{})
			for order := 1; order <= MaxOrder; order++ {
				for _, r := range runModels(t, ds.Paths, Options{Order: order}) {
					if order > 1 && r.Model != Markov {
						continue
					}
					checkCredit(t, fmt.Sprintf("order%d", order), r, totalConv, totalValue, channels)
					for _, ch := range channels {
						conv, value, _, _ := r.Credit(ch)
						if !near(conv, want[ch][0], totalConv) || !near(value, want[ch][1], totalValue) {
							t.Errorf("%s order %d: %s gets %.12g conversions worth %.12g, want %.12g worth %.12g",
								r.Model, order, ch, conv, value, want[ch][0], want[ch][1])
						}
					}
				}
			}
		})
	}
}

// TestPropertySingleTouchJourneysAgree is the same property on touch logs,
// where time-decay runs too. Each journey has one or two sessions of one
// touch each; a session converts either on its own touch row or on a
// separate conversion row a little later. Rows are shuffled, and
// timestamps come in every accepted format.
func TestPropertySingleTouchJourneysAgree(t *testing.T) {
	base := time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)
	formats := []func(time.Time) string{
		func(t time.Time) string { return t.Format(time.RFC3339) },
		func(t time.Time) string { return t.Format("2006-01-02 15:04:05") },
		func(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) },
		func(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) },
		func(t time.Time) string { return t.In(time.FixedZone("", 5*3600+1800)).Format(time.RFC3339) },
	}
	for seed := uint64(1); seed <= 4; seed++ {
		rng := rand.New(rand.NewPCG(seed, 2))
		nch := 1 + rng.IntN(8)
		want := map[string][2]float64{}
		var totalConv, totalValue float64
		var lines []string
		for j := 0; j < 80; j++ {
			at := base.Add(time.Duration(rng.Int64N(int64(60 * 24 * time.Hour)))).Truncate(time.Second)
			sessions := 1 + rng.IntN(2)
			for s := 0; s < sessions; s++ {
				ch := genChannel(rng.IntN(nch))
				converts := s < sessions-1 || rng.IntN(3) > 0 // only the last session may end without converting
				value := math.Round(rng.Float64()*10000) / 100
				row := func(at time.Time, ch string, conv bool) {
					c, v := "0", ""
					if conv {
						c, v = "1", strconv.FormatFloat(value, 'f', -1, 64)
					}
					lines = append(lines, fmt.Sprintf("j%d,%s,%q,%s,%s", j, formats[rng.IntN(len(formats))](at), ch, c, v))
				}
				if converts && rng.IntN(2) == 0 {
					row(at, ch, true) // the conversion row is itself the touch
				} else {
					row(at, ch, false)
					if converts {
						at = at.Add(time.Duration(1+rng.Int64N(int64(20*24*time.Hour/time.Second))) * time.Second)
						row(at, "", true)
					}
				}
				if converts {
					w := want[ch]
					want[ch] = [2]float64{w[0] + 1, w[1] + value}
					totalConv++
					totalValue += value
				}
				at = at.Add(time.Duration(1+rng.IntN(1000)) * time.Second)
			}
		}
		rng.Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
		data := "journey_id,timestamp,channel,conversion,conversion_value\n" + strings.Join(lines, "\n") + "\n"
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			ds := importBytes(t, "single-touches.csv", []byte(data), ImportOptions{})
			if ds.Summary.UnattributedConversions != 0 {
				t.Fatalf("%g unattributed conversions, want 0: every conversion is within 20 days of its touch", ds.Summary.UnattributedConversions)
			}
			_, _, channels := touchLogTotals(t, []byte(data))
			results := runModels(t, ds.Paths, Options{})
			if len(results) != len(modelNames) {
				t.Fatalf("%d models ran on a touch log, want all %d", len(results), len(modelNames))
			}
			for _, r := range results {
				checkCredit(t, "single-touch journeys", r, totalConv, totalValue, channels)
				for _, ch := range channels {
					conv, value, _, _ := r.Credit(ch)
					if !near(conv, want[ch][0], totalConv) || !near(value, want[ch][1], totalValue) {
						t.Errorf("%s: %s gets %.12g conversions worth %.12g, want %.12g worth %.12g", r.Model, ch, conv, value, want[ch][0], want[ch][1])
					}
				}
			}
		})
	}
}

// TestPropertyRowOrderDoesNotMatter shuffles the rows of a path table, and
// splits rows into two with the same path, and expects the same credit per
// channel name (channel order follows the data, so it may differ).
func TestPropertyRowOrderDoesNotMatter(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		rng := rand.New(rand.NewPCG(seed, 3))
		g := pathGen{channels: 2 + rng.IntN(8), rows: 20 + rng.IntN(120), minLen: 1, maxLen: 2 + rng.IntN(6), fractional: true, nulls: true, repeats: true}
		rows := g.generate(rng)
		shuffled := slices.Clone(rows)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		// Split every third row into two halves, the second half at the end.
		var split []pathRow
		var tail []pathRow
		for i, r := range rows {
			if i%3 != 0 {
				split = append(split, r)
				continue
			}
			h := pathRow{path: r.path, conv: r.conv / 2, value: r.value / 2, nulls: r.nulls / 2}
			split = append(split, h)
			tail = append(tail, h)
		}
		split = append(split, tail...)
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			orig := importBytes(t, "orig.csv", writePathCSV(rows, true), ImportOptions{})
			for _, v := range []struct {
				name string
				rows []pathRow
			}{{"shuffled", shuffled}, {"split", split}} {
				other := importBytes(t, v.name+".csv", writePathCSV(v.rows, true), ImportOptions{})
				for order := 1; order <= 3; order++ {
					a := runModels(t, orig.Paths, Options{Order: order})
					b := runModels(t, other.Paths, Options{Order: order})
					compareByChannel(t, fmt.Sprintf("%s/order%d", v.name, order), a, b)
				}
			}
		})
	}
}

// TestPropertyRowOrderMultiChunk shuffles a path table of several
// megabytes, which the importer reads in parallel chunks, so rows move
// between chunks and workers.
func TestPropertyRowOrderMultiChunk(t *testing.T) {
	var buf bytes.Buffer
	if err := synth.WritePaths(&buf, synth.Options{Channels: 9, Seed: 21, Paths: 40000}); err != nil {
		t.Fatal(err)
	}
	if buf.Len() < 2*chunkSize {
		t.Fatalf("generated table is %d bytes: too small to span several chunks", buf.Len())
	}
	lines := strings.SplitAfter(strings.TrimSuffix(buf.String(), "\n"), "\n")
	header, rows := lines[0], slices.Clone(lines[1:])
	rows[len(rows)-1] += "\n"
	rng := rand.New(rand.NewPCG(21, 7))
	rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	shuffled := header + strings.Join(rows, "")
	orig := importBytes(t, "big.csv", buf.Bytes(), ImportOptions{})
	other := importBytes(t, "big-shuffled.csv", []byte(shuffled), ImportOptions{})
	if orig.Summary.RowsRead != 40000 || other.Summary.RowsRead != 40000 {
		t.Fatalf("read %d and %d rows, want 40000", orig.Summary.RowsRead, other.Summary.RowsRead)
	}
	for order := 1; order <= 2; order++ {
		compareByChannel(t, fmt.Sprintf("order%d", order),
			runModels(t, orig.Paths, Options{Order: order}), runModels(t, other.Paths, Options{Order: order}))
	}
}

// compareByChannel asserts two runs credit every channel alike.
func compareByChannel(t *testing.T, label string, a, b []*Result) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("%s: %d results vs %d", label, len(a), len(b))
	}
	for i := range a {
		ra, rb := a[i], b[i]
		if ra.Model != rb.Model || len(ra.Channels) != len(rb.Channels) {
			t.Fatalf("%s: %s with %d channels vs %s with %d", label, ra.Model, len(ra.Channels), rb.Model, len(rb.Channels))
		}
		for k, ch := range ra.Channels {
			conv, value, share, ok := rb.Credit(ch)
			if !ok {
				t.Errorf("%s/%s: channel %s missing", label, ra.Model, ch)
				continue
			}
			if !near(conv, ra.Conversions[k], ra.TotalConversions) || !near(value, ra.Value[k], ra.TotalValue) || !near(share, ra.Share[k], 1) {
				t.Errorf("%s/%s: %s gets %.12g / %.12g / %.12g, originally %.12g / %.12g / %.12g",
					label, ra.Model, ch, conv, value, share, ra.Conversions[k], ra.Value[k], ra.Share[k])
			}
			if ra.RemovalEffect != nil {
				j := slices.Index(rb.Channels, ch)
				if !near(rb.RemovalEffect[j], ra.RemovalEffect[k], 1) {
					t.Errorf("%s/%s: %s removal effect %.12g, originally %.12g", label, ra.Model, ch, rb.RemovalEffect[j], ra.RemovalEffect[k])
				}
			}
		}
		if ra.Markov != nil && !near(rb.Markov.PConv, ra.Markov.PConv, 1) {
			t.Errorf("%s: P(conv) %.15g, originally %.15g", label, rb.Markov.PConv, ra.Markov.PConv)
		}
	}
}

// TestPropertyDeterministic imports and runs the same bytes several times
// and expects every number to the last bit (map iteration order is random
// in every run, so an order-dependent sum would show).
func TestPropertyDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(42, 4))
	rows := pathGen{channels: 12, rows: 400, minLen: 1, maxLen: 8, fractional: true, nulls: true, repeats: true}.generate(rng)
	var touches bytes.Buffer
	if err := synth.WriteTouches(&touches, synth.Options{Channels: 7, Seed: 9, Journeys: 500}); err != nil {
		t.Fatal(err)
	}
	// Several chunks parsed in parallel, merged in whatever order the
	// workers finish.
	var bigTouches bytes.Buffer
	if err := synth.WriteTouches(&bigTouches, synth.Options{Channels: 6, Seed: 10, Rows: 60000}); err != nil {
		t.Fatal(err)
	}
	if bigTouches.Len() < 2*chunkSize {
		t.Fatalf("generated touch log is %d bytes: too small to span several chunks", bigTouches.Len())
	}
	for _, in := range []struct {
		name   string
		data   []byte
		orders []int
	}{
		{"paths", writePathCSV(rows, true), []int{1, 2, 3}},
		{"touches", touches.Bytes(), []int{1, 2}},
		{"multi-chunk touches", bigTouches.Bytes(), []int{1}},
	} {
		for _, order := range in.orders {
			var first string
			for rep := 0; rep < 3; rep++ {
				ds := importBytes(t, in.name, in.data, ImportOptions{})
				got := fingerprint(runModels(t, ds.Paths, Options{Order: order}))
				if rep == 0 {
					first = got
				} else if got != first {
					t.Errorf("%s order %d: run %d differs from run 1", in.name, order, rep+1)
				}
			}
		}
	}
}

// fingerprint writes every number of results bit for bit.
func fingerprint(results []*Result) string {
	var b strings.Builder
	bits := func(xs ...float64) {
		for _, x := range xs {
			fmt.Fprintf(&b, "%x,", math.Float64bits(x))
		}
	}
	for _, r := range results {
		fmt.Fprintf(&b, "%s %q\n", r.Model, r.Channels)
		bits(r.Conversions...)
		bits(r.Value...)
		bits(r.Share...)
		bits(r.RemovalEffect...)
		bits(r.TotalConversions, r.TotalValue)
		if m := r.Markov; m != nil {
			bits(m.PConv)
			bits(m.ValueRemovalEffect...)
			fmt.Fprintf(&b, "%q", m.States)
			for _, tr := range m.Transitions {
				fmt.Fprintf(&b, "%d>%d:", tr.From, tr.To)
				bits(tr.P)
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}
