package attribution

import (
	"context"
	"slices"
)

// markovPrep is the part of a Markov chain that resampling does not change:
// its states, its edges and which edges each distinct path walks. A
// replicate only re-weighs the edges and solves again.
type markovPrep struct {
	order    int
	n        int // transient states, (start) included
	grams    [][]int32
	outStart []int32 // CSR of transient edges, sorted by (from, to)
	outTo    []int32
	// Per path: the CSR positions of the edges it walks from (start), and
	// its last state (-1 when the path has no touch).
	pathStart []int32
	pathEdges []int32
	pathLast  []int32
	contains  [][]int32 // states that contain each channel
}

func newMarkovPrep(ps *PathSet, order int) (*markovPrep, error) {
	// States and transitions follow buildChain, so that a chain weighed
	// with the data's own counts is the chain the plain run solves.
	mp := &markovPrep{order: order}
	tab := newStateTable(len(ps.Channels), order)
	edgeID := map[[2]int32]int32{}
	var edges [][2]int32
	var states []int32
	mp.pathStart = make([]int32, 1, ps.Len()+1)
	mp.pathLast = make([]int32, ps.Len())
	for i := range ps.Len() {
		path, _, _, _ := ps.Path(i)
		states = statesOf(states[:0], path, order, tab.intern)
		prev := int32(0)
		for _, s := range states {
			key := [2]int32{prev, s}
			id, ok := edgeID[key]
			if !ok {
				id = int32(len(edges))
				edgeID[key] = id
				edges = append(edges, key)
			}
			mp.pathEdges = append(mp.pathEdges, id)
			prev = s
		}
		mp.pathStart = append(mp.pathStart, int32(len(mp.pathEdges)))
		mp.pathLast[i] = prev
	}
	mp.grams = tab.grams
	mp.n = len(mp.grams)
	// Lay edges out in CSR order and point the paths at CSR positions.
	order2 := make([]int32, len(edges))
	for i := range order2 {
		order2[i] = int32(i)
	}
	slices.SortFunc(order2, func(a, b int32) int {
		ea, eb := edges[a], edges[b]
		if ea[0] != eb[0] {
			return int(ea[0] - eb[0])
		}
		return int(ea[1] - eb[1])
	})
	pos := make([]int32, len(edges))
	mp.outStart = make([]int32, mp.n+1)
	mp.outTo = make([]int32, len(edges))
	for at, id := range order2 {
		pos[id] = int32(at)
		mp.outTo[at] = edges[id][1]
		mp.outStart[edges[id][0]+1]++
	}
	for i := range mp.n {
		mp.outStart[i+1] += mp.outStart[i]
	}
	for k, id := range mp.pathEdges {
		mp.pathEdges[k] = pos[id]
	}
	mp.contains = make([][]int32, len(ps.Channels))
	for s := 1; s < mp.n; s++ {
		for j, c := range mp.grams[s] {
			if !slices.Contains(mp.grams[s][:j], c) {
				mp.contains[c] = append(mp.contains[c], int32(s))
			}
		}
	}
	return mp, nil
}

// markovScratch is one worker's reusable chain.
type markovScratch struct {
	edgeW, convW, nullW, rowTotal []float64
	chain                         markovChain
	allowed                       []bool
}

func (mp *markovPrep) newScratch() *markovScratch {
	n := mp.n
	sc := &markovScratch{
		edgeW: make([]float64, len(mp.outTo)), convW: make([]float64, n), nullW: make([]float64, n),
		rowTotal: make([]float64, n), allowed: make([]bool, n),
	}
	sc.chain = markovChain{order: mp.order, n: n, grams: mp.grams, outStart: mp.outStart, outTo: mp.outTo,
		outP: make([]float64, len(mp.outTo)), pConv: make([]float64, n), pNull: make([]float64, n),
		lastConv: make([]float64, n), lastValue: make([]float64, n)}
	return sc
}

