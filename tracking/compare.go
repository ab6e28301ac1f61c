package tracking

import (
	"github.com/attrlab/attrlab/attribution"

	"fmt"
	"math"
	"slices"
	"sort"
)

// RunDetail is a run with its result rows, as Compare reads it.
type RunDetail struct {
	Run     *Run
	Results []ResultRow
}

// CompareOptions tunes Compare. The zero value compares against the first
// run, shows only params that differ, and builds the channel table for the
// markov if every run has it, else the first model the runs share.
type CompareOptions struct {
	// Baseline is the id of the run others are measured against; "" means
	// the first run.
	Baseline string
	// AllParams keeps params whose value is the same in every run.
	AllParams bool
	// Model chooses the model of the channel credit table.
	Model string
}

// Comparison is two or more runs side by side.
type Comparison struct {
	RunIDs []string
	// Baseline is the index in RunIDs of the baseline run.
	Baseline int
	Params   []ParamRow
	Metrics  []MetricRow
	// Model is the model of the channel tables.
	Model    string
	Channels []string
	// Credit[c][r] is channel c's attributed conversions in run r, and
	// Share[c][r] its share; NaN where run r has no such row.
	Credit, Share [][]float64
	// Rank[c][r] is channel c's rank by credit in run r (1 = most; ties
	// share the better rank; 0 when missing), and RankChange[c][r] is
	// Rank[c][Baseline] - Rank[c][r]: positive means it moved up.
	Rank, RankChange [][]int
	// KendallTau[i][j] is Kendall's tau-b between the credit of runs i and
	// j over the channels both have; NaN when undefined.
	KendallTau [][]float64
	// Fingerprints lists each run's dataset fingerprint; SameDataset
	// reports whether they are all equal and not empty.
	Fingerprints []string
	SameDataset  bool
}

// ParamRow is one param across runs. Values[r] is nil when run r lacks it.
type ParamRow struct {
	Key     string
	Values  []*Param
	Differs bool
}

// MetricRow is one metric (its latest value) across runs, with the change
// against the baseline. Missing values, and changes involving them, are
// NaN; Rel is NaN when the baseline value is 0.
type MetricRow struct {
	Key      string
	Values   []float64
	Abs, Rel []float64
}

// Compare puts runs side by side. It needs at least two runs.
func Compare(runs []RunDetail, opt CompareOptions) (*Comparison, error) {
	if len(runs) < 2 {
		return nil, fmt.Errorf("compare needs at least two runs, got %d", len(runs))
	}
	c := &Comparison{}
	for i, r := range runs {
		c.RunIDs = append(c.RunIDs, r.Run.ID)
		c.Fingerprints = append(c.Fingerprints, r.Run.Dataset)
		if opt.Baseline != "" && r.Run.ID == opt.Baseline {
			c.Baseline = i
		}
	}
	if opt.Baseline != "" && c.RunIDs[c.Baseline] != opt.Baseline {
		return nil, fmt.Errorf("baseline run %s is not among the compared runs", opt.Baseline)
	}
	c.SameDataset = c.Fingerprints[0] != ""
	for _, f := range c.Fingerprints {
		c.SameDataset = c.SameDataset && f == c.Fingerprints[0]
	}
	c.compareParams(runs, opt.AllParams)
	c.compareMetrics(runs)
	if err := c.compareCredit(runs, opt.Model); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Comparison) compareParams(runs []RunDetail, all bool) {
	var keys []string
	for _, r := range runs {
		for _, p := range r.Run.Params {
			if !slices.Contains(keys, p.Key()) {
				keys = append(keys, p.Key())
			}
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		row := ParamRow{Key: k, Values: make([]*Param, len(runs))}
		for i, r := range runs {
			if p, ok := r.Run.Param(k); ok {
				row.Values[i] = &p
			}
			if i > 0 && !sameParam(row.Values[0], row.Values[i]) {
				row.Differs = true
			}
		}
		if row.Differs || all {
			c.Params = append(c.Params, row)
		}
	}
}

func sameParam(a, b *Param) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Type() == b.Type() && a.String() == b.String()
}

