package attribution

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// markovChain is the absorbing chain built from a PathSet. Transient state 0
// is (start); states 1..n-1 are channel k-grams. Conversion and null are
// absorbing and kept as per-state exit probabilities.
type markovChain struct {
	order    int
	n        int       // transient states, including (start)
	grams    [][]int32 // channels of each transient state (nil for start)
	outStart []int32   // CSR of transient-to-transient transitions
	outTo    []int32
	outP     []float64
	pConv    []float64 // P(state -> conversion)
	pNull    []float64 // P(state -> null)
	// Conversions and value of the paths whose last state is s, for the
	// value removal effect (mean value per conversion ending in s).
	lastConv  []float64
	lastValue []float64
	// The path set's totals (PathSet.Totals), summed on the way: the same
	// additions in the same order, so the same bits, without a second pass.
	totalConv, totalValue, totalNulls float64
}

// gramKey packs up to four channel indices, each plus one, into 16-bit
// lanes so that a k-gram is a single map key.
func gramKey(g []int32) uint64 {
	var k uint64
	for _, c := range g {
		k = k<<16 | uint64(c+1)
	}
	return k
}

// statesOf appends to dst the chain states of one path: its sliding
// k-grams (one state when the path is shorter than k), with consecutive
// identical states collapsed.
func statesOf(dst []int32, path []int32, order int, intern func([]int32) int32) []int32 {
	start := len(dst)
	add := func(s int32) {
		if len(dst) > start && dst[len(dst)-1] == s {
			return
		}
		dst = append(dst, s)
	}
	if len(path) <= order {
		add(intern(path))
		return dst
	}
	for i := 0; i+order <= len(path); i++ {
		add(intern(path[i : i+order]))
	}
	return dst
}

// stateTable numbers a chain's transient states: state 0 is (start); at
// order 1 a state is one channel (state = channel + 1), above it each
// distinct k-gram gets the next number as it is first seen.
type stateTable struct {
	grams [][]int32        // channels of each state (nil for start)
	ids   map[uint64]int32 // k-gram key -> state, above order 1
}

func newStateTable(channels, order int) *stateTable {
	t := &stateTable{grams: [][]int32{nil}}
	if order == 1 {
		for i := range channels {
			t.grams = append(t.grams, []int32{int32(i)})
		}
		return t
	}
	t.ids = map[uint64]int32{}
	return t
}

// intern returns the state of k-gram g, numbering it if it is new.
func (t *stateTable) intern(g []int32) int32 {
	if t.ids == nil {
		return g[0] + 1
	}
	k := gramKey(g)
	if id, ok := t.ids[k]; ok {
		return id
	}
	id := int32(len(t.grams))
	t.ids[k] = id
	t.grams = append(t.grams, slices.Clone(g))
	return id
}