// solve re-weighs the chain with the replicate's per-path counts and
// computes every channel's removal effect as markovRemoval does, writing
// credited conversions and value into outConv and outValue. It returns the total
// conversions.
func (mp *markovPrep) solve(ctx context.Context, rs *replicateState, outConv, outValue []float64) (float64, error) {
	channels := len(outConv)
	sc := rs.markov
	ch := &sc.chain
	clear(sc.edgeW)
	clear(sc.convW)
	clear(sc.nullW)
	clear(ch.lastConv)
	clear(ch.lastValue)
	var totalConv, totalValue float64
	for _, i := range rs.active {
		conv, value, nulls := rs.conv[i], rs.value[i], rs.nulls[i]
		totalConv += conv
		totalValue += value
		w := conv + nulls
		if w == 0 {
			continue
		}
		for _, e := range mp.pathEdges[mp.pathStart[i]:mp.pathStart[i+1]] {
			sc.edgeW[e] += w
		}
		last := mp.pathLast[i]
		sc.convW[last] += conv
		sc.nullW[last] += nulls
		ch.lastConv[last] += conv
		ch.lastValue[last] += value
	}
	for s := range mp.n {
		total := 0.0
		for e := mp.outStart[s]; e < mp.outStart[s+1]; e++ {
			total += sc.edgeW[e]
		}
		total += sc.convW[s] + sc.nullW[s]
		ch.pConv[s], ch.pNull[s] = 0, 0
		for e := mp.outStart[s]; e < mp.outStart[s+1]; e++ {
			ch.outP[e] = 0
			if total > 0 {
				ch.outP[e] = sc.edgeW[e] / total
			}
		}
		if total > 0 {
			ch.pConv[s] = sc.convW[s] / total
			ch.pNull[s] = sc.nullW[s] / total
		}
	}
	re, vre, err := removalEffects(ctx, ch, mp.contains, sc.allowed)
	if err != nil {
		return 0, err
	}
	var sumRE, sumVRE float64
	for c := range channels {
		sumRE += re[c]
		sumVRE += vre[c]
	}
	for c := range channels {
		if sumRE > 0 {
			outConv[c] = re[c] / sumRE * totalConv
		}
		if sumVRE > 0 {
			outValue[c] = vre[c] / sumVRE * totalValue
		}
	}
	return totalConv, nil
}

// removalEffects returns the conversion and value removal effect of every
// channel of ch (zero when nothing converts), as markovRemoval computes
// them (the same method for the same chain size). contains lists the states holding each channel; allowed is
// scratch of ch.n entries.
func removalEffects(ctx context.Context, ch *markovChain, contains [][]int32, allowed []bool) (re, vre []float64, err error) {
	re, vre = make([]float64, len(contains)), make([]float64, len(contains))
	for i := range allowed {
		allowed[i] = true
	}
	solver := newVisitSolver(ch)
	visits, err := solver.visits(allowed)
	if err != nil {
		return nil, nil, err
	}
	pConv, valueBase := ch.absorbed(visits, allowed)
	if pConv == 0 {
		return re, vre, nil
	}
	if ch.n > denseLimit {
		// A large chain: the plain run's cheaper exact method (selected
		// inversion, the fundamental matrix, or solves over the cores).
		method, err := chooseRemoval(ctx, ch, len(contains))
		if err != nil {
			return nil, nil, err
		}
		return method.removal(ctx, ch, solver, contains, pConv, valueBase)
	}
	// A small chain: one small solve per channel, serially, since the
	// replicates already keep every core busy.
	for c, states := range contains {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		if len(states) == 0 {
			continue
		}
		for _, s := range states {
			allowed[s] = false
		}
		v, err := solver.visits(allowed)
		if err != nil {
			return nil, nil, err
		}
		pc, vc := ch.absorbed(v, allowed)
		for _, s := range states {
			allowed[s] = true
		}
		re[c] = clamp01(1 - pc/pConv)
		if valueBase > 0 {
			vre[c] = clamp01(1 - vc/valueBase)
		}
	}
	return re, vre, nil
}