func (c *Comparison) compareMetrics(runs []RunDetail) {
	var keys []string
	for _, r := range runs {
		for _, m := range r.Run.Metrics {
			if !slices.Contains(keys, m.Key) {
				keys = append(keys, m.Key)
			}
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		row := MetricRow{Key: k}
		for _, r := range runs {
			v := math.NaN()
			if m, ok := r.Run.Metric(k); ok {
				v = m.Value
			}
			row.Values = append(row.Values, v)
		}
		base := row.Values[c.Baseline]
		for _, v := range row.Values {
			abs := v - base
			rel := math.NaN()
			if base != 0 {
				rel = abs / math.Abs(base)
			}
			row.Abs = append(row.Abs, abs)
			row.Rel = append(row.Rel, rel)
		}
		c.Metrics = append(c.Metrics, row)
	}
}

func (c *Comparison) compareCredit(runs []RunDetail, model string) error {
	if model == "" {
		model = sharedModel(runs)
	}
	c.Model = model
	if model == "" {
		c.KendallTau = nanMatrix(len(runs))
		return nil
	}
	index := map[string]int{}
	for _, r := range runs {
		for _, row := range r.Results {
			if row.Model == model {
				if _, ok := index[row.Channel]; !ok {
					index[row.Channel] = len(c.Channels)
					c.Channels = append(c.Channels, row.Channel)
				}
			}
		}
	}
	if len(c.Channels) == 0 {
		return fmt.Errorf("no run has results for model %q", model)
	}
	n := len(c.Channels)
	c.Credit, c.Share = nanGrid(n, len(runs)), nanGrid(n, len(runs))
	for j, r := range runs {
		for _, row := range r.Results {
			if row.Model == model {
				ci := index[row.Channel]
				c.Credit[ci][j], c.Share[ci][j] = row.Conversions, row.Share
			}
		}
	}
	c.Rank = make([][]int, n)
	c.RankChange = make([][]int, n)
	for ci := range c.Channels {
		c.Rank[ci] = make([]int, len(runs))
		c.RankChange[ci] = make([]int, len(runs))
	}
	for j := range runs {
		col := make([]float64, n)
		for ci := range c.Channels {
			col[ci] = c.Credit[ci][j]
		}
		for ci, rk := range ranks(col) {
			c.Rank[ci][j] = rk
		}
	}
	for ci := range c.Channels {
		for j := range runs {
			b, r := c.Rank[ci][c.Baseline], c.Rank[ci][j]
			if b > 0 && r > 0 {
				c.RankChange[ci][j] = b - r
			}
		}
	}
	c.KendallTau = nanMatrix(len(runs))
	for i := range runs {
		for j := range runs {
			var x, y []float64
			for ci := range c.Channels {
				if !math.IsNaN(c.Credit[ci][i]) && !math.IsNaN(c.Credit[ci][j]) {
					x, y = append(x, c.Credit[ci][i]), append(y, c.Credit[ci][j])
				}
			}
			c.KendallTau[i][j] = KendallTau(x, y)
		}
	}
	return nil
}

// sharedModel returns markov if every run has results for it, else the
// first model (in the engine's order) that every run has, else the first
// model of the first run that has any.
func sharedModel(runs []RunDetail) string {
	has := func(r RunDetail, m string) bool {
		return slices.ContainsFunc(r.Results, func(row ResultRow) bool { return row.Model == m })
	}
	var candidates []string
	for _, r := range runs {
		for _, row := range r.Results {
			if !slices.Contains(candidates, row.Model) {
				candidates = append(candidates, row.Model)
			}
		}
	}
	// Markov first: it is the model whose credit its parameters move, so
	// the one worth comparing when every run has it.
	order := candidates
	if i := slices.Index(candidates, attribution.Markov); i > 0 {
		order = append([]string{attribution.Markov}, slices.Delete(slices.Clone(candidates), i, i+1)...)
	}
	for _, m := range order {
		all := true
		for _, r := range runs {
			all = all && has(r, m)
		}
		if all {
			return m
		}
	}
	if len(candidates) > 0 {
		return candidates[0]
	}
	return ""
}

// ranks returns the competition rank of each value, largest first (1, 2,
// 2, 4); NaN gets 0.
func ranks(v []float64) []int {
	idx := make([]int, 0, len(v))
	for i, x := range v {
		if !math.IsNaN(x) {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return v[idx[a]] > v[idx[b]] })
	out := make([]int, len(v))
	for k, i := range idx {
		if k > 0 && v[i] == v[idx[k-1]] {
			out[i] = out[idx[k-1]]
		} else {
			out[i] = k + 1
		}
	}
	return out
}

// KendallTau returns Kendall's tau-b rank correlation of x and y (equal
// lengths), which accounts for ties: (C − D) / sqrt((n0 − n1)(n0 − n2)),
// with C and D the concordant and discordant pairs, n0 = n(n−1)/2 and n1,
// n2 the pairs tied in x and in y. It is NaN when fewer than two values
// or when either side is constant.
func KendallTau(x, y []float64) float64 {
	n := len(x)
	if n != len(y) || n < 2 {
		return math.NaN()
	}
	var conc, disc, tx, ty float64
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			dx, dy := sign(x[i]-x[j]), sign(y[i]-y[j])
			switch {
			case dx == 0 && dy == 0:
				tx++
				ty++
			case dx == 0:
				tx++
			case dy == 0:
				ty++
			case dx == dy:
				conc++
			default:
				disc++
			}
		}
	}
	n0 := float64(n*(n-1)) / 2
	den := math.Sqrt((n0 - tx) * (n0 - ty))
	if den == 0 {
		return math.NaN()
	}
	return (conc - disc) / den
}

func sign(v float64) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

func nanGrid(rows, cols int) [][]float64 {
	g := make([][]float64, rows)
	for i := range g {
		g[i] = make([]float64, cols)
		for j := range g[i] {
			g[i][j] = math.NaN()
		}
	}
	return g
}

func nanMatrix(n int) [][]float64 { return nanGrid(n, n) }
