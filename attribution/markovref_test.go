package attribution

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// refMarkov is a second, deliberately plain implementation of DESIGN
// section 3.1, written from the text and sharing nothing with markov.go or
// solve.go: states are strings, the chain is a dense matrix, and
// absorption probabilities come from Gaussian elimination with partial
// pivoting on the backward equations x = r + Q x (markov.go solves the
// forward visit counts instead).
type refMarkov struct {
	states []string   // transient states; states[0] is "(start)"
	grams  [][]string // channels of each state
	q      [][]float64
	exit   [][2]float64 // P(state → conversion), P(state → null)
	mu     []float64    // mean value per conversion of paths ending in the state

	pConv     float64
	re, vre   map[string]float64
	conv, val map[string]float64
	trans     map[[2]string]float64 // (from, to) names → probability
}

const (
	refStart = "(start)"
	refConv  = "(conversion)"
	refNull  = "(null)"
)

// newRefMarkov builds and solves the chain for rows at order k.
func newRefMarkov(rows []pathRow, k int) *refMarkov {
	m := &refMarkov{states: []string{refStart}, grams: [][]string{nil}}
	index := map[string]int{refStart: 0}
	state := func(g []string) int {
		name := strings.Join(g, " > ")
		if i, ok := index[name]; ok {
			return i
		}
		index[name] = len(m.states)
		m.states = append(m.states, name)
		m.grams = append(m.grams, g)
		return index[name]
	}
	counts := map[[2]int]float64{} // to = -1 conversion, -2 null
	lastConv, lastValue := map[int]float64{}, map[int]float64{}
	var totalConv, totalValue float64
	var channels []string
	for _, r := range rows {
		for _, c := range r.path {
			if !slices.Contains(channels, c) {
				channels = append(channels, c)
			}
		}
		totalConv += r.conv
		totalValue += r.value
		w := r.conv + r.nulls
		if w == 0 {
			continue
		}
		// The sliding k-grams; a path shorter than k is one state;
		// consecutive identical states collapse.
		var seq []int
		if len(r.path) <= k {
			seq = []int{state(r.path)}
		} else {
			for i := 0; i+k <= len(r.path); i++ {
				s := state(r.path[i : i+k])
				if len(seq) == 0 || seq[len(seq)-1] != s {
					seq = append(seq, s)
				}
			}
		}
		prev := 0
		for _, s := range seq {
			counts[[2]int{prev, s}] += w
			prev = s
		}
		counts[[2]int{prev, -1}] += r.conv
		counts[[2]int{prev, -2}] += r.nulls
		lastConv[prev] += r.conv
		lastValue[prev] += r.value
	}
	n := len(m.states)
	rowSum := make([]float64, n)
	for e, w := range counts {
		rowSum[e[0]] += w
	}
	m.q = make([][]float64, n)
	m.exit = make([][2]float64, n)
	m.mu = make([]float64, n)
	m.trans = map[[2]string]float64{}
	for i := range m.q {
		m.q[i] = make([]float64, n)
		if lastConv[i] > 0 {
			m.mu[i] = lastValue[i] / lastConv[i]
		}
	}
	for e, w := range counts {
		if w == 0 {
			continue
		}
		p := w / rowSum[e[0]]
		to := ""
		switch e[1] {
		case -1:
			m.exit[e[0]][0] = p
			to = refConv
		case -2:
			m.exit[e[0]][1] = p
			to = refNull
		default:
			m.q[e[0]][e[1]] = p
			to = m.states[e[1]]
		}
		m.trans[[2]string{m.states[e[0]], to}] = p
	}

	// P(conv) and expected converted value, all states present.
	all := make([]bool, n)
	for i := range all {
		all[i] = true
	}
	base := m.absorb(all)
	m.pConv = base[0]
	m.re, m.vre = map[string]float64{}, map[string]float64{}
	m.conv, m.val = map[string]float64{}, map[string]float64{}
	var sumRE, sumVRE float64
	for _, c := range channels {
		// Removing c sends every transition into a state containing c to
		// (null): those states are simply left out of the system.
		kept := make([]bool, n)
		for s := range kept {
			kept[s] = s == 0 || !slices.Contains(m.grams[s], c)
		}
		without := m.absorb(kept)
		if m.pConv > 0 {
			m.re[c] = 1 - without[0]/m.pConv
		}
		if base[1] > 0 {
			m.vre[c] = 1 - without[1]/base[1]
		}
		sumRE += m.re[c]
		sumVRE += m.vre[c]
	}
	for _, c := range channels {
		if sumRE > 0 {
			m.conv[c] = m.re[c] / sumRE * totalConv
		}
		if sumVRE > 0 {
			m.val[c] = m.vre[c] / sumVRE * totalValue
		}
	}
	return m
}

