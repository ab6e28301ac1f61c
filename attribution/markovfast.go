package attribution

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// How markovRemoval computes the removal effects. Removing a channel c
// sends every transition into S_c, the states that contain c, to (null).
// Two exact methods give the same numbers (to rounding, far below 1e-9 of
// the total):
//
//   - one solve per channel (removalBySolves): the chain without S_c is
//     solved again. Cheap for a few channels; it costs a whole solve per
//     channel, so thousands of channels take minutes.
//   - the fundamental matrix N = (I - Q)^-1 (removalByFundamental): with
//     v = N[start,·] the expected visits and x = N·r the probability of
//     converting from each state, the journeys that convert after entering
//     S_c are P(conv) - P(conv | c removed) = v_S (N_SS)^-1 x_S
//     (Woodbury: v_S (N_SS)^-1 is where a journey first enters S_c). At
//     order 1, S_c is the single state c and this is v_c x_c / N_cc, the
//     probability of ever reaching c times that of converting from it. One
//     dense inverse, O(n^3), serves every channel.
//
// The per-channel method is kept wherever it is cheap, so results on small
// chains are the same bits as before; the fundamental matrix takes over
// when it is cheaper. A chain too large for both within about two minutes
// is refused at once, saying why and what the limit is.
const (
	// fundamentalLimit is the largest chain inverted densely: 2n^3 flops
	// and 8n^2 bytes (128 MB at 4,096 states).
	fundamentalLimit = 4096
	// solveWorkLimit bounds channels × transitions for one solve per
	// channel: at ~60 Gauss-Seidel sweeps per solve, about two minutes on
	// two cores.
	solveWorkLimit = 400_000_000
)

// removalPlan says how the removal effects of a chain will be computed.
type removalPlan int

const (
	planSolves removalPlan = iota
	planFundamental
	planSelected
)

// selectedCoreLimit is the largest dense core selected inversion takes
// on: its 2m^3 flops run at 10-30 GFLOPS with the assembly kernel (about
// 5-45 s at 6,144 states on two cores) and at a few GFLOPS without it.
func selectedCoreLimit() int {
	if hasGJKernel {
		return 6144
	}
	return 3072
}

// planSelectedIfCheaper returns a selected-inversion plan for an order-1
// chain past the dense LU's size when its core is small enough, or nil and
// why not, for the other methods to decide (higher orders remove sets of
// states, which need more of N than its diagonal).
func planSelectedIfCheaper(ctx context.Context, ch *markovChain) (*selinvPlan, string, error) {
	if ch.order != 1 || ch.n <= denseLimit {
		return nil, "", nil
	}
	if ch.n-1 > selinvStateLimit {
		return nil, fmt.Sprintf("selected inversion takes at most %d states", selinvStateLimit), nil
	}
	p, err := planSelectedInverse(ctx, ch, selinvCoreDivisor)
	if err != nil {
		return nil, "", err
	}
	if len(p.core) > selectedCoreLimit() {
		return nil, fmt.Sprintf("selected inversion leaves a dense core of %d states (at most %d)", len(p.core), selectedCoreLimit()), nil
	}
	return p, "", nil
}

// chooseRemovalPlan picks the cheaper exact method for the chain, or
// returns an error naming the limit when neither is practical.
func chooseRemovalPlan(ch *markovChain, removals, channels int, selectedWhyNot string) (removalPlan, error) {
	n := ch.n
	if n <= denseLimit {
		return planSolves, nil // one small LU per channel, as always
	}
	edges := max(len(ch.outTo), n)
	solveWork := float64(removals) * float64(edges)
	// A solve is ~60 Gauss-Seidel sweeps of a few ns per transition; the
	// dense inverse is 2n^3 flops at under 1 ns each: compare in sweeps'
	// units.
	fundWork := 2 * float64(n) * float64(n) * float64(n) / 250
	if n <= fundamentalLimit && fundWork < solveWork {
		return planFundamental, nil
	}
	if solveWork <= solveWorkLimit {
		return planSolves, nil
	}
	advice := "leave markov out (--models) or group rare channels into one"
	if ch.order > 1 {
		advice = "use a lower order, " + advice
	}
	methods := ""
	if selectedWhyNot != "" {
		methods = selectedWhyNot + "; "
	}
	return 0, fmt.Errorf("order %d with %d channels gives a chain of %d states and %d transitions, too large to solve exactly: "+
		"%sremoval effects need a dense inverse (at most %d states) or one solve per channel "+
		"(at most %.0e channels × transitions; this chain needs %.1e): %s",
		ch.order, channels, n, len(ch.outTo), methods, fundamentalLimit, float64(solveWorkLimit), solveWork, advice)
}

