package attribution

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"gonum.org/v1/gonum/stat/distuv"
)

// DefaultLevel is the confidence level of bootstrap intervals when
// BootstrapOptions.Level is zero.
const DefaultLevel = 0.95

// MaxReplicates bounds BootstrapOptions.Replicates: replicates are kept in
// memory until their percentiles are taken.
const MaxReplicates = 100000

// BootstrapOptions asks for percentile intervals by resampling journeys.
type BootstrapOptions struct {
	// Replicates is the number of resampled data sets (at least 1).
	Replicates int
	// Seed makes the resampling reproducible: the same seed gives the same
	// intervals to the last bit.
	Seed uint64
	// Level is the interval's confidence level, in (0, 1); 0 means 0.95.
	Level float64
	// Progress, if set, is called as replicates finish (never from two
	// goroutines at once); the last call has done == total.
	Progress func(done, total int)
}

// Interval is a percentile interval [Low, High].
type Interval struct {
	Low  float64 `json:"low"`
	High float64 `json:"high"`
}

// Width returns High - Low.
func (iv Interval) Width() float64 { return iv.High - iv.Low }

// Intervals holds one model's bootstrap intervals per channel, indexed like
// the Result's Channels.
type Intervals struct {
	// Level, Replicates and Seed say how the intervals were made.
	Level      float64
	Replicates int
	Seed       uint64
	// Share, Conversions and Value are the percentile intervals.
	Share, Conversions, Value []Interval
	// ShareReplicates[r][c] is channel c's share in replicate r, kept so
	// that a comparison can bootstrap the difference between two runs.
	ShareReplicates [][]float64
}

