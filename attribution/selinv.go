package attribution

import (
	"container/heap"
	"context"
	"fmt"
	"math/bits"
	"slices"
)

// Selected inversion: the diagonal of N = (I - Q)^-1 over the channel
// states of an order-1 chain, with the expected visits v and the
// conversion probabilities x, without forming N. At order 1 a channel is
// one state s and its removal loses the journeys that reach s and then
// convert: v_s x_s / N_ss (markovfast.go). v and x are one solve each;
// N_ss is the hard part, and a chain of thousands of campaign channels is
// one strongly connected block, so there is no shortcut through its
// structure.
//
// The states are ordered by least fill. The sparse ones are eliminated
// first (LDU without pivoting: I - Q is diagonally dominant by rows, and
// so stays every Schur complement); the ones left when the fill makes that
// costly form a dense core, inverted in place (denseinv.go). Takahashi's
// equations then walk the sparse states back, each needing N only where
// its own elimination filled the matrix.
//
// (start) is left out: nothing enters it, so N among the channel states
// does not depend on it, and Q's row from it is just where journeys begin.

// selinvStateLimit bounds the states the symbolic elimination tracks as
// bit sets (two of n^2/8 bytes: 100 MB at the limit).
const selinvStateLimit = 20000

// selinvPlan is the symbolic result: the elimination order and, for each
// sparse state, the later states in its row and column when eliminated.
type selinvPlan struct {
	n     int       // channel states (chain states minus start)
	order []int32   // sparse states in elimination order
	core  []int32   // the dense core, in core index order
	pos   []int32   // state -> place in elimination (core after sparse)
	rows  [][]int32 // sparse k -> later j with A_kj != 0 (U's row), sorted
	cols  [][]int32 // sparse k -> later i with A_ik != 0 (L's column), sorted
	ci    []int32   // state -> core index, -1 for sparse states
}

// markowitzHeap is a min-heap of (row count × column count, state); stale
// entries are skipped.
type markowitzHeap [][2]int64

