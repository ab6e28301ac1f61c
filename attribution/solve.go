package attribution

import (
	"fmt"
	"math"
	"slices"
	"sync"

	"gonum.org/v1/gonum/mat"
)

// denseLimit is the largest chain solved by dense LU; larger chains, which
// are sparse (a k-gram has few successors), use Gauss-Seidel sweeps run to
// a floating-point fixed point.
const denseLimit = 256

// maxSweeps bounds Gauss-Seidel; a chain that needs more is reported, not
// silently truncated.
const maxSweeps = 200000

// visitSolver computes expected visit counts of transient states when a
// journey starts in (start), with some states removed (transitions into a
// removed state go to null).
type visitSolver struct {
	ch *markovChain
	// Incoming transitions (CSC) for Gauss-Seidel.
	inStart []int32
	inFrom  []int32
	inP     []float64
	// scratch holds denseScratch values: each removal solves a system of
	// the same size, and fresh matrices per removal were most of the
	// memory a small chain's Markov run faulted in.
	scratch sync.Pool
}

// denseScratch is one goroutine's buffers for dense.
type denseScratch struct {
	idx []int
	a   []float64
	lu  mat.LU
}

func newVisitSolver(ch *markovChain) *visitSolver {
	s := &visitSolver{ch: ch}
	if ch.n <= denseLimit {
		return s
	}
	s.inStart = make([]int32, ch.n+1)
	for _, to := range ch.outTo {
		s.inStart[to+1]++
	}
	for i := 0; i < ch.n; i++ {
		s.inStart[i+1] += s.inStart[i]
	}
	s.inFrom = make([]int32, len(ch.outTo))
	s.inP = make([]float64, len(ch.outTo))
	next := append([]int32(nil), s.inStart[:ch.n]...)
	for from := 0; from < ch.n; from++ {
		for e := ch.outStart[from]; e < ch.outStart[from+1]; e++ {
			to := ch.outTo[e]
			s.inFrom[next[to]] = int32(from)
			s.inP[next[to]] = ch.outP[e]
			next[to]++
		}
	}
	return s
}

// visits returns v with v[j] the expected number of visits to allowed
// state j, solving v = e_start + Q_RR^T v over the allowed states R.
func (s *visitSolver) visits(allowed []bool) ([]float64, error) {
	if s.ch.n <= denseLimit {
		return s.dense(allowed)
	}
	return s.gaussSeidel(allowed)
}

func (s *visitSolver) dense(allowed []bool) ([]float64, error) {
	ch := s.ch
	sc, _ := s.scratch.Get().(*denseScratch)
	if sc == nil {
		sc = &denseScratch{}
	}
	defer s.scratch.Put(sc)
	idx := slices.Grow(sc.idx[:0], ch.n)[:ch.n] // state -> row in the reduced system, or -1
	sc.idx = idx
	m := 0
	for i := range idx {
		idx[i] = -1
		if allowed[i] {
			idx[i] = m
			m++
		}
	}
	// A = I - Q_RR^T, so A v = e_start gives the visit counts.
	sc.a = slices.Grow(sc.a[:0], m*m)[:m*m]
	clear(sc.a)
	a := mat.NewDense(m, m, sc.a)
	for i := 0; i < m; i++ {
		a.Set(i, i, 1)
	}
	for from := 0; from < ch.n; from++ {
		if idx[from] < 0 {
			continue
		}
		for e := ch.outStart[from]; e < ch.outStart[from+1]; e++ {
			to := idx[ch.outTo[e]]
			if to >= 0 {
				a.Set(to, idx[from], a.At(to, idx[from])-ch.outP[e])
			}
		}
	}
	lu := &sc.lu
	lu.Factorize(a)
	if lu.Det() == 0 {
		return nil, fmt.Errorf("markov chain is singular: some journeys never end")
	}
	b := mat.NewVecDense(m, nil)
	b.SetVec(idx[0], 1)
	var x mat.VecDense
	if err := lu.SolveVecTo(&x, false, b); err != nil {
		return nil, fmt.Errorf("solve markov chain: %w", err)
	}
	v := make([]float64, ch.n)
	for i := range v {
		if idx[i] >= 0 {
			v[i] = x.AtVec(idx[i])
		}
	}
	return v, nil
}

func (s *visitSolver) gaussSeidel(allowed []bool) ([]float64, error) {
	ch := s.ch
	v := make([]float64, ch.n)
	for sweep := 0; sweep < maxSweeps; sweep++ {
		var maxDelta, maxV float64
		for j := 0; j < ch.n; j++ {
			if !allowed[j] {
				continue
			}
			x := 0.0
			if j == 0 {
				x = 1
			}
			// A removed state is never updated, so its count stays 0 and
			// adds exactly nothing: no need to test each source state.
			for e := s.inStart[j]; e < s.inStart[j+1]; e++ {
				x += s.inP[e] * v[s.inFrom[e]]
			}
			maxDelta = math.Max(maxDelta, math.Abs(x-v[j]))
			maxV = math.Max(maxV, x)
			v[j] = x
		}
		// Stop once a sweep no longer moves any count beyond rounding.
		if maxDelta <= 0x1p-52*maxV {
			return v, nil
		}
	}
	return nil, fmt.Errorf("markov chain did not converge in %d sweeps: journeys loop almost forever", maxSweeps)
}
