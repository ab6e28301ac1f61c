package attribution

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"github.com/attrlab/attrlab/synth"
)

// trueChain is a first-order journey chain without self-loops, so that the
// chain the engine estimates from its journeys converges to it.
type trueChain struct {
	channels []string
	start    []float64   // P(start -> channel)
	q        [][]float64 // P(channel -> channel)
	conv     []float64   // P(channel -> conversion); the rest is null
}

var coverageChain = trueChain{
	channels: []string{"search", "email", "social"},
	start:    []float64{0.5, 0.3, 0.2},
	q: [][]float64{
		{0, 0.3, 0.2},
		{0.2, 0, 0.3},
		{0.1, 0.2, 0},
	},
	conv: []float64{0.1, 0.2, 0.35},
}

// simulate draws n journeys from the chain into a PathSet; a conversion is
// worth 10 plus its last channel's index.
func (tc trueChain) simulate(rng *rand.Rand, n int) *PathSet {
	ps := NewPathSet()
	ps.HasNulls = true
	for _, c := range tc.channels {
		ps.Channel(c)
	}
	pick := func(p []float64) int {
		u := rng.Float64()
		for i, pi := range p {
			if u < pi {
				return i
			}
			u -= pi
		}
		return -1 // absorbed
	}
	var path []int32
	for range n {
		path = path[:0]
		s := pick(tc.start)
		for {
			path = append(path, int32(s))
			u := rng.Float64()
			if u < tc.conv[s] {
				ps.AddPath(path, 1, 10+float64(s), 0)
				break
			}
			u -= tc.conv[s]
			next := -1
			for t, p := range tc.q[s] {
				if u < p {
					next = t
					break
				}
				u -= p
			}
			if next < 0 {
				ps.AddPath(path, 0, 0, 1)
				break
			}
			s = next
		}
	}
	return ps
}

// markovShare is the removal-effect share of the chain itself, solved by
// plain fixed-point iteration (independent of the engine's solver).
func (tc trueChain) markovShare() []float64 {
	k := len(tc.channels)
	pconv := func(removed int) float64 {
		x := make([]float64, k) // P(convert | at channel)
		for range 10000 {
			for s := range k {
				if s == removed {
					x[s] = 0
					continue
				}
				v := tc.conv[s]
				for t := range k {
					v += tc.q[s][t] * x[t]
				}
				x[s] = v
			}
		}
		p := 0.0
		for s := range k {
			p += tc.start[s] * x[s]
		}
		return p
	}
	base := pconv(-1)
	re := make([]float64, k)
	sum := 0.0
	for c := range k {
		re[c] = 1 - pconv(c)/base
		sum += re[c]
	}
	for c := range re {
		re[c] /= sum
	}
	return re
}

// linearShare is the expected linear credit per expected conversion of
// the chain: a dynamic programme over journey length L of the probability
// f of being at a channel after L touches and the expected count g of each
// channel among those touches.
func (tc trueChain) linearShare() []float64 {
	k := len(tc.channels)
	f := slices.Clone(tc.start)
	g := make([][]float64, k) // g[s][c]
	for s := range k {
		g[s] = make([]float64, k)
		g[s][s] = f[s]
	}
	credit := make([]float64, k)
	var convs float64
	for L := 1; L < 2000; L++ {
		for s := range k {
			convs += f[s] * tc.conv[s]
			for c := range k {
				credit[c] += g[s][c] * tc.conv[s] / float64(L)
			}
		}
		nf := make([]float64, k)
		ng := make([][]float64, k)
		for t := range k {
			ng[t] = make([]float64, k)
		}
		for s := range k {
			for t := range k {
				nf[t] += f[s] * tc.q[s][t]
				for c := range k {
					ng[t][c] += g[s][c] * tc.q[s][t]
				}
			}
		}
		for t := range k {
			ng[t][t] += nf[t]
		}
		f, g = nf, ng
	}
	for c := range credit {
		credit[c] /= convs
	}
	return credit
}