func buildChain(ps *PathSet, order int) (*markovChain, error) {
	if order > 1 && len(ps.Channels) >= 1<<16-1 {
		return nil, fmt.Errorf("%d channels: Markov order above 1 supports at most 65534", len(ps.Channels))
	}
	ch := &markovChain{order: order}
	tab := newStateTable(len(ps.Channels), order)

	// Count transitions. "to" may be one of the two absorbing pseudo-states.
	const convTo, nullTo = -1, -2
	counts := newTransitionCounts(order, len(ps.Channels))
	var states []int32
	for i := 0; i < ps.Len(); i++ {
		path, conv, value, nulls := ps.Path(i)
		ch.totalConv += conv
		ch.totalValue += value
		ch.totalNulls += nulls
		w := conv + nulls
		if w == 0 {
			continue
		}
		prev := int32(0)
		if dense := counts.dense; order == 1 && dense != nil {
			// Order 1, inlined: state = channel + 1, repeats collapse
			// (start is never a channel's state). The same adds in the
			// same order as the general loop below, so the same bits.
			width := int32(counts.width)
			for _, c := range path {
				if s := c + 1; s != prev {
					dense[prev*width+s+2] += w
					prev = s
				}
			}
		} else {
			states = statesOf(states[:0], path, order, tab.intern)
			for _, s := range states {
				counts.add(prev, s, w)
				prev = s
			}
		}
		if conv > 0 {
			counts.add(prev, convTo, conv)
		}
		if nulls > 0 {
			counts.add(prev, nullTo, nulls)
		}
		for len(ch.lastConv) <= int(prev) {
			ch.lastConv = append(ch.lastConv, 0)
			ch.lastValue = append(ch.lastValue, 0)
		}
		ch.lastConv[prev] += conv
		ch.lastValue[prev] += value
	}
	ch.grams = tab.grams
	n := len(ch.grams)
	ch.n = n
	ch.lastConv = append(ch.lastConv, make([]float64, n-len(ch.lastConv))...)
	ch.lastValue = append(ch.lastValue, make([]float64, n-len(ch.lastValue))...)

	// Sort edges so that the chain, and every sum over it, is built in the
	// same order on every run: map iteration order is random.
	type edge struct {
		from, to int32
		w        float64
	}
	var edges []edge
	rowTotal := make([]float64, n)
	counts.each(func(from, to int32, w float64) { edges = append(edges, edge{from, to, w}) })
	slices.SortFunc(edges, func(a, b edge) int {
		if a.from != b.from {
			return int(a.from - b.from)
		}
		return int(a.to - b.to)
	})
	for _, e := range edges {
		rowTotal[e.from] += e.w
	}
	ch.pConv = make([]float64, n)
	ch.pNull = make([]float64, n)
	ch.outStart = make([]int32, n+1)
	for _, e := range edges {
		p := e.w / rowTotal[e.from]
		switch e.to {
		case convTo:
			ch.pConv[e.from] = p
		case nullTo:
			ch.pNull[e.from] = p
		default:
			ch.outTo = append(ch.outTo, e.to)
			ch.outP = append(ch.outP, p)
			ch.outStart[e.from+1]++
		}
	}
	for i := 0; i < n; i++ {
		ch.outStart[i+1] += ch.outStart[i]
	}
	return ch, nil
}

// markovRemoval computes the exact Markov removal effect of every channel.
func markovRemoval(ctx context.Context, ps *PathSet, order int) (*Result, error) {
	chain, err := buildChain(ps, order)
	if err != nil {
		return nil, err
	}
	method, err := chooseRemoval(ctx, chain, len(ps.Channels))
	if err != nil {
		return nil, err
	}
	totalConv, totalValue, totalNulls := chain.totalConv, chain.totalValue, chain.totalNulls
	r := newResult(ps, Markov)
	r.RemovalEffect = make([]float64, len(ps.Channels))
	detail := &MarkovDetail{Order: order, ValueRemovalEffect: make([]float64, len(ps.Channels))}
	r.Markov = detail
	detail.States, detail.Transitions = chain.describe(ps.Channels)

	solver := newVisitSolver(chain)
	allowed := make([]bool, chain.n)
	for i := range allowed {
		allowed[i] = true
	}
	visits, err := solver.visits(allowed)
	if err != nil {
		return nil, err
	}
	pConv, valueBase := chain.absorbed(visits, allowed)
	detail.PConv = pConv

	// One note, not two that contradict: with no conversion the chain
	// says nothing, whatever the non-converting journeys.
	switch {
	case pConv == 0:
		r.Warnings = append(r.Warnings, "no conversions: every removal effect is zero")
		return r.finish(totalConv, totalValue), nil
	case !ps.HasNulls:
		r.Warnings = append(r.Warnings, "the data has no count of non-converting journeys (total_null): Markov assumes every journey converted, so removal effects are visit probabilities")
	case totalNulls == 0:
		r.Warnings = append(r.Warnings, "no journey in the data failed to convert: P(conv) = 1, so removal effects are visit probabilities")
	}

	// Which states contain each channel.
	contains := make([][]int32, len(ps.Channels))
	for s := 1; s < chain.n; s++ {
		for j, c := range chain.grams[s] {
			if !slices.Contains(chain.grams[s][:j], c) {
				contains[c] = append(contains[c], int32(s))
			}
		}
	}
	re, vre, err := method.removal(ctx, chain, solver, contains, pConv, valueBase)
	if err != nil {
		return nil, err
	}
	var sumRE, sumVRE float64
	for c := range ps.Channels {
		r.RemovalEffect[c] = re[c]
		detail.ValueRemovalEffect[c] = vre[c]
		sumRE += re[c]
		sumVRE += vre[c]
	}
	for c := range ps.Channels {
		if sumRE > 0 {
			r.Conversions[c] = r.RemovalEffect[c] / sumRE * totalConv
		}
		if sumVRE > 0 {
			r.Value[c] = detail.ValueRemovalEffect[c] / sumVRE * totalValue
		}
	}
	return r.finish(totalConv, totalValue), nil
}

