package attribution

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/attrlab/attrlab/synth"
)

// removalSetup builds what markovRemoval builds before the removal
// effects: the chain, its solver, the states of each channel, P(conv) and
// the converted value per journey.
type removalSetup struct {
	chain     *markovChain
	solver    *visitSolver
	contains  [][]int32
	pConv     float64
	valueBase float64
}

func newRemovalSetup(t *testing.T, ps *PathSet, order int) removalSetup {
	t.Helper()
	chain, err := buildChain(ps, order)
	if err != nil {
		t.Fatal(err)
	}
	solver := newVisitSolver(chain)
	allowed := make([]bool, chain.n)
	for i := range allowed {
		allowed[i] = true
	}
	v, err := solver.visits(allowed)
	if err != nil {
		t.Fatal(err)
	}
	pConv, valueBase := chain.absorbed(v, allowed)
	contains := make([][]int32, len(ps.Channels))
	for s := 1; s < chain.n; s++ {
		for j, c := range chain.grams[s] {
			if !slices.Contains(chain.grams[s][:j], c) {
				contains[c] = append(contains[c], int32(s))
			}
		}
	}
	return removalSetup{chain, solver, contains, pConv, valueBase}
}

// serialRemoval is the removal loop of markov.go as it was before the
// channels were spread over cores and before the fundamental matrix: one
// solve per channel, in channel order. It is the bit-for-bit reference.
func (rs removalSetup) serialRemoval(t *testing.T) (re, vre []float64) {
	t.Helper()
	re = make([]float64, len(rs.contains))
	vre = make([]float64, len(rs.contains))
	allowed := make([]bool, rs.chain.n)
	for i := range allowed {
		allowed[i] = true
	}
	for c := range rs.contains {
		if len(rs.contains[c]) == 0 {
			continue
		}
		for _, s := range rs.contains[c] {
			allowed[s] = false
		}
		v, err := rs.solver.visits(allowed)
		if err != nil {
			t.Fatal(err)
		}
		pc, vc := rs.chain.absorbed(v, allowed)
		for _, s := range rs.contains[c] {
			allowed[s] = true
		}
		re[c] = clamp01(1 - pc/rs.pConv)
		if rs.valueBase > 0 {
			vre[c] = clamp01(1 - vc/rs.valueBase)
		}
	}
	return re, vre
}

// checkAgainstSolves compares removal effects with those of one solve per
// channel: each to 1e-12, and the credits they give to 1e-9 of the
// totals, the project's tolerance.
func checkAgainstSolves(t *testing.T, label string, re, vre, wantRE, wantVRE []float64, totalConv, totalValue float64) {
	t.Helper()
	for c := range re {
		if math.Abs(re[c]-wantRE[c]) > 1e-12 || math.Abs(vre[c]-wantVRE[c]) > 1e-12 {
			t.Errorf("%s, channel %d: removal effects %.15g, %.15g; by solves %.15g, %.15g", label, c, re[c], vre[c], wantRE[c], wantVRE[c])
		}
	}
	conv, wantConv := shares(re, totalConv), shares(wantRE, totalConv)
	value, wantValue := shares(vre, totalValue), shares(wantVRE, totalValue)
	for c := range conv {
		if !near(conv[c], wantConv[c], totalConv) || !near(value[c], wantValue[c], totalValue) {
			t.Errorf("%s, channel %d: credit %.15g, %.15g; by solves %.15g, %.15g", label, c, conv[c], value[c], wantConv[c], wantValue[c])
		}
	}
}

// shares turns removal effects into credits of total, as markovRemoval does.
func shares(re []float64, total float64) []float64 {
	var sum float64
	for _, x := range re {
		sum += x
	}
	out := make([]float64, len(re))
	for i, x := range re {
		if sum > 0 {
			out[i] = x / sum * total
		}
	}
	return out
}