func (h markowitzHeap) Len() int { return len(h) }
func (h markowitzHeap) Less(i, j int) bool {
	return h[i][0] < h[j][0] || h[i][0] == h[j][0] && h[i][1] < h[j][1]
}
func (h markowitzHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *markowitzHeap) Push(x any)   { *h = append(*h, x.([2]int64)) }
func (h *markowitzHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// selinvCoreDivisor sets where elimination stops: once the cheapest
// state's fill, r×c, passes (states left / divisor)^2, a dense core is
// cheaper. Eliminating a state costs about r×c sparse updates and lookups
// (tens of ns each) and saves 6m^2 dense flops (a tenth of a ns each).
const selinvCoreDivisor = 10

// planSelectedInverse orders the channel states by least fill (Markowitz:
// states in the row times states in the column) and stops where a dense
// core is cheaper (selinvCoreDivisor); divisor 0 eliminates every state.
func planSelectedInverse(ctx context.Context, ch *markovChain, divisor int) (*selinvPlan, error) {
	n := ch.n - 1
	if n > selinvStateLimit {
		return nil, fmt.Errorf("%d states: more than %d", n, selinvStateLimit)
	}
	words := (n + 63) / 64
	rowBits := make([]uint64, n*words) // rowBits[i] has j when A_ij != 0, i != j
	colBits := make([]uint64, n*words) // colBits[j] has i when A_ij != 0, i != j
	for s := 1; s < ch.n; s++ {
		for e := ch.outStart[s]; e < ch.outStart[s+1]; e++ {
			t := int(ch.outTo[e])
			if t != s && t != 0 {
				i, j := s-1, t-1
				rowBits[i*words+j/64] |= 1 << (j % 64)
				colBits[j*words+i/64] |= 1 << (i % 64)
			}
		}
	}
	count := func(b []uint64) int64 {
		c := 0
		for _, w := range b {
			c += bits.OnesCount64(w)
		}
		return int64(c)
	}
	rowCount := make([]int64, n)
	colCount := make([]int64, n)
	h := make(markowitzHeap, 0, n)
	for i := 0; i < n; i++ {
		rowCount[i] = count(rowBits[i*words : (i+1)*words])
		colCount[i] = count(colBits[i*words : (i+1)*words])
		h = append(h, [2]int64{rowCount[i] * colCount[i], int64(i)})
	}
	heap.Init(&h)
	p := &selinvPlan{n: n, pos: make([]int32, n), rows: make([][]int32, n), cols: make([][]int32, n), ci: make([]int32, n)}
	alive := make([]bool, n)
	for i := range alive {
		alive[i] = true
	}
	members := func(b []uint64) []int32 {
		var out []int32
		for wi, w := range b {
			for w != 0 {
				out = append(out, int32(wi*64+bits.TrailingZeros64(w)))
				w &= w - 1
			}
		}
		return out
	}
	// fill merges src, the row (or column) of eliminated state k, into
	// the rows (or columns) of targets, leaving out k and each target
	// itself, and recounts them.
	fill := func(sets []uint64, targets []int32, src []uint64, k int, counts []int64) {
		for _, i := range targets {
			set := sets[int(i)*words : (int(i)+1)*words]
			for q, w := range src {
				set[q] |= w
			}
			set[int(i)/64] &^= 1 << (int(i) % 64)
			set[k/64] &^= 1 << (k % 64)
			counts[i] = count(set)
		}
	}
	left := n
	for h.Len() > 0 {
		top := heap.Pop(&h).([2]int64)
		k := int(top[1])
		if !alive[k] || top[0] != rowCount[k]*colCount[k] {
			continue // stale
		}
		if divisor > 0 {
			limit := int64(left / divisor)
			if top[0] > max(256, limit*limit) {
				break
			}
		}
		if len(p.order)%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		alive[k] = false
		left--
		p.pos[k] = int32(len(p.order))
		p.order = append(p.order, int32(k))
		rowK := rowBits[k*words : (k+1)*words]
		colK := colBits[k*words : (k+1)*words]
		p.rows[k], p.cols[k] = members(rowK), members(colK)
		// Fill: every i in k's column gains k's row, every j in k's row
		// gains k's column; k leaves all of them.
		fill(rowBits, p.cols[k], rowK, k, rowCount)
		fill(colBits, p.rows[k], colK, k, colCount)
		for _, i := range p.cols[k] {
			heap.Push(&h, [2]int64{rowCount[i] * colCount[i], int64(i)})
		}
		for _, j := range p.rows[k] {
			heap.Push(&h, [2]int64{rowCount[j] * colCount[j], int64(j)})
		}
	}
	for i := range p.ci {
		p.ci[i] = -1
	}
	for i := 0; i < n; i++ {
		if alive[i] {
			p.ci[i] = int32(len(p.core))
			p.pos[i] = int32(len(p.order) + len(p.core))
			p.core = append(p.core, int32(i))
		}
	}
	return p, nil
}

// schurIntoCore subtracts from the dense core every sparse state's
// product l_ik u_kj with i and j both in the core, once elimination has
// made them final. Done row by row of the core (the row stays in cache,
// where updates in elimination order would miss it every time), the rows
// spread over the cores.
func schurIntoCore(ctx context.Context, p *selinvPlan, core []float64, mp int, upper, lower [][]float64) error {
	type term struct {
		k int32
		l float64
	}
	byRow := make([][]term, len(p.core))
	coreRows := make([][]int32, len(p.ci)) // k -> places in rows[k] that are core states
	for _, k := range p.order {
		hasCore := false
		for q, i := range p.cols[k] {
			if ci := p.ci[i]; ci >= 0 && lower[k][q] != 0 {
				byRow[ci] = append(byRow[ci], term{k, lower[k][q]})
				hasCore = true
			}
		}
		if !hasCore {
			continue
		}
		for t, j := range p.rows[k] {
			if p.ci[j] >= 0 && upper[k][t] != 0 {
				coreRows[k] = append(coreRows[k], int32(t))
			}
		}
	}
	rows := make([]int, len(p.core))
	for c := range rows {
		rows[c] = c
	}
	onCores(rows, func(c int) {
		if c%256 == 0 && ctx.Err() != nil {
			return
		}
		row := core[c*mp : (c+1)*mp]
		for _, tm := range byRow[c] {
			rows, u := p.rows[tm.k], upper[tm.k]
			for _, t := range coreRows[tm.k] {
				row[p.ci[rows[t]]] -= tm.l * u[t]
			}
		}
	})
	return ctx.Err()
}

// selinvResult is what the removal effects need, indexed by chain state
// (0 is start).
type selinvResult struct {
	diag    []float64 // N_ss (1 for start)
	visits  []float64 // expected visits from start
	convert []float64 // P(conversion | in s)
	value   []float64 // expected converted value from s
}

// slot says where entry (i, j), i != j, of a matrix on the filled pattern
// lives: in the dense core (core true), or with the state of the two that
// is eliminated first, k, at place t of its row list (inRow) or column
// list. The factors (upper, lower) and the inverse's entries (zCol, zRow)
// are both kept this way.
func (p *selinvPlan) slot(i, j int32) (core bool, k int32, inRow bool, t int) {
	if p.ci[i] >= 0 && p.ci[j] >= 0 {
		return true, 0, false, 0
	}
	if p.pos[i] < p.pos[j] {
		return false, i, true, stateIndex(p.rows[i], j)
	}
	return false, j, false, stateIndex(p.cols[j], i)
}

// stateIndex is the place of state x in the sorted list, which holds it.
func stateIndex(list []int32, x int32) int {
	t, _ := slices.BinarySearch(list, x)
	return t
}

// selectedInverse factors I - Q along the plan, inverts the dense core and
// returns the diagonal of N with the visits and conversion probabilities.
func selectedInverse(ctx context.Context, ch *markovChain, p *selinvPlan) (*selinvResult, error) {
	n := p.n
	m := len(p.core)
	mp := paddedOrder(m)
	core := make([]float64, mp*mp)
	for i := 0; i < mp; i++ {
		core[i*mp+i] = 1 // padding inverts to itself; real diagonals are set below
	}
	diag := make([]float64, n)
	upper := make([][]float64, n) // upper[k][t] = A[k, rows[k][t]]
	lower := make([][]float64, n) // lower[k][q] = A[cols[k][q], k]
	for _, k := range p.order {
		upper[k] = make([]float64, len(p.rows[k]))
		lower[k] = make([]float64, len(p.cols[k]))
	}
	for i := 0; i < n; i++ {
		diag[i] = 1
	}
	// at returns where entry (i, j), i != j, of the working matrix lives:
	// with the state eliminated first, or in the dense core.
	at := func(i, j int32) *float64 {
		switch inCore, k, inRow, t := p.slot(i, j); {
		case inCore:
			return &core[int(p.ci[i])*mp+int(p.ci[j])]
		case inRow:
			return &upper[k][t]
		default:
			return &lower[k][t]
		}
	}
	for s := 1; s < ch.n; s++ {
		for e := ch.outStart[s]; e < ch.outStart[s+1]; e++ {
			t := int(ch.outTo[e])
			if t == 0 {
				continue
			}
			if t == s {
				diag[s-1] -= ch.outP[e]
			} else {
				*at(int32(s-1), int32(t-1)) -= ch.outP[e]
			}
		}
	}
	// Sparse elimination: A_ij -= (A_ik / d_k) A_kj for i in k's column
	// and j in its row; lower[k] then holds the multipliers l_ik.
	for step, k := range p.order {
		if step%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		d := diag[k]
		if !(d > 0) {
			return nil, fmt.Errorf("markov chain is singular: some journeys never end")
		}
		rows, cols, u, l := p.rows[k], p.cols[k], upper[k], lower[k]
		for q := range l {
			l[q] /= d
		}
		for q, i := range cols {
			li := l[q]
			if li == 0 {
				continue
			}
			for t, j := range rows {
				if u[t] == 0 {
					continue
				}
				switch {
				case i == j:
					diag[i] -= li * u[t]
				case p.ci[i] >= 0 && p.ci[j] >= 0:
					// core × core: added below, a core row at a time
				default:
					*at(i, j) -= li * u[t]
				}
			}
		}
	}
	if err := schurIntoCore(ctx, p, core, mp, upper, lower); err != nil {
		return nil, err
	}
	for c, s := range p.core {
		core[c*mp+c] = diag[s]
	}
	if err := invertDense(ctx, core, mp); err != nil {
		return nil, err
	}

	// The two solves, through the factors: x = A^-1 r (conversion, value)
	// and v = A^-T q0 (visits; q0 is Q's row from start).
	x := make([]float64, n)
	xv := make([]float64, n)
	v := make([]float64, n)
	for s := 1; s < ch.n; s++ {
		x[s-1] = ch.pConv[s]
		if ch.lastConv[s] > 0 {
			xv[s-1] = ch.lastValue[s] / ch.lastConv[s] * ch.pConv[s]
		}
	}
	for e := ch.outStart[0]; e < ch.outStart[1]; e++ {
		if t := ch.outTo[e]; t != 0 {
			v[t-1] += ch.outP[e]
		}
	}
	for _, k := range p.order { // forward: L for x, Ũ^T for v
		d := diag[k]
		for q, i := range p.cols[k] {
			x[i] -= lower[k][q] * x[k]
			xv[i] -= lower[k][q] * xv[k]
		}
		for t, j := range p.rows[k] {
			v[j] -= upper[k][t] / d * v[k]
		}
	}
	coreSolve := func(b []float64, transpose bool) {
		in := make([]float64, m)
		for c, s := range p.core {
			in[c] = b[s]
		}
		for c, s := range p.core {
			var sum float64
			for r := 0; r < m; r++ {
				if transpose {
					sum += core[r*mp+c] * in[r]
				} else {
					sum += core[c*mp+r] * in[r]
				}
			}
			b[s] = sum
		}
	}
	coreSolve(x, false)
	coreSolve(xv, false)
	coreSolve(v, true)
	for idx := len(p.order) - 1; idx >= 0; idx-- { // back: Ũ for x, L^T for v
		k := p.order[idx]
		d := diag[k]
		sx, sxv, sv := x[k]/d, xv[k]/d, v[k]/d
		for t, j := range p.rows[k] {
			sx -= upper[k][t] / d * x[j]
			sxv -= upper[k][t] / d * xv[j]
		}
		for q, i := range p.cols[k] {
			sv -= lower[k][q] * v[i]
		}
		x[k], xv[k], v[k] = sx, sxv, sv
	}

	// Takahashi, last sparse state first. With ũ = U/d and l the
	// multipliers, over k's row R and column C:
	//   N_ki = -Σ_{r∈R} ũ_kr N_ri  (i ∈ C)
	//   N_jk = -Σ_{c∈C} N_jc l_ck  (j ∈ R)
	//   N_kk = 1/d_k - Σ_{r∈R} ũ_kr N_rk
	// Every N_rc needed, r ∈ R and c ∈ C, sits where elimination filled
	// (c, r): in the row of N kept by c or the column kept by r.
	zd := make([]float64, n)
	for c, s := range p.core {
		zd[s] = core[c*mp+c]
	}
	zRow := make([][]float64, n)    // zRow[k][q] = N[k, cols[k][q]]
	zCol := make([][]float64, n)    // zCol[k][t] = N[rows[k][t], k]
	z := func(r, c int32) float64 { // N_rc, kept where (c, r) was filled
		if r == c {
			return zd[r]
		}
		switch inCore, k, inRow, t := p.slot(c, r); {
		case inCore:
			return core[int(p.ci[r])*mp+int(p.ci[c])]
		case inRow: // (c, r) in c's row: N_rc is in c's column of N
			return zCol[k][t]
		default: // (c, r) in r's column: N_rc is in r's row of N
			return zRow[k][t]
		}
	}
	var w []float64
	for idx := len(p.order) - 1; idx >= 0; idx-- {
		if idx%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		k := p.order[idx]
		d := diag[k]
		rows, cols, u, l := p.rows[k], p.cols[k], upper[k], lower[k]
		nc := len(cols)
		w = slices.Grow(w[:0], len(rows)*nc)[:len(rows)*nc]
		for t, r := range rows {
			for q, c := range cols {
				w[t*nc+q] = z(r, c)
			}
		}
		row := make([]float64, nc)
		col := make([]float64, len(rows))
		for t := range rows {
			ut := u[t] / d
			wt := w[t*nc : (t+1)*nc]
			var sc float64
			for q, wq := range wt {
				row[q] -= ut * wq
				sc += wq * l[q]
			}
			col[t] = -sc
		}
		kk := 1 / d
		for t := range rows {
			kk -= u[t] / d * col[t]
		}
		zRow[k], zCol[k], zd[k] = row, col, kk
	}

	r := &selinvResult{
		diag:    make([]float64, ch.n),
		visits:  make([]float64, ch.n),
		convert: make([]float64, ch.n),
		value:   make([]float64, ch.n),
	}
	r.diag[0], r.visits[0] = 1, 1
	r.convert[0] = ch.pConv[0]
	if ch.lastConv[0] > 0 {
		r.value[0] = ch.lastValue[0] / ch.lastConv[0] * ch.pConv[0]
	}
	for e := ch.outStart[0]; e < ch.outStart[1]; e++ {
		if t := ch.outTo[e]; t != 0 {
			r.convert[0] += ch.outP[e] * x[t-1]
			r.value[0] += ch.outP[e] * xv[t-1]
		}
	}
	for s := 1; s < ch.n; s++ {
		r.diag[s], r.visits[s], r.convert[s], r.value[s] = zd[s-1], v[s-1], x[s-1], xv[s-1]
	}
	return r, nil
}