// removalMethod is the exact method chosen for a chain, with the
// selected-inversion plan when that is the method.
type removalMethod struct {
	plan removalPlan
	sel  *selinvPlan
}

// chooseRemoval picks how a chain's removal effects are computed:
// selected inversion where it applies, else the cheaper of the
// fundamental matrix and one solve per channel, else a refusal naming
// every limit.
func chooseRemoval(ctx context.Context, ch *markovChain, channels int) (removalMethod, error) {
	sel, whyNot, err := planSelectedIfCheaper(ctx, ch)
	if err != nil || sel != nil {
		return removalMethod{planSelected, sel}, err
	}
	plan, err := chooseRemovalPlan(ch, channelsInChain(ch, channels), channels, whyNot)
	return removalMethod{plan: plan}, err
}

// removal computes every channel's removal effect and value removal
// effect by the chosen method.
func (m removalMethod) removal(ctx context.Context, ch *markovChain, solver *visitSolver, contains [][]int32, pConv, valueBase float64) (re, vre []float64, err error) {
	switch m.plan {
	case planSelected:
		return removalBySelectedInverse(ctx, ch, m.sel, contains)
	case planFundamental:
		return removalByFundamental(ctx, ch, contains)
	}
	return removalBySolves(ctx, ch, solver, contains, pConv, valueBase)
}

// removalBySolves solves the chain once per channel, without the states
// that contain it, spreading channels over the cores. Each channel's
// arithmetic is the same sequence as a serial loop's, so the results are
// the same bits however the work is shared out.
func removalBySolves(ctx context.Context, chain *markovChain, solver *visitSolver, contains [][]int32, pConv, valueBase float64) (re, vre []float64, err error) {
	re = make([]float64, len(contains))
	vre = make([]float64, len(contains))
	next := make(chan int)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), len(contains))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			allowed := make([]bool, chain.n)
			for i := range allowed {
				allowed[i] = true
			}
			for c := range next {
				for _, s := range contains[c] {
					allowed[s] = false
				}
				v, err := solver.visits(allowed)
				if err != nil {
					select {
					case errs <- err:
					default:
					}
					continue
				}
				pc, vc := chain.absorbed(v, allowed)
				for _, s := range contains[c] {
					allowed[s] = true
				}
				re[c] = clamp01(1 - pc/pConv)
				if valueBase > 0 {
					vre[c] = clamp01(1 - vc/valueBase)
				}
			}
		}()
	}
	for c := range contains {
		if len(contains[c]) == 0 {
			continue // never in a journey that counted: removal changes nothing
		}
		if err = ctx.Err(); err != nil {
			break
		}
		select {
		case next <- c:
		case err = <-errs:
		}
		if err != nil {
			break
		}
	}
	close(next)
	wg.Wait()
	if err == nil {
		select {
		case err = <-errs:
		default:
		}
	}
	if err == nil {
		err = ctx.Err()
	}
	return re, vre, err
}