// Bootstrap adds percentile intervals to results, which Run computed from
// ps with opts. Each replicate draws as many journey paths as the data has
// (a multinomial over the distinct path × outcome cells: each conversion's
// path and each non-converting path is one unit), reruns every model of
// results on the resampled counts, and each interval is the pair of
// (1-level)/2 and (1+level)/2 percentiles of the replicates. Replicates run
// in parallel and share everything that does not depend on the counts: the
// per-path credits of the heuristic models and the Markov chain's states
// and edges. Bootstrap leaves ps unchanged.
func Bootstrap(ctx context.Context, ps *PathSet, results []*Result, opts Options, b BootstrapOptions) error {
	if b.Replicates < 1 || b.Replicates > MaxReplicates {
		return fmt.Errorf("bootstrap replicates %d: must be 1 to %d", b.Replicates, MaxReplicates)
	}
	if b.Level == 0 {
		b.Level = DefaultLevel
	}
	if !(b.Level > 0 && b.Level < 1) {
		return fmt.Errorf("bootstrap level %g: must be between 0 and 1, e.g. 0.95", b.Level)
	}
	opts, err := opts.withDefaults()
	if err != nil {
		return err
	}
	prep, err := newBootPrep(ps, results, opts)
	if err != nil {
		return err
	}
	nm, nc, nr := len(results), len(ps.Channels), b.Replicates
	// reps[m][k] holds metric k (share, conversions, value) of model m as
	// replicate-major rows of nc channels.
	reps := make([][3][]float64, nm)
	for m := range reps {
		for k := range reps[m] {
			reps[m][k] = make([]float64, nr*nc)
		}
	}
	var next, done atomic.Int64
	var progressMu sync.Mutex
	workers := min(runtime.GOMAXPROCS(0), nr)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rs := prep.newReplicateState()
			for {
				r := int(next.Add(1) - 1)
				if r >= nr {
					return
				}
				if err := ctx.Err(); err != nil {
					errs[w] = err
					return
				}
				rng := rand.New(rand.NewPCG(b.Seed, 0x9e3779b97f4a7c15^uint64(r)))
				if err := prep.replicate(ctx, rs, rng, func(m int, conv, value []float64, totalConv float64) {
					row := r * nc
					for c := range nc {
						reps[m][1][row+c] = conv[c]
						reps[m][2][row+c] = value[c]
						if totalConv > 0 {
							reps[m][0][row+c] = conv[c] / totalConv
						}
					}
				}); err != nil {
					errs[w] = err
					return
				}
				if b.Progress != nil {
					progressMu.Lock()
					b.Progress(int(done.Add(1)), nr)
					progressMu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	lo, hi := (1-b.Level)/2, (1+b.Level)/2
	col := make([]float64, nr)
	for m, res := range results {
		iv := &Intervals{Level: b.Level, Replicates: nr, Seed: b.Seed,
			Share: make([]Interval, nc), Conversions: make([]Interval, nc), Value: make([]Interval, nc),
			ShareReplicates: make([][]float64, nr)}
		for r := range nr {
			iv.ShareReplicates[r] = reps[m][0][r*nc : (r+1)*nc : (r+1)*nc]
		}
		for k, dst := range [3][]Interval{iv.Share, iv.Conversions, iv.Value} {
			for c := range nc {
				for r := range nr {
					col[r] = reps[m][k][r*nc+c]
				}
				slices.Sort(col)
				dst[c] = Interval{quantile(col, lo), quantile(col, hi)}
			}
		}
		res.Intervals = iv
	}
	return nil
}

// quantile returns the q-quantile of sorted xs, interpolating linearly
// between order statistics (the "type 7" definition of R and NumPy).
func quantile(xs []float64, q float64) float64 {
	if len(xs) == 1 {
		return xs[0]
	}
	h := q * float64(len(xs)-1)
	i := int(math.Floor(h))
	if i >= len(xs)-1 {
		return xs[len(xs)-1]
	}
	f := h - float64(i)
	if f == 0 || xs[i] == xs[i+1] {
		return xs[i]
	}
	return xs[i] + f*(xs[i+1]-xs[i])
}

// bootPrep is the work shared by every replicate.
type bootPrep struct {
	ps       *PathSet
	channels int
	// Resampling cells: a path's converting or non-converting journeys, or
	// the unattributed conversions (path -1).
	cellPath []int32
	cellNull []bool
	cellW    []float64
	total    float64     // sum of cellW
	draws    float64     // journeys drawn per replicate: total rounded, at least 1
	alias    *aliasTable // with cellMean and cellExp, for drawPoissonCorrected; nil: by binomials
	cellMean []float64
	cellExp  []float64
	kinds    []modelKind // per result
	// Credits of every heuristic model in one table: path i gives its
	// conversions times w[e] to slot[e] (model × channel), for e in
	// start[i]:start[i+1].
	hStart []int32
	hSlot  []int32
	hW     []float64
	timed  *timedCredits
	markov *markovPrep
	// The data's conversions, value and nulls per path.
	convOf, valueOf, nullsOf []float64
	// valueOnly lists paths with value but no journey (no cell): they
	// keep their value in every replicate.
	valueOnly []int32
}

type modelKind int8

const (
	kindHeuristic modelKind = iota
	kindTimed
	kindMarkov
)

// timedCredits holds time-decay credit summed over each path's timed
// journeys: for path i, channel ch[e] has conv[e] and value[e].
type timedCredits struct {
	start               []int32
	ch                  []int32
	conv, value         []float64
	pathConv, pathValue []float64 // timed journeys of the path, their value
}

func newBootPrep(ps *PathSet, results []*Result, opts Options) (*bootPrep, error) {
	p := &bootPrep{ps: ps, channels: len(ps.Channels)}
	np := ps.Len()
	p.convOf, p.valueOf, p.nullsOf = make([]float64, np), make([]float64, np), make([]float64, np)
	for i := range np {
		_, conv, value, nulls := ps.Path(i)
		p.convOf[i], p.valueOf[i], p.nullsOf[i] = conv, value, nulls
		if conv <= 0 && value != 0 {
			p.valueOnly = append(p.valueOnly, int32(i))
		}
		if conv > 0 {
			p.addCell(int32(i), false, conv)
		}
		if nulls > 0 {
			p.addCell(int32(i), true, nulls)
		}
	}
	if ps.UnattributedConversions > 0 {
		p.addCell(-1, false, ps.UnattributedConversions)
	}
	p.draws = max(1, math.Round(p.total))
	// Poisson counts corrected to the total while there are few journeys
	// per cell; one binomial per cell when the counts are large.
	if p.draws <= 8*float64(len(p.cellW)) {
		p.alias = newAliasTable(p.cellW)
		p.poissonDraws()
	}
	weighers := make([]func([]int32, []float64), len(results))
	for m, res := range results {
		switch res.Model {
		case Markov:
			mp, err := newMarkovPrep(ps, opts.Order)
			if err != nil {
				return nil, err
			}
			p.markov = mp
			p.kinds = append(p.kinds, kindMarkov)
		case TimeDecay:
			td, err := timeDecayCredits(ps, opts.HalfLife)
			if err != nil {
				return nil, err
			}
			p.timed = td
			p.kinds = append(p.kinds, kindTimed)
		default:
			weigh, err := heuristicWeigher(ps, res.Model, opts)
			if err != nil {
				return nil, err
			}
			weighers[m] = weigh
			p.kinds = append(p.kinds, kindHeuristic)
		}
	}
	p.heuristicCredits(weighers)
	return p, nil
}

func (p *bootPrep) addCell(path int32, null bool, w float64) {
	p.cellPath = append(p.cellPath, path)
	p.cellNull = append(p.cellNull, null)
	p.cellW = append(p.cellW, w)
	p.total += w
}

// heuristicWeigher returns the per-touch weighing of a heuristic model, as
// runModel applies it.
func heuristicWeigher(ps *PathSet, name string, opts Options) (func(path []int32, w []float64), error) {
	switch name {
	case FirstTouch:
		return func(path []int32, w []float64) { w[0] = 1 }, nil
	case LastTouch:
		return func(path []int32, w []float64) { w[len(w)-1] = 1 }, nil
	case LastNonDirect:
		direct := make([]bool, len(ps.Channels))
		for _, d := range opts.Direct {
			if i, ok := ps.channelID(d); ok {
				direct[i] = true
			}
		}
		return func(path []int32, w []float64) {
			for i := len(path) - 1; i >= 0; i-- {
				if !direct[path[i]] {
					w[i] = 1
					return
				}
			}
			w[len(w)-1] = 1
		}, nil
	case Linear:
		return func(path []int32, w []float64) {
			for i := range w {
				w[i] = 1 / float64(len(w))
			}
		}, nil
	case PositionBased:
		f, l := opts.FirstWeight, opts.LastWeight
		return func(path []int32, w []float64) { positionWeights(w, f, l) }, nil
	}
	return nil, fmt.Errorf("bootstrap: unknown model %q", name)
}

// heuristicCredits records, per distinct path, the weight each heuristic
// model gives each channel (a channel touched twice gets one entry).
func (p *bootPrep) heuristicCredits(weighers []func([]int32, []float64)) {
	ps := p.ps
	p.hStart = make([]int32, 1, ps.Len()+1)
	at := make([]int32, len(weighers)*p.channels) // slot -> entry+1 for this path
	var w []float64
	for i := range ps.Len() {
		path, _, _, _ := ps.Path(i)
		first := int32(len(p.hSlot))
		for m, weigh := range weighers {
			if weigh == nil {
				continue
			}
			w = slices.Grow(w[:0], len(path))[:len(path)]
			clear(w)
			weigh(path, w)
			for j, ch := range path {
				if w[j] == 0 {
					continue
				}
				slot := int32(m*p.channels) + ch
				if e := at[slot]; e > first {
					p.hW[e-1] += w[j]
					continue
				}
				p.hSlot = append(p.hSlot, slot)
				p.hW = append(p.hW, w[j])
				at[slot] = int32(len(p.hSlot))
			}
		}
		p.hStart = append(p.hStart, int32(len(p.hSlot)))
	}
}

// timeDecayCredits sums the time-decay credit of each timed journey into
// the distinct path it followed, so that a replicate scales each path's
// sum by how often the path's converting journeys were drawn: a drawn
// journey carries its path's mean time-decay weights and mean value.
func timeDecayCredits(ps *PathSet, halfLife time.Duration) (*timedCredits, error) {
	t := ps.Timed
	if t == nil {
		return nil, ErrNeedsTimestamps
	}
	np := ps.Len()
	type credit struct {
		ch          int32
		conv, value float64
	}
	per := make([][]credit, np)
	m := &timedCredits{pathConv: make([]float64, np), pathValue: make([]float64, np)}
	h := halfLife.Seconds()
	var w []float64
	for j := range t.Len() {
		path, age, value := t.Journey(j)
		i, ok := ps.pathID(path)
		if !ok {
			return nil, fmt.Errorf("bootstrap: a timed journey has no path (%d touches)", len(path))
		}
		m.pathConv[i]++
		m.pathValue[i] += value
		var sum float64
		w, sum = decayWeights(w, age, h)
		for k, ch := range path {
			at := slices.IndexFunc(per[i], func(c credit) bool { return c.ch == ch })
			if at < 0 {
				per[i] = append(per[i], credit{ch: ch})
				at = len(per[i]) - 1
			}
			per[i][at].conv += w[k] / sum
			per[i][at].value += value * w[k] / sum
		}
	}
	m.start = make([]int32, 1, np+1)
	for i := range np {
		for _, c := range per[i] {
			m.ch = append(m.ch, c.ch)
			m.conv = append(m.conv, c.conv)
			m.value = append(m.value, c.value)
		}
		m.start = append(m.start, int32(len(m.ch)))
	}
	return m, nil
}

// pathID returns the index of the distinct path with these touches, as
// AddPath finds it.
func (p *PathSet) pathID(touches []int32) (int, bool) {
	if len(p.index.slots) == 0 {
		return 0, false
	}
	id, _ := p.findPath(touches, nil, hashPath(touches))
	return max(id, 0), id >= 0
}

// replicateState is one worker's scratch space.
type replicateState struct {
	counts             []float64 // drawn journeys per cell
	hits               []int32   // drawn journeys per cell (drawPoissonCorrected)
	conv, value, nulls []float64 // resampled per path
	// active lists the paths drawn in this replicate (and value-only
	// paths): the only ones whose conv, value and nulls are not zero.
	active            []int32
	outConv, outValue []float64 // per model and channel
	totals            []float64 // per model
	markov            *markovScratch
}

func (p *bootPrep) newReplicateState() *replicateState {
	np := p.ps.Len()
	nm := len(p.kinds)
	rs := &replicateState{
		counts: make([]float64, len(p.cellW)),
		conv:   make([]float64, np), value: make([]float64, np), nulls: make([]float64, np),
		outConv: make([]float64, nm*p.channels), outValue: make([]float64, nm*p.channels),
		totals: make([]float64, nm),
	}
	if p.alias != nil {
		rs.hits = make([]int32, len(p.cellW))
	}
	if p.markov != nil {
		rs.markov = p.markov.newScratch()
	}
	return rs
}

// draw fills rs.counts with a multinomial draw of p.draws journeys over
// the cells, rescaled so that the counts sum to the data's total. With
// many journeys per cell it draws one binomial per cell (conditional on
// the cells before), so the cost follows the cells, not the journeys.
func (p *bootPrep) draw(rs *replicateState, rng *rand.Rand) {
	if p.alias != nil {
		p.drawPoissonCorrected(rs, rng)
		for k, x := range rs.hits {
			rs.counts[k] = float64(x) / p.draws * p.total
		}
		return
	}
	left := p.draws
	rest := p.total
	src := rngSource{rng}
	for k, w := range p.cellW {
		x := 0.0
		switch {
		case left <= 0:
		case k == len(p.cellW)-1 || w >= rest:
			x = left
		default:
			x = distuv.Binomial{N: left, P: w / rest, Src: src}.Rand()
		}
		left -= x
		rest -= w
		// x/draws is exactly 1 when every draw falls in one cell, so a
		// data set of one path gives the same counts in every replicate.
		rs.counts[k] = x / p.draws * p.total
	}
}

// rngSource adapts a *rand.Rand to rand.Source for gonum's samplers.
type rngSource struct{ r *rand.Rand }

func (s rngSource) Uint64() uint64 { return s.r.Uint64() }

// aliasTable draws cell k with probability w[k] / sum(w) in constant time
// (Vose's alias method).
type aliasTable struct {
	prob  []float64
	alias []int32
}

func newAliasTable(w []float64) *aliasTable {
	n := len(w)
	t := &aliasTable{prob: make([]float64, n), alias: make([]int32, n)}
	var sum float64
	for _, x := range w {
		sum += x
	}
	scaled := make([]float64, n)
	var small, large []int32
	for i, x := range w {
		scaled[i] = x * float64(n) / sum
		if scaled[i] < 1 {
			small = append(small, int32(i))
		} else {
			large = append(large, int32(i))
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s, l := small[len(small)-1], large[len(large)-1]
		small = small[:len(small)-1]
		t.prob[s], t.alias[s] = scaled[s], l
		scaled[l] -= 1 - scaled[s]
		if scaled[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	// What is left has probability 1 up to rounding.
	for _, i := range append(small, large...) {
		t.prob[i], t.alias[i] = 1, i
	}
	return t
}

// draw picks a cell from one 64-bit random number: its product with the
// number of cells gives the column in the high word and, in the low word,
// a uniform fraction for the column's coin (the bias is below 2^-32 per
// draw, far under what any interval can show).
func (t *aliasTable) draw(rng *rand.Rand) int32 {
	hi, lo := bits.Mul64(rng.Uint64(), uint64(len(t.prob)))
	if float64(lo>>11)*0x1p-53 < t.prob[hi] {
		return int32(hi)
	}
	return t.alias[hi]
}

// replicate draws one resampled data set and runs every model on it,
// passing each model's per-channel conversions and value to emit.
func (p *bootPrep) replicate(ctx context.Context, rs *replicateState, rng *rand.Rand, emit func(m int, conv, value []float64, totalConv float64)) error {
	p.draw(rs, rng)
	return p.evaluate(ctx, rs, emit)
}

// evaluate runs every model on the cell counts in rs.counts.
func (p *bootPrep) evaluate(ctx context.Context, rs *replicateState, emit func(m int, conv, value []float64, totalConv float64)) error {
	// Paths without a draw are zero and skipped by every model: reset
	// the last replicate's, then set this one's.
	for _, i := range rs.active {
		rs.conv[i], rs.value[i], rs.nulls[i] = 0, 0, 0
	}
	rs.active = rs.active[:0]
	for k, path := range p.cellPath {
		x := rs.counts[k]
		if path < 0 || x == 0 {
			continue
		}
		if n := len(rs.active); n == 0 || rs.active[n-1] != path {
			rs.active = append(rs.active, path)
		}
		if p.cellNull[k] {
			rs.nulls[path] = x
			continue
		}
		// A drawn conversion carries its path's mean value.
		rs.value[path] = p.valueOf[path] * (x / p.convOf[path])
		rs.conv[path] = x
	}
	for _, i := range p.valueOnly {
		if rs.nulls[i] == 0 { // else its null cell made it active already
			rs.active = append(rs.active, i)
		}
		rs.value[i] = p.valueOf[i]
	}
	clear(rs.outConv)
	clear(rs.outValue)
	clear(rs.totals)
	var heurTotal float64
	for _, i := range rs.active {
		conv, value := rs.conv[i], rs.value[i]
		if conv == 0 && value == 0 {
			continue
		}
		heurTotal += conv
		for e := p.hStart[i]; e < p.hStart[i+1]; e++ {
			rs.outConv[p.hSlot[e]] += conv * p.hW[e]
			rs.outValue[p.hSlot[e]] += value * p.hW[e]
		}
	}
	nc := p.channels
	for m, kind := range p.kinds {
		conv, value := rs.outConv[m*nc:(m+1)*nc], rs.outValue[m*nc:(m+1)*nc]
		switch kind {
		case kindHeuristic:
			rs.totals[m] = heurTotal
		case kindTimed:
			td := p.timed
			for _, i := range rs.active {
				if td.pathConv[i] == 0 || rs.conv[i] == 0 {
					continue
				}
				f := rs.conv[i] / p.convOf[i]
				rs.totals[m] += f * td.pathConv[i]
				for e := td.start[i]; e < td.start[i+1]; e++ {
					conv[td.ch[e]] += f * td.conv[e]
					value[td.ch[e]] += f * td.value[e]
				}
			}
		case kindMarkov:
			var err error
			if rs.totals[m], err = p.markov.solve(ctx, rs, conv, value); err != nil {
				return err
			}
		}
		emit(m, conv, value, rs.totals[m])
	}
	return nil
}