func bootstrapResults(t testing.TB, ps *PathSet, opts Options, b BootstrapOptions) []*Result {
	t.Helper()
	results, err := Run(context.Background(), ps, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := Bootstrap(context.Background(), ps, results, opts, b); err != nil {
		t.Fatal(err)
	}
	return results
}

// coverage simulates datasets journeys each from coverageChain and
// returns, per model (markov, linear) and channel, the fraction of
// datasets whose interval holds the chain's own share.
func coverage(t testing.TB, datasets, journeys, replicates int, seed uint64) [2][]float64 {
	tc := coverageChain
	truth := [2][]float64{tc.markovShare(), tc.linearShare()}
	var hits [2][]float64
	for m := range hits {
		hits[m] = make([]float64, len(tc.channels))
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	opts := Options{Models: []string{Linear, Markov}}
	for d := range datasets {
		ps := tc.simulate(rng, journeys)
		results := bootstrapResults(t, ps, opts, BootstrapOptions{Replicates: replicates, Seed: uint64(d)})
		for m, res := range []*Result{results[1], results[0]} { // markov, linear
			for c := range tc.channels {
				iv := res.Intervals.Share[c]
				if iv.Low <= truth[m][c] && truth[m][c] <= iv.High {
					hits[m][c]++
				}
			}
		}
	}
	for m := range hits {
		for c := range hits[m] {
			hits[m][c] /= float64(datasets)
		}
	}
	return hits
}

// TestBootstrapCoverage: 95% intervals from 400 datasets simulated from a
// known chain hold the chain's own Markov and linear shares in 92-98% of
// them, channel by channel.
func TestBootstrapCoverage(t *testing.T) {
	tc := coverageChain
	// The independent truths are themselves checked: shares sum to 1.
	for _, truth := range [][]float64{tc.markovShare(), tc.linearShare()} {
		sum := 0.0
		for _, s := range truth {
			sum += s
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Fatalf("true shares %v sum to %v", truth, sum)
		}
	}
	cov := coverage(t, 400, 1500, 200, 2026)
	for m, name := range []string{Markov, Linear} {
		for c, ch := range tc.channels {
			t.Logf("%s %s: coverage %.3f", name, ch, cov[m][c])
			if cov[m][c] < 0.92 || cov[m][c] > 0.98 {
				t.Errorf("%s %s: 95%% intervals held the true share in %.1f%% of 400 datasets, want 92-98%%", name, ch, 100*cov[m][c])
			}
		}
	}
}

// BenchmarkBootstrapCoverage is the longer coverage run (2000 datasets of
// 3000 journeys); it reports the lowest and highest coverage.
func BenchmarkBootstrapCoverage(b *testing.B) {
	for b.Loop() {
		cov := coverage(b, 2000, 3000, 200, 7)
		lo, hi := 1.0, 0.0
		for m := range cov {
			lo, hi = min(lo, slices.Min(cov[m])), max(hi, slices.Max(cov[m]))
		}
		b.ReportMetric(lo, "min-coverage")
		b.ReportMetric(hi, "max-coverage")
	}
}

// TestBootstrapNarrowsAsRootN: four times the journeys halve the width
// (1/sqrt(n)), averaged over channels and a few datasets.
func TestBootstrapNarrowsAsRootN(t *testing.T) {
	tc := coverageChain
	rng := rand.New(rand.NewPCG(99, 1))
	opts := Options{Models: []string{Linear, Markov}}
	width := func(n int) [2]float64 {
		var w [2]float64
		for d := range 8 {
			results := bootstrapResults(t, tc.simulate(rng, n), opts, BootstrapOptions{Replicates: 400, Seed: uint64(d)})
			for m, res := range results {
				for _, iv := range res.Intervals.Share {
					w[m] += iv.Width()
				}
			}
		}
		return w
	}
	small, large := width(2000), width(8000)
	for m, name := range []string{Linear, Markov} {
		ratio := large[m] / small[m]
		t.Logf("%s: width ratio %.3f on 4x the journeys", name, ratio)
		if ratio < 0.4 || ratio > 0.6 {
			t.Errorf("%s: intervals on 4x the journeys are %.2f as wide, want about 0.5 (0.4-0.6)", name, ratio)
		}
	}
}

// TestBootstrapSinglePathZeroWidth: when every journey followed the same
// path and converted, every replicate is the data itself.
func TestBootstrapSinglePathZeroWidth(t *testing.T) {
	ds := importBytes(t, "one.csv", []byte("path,conversions,value,nulls\nsearch > email > search,12,340,0\n"), ImportOptions{})
	results := bootstrapResults(t, ds.Paths, Options{}, BootstrapOptions{Replicates: 50, Seed: 3})
	for _, res := range results {
		iv := res.Intervals
		for c, ch := range res.Channels {
			for _, x := range []struct {
				what  string
				iv    Interval
				point float64
			}{{"share", iv.Share[c], res.Share[c]}, {"conversions", iv.Conversions[c], res.Conversions[c]}, {"value", iv.Value[c], res.Value[c]}} {
				if x.iv.Low != x.iv.High || math.Abs(x.iv.Low-x.point) > 1e-12*max(1, x.point) {
					t.Errorf("%s %s %s: interval [%v, %v], want zero width at %v", res.Model, ch, x.what, x.iv.Low, x.iv.High, x.point)
				}
			}
		}
	}
	// With non-converting journeys too the counts vary, but the shares of
	// a single path cannot.
	ds = importBytes(t, "one.csv", []byte("path,conversions,value,nulls\nsearch > email > search,12,340,30\n"), ImportOptions{})
	results = bootstrapResults(t, ds.Paths, Options{}, BootstrapOptions{Replicates: 50, Seed: 3})
	for _, res := range results {
		for c, ch := range res.Channels {
			if iv := res.Intervals.Share[c]; iv.Width() > 1e-12 {
				t.Errorf("%s %s: share interval [%v, %v] on a single path, want zero width", res.Model, ch, iv.Low, iv.High)
			}
		}
		if iv := res.Intervals.Conversions[0]; iv.Width() == 0 {
			t.Errorf("%s: conversions interval has zero width although conversions vary between replicates", res.Model)
		}
	}
}

// TestBootstrapDataItselfIsTheRun: a replicate whose counts are the data's
// own gives the plain run's numbers for every model, on a touch log (all
// seven models) and at Markov orders 1 to 3.
func TestBootstrapDataItselfIsTheRun(t *testing.T) {
	var buf bytes.Buffer
	if err := synth.WriteTouches(&buf, synth.Options{Channels: 5, Seed: 4, Journeys: 3000}); err != nil {
		t.Fatal(err)
	}
	ds := importBytes(t, "touches.csv", buf.Bytes(), ImportOptions{})
	pathData, err := os.ReadFile("../../shared/data/reference/pathdata.csv")
	if err != nil {
		t.Fatal(err)
	}
	paths := importBytes(t, "pathdata.csv", pathData, ImportOptions{})
	for _, tc := range []struct {
		name string
		ps   *PathSet
		opts Options
	}{
		{"touches", ds.Paths, Options{}},
		{"paths order 2", paths.Paths, Options{Order: 2}},
		{"paths order 3", paths.Paths, Options{Order: 3, Models: []string{Markov, Linear}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			results, err := Run(context.Background(), tc.ps, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			opts, _ := tc.opts.withDefaults()
			prep, err := newBootPrep(tc.ps, results, opts)
			if err != nil {
				t.Fatal(err)
			}
			rs := prep.newReplicateState()
			copy(rs.counts, prep.cellW)
			err = prep.evaluate(context.Background(), rs, func(m int, conv, value []float64, totalConv float64) {
				res := results[m]
				if math.Abs(totalConv-res.TotalConversions) > 1e-9*res.TotalConversions {
					t.Errorf("%s: total %v, run %v", res.Model, totalConv, res.TotalConversions)
				}
				for c, ch := range res.Channels {
					if math.Abs(conv[c]-res.Conversions[c]) > 1e-9*max(1, res.TotalConversions) ||
						math.Abs(value[c]-res.Value[c]) > 1e-9*max(1, res.TotalValue) {
						t.Errorf("%s %s: replicate of the data gives %v / %v, the run %v / %v", res.Model, ch, conv[c], value[c], res.Conversions[c], res.Value[c])
					}
				}
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestBootstrapSameSeedSameIntervals: a seed fixes every bit; another seed
// moves the intervals; the point estimate lies inside on this data.
func TestBootstrapSameSeedSameIntervals(t *testing.T) {
	var buf bytes.Buffer
	if err := synth.WriteTouches(&buf, synth.Options{Channels: 4, Seed: 8, Journeys: 2000}); err != nil {
		t.Fatal(err)
	}
	ds := importBytes(t, "touches.csv", buf.Bytes(), ImportOptions{})
	run := func(seed uint64) string {
		results := bootstrapResults(t, ds.Paths, Options{}, BootstrapOptions{Replicates: 60, Seed: seed})
		return fmt.Sprintf("%v", func() []any {
			var out []any
			for _, r := range results {
				out = append(out, *r.Intervals)
			}
			return out
		}())
	}
	a, b, c := run(5), run(5), run(6)
	if a != b {
		t.Error("the same seed gave different intervals")
	}
	if a == c {
		t.Error("seeds 5 and 6 gave identical intervals")
	}
	for _, bad := range []BootstrapOptions{{Replicates: 0}, {Replicates: 10, Level: 1}, {Replicates: 10, Level: -0.5}} {
		results, _ := Run(context.Background(), ds.Paths, Options{})
		if err := Bootstrap(context.Background(), ds.Paths, results, Options{}, bad); err == nil {
			t.Errorf("Bootstrap(%+v) accepted", bad)
		}
	}
}

// benchBootstrapFile returns a generated touch log: 8 channels, 50,000
// journeys (about 17,600 distinct paths).
func benchBootstrapFile(b *testing.B) []byte {
	var buf bytes.Buffer
	if err := synth.WriteTouches(&buf, synth.Options{Channels: 8, Seed: 1, Journeys: 50000}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// benchAttribute imports data and runs every model, with replicates
// bootstrap replicates when it is above zero: what `attrlab attribute`
// does with and without --bootstrap.
func benchAttribute(b *testing.B, data []byte, replicates int, importEach bool) {
	ds, err := Import(context.Background(), bytes.NewReader(data), ImportOptions{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if importEach {
			if ds, err = Import(context.Background(), bytes.NewReader(data), ImportOptions{}); err != nil {
				b.Fatal(err)
			}
		}
		results, err := Run(context.Background(), ds.Paths, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if replicates > 0 {
			if err := Bootstrap(context.Background(), ds.Paths, results, Options{}, BootstrapOptions{Replicates: replicates, Seed: 1}); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkPlainRun is one plain run of every model, the data already
// imported.
func BenchmarkPlainRun(b *testing.B) { benchAttribute(b, benchBootstrapFile(b), 0, false) }

// BenchmarkBootstrap200 is BenchmarkPlainRun plus 200 replicates.
func BenchmarkBootstrap200(b *testing.B) { benchAttribute(b, benchBootstrapFile(b), 200, false) }

// BenchmarkImportAndRun is the work of a plain `attrlab attribute`: import
// and every model.
func BenchmarkImportAndRun(b *testing.B) { benchAttribute(b, benchBootstrapFile(b), 0, true) }

// BenchmarkImportRunBootstrap200 is BenchmarkImportAndRun with
// --bootstrap 200.
func BenchmarkImportRunBootstrap200(b *testing.B) {
	benchAttribute(b, benchBootstrapFile(b), 200, true)
}

// The Poisson-corrected draw is multinomial: the counts always sum to the
// draws, and their means, variances and a covariance match N p,
// N p (1-p) and -N p q.
func TestPoissonCorrectedDrawIsMultinomial(t *testing.T) {
	p := &bootPrep{}
	for _, w := range []float64{1, 1, 1, 1, 2, 3} {
		p.addCell(0, false, w)
	}
	p.draws = p.total
	p.alias = newAliasTable(p.cellW)
	p.poissonDraws()
	rs := &replicateState{hits: make([]int32, len(p.cellW))}
	rng := rand.New(rand.NewPCG(3, 4))
	const reps = 60000
	n := p.draws
	var sum, sq [6]float64
	var cross float64
	for range reps {
		p.drawPoissonCorrected(rs, rng)
		total := 0
		for k, x := range rs.hits {
			total += int(x)
			sum[k] += float64(x)
			sq[k] += float64(x) * float64(x)
		}
		cross += float64(rs.hits[0]) * float64(rs.hits[5])
		if total != int(n) {
			t.Fatalf("a draw of %d journeys, want %v", total, n)
		}
	}
	for k, w := range p.cellW {
		pk := w / p.total
		mean, vari := sum[k]/reps, sq[k]/reps-(sum[k]/reps)*(sum[k]/reps)
		wantVar := n * pk * (1 - pk)
		if se := math.Sqrt(wantVar / reps); math.Abs(mean-n*pk) > 4*se {
			t.Errorf("cell %d: mean %.4f, want %.4f (±%.4f)", k, mean, n*pk, 4*se)
		}
		if math.Abs(vari-wantVar) > 0.03*wantVar {
			t.Errorf("cell %d: variance %.4f, want %.4f", k, vari, wantVar)
		}
	}
	p0, p5 := p.cellW[0]/p.total, p.cellW[5]/p.total
	cov := cross/reps - (sum[0]/reps)*(sum[5]/reps)
	if want := -n * p0 * p5; math.Abs(cov-want) > 0.05*math.Abs(want) {
		t.Errorf("covariance of cells 0 and 5: %.4f, want %.4f", cov, want)
	}
	// Large means go through sums of smaller draws.
	var big float64
	for range 4000 {
		big += float64(poisson(rng, 40, math.Exp(-40)))
	}
	if m := big / 4000; math.Abs(m-40) > 4*math.Sqrt(40.0/4000) {
		t.Errorf("Poisson(40) mean %.3f", m)
	}
}

// A coverage run on data with mostly one journey per path, which the
// Poisson-corrected draw resamples: 95% intervals of the linear share
// (six channels, long paths) hold the chain's own share in 92-98% of 400
// datasets.
func TestBootstrapCoverageManyPaths(t *testing.T) {
	tc := trueChain{
		channels: []string{"a", "b", "c", "d", "e", "f"},
		start:    []float64{0.2, 0.2, 0.15, 0.15, 0.15, 0.15},
		q: [][]float64{
			{0, 0.15, 0.15, 0.15, 0.15, 0.15},
			{0.15, 0, 0.15, 0.15, 0.15, 0.15},
			{0.15, 0.15, 0, 0.15, 0.15, 0.15},
			{0.15, 0.15, 0.15, 0, 0.15, 0.15},
			{0.15, 0.15, 0.15, 0.15, 0, 0.15},
			{0.15, 0.15, 0.15, 0.15, 0.15, 0},
		},
		conv: []float64{0.05, 0.08, 0.1, 0.04, 0.06, 0.12},
	}
	truth := tc.linearShare()
	rng := rand.New(rand.NewPCG(77, 1))
	hits := make([]float64, len(tc.channels))
	const datasets = 400
	drawn := false
	for d := range datasets {
		ps := tc.simulate(rng, 1500)
		c, _, n := ps.Totals()
		if !drawn && c+n <= 8*float64(ps.Len()) {
			drawn = true
		}
		results := bootstrapResults(t, ps, Options{Models: []string{Linear}}, BootstrapOptions{Replicates: 200, Seed: uint64(d)})
		for ch := range tc.channels {
			iv := results[0].Intervals.Share[ch]
			if iv.Low <= truth[ch] && truth[ch] <= iv.High {
				hits[ch]++
			}
		}
	}
	if !drawn {
		t.Fatal("the datasets were not in the Poisson-corrected regime")
	}
	for ch, name := range tc.channels {
		cov := hits[ch] / datasets
		t.Logf("linear %s: coverage %.3f", name, cov)
		if cov < 0.92 || cov > 0.98 {
			t.Errorf("linear %s: coverage %.1f%% of %d datasets, want 92-98%%", name, 100*cov, datasets)
		}
	}
}

// On a chain past the dense limit (order 2 on many channels), a replicate
// of the data itself still gives the plain run's Markov credit, through
// the plain run's large-chain method.
func TestBootstrapLargeChainIsTheRun(t *testing.T) {
	var buf bytes.Buffer
	if err := synth.WritePaths(&buf, synth.Options{Channels: 30, Seed: 5, Paths: 3000}); err != nil {
		t.Fatal(err)
	}
	ds := importBytes(t, "paths.csv", buf.Bytes(), ImportOptions{})
	opts := Options{Models: []string{Markov}, Order: 2}
	results, err := Run(context.Background(), ds.Paths, opts)
	if err != nil {
		t.Fatal(err)
	}
	o, _ := opts.withDefaults()
	prep, err := newBootPrep(ds.Paths, results, o)
	if err != nil {
		t.Fatal(err)
	}
	if prep.markov.n <= denseLimit {
		t.Fatalf("%d states: not past the dense limit %d", prep.markov.n, denseLimit)
	}
	rs := prep.newReplicateState()
	copy(rs.counts, prep.cellW)
	err = prep.evaluate(context.Background(), rs, func(m int, conv, value []float64, total float64) {
		r := results[m]
		for c, ch := range r.Channels {
			if math.Abs(conv[c]-r.Conversions[c]) > 1e-7*r.TotalConversions {
				t.Errorf("%s: replicate %v, run %v", ch, conv[c], r.Conversions[c])
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}