// removalByFundamental computes every removal effect from one dense
// inverse of I - Q (see the comment at the top of this file).
func removalByFundamental(ctx context.Context, chain *markovChain, contains [][]int32) (re, vre []float64, err error) {
	n := chain.n
	// I - Q, inverted in place: the one n×n buffer is the whole memory cost.
	fund := blas64.General{Rows: n, Cols: n, Stride: n, Data: make([]float64, n*n)}
	for i := 0; i < n; i++ {
		row := fund.Data[i*n : (i+1)*n]
		row[i] = 1
		for e := chain.outStart[i]; e < chain.outStart[i+1]; e++ {
			row[chain.outTo[e]] -= chain.outP[e]
		}
	}
	ipiv := make([]int, n)
	if !lapack64.Getrf(fund, ipiv) {
		return nil, nil, fmt.Errorf("markov chain is singular: some journeys never end")
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	work := []float64{0}
	lapack64.Getri(fund, ipiv, work, -1)
	work = make([]float64, int(work[0]))
	if !lapack64.Getri(fund, ipiv, work, len(work)) {
		return nil, nil, fmt.Errorf("markov chain is singular: some journeys never end")
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	at := func(i, j int32) float64 { return fund.Data[int(i)*n+int(j)] }
	// x: probability of converting from each state; xv: converted value
	// from each state (mean value of conversions ending in a state).
	x := make([]float64, n)
	xv := make([]float64, n)
	for i := 0; i < n; i++ {
		row := fund.Data[i*n : (i+1)*n]
		for s, p := range chain.pConv {
			if p == 0 {
				continue
			}
			x[i] += row[s] * p
			if chain.lastConv[s] > 0 {
				xv[i] += row[s] * (chain.lastValue[s] / chain.lastConv[s] * p)
			}
		}
	}
	pConv, valueBase := x[0], xv[0]
	re = make([]float64, len(contains))
	vre = make([]float64, len(contains))
	for c, set := range contains {
		if len(set) == 0 || pConv <= 0 {
			continue
		}
		if c%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
		}
		// e = v_S (N_SS)^-1: the distribution of the first entry into S.
		var lost, lostValue float64
		if len(set) == 1 {
			s := set[0]
			e := at(0, s) / at(s, s)
			lost, lostValue = e*x[s], e*xv[s]
		} else {
			k := len(set)
			nss := mat.NewDense(k, k, nil)
			vs := mat.NewVecDense(k, nil)
			for i, si := range set {
				vs.SetVec(i, at(0, si))
				for j, sj := range set {
					nss.Set(i, j, at(si, sj))
				}
			}
			var entry mat.VecDense
			if err := entry.SolveVec(nss.T(), vs); err != nil {
				return nil, nil, fmt.Errorf("markov chain: removal of %d states: %w", k, err)
			}
			for i, si := range set {
				lost += entry.AtVec(i) * x[si]
				lostValue += entry.AtVec(i) * xv[si]
			}
		}
		re[c] = clamp01(lost / pConv)
		if valueBase > 0 {
			vre[c] = clamp01(lostValue / valueBase)
		}
	}
	return re, vre, nil
}

// channelsInChain counts the channels that appear in some state of the
// chain: each needs its own removal.
func channelsInChain(ch *markovChain, channels int) int {
	seen := make([]bool, channels)
	count := 0
	for _, g := range ch.grams[1:] {
		for _, c := range g {
			if !seen[c] {
				seen[c] = true
				count++
			}
		}
	}
	return count
}

// removalBySelectedInverse computes every order-1 removal effect from the
// diagonal of N, the visits and the conversion probabilities (selinv.go):
// channel c, state s, loses v_s x_s / N_ss of P(conv).
func removalBySelectedInverse(ctx context.Context, chain *markovChain, plan *selinvPlan, contains [][]int32) (re, vre []float64, err error) {
	r, err := selectedInverse(ctx, chain, plan)
	if err != nil {
		return nil, nil, err
	}
	pConv, valueBase := r.convert[0], r.value[0]
	re = make([]float64, len(contains))
	vre = make([]float64, len(contains))
	if pConv <= 0 {
		return re, vre, nil
	}
	for c, set := range contains {
		if len(set) != 1 {
			continue // order 1: a channel is one state, or none
		}
		s := set[0]
		reach := r.visits[s] / r.diag[s]
		re[c] = clamp01(reach * r.convert[s] / pConv)
		if valueBase > 0 {
			vre[c] = clamp01(reach * r.value[s] / valueBase)
		}
	}
	return re, vre, nil
}