// clamp01 removes rounding noise that would push a probability ratio just
// outside [0, 1].
func clamp01(x float64) float64 {
	if x < 0 {
		return 0
	}
	if x > 1 {
		return 1
	}
	return x
}

// absorbed returns, for expected visit counts v over the allowed states,
// the probability of conversion and the expected converted value per
// journey (sum over states of mean value per conversion times the
// probability of converting from that state).
func (ch *markovChain) absorbed(v []float64, allowed []bool) (pConv, value float64) {
	for s := 0; s < ch.n; s++ {
		if !allowed[s] || ch.pConv[s] == 0 {
			continue
		}
		pi := v[s] * ch.pConv[s]
		pConv += pi
		if ch.lastConv[s] > 0 {
			value += ch.lastValue[s] / ch.lastConv[s] * pi
		}
	}
	return pConv, value
}

// describe returns state names and the transition list for MarkovDetail.
func (ch *markovChain) describe(channels []string) ([]string, []Transition) {
	names := make([]string, ch.n+2)
	names[0] = "(start)"
	var b strings.Builder
	for s := 1; s < ch.n; s++ {
		b.Reset()
		for j, c := range ch.grams[s] {
			if j > 0 {
				b.WriteString(" > ")
			}
			b.WriteString(channels[c])
		}
		names[s] = b.String()
	}
	conv, null := ch.n, ch.n+1
	names[conv], names[null] = "(conversion)", "(null)"
	var tr []Transition
	for s := 0; s < ch.n; s++ {
		for e := ch.outStart[s]; e < ch.outStart[s+1]; e++ {
			tr = append(tr, Transition{From: s, To: int(ch.outTo[e]), P: ch.outP[e]})
		}
		if ch.pConv[s] > 0 {
			tr = append(tr, Transition{From: s, To: conv, P: ch.pConv[s]})
		}
		if ch.pNull[s] > 0 {
			tr = append(tr, Transition{From: s, To: null, P: ch.pNull[s]})
		}
	}
	return names, tr
}

// transitionCounts accumulates transition weights: in a dense matrix when
// the states are known and few (order 1: one state per channel), in a map
// otherwise. The absorbing pseudo-states are -1 (conversion) and -2 (null).
type transitionCounts struct {
	width int // dense row width: transient states + 2
	dense []float64
	m     map[[2]int32]float64
}

const denseCountLimit = 1 << 22

func newTransitionCounts(order, channels int) *transitionCounts {
	if n := channels + 1; order == 1 && n*(n+2) <= denseCountLimit {
		return &transitionCounts{width: n + 2, dense: make([]float64, n*(n+2))}
	}
	return &transitionCounts{m: map[[2]int32]float64{}}
}

func (c *transitionCounts) add(from, to int32, w float64) {
	if c.dense == nil {
		c.m[[2]int32{from, to}] += w
		return
	}
	col := int(to) + 2 // -2, -1, 0.. -> 0, 1, 2..
	c.dense[int(from)*c.width+col] += w
}

// each calls f for every non-zero count, in no particular order.
func (c *transitionCounts) each(f func(from, to int32, w float64)) {
	if c.dense == nil {
		for k, w := range c.m {
			f(k[0], k[1], w)
		}
		return
	}
	for i, w := range c.dense {
		if w != 0 {
			f(int32(i/c.width), int32(i%c.width-2), w)
		}
	}
}