// absorb returns, from (start), the probability of absorption in
// (conversion) and the expected value converted (Σ_s μ_s π_s), over the
// kept states only. It solves (I − Q_KK) X = [r_conv  μ·r_conv] by
// Gaussian elimination with partial pivoting.
func (m *refMarkov) absorb(kept []bool) [2]float64 {
	var idx []int
	for s, k := range kept {
		if k {
			idx = append(idx, s)
		}
	}
	n := len(idx)
	a := make([][]float64, n) // augmented rows: n coefficients, 2 right-hand sides
	for i, s := range idx {
		a[i] = make([]float64, n+2)
		for j, t := range idx {
			a[i][j] = -m.q[s][t]
		}
		a[i][i]++
		a[i][n] = m.exit[s][0]
		a[i][n+1] = m.mu[s] * m.exit[s][0]
	}
	for col := 0; col < n; col++ {
		p := col
		for r := col + 1; r < n; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[p][col]) {
				p = r
			}
		}
		a[col], a[p] = a[p], a[col]
		piv := a[col][col]
		for r := col + 1; r < n; r++ {
			f := a[r][col] / piv
			if f == 0 {
				continue
			}
			for j := col; j < n+2; j++ {
				a[r][j] -= f * a[col][j]
			}
		}
	}
	x := make([][2]float64, n)
	for i := n - 1; i >= 0; i-- {
		for h := 0; h < 2; h++ {
			v := a[i][n+h]
			for j := i + 1; j < n; j++ {
				v -= a[i][j] * x[j][h]
			}
			x[i][h] = v / a[i][i]
		}
	}
	return x[0] // idx[0] is (start), always kept
}

// compareMarkov checks an engine result against the reference.
func compareMarkov(t *testing.T, label string, r *Result, ref *refMarkov, order int) {
	t.Helper()
	d := r.Markov
	if d == nil || d.Order != order {
		t.Fatalf("%s: no Markov detail for order %d", label, order)
	}
	if !near(d.PConv, ref.pConv, 1) {
		t.Errorf("%s: P(conv) %.15g, reference %.15g", label, d.PConv, ref.pConv)
	}
	// The engine's order-1 chain has a state for every channel, used or
	// not; at higher orders only the states journeys pass through.
	if nStates := len(d.States) - 3; order > 1 && nStates != len(ref.states)-1 {
		t.Errorf("%s: %d k-gram states, reference %d", label, nStates, len(ref.states)-1)
	}
	got := map[[2]string]float64{}
	for _, tr := range d.Transitions {
		got[[2]string{d.States[tr.From], d.States[tr.To]}] = tr.P
	}
	for e, p := range ref.trans {
		if !near(got[e], p, 1) {
			t.Errorf("%s: transition %s → %s: %.15g, reference %.15g", label, e[0], e[1], got[e], p)
		}
	}
	for e := range got {
		if _, ok := ref.trans[e]; !ok {
			t.Errorf("%s: transition %s → %s not in the reference chain", label, e[0], e[1])
		}
	}
	for k, ch := range r.Channels {
		if !near(r.RemovalEffect[k], ref.re[ch], 1) {
			t.Errorf("%s: %s removal effect %.15g, reference %.15g", label, ch, r.RemovalEffect[k], ref.re[ch])
		}
		if !near(d.ValueRemovalEffect[k], ref.vre[ch], 1) {
			t.Errorf("%s: %s value removal effect %.15g, reference %.15g", label, ch, d.ValueRemovalEffect[k], ref.vre[ch])
		}
		if !near(r.Conversions[k], ref.conv[ch], r.TotalConversions) {
			t.Errorf("%s: %s conversions %.15g, reference %.15g", label, ch, r.Conversions[k], ref.conv[ch])
		}
		if !near(r.Value[k], ref.val[ch], r.TotalValue) {
			t.Errorf("%s: %s value %.15g, reference %.15g", label, ch, r.Value[k], ref.val[ch])
		}
	}
}

