package attribution

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Model names, as used on the command line and in stored runs.
const (
	FirstTouch    = "first-touch"
	LastTouch     = "last-touch"
	LastNonDirect = "last-non-direct"
	Linear        = "linear"
	PositionBased = "position-based"
	TimeDecay     = "time-decay"
	Markov        = "markov"
)

// modelNames lists every model in the order results are reported.
var modelNames = [...]string{FirstTouch, LastTouch, LastNonDirect, Linear, PositionBased, TimeDecay, Markov}

// ModelNames returns every model in the order results are reported, as a
// new slice the caller may change (a widget may edit it in place).
func ModelNames() []string { return append([]string(nil), modelNames[:]...) }

// ErrNeedsTimestamps is returned when time-decay is asked of data that has
// no touch times, such as a path table.
var ErrNeedsTimestamps = errors.New("time-decay needs touch timestamps, and a path table has none: import a touch log, or leave time-decay out")

// Defaults used when the matching Options field is zero.
const (
	DefaultOrder    = 1
	DefaultHalfLife = 7 * 24 * time.Hour
	DefaultFirst    = 0.4
	DefaultLast     = 0.4
	MaxOrder        = 4
)

// Options selects models and their parameters. The zero value runs every
// model the data allows with the documented defaults.
type Options struct {
	// Models to run, by name; empty means every model the data supports
	// (time-decay is left out for data without timestamps).
	Models []string
	// Order is the Markov chain order, 1 to 4; 0 means 1.
	Order int
	// HalfLife is time-decay's half-life; 0 means 7 days.
	HalfLife time.Duration
	// Direct is the set of channels last-non-direct skips, matched
	// case-insensitively. nil means DefaultDirect(); a non-nil empty slice
	// means no channel is direct.
	Direct []string
	// FirstWeight and LastWeight are position-based's shares for the first
	// and last touch; the middle touches share the rest. Both zero means
	// 0.4 and 0.4.
	FirstWeight, LastWeight float64
	// Progress, if set, is called each time a model finishes, never from
	// two goroutines at once; the last call has Done == Total.
	Progress func(RunProgress)
}

// RunProgress reports how many of a run's models have finished.
type RunProgress struct {
	Model       string // the model that just finished
	Done, Total int
}

// withDefaults returns o with zero fields replaced by their defaults, or an
// error naming the first invalid field.
func (o Options) withDefaults() (Options, error) {
	if o.Order == 0 {
		o.Order = DefaultOrder
	}
	if o.Order < 1 || o.Order > MaxOrder {
		return o, fmt.Errorf("markov order %d: must be 1 to %d", o.Order, MaxOrder)
	}
	if o.HalfLife == 0 {
		o.HalfLife = DefaultHalfLife
	}
	if o.HalfLife < 0 {
		return o, fmt.Errorf("half-life %v: must be positive", o.HalfLife)
	}
	if o.Direct == nil {
		o.Direct = DefaultDirect()
	}
	if o.FirstWeight == 0 && o.LastWeight == 0 {
		o.FirstWeight, o.LastWeight = DefaultFirst, DefaultLast
	}
	f, l := o.FirstWeight, o.LastWeight
	if !(f >= 0 && l >= 0 && f+l <= 1 && f+l > 0) || math.IsInf(f, 0) || math.IsInf(l, 0) {
		return o, fmt.Errorf("position weights first=%g last=%g: each must be at least 0, and together more than 0 and at most 1", f, l)
	}
	for _, m := range o.Models {
		if !slices.Contains(modelNames[:], m) {
			return o, fmt.Errorf("unknown model %q: choose from %s", m, strings.Join(modelNames[:], ", "))
		}
	}
	return o, nil
}