// removalTables are the generated path tables the removal tests share:
// tables from `attrlab gen` (synth) and the random tables of the property
// tests, with repeats, fractions and rows without journeys.
func removalTables(t *testing.T) map[string]*PathSet {
	t.Helper()
	tables := map[string]*PathSet{}
	for _, c := range []struct{ channels, paths int }{{5, 200}, {12, 400}, {40, 300}} {
		var b bytes.Buffer
		if err := synth.WritePaths(&b, synth.Options{Channels: c.channels, Paths: c.paths, Seed: uint64(c.channels)}); err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("gen %d channels", c.channels)
		tables[name] = importBytes(t, name, b.Bytes(), ImportOptions{}).Paths
	}
	for seed := uint64(1); seed <= 4; seed++ {
		rng := rand.New(rand.NewPCG(seed, 12))
		g := pathGen{channels: 3 + rng.IntN(10), rows: 80, minLen: 1, maxLen: 7,
			fractional: seed%2 == 0, nulls: true, repeats: seed%2 == 1}
		name := fmt.Sprintf("random seed %d", seed)
		tables[name] = importBytes(t, name, writePathCSV(g.generate(rng), true), ImportOptions{}).Paths
	}
	return tables
}

// TestRemovalBySolvesIsBitIdentical checks that spreading the per-channel
// solves over the cores gives the same bits as the serial loop, at orders
// 1 to 4, on chains solved by LU and by Gauss-Seidel alike.
func TestRemovalBySolvesIsBitIdentical(t *testing.T) {
	for name, ps := range removalTables(t) {
		for order := 1; order <= 4; order++ {
			rs := newRemovalSetup(t, ps, order)
			wantRE, wantVRE := rs.serialRemoval(t)
			re, vre, err := removalBySolves(context.Background(), rs.chain, rs.solver, rs.contains, rs.pConv, rs.valueBase)
			if err != nil {
				t.Fatal(err)
			}
			for c := range re {
				if math.Float64bits(re[c]) != math.Float64bits(wantRE[c]) || math.Float64bits(vre[c]) != math.Float64bits(wantVRE[c]) {
					t.Errorf("%s, order %d (%d states), channel %d: %v, %v; serial %v, %v",
						name, order, rs.chain.n, c, re[c], vre[c], wantRE[c], wantVRE[c])
				}
			}
		}
	}
}

// TestRemovalByFundamentalMatchesSolves checks the fundamental-matrix
// method against one solve per channel at orders 1 to 4: removal effects
// to 1e-12, and credits of conversions and value to 1e-9 of their totals,
// the project's tolerance.
func TestRemovalByFundamentalMatchesSolves(t *testing.T) {
	for name, ps := range removalTables(t) {
		totalConv, totalValue, _ := ps.Totals()
		for order := 1; order <= 4; order++ {
			rs := newRemovalSetup(t, ps, order)
			wantRE, wantVRE := rs.serialRemoval(t)
			re, vre, err := removalByFundamental(context.Background(), rs.chain, rs.contains)
			if err != nil {
				t.Fatal(err)
			}
			label := fmt.Sprintf("%s, order %d (%d states)", name, order, rs.chain.n)
			checkAgainstSolves(t, label, re, vre, wantRE, wantVRE, totalConv, totalValue)
		}
	}
}