// TestRefMarkovWorked checks the reference solver itself on ex1, worked in
// worked_test.go: P(conv) 1/3, removal effects 1/2, 1, 1 at orders 1 and 2
// (at order 3, C1 > C2 > C3 is one state, so every removal effect is 1).
func TestRefMarkovWorked(t *testing.T) {
	rows := []pathRow{
		{path: []string{"C1", "C2", "C3"}, conv: 1, value: 100},
		{path: []string{"C1"}, nulls: 1},
		{path: []string{"C2", "C3"}, nulls: 1},
	}
	for order := 1; order <= 2; order++ {
		ref := newRefMarkov(rows, order)
		if !near(ref.pConv, 1.0/3, 1) || !near(ref.re["C1"], 0.5, 1) || !near(ref.re["C2"], 1, 1) || !near(ref.re["C3"], 1, 1) {
			t.Errorf("order %d: reference P(conv) %g, removal effects %v; want 1/3 and 1/2, 1, 1", order, ref.pConv, ref.re)
		}
		if !near(ref.conv["C1"], 0.2, 1) || !near(ref.val["C2"], 40, 100) {
			t.Errorf("order %d: reference credit %v, value %v; want C1 0.2, C2 value 40", order, ref.conv, ref.val)
		}
	}
}

// TestMarkovMatchesReference compares the engine with refMarkov on random
// path tables at orders 1 to 3: P(conv), the transition matrix, removal
// effects and credits.
func TestMarkovMatchesReference(t *testing.T) {
	for seed := uint64(1); seed <= 15; seed++ {
		rng := rand.New(rand.NewPCG(seed, 5))
		g := pathGen{
			channels:   1 + rng.IntN(7),
			rows:       5 + rng.IntN(60),
			minLen:     1,
			maxLen:     1 + rng.IntN(6),
			fractional: seed%2 == 0,
			nulls:      seed%5 != 0,
			repeats:    seed%3 == 0,
		}
		rows := g.generate(rng)
		ds := importBytes(t, "random.csv", writePathCSV(rows, true), ImportOptions{})
		for order := 1; order <= 3; order++ {
			label := fmt.Sprintf("seed%d/order%d", seed, order)
			r := runModels(t, ds.Paths, Options{Models: []string{Markov}, Order: order})[0]
			compareMarkov(t, label, r, newRefMarkov(rows, order), order)
		}
	}
}

// TestMarkovLargeChainMatchesReference uses chains with more than
// denseLimit transient states, which solve.go solves by Gauss-Seidel
// rather than LU, and checks them against the dense reference.
func TestMarkovLargeChainMatchesReference(t *testing.T) {
	cases := []struct {
		name  string
		seed  uint64
		order int
		g     pathGen
	}{
		{"order 3, 12 channels", 7, 3, pathGen{channels: 12, rows: 200, minLen: 2, maxLen: 7, fractional: true, nulls: true, repeats: true}},
		{"order 2, 24 channels", 8, 2, pathGen{channels: 24, rows: 150, minLen: 2, maxLen: 5, nulls: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows := c.g.generate(rand.New(rand.NewPCG(c.seed, 6)))
			// Long loops through a few states make Gauss-Seidel work for its
			// fixed point: add journeys that cycle between two states.
			loop := []string{genChannel(0), genChannel(1)}
			var cyc []string
			for i := 0; i < 30; i++ {
				cyc = append(cyc, loop[i%2])
			}
			rows = append(rows, pathRow{path: cyc, conv: 1, value: 9, nulls: 50})
			ds := importBytes(t, "large.csv", writePathCSV(rows, true), ImportOptions{})
			r := runModels(t, ds.Paths, Options{Models: []string{Markov}, Order: c.order})[0]
			transient := len(r.Markov.States) - 2 // (start) and the k-grams
			if transient <= denseLimit {
				t.Fatalf("only %d transient states: the test needs more than %d to reach Gauss-Seidel", transient, denseLimit)
			}
			t.Logf("%d transient states", transient)
			compareMarkov(t, c.name, r, newRefMarkov(rows, c.order), c.order)
		})
	}
}