// Run applies the models chosen in opts to ps and returns one Result per
// model, in the order of ModelNames. Asking for time-decay on data without
// timestamps returns ErrNeedsTimestamps.
func Run(ctx context.Context, ps *PathSet, opts Options) ([]*Result, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	want := opts.Models
	if len(want) == 0 {
		want = AvailableModels(ps)
	}
	var names []string
	for _, name := range modelNames {
		if slices.Contains(want, name) {
			names = append(names, name)
		}
	}
	// Models are independent: run them side by side. Each one's arithmetic
	// is sequential, so results are the same bits however they interleave.
	// The positional models share one pass over the paths (heuristics),
	// which reads them once instead of once per model.
	results := make([]*Result, len(names))
	errs := make([]error, len(names))
	var heuristic []int // indices into names of the positional models
	var tasks [][]int   // each task: the indices it computes
	for i, name := range names {
		if isPositional(name) {
			heuristic = append(heuristic, i)
			continue
		}
		tasks = append(tasks, []int{i})
	}
	if len(heuristic) > 0 {
		tasks = append([][]int{heuristic}, tasks...)
	}
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	var progressMu sync.Mutex
	finished := 0
	for _, task := range tasks {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := ctx.Err(); err != nil {
				errs[task[0]] = err
				return
			}
			if len(task) > 1 || isPositional(names[task[0]]) {
				var models []string
				for _, i := range task {
					models = append(models, names[i])
				}
				for k, r := range heuristics(ps, models, opts) {
					results[task[k]] = r
				}
			} else {
				i := task[0]
				r, err := runModel(ctx, ps, names[i], opts)
				if err != nil {
					err = fmt.Errorf("%s: %w", names[i], err)
				}
				results[i], errs[i] = r, err
			}
			if opts.Progress != nil {
				progressMu.Lock()
				for _, i := range task {
					if errs[i] == nil {
						finished++
						opts.Progress(RunProgress{Model: names[i], Done: finished, Total: len(names)})
					}
				}
				progressMu.Unlock()
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	noteUnattributed(ps, results)
	return results, nil
}

// noteUnattributed gives each model that credited nothing because every
// conversion was unattributed one note saying so, in place of notes that
// would only restate it.
func noteUnattributed(ps *PathSet, results []*Result) {
	if ps.UnattributedConversions <= 0 {
		return
	}
	for _, r := range results {
		if r.TotalConversions == 0 {
			r.Warnings = []string{fmt.Sprintf("every conversion (%s) is unattributed: none has a touch within the lookback window (or its path is empty), so %s credits nothing; a longer --lookback may help",
				strconvG(ps.UnattributedConversions), r.Model)}
		}
	}
}

func strconvG(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// AvailableModels returns the models ps supports: all of them for a touch
// log, all but time-decay for a path table.
func AvailableModels(ps *PathSet) []string {
	var out []string
	for _, m := range modelNames {
		if m == TimeDecay && ps.Timed == nil {
			continue
		}
		out = append(out, m)
	}
	return out
}

func runModel(ctx context.Context, ps *PathSet, name string, opts Options) (*Result, error) {
	switch name {
	case FirstTouch:
		return positional(ps, name, func(path []int32, w []float64) { w[0] = 1 }), nil
	case LastTouch:
		return positional(ps, name, func(path []int32, w []float64) { w[len(w)-1] = 1 }), nil
	case LastNonDirect:
		direct := DirectChannels(ps.Channels, opts.Direct)
		return positional(ps, name, func(path []int32, w []float64) {
			for i := len(path) - 1; i >= 0; i-- {
				if !direct[path[i]] {
					w[i] = 1
					return
				}
			}
			w[len(w)-1] = 1
		}), nil
	case Linear:
		return positional(ps, name, func(path []int32, w []float64) {
			for i := range w {
				w[i] = 1 / float64(len(w))
			}
		}), nil
	case PositionBased:
		f, l := opts.FirstWeight, opts.LastWeight
		return positional(ps, name, func(path []int32, w []float64) {
			positionWeights(w, f, l)
		}), nil
	case TimeDecay:
		if ps.Timed == nil {
			return nil, ErrNeedsTimestamps
		}
		return timeDecay(ps, opts.HalfLife), nil
	case Markov:
		return markovRemoval(ctx, ps, opts.Order)
	}
	return nil, fmt.Errorf("unknown model %q", name)
}

// isPositional reports whether a model credits each path by touch
// position alone (what heuristics computes).
func isPositional(name string) bool {
	switch name {
	case FirstTouch, LastTouch, LastNonDirect, Linear, PositionBased:
		return true
	}
	return false
}

// heuristics computes the positional models named (each a FirstTouch,
// LastTouch, LastNonDirect, Linear or PositionBased) in one pass over the
// paths. Each model adds its credits in the same order, with the same
// products, as positional with that model's weigh function, so every
// result is the same bits as runModel's.
func heuristics(ps *PathSet, models []string, opts Options) []*Result {
	results := make([]*Result, len(models))
	// The model of each result as a small integer: a switch on the name
	// per path and model was a good part of the pass.
	const (
		first = iota
		last
		lastNonDirect
		linear
		positionBased
	)
	kinds := make([]int, len(models))
	var direct []bool
	for k, name := range models {
		results[k] = newResult(ps, name)
		switch name {
		case FirstTouch:
			kinds[k] = first
		case LastTouch:
			kinds[k] = last
		case LastNonDirect:
			kinds[k] = lastNonDirect
			direct = DirectChannels(ps.Channels, opts.Direct)
		case Linear:
			kinds[k] = linear
		case PositionBased:
			kinds[k] = positionBased
		}
	}
	// Every model's totals are the same sums in the same order: one sum.
	var totalConv, totalValue float64
	f, l := opts.FirstWeight, opts.LastWeight
	var w []float64
	// Linear's weight and position-based's weights of a path of n touches
	// are the same numbers on every path of n touches: computed once per
	// length, up to shortPath, the same bits as computing them per path.
	const shortPath = 64
	var invLen [shortPath + 1]float64
	var posWeights [shortPath + 1][]float64
	for i := 0; i < ps.Len(); i++ {
		path, conv, value, _ := ps.Path(i)
		if conv == 0 && value == 0 {
			continue
		}
		n := len(path)
		totalConv += conv
		totalValue += value
		for k, kind := range kinds {
			r := results[k]
			// Weight 1 at one touch: conv*1 is conv, as in positional.
			at := -1
			switch kind {
			case first:
				at = 0
			case last:
				at = n - 1
			case lastNonDirect:
				at = n - 1
				for j := n - 1; j >= 0; j-- {
					if !direct[path[j]] {
						at = j
						break
					}
				}
			case linear:
				var wj float64
				if n <= shortPath {
					if invLen[n] == 0 {
						invLen[n] = 1 / float64(n)
					}
					wj = invLen[n]
				} else {
					wj = 1 / float64(n)
				}
				for _, ch := range path {
					r.Conversions[ch] += conv * wj
					r.Value[ch] += value * wj
				}
			case positionBased:
				var pw []float64
				if n <= shortPath {
					if posWeights[n] == nil {
						posWeights[n] = make([]float64, n)
						positionWeights(posWeights[n], f, l)
					}
					pw = posWeights[n]
				} else {
					w = slices.Grow(w[:0], n)[:n]
					clear(w)
					positionWeights(w, f, l)
					pw = w
				}
				for j, ch := range path {
					if pw[j] != 0 {
						r.Conversions[ch] += conv * pw[j]
						r.Value[ch] += value * pw[j]
					}
				}
			}
			if at >= 0 {
				r.Conversions[path[at]] += conv
				r.Value[path[at]] += value
			}
		}
	}
	for _, r := range results {
		r.finish(totalConv, totalValue)
	}
	return results
}

// positionWeights fills w with position-based weights: first and last get
// f and l, the middle touches share 1-f-l. Two touches split f:l; one
// touch gets everything.
func positionWeights(w []float64, f, l float64) {
	n := len(w)
	switch n {
	case 1:
		w[0] = 1
	case 2:
		w[0], w[1] = f/(f+l), l/(f+l)
	default:
		mid := (1 - f - l) / float64(n-2)
		for i := range w {
			w[i] = mid
		}
		w[0], w[n-1] = f, l
	}
}

func newResult(ps *PathSet, model string) *Result {
	n := len(ps.Channels)
	return &Result{
		Model:       model,
		Channels:    slices.Clone(ps.Channels),
		Conversions: make([]float64, n),
		Value:       make([]float64, n),
		Share:       make([]float64, n),
	}
}

// finish sets totals and shares from the credited conversions.
func (r *Result) finish(totalConv, totalValue float64) *Result {
	r.TotalConversions, r.TotalValue = totalConv, totalValue
	if totalConv > 0 {
		for i, c := range r.Conversions {
			r.Share[i] = c / totalConv
		}
	}
	return r
}

// positional runs a heuristic model given by weigh, which fills the
// per-touch weights of one path (zeroed, summing to 1).
func positional(ps *PathSet, model string, weigh func(path []int32, w []float64)) *Result {
	r := newResult(ps, model)
	var w []float64
	var totalConv, totalValue float64
	for i := 0; i < ps.Len(); i++ {
		path, conv, value, _ := ps.Path(i)
		if conv == 0 && value == 0 {
			continue
		}
		totalConv += conv
		totalValue += value
		w = slices.Grow(w[:0], len(path))[:len(path)]
		clear(w)
		weigh(path, w)
		for j, ch := range path {
			if w[j] != 0 {
				r.Conversions[ch] += conv * w[j]
				r.Value[ch] += value * w[j]
			}
		}
	}
	return r.finish(totalConv, totalValue)
}

// timeDecay weighs each touch of a converting journey by
// 2^(-age/halfLife), normalised per journey.
func timeDecay(ps *PathSet, halfLife time.Duration) *Result {
	r := newResult(ps, TimeDecay)
	h := halfLife.Seconds()
	var w []float64
	var totalConv, totalValue float64
	t := ps.Timed
	for i := 0; i < t.Len(); i++ {
		path, age, value := t.Journey(i)
		totalConv++
		totalValue += value
		var sum float64
		w, sum = decayWeights(w, age, h)
		for j, ch := range path {
			r.Conversions[ch] += w[j] / sum
			r.Value[ch] += value * w[j] / sum
		}
	}
	return r.finish(totalConv, totalValue)
}

// decayWeights sets dst to the time-decay weight of each touch, 2^(−age/h)
// for a half-life of h seconds, and returns them with their sum. Ages are
// measured from the youngest touch so that very old journeys do not
// underflow every weight to zero; the ratio is unchanged.
func decayWeights(dst, age []float64, h float64) ([]float64, float64) {
	youngest := slices.Min(age)
	dst = slices.Grow(dst[:0], len(age))[:len(age)]
	var sum float64
	for j := range age {
		dst[j] = math.Exp2(-(age[j] - youngest) / h)
		sum += dst[j]
	}
	return dst, sum
}