// TestMarkovManyChannelsUsesSelectedInverse runs Markov order 1 on 600
// channels, where markovRemoval picks selected inversion, and checks its
// credits against one solve per channel to 1e-9 of the totals.
func TestMarkovManyChannelsUsesSelectedInverse(t *testing.T) {
	var b bytes.Buffer
	if err := synth.WritePaths(&b, synth.Options{Channels: 600, Paths: 6000, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	ps := importBytes(t, "many.csv", b.Bytes(), ImportOptions{}).Paths
	rs := newRemovalSetup(t, ps, 1)
	if plan, whyNot, err := planSelectedIfCheaper(context.Background(), rs.chain); err != nil || plan == nil {
		t.Fatalf("no selected-inversion plan (%v, %s) for %d states", err, whyNot, rs.chain.n)
	}
	r := runModels(t, ps, Options{Models: []string{Markov}, Order: 1})[0]
	wantRE, wantVRE := rs.serialRemoval(t)
	wantConv := shares(wantRE, r.TotalConversions)
	wantValue := shares(wantVRE, r.TotalValue)
	for c, ch := range r.Channels {
		if !near(r.Conversions[c], wantConv[c], r.TotalConversions) || !near(r.Value[c], wantValue[c], r.TotalValue) {
			t.Errorf("%s: %.15g conversions, %.15g value; by solves %.15g, %.15g", ch, r.Conversions[c], r.Value[c], wantConv[c], wantValue[c])
		}
	}
}

// TestMarkovHigherOrderSkipsSelectedInverse: at order 2 a channel is a
// set of states, which selected inversion does not cover; a chain past the
// dense LU's size keeps the other methods (checked by the tests above).
func TestMarkovHigherOrderSkipsSelectedInverse(t *testing.T) {
	var b bytes.Buffer
	if err := synth.WritePaths(&b, synth.Options{Channels: 30, Paths: 3000, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	ps := importBytes(t, "order2.csv", b.Bytes(), ImportOptions{}).Paths
	rs := newRemovalSetup(t, ps, 2)
	if rs.chain.n <= denseLimit {
		t.Fatalf("%d states: not past the dense limit", rs.chain.n)
	}
	if plan, _, _ := planSelectedIfCheaper(context.Background(), rs.chain); plan != nil {
		t.Fatal("selected inversion planned for an order-2 chain")
	}
}

// TestMarkovRefusesChainBeyondLimits asks for Markov order 1 on 25,000
// channels and 50,000 paths: past selected inversion's state limit, and
// one solve per channel would take far too long, so the run must fail at
// once, naming the limits and what to do, while the other models run.
func TestMarkovRefusesChainBeyondLimits(t *testing.T) {
	var b bytes.Buffer
	if err := synth.WritePaths(&b, synth.Options{Channels: 25000, Paths: 50000, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	ps := importBytes(t, "huge.csv", b.Bytes(), ImportOptions{}).Paths
	_, err := Run(context.Background(), ps, Options{Models: []string{Markov}, Order: 1})
	if err == nil {
		t.Fatal("Markov on 25,000 channels ran; want a refusal")
	}
	for _, want := range []string{"states", fmt.Sprintf("at most %d states", selinvStateLimit),
		fmt.Sprintf("at most %d states", fundamentalLimit), "channels × transitions", "--models"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if _, err := Run(context.Background(), ps, Options{Models: []string{FirstTouch, Linear, PositionBased}}); err != nil {
		t.Errorf("heuristic models on the same table: %v", err)
	}
}

// TestRemovalBySelectedInverseMatchesSolves checks selected inversion
// against one solve per channel on order-1 chains past the dense LU's
// size, where it is used: removal effects to 1e-12, credits to 1e-9 of
// the totals. Each table is also solved with every state eliminated
// sparsely (no core) and with elimination stopped early (a large core),
// so both halves of the method are checked on their own.
func TestRemovalBySelectedInverseMatchesSolves(t *testing.T) {
	tables := map[string]*PathSet{}
	for _, c := range []struct{ channels, paths int }{{300, 3000}, {1000, 3000}} {
		var b bytes.Buffer
		if err := synth.WritePaths(&b, synth.Options{Channels: c.channels, Paths: c.paths, Seed: uint64(c.channels)}); err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("gen %d channels", c.channels)
		tables[name] = importBytes(t, name, b.Bytes(), ImportOptions{}).Paths
	}
	for seed := uint64(1); seed <= 3; seed++ {
		rng := rand.New(rand.NewPCG(seed, 99))
		g := pathGen{channels: 260 + rng.IntN(100), rows: 1500, minLen: 1, maxLen: 9,
			fractional: seed%2 == 0, nulls: true, repeats: true}
		name := fmt.Sprintf("random seed %d", seed)
		tables[name] = importBytes(t, name, writePathCSV(g.generate(rng), true), ImportOptions{}).Paths
	}
	for name, ps := range tables {
		totalConv, totalValue, _ := ps.Totals()
		rs := newRemovalSetup(t, ps, 1)
		if plan, whyNot, err := planSelectedIfCheaper(context.Background(), rs.chain); err != nil || plan == nil {
			t.Fatalf("%s: no selected-inversion plan (%v, %s) for %d states", name, err, whyNot, rs.chain.n)
		}
		wantRE, wantVRE := rs.serialRemoval(t)
		for _, divisor := range []int{selinvCoreDivisor, 0, 1 << 20, -1} {
			kernel, kernelName := withKernel, "this CPU's kernel"
			if divisor < 0 { // the plain plan again, on the portable kernel
				divisor, kernel, kernelName = selinvCoreDivisor, withGenericKernel, "portable kernel"
			}
			plan, err := planSelectedInverse(context.Background(), rs.chain, divisor)
			if err != nil {
				t.Fatal(err)
			}
			var re, vre []float64
			kernel(func() { re, vre, err = removalBySelectedInverse(context.Background(), rs.chain, plan, rs.contains) })
			if err != nil {
				t.Fatal(err)
			}
			label := fmt.Sprintf("%s (%d states, %d sparse, core %d, %s)", name, rs.chain.n, len(plan.order), len(plan.core), kernelName)
			checkAgainstSolves(t, label, re, vre, wantRE, wantVRE, totalConv, totalValue)
		}
	}
}

// withKernel runs f with whichever kernel the CPU chose.
func withKernel(f func()) { f() }

// TestBuildChainOrder1BitIdentical rebuilds order-1 chains the general
// way (statesOf and a map of counts, adding in path order) and checks
// that buildChain's inlined order-1 loop gives the same bits in every
// transition, conversion and null probability.
func TestBuildChainOrder1BitIdentical(t *testing.T) {
	for name, ps := range removalTables(t) {
		ch, err := buildChain(ps, 1)
		if err != nil {
			t.Fatal(err)
		}
		tab := newStateTable(len(ps.Channels), 1)
		counts := map[[2]int32]float64{}
		var states []int32
		for i := 0; i < ps.Len(); i++ {
			path, conv, _, nulls := ps.Path(i)
			w := conv + nulls
			if w == 0 {
				continue
			}
			states = statesOf(states[:0], path, 1, tab.intern)
			prev := int32(0)
			for _, s := range states {
				counts[[2]int32{prev, s}] += w
				prev = s
			}
			counts[[2]int32{prev, -1}] += conv
			counts[[2]int32{prev, -2}] += nulls
		}
		rowTotal := map[int32]float64{}
		keys := make([][2]int32, 0, len(counts))
		for k := range counts {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b [2]int32) int {
			if a[0] != b[0] {
				return int(a[0] - b[0])
			}
			return int(a[1] - b[1])
		})
		for _, k := range keys {
			rowTotal[k[0]] += counts[k]
		}
		got := map[[2]int32]float64{}
		for from := 0; from < ch.n; from++ {
			for e := ch.outStart[from]; e < ch.outStart[from+1]; e++ {
				got[[2]int32{int32(from), ch.outTo[e]}] = ch.outP[e]
			}
			if ch.pConv[from] != 0 {
				got[[2]int32{int32(from), -1}] = ch.pConv[from]
			}
			if ch.pNull[from] != 0 {
				got[[2]int32{int32(from), -2}] = ch.pNull[from]
			}
		}
		for _, k := range keys {
			if counts[k] == 0 {
				continue
			}
			want := counts[k] / rowTotal[k[0]]
			if math.Float64bits(got[k]) != math.Float64bits(want) {
				t.Errorf("%s: transition %v: %v, general loop %v", name, k, got[k], want)
			}
			delete(got, k)
		}
		if len(got) != 0 {
			t.Errorf("%s: transitions the general loop has not: %v", name, got)
		}
	}
}
