package tracking

import (
	"math"
	"strings"
	"testing"
)

const tol = 1e-12

func TestKendallTau(t *testing.T) {
	tests := []struct {
		name string
		x, y []float64
		want float64
	}{
		// One discordant pair of six: (5 - 1) / 6.
		{"one swap", []float64{1, 2, 3, 4}, []float64{1, 3, 2, 4}, 4.0 / 6},
		{"same order", []float64{1, 2, 3}, []float64{10, 20, 30}, 1},
		{"reversed", []float64{1, 2, 3}, []float64{3, 2, 1}, -1},
		// Tau-b with one tie on each side: C=4, D=0, n0=6, n1=n2=1 gives
		// 4/sqrt(5*5) = 0.8 (scipy.stats.kendalltau agrees).
		{"ties", []float64{1, 2, 2, 3}, []float64{1, 2, 3, 3}, 0.8},
		{"constant", []float64{1, 1, 1}, []float64{1, 2, 3}, math.NaN()},
		{"too short", []float64{1}, []float64{1}, math.NaN()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := KendallTau(tt.x, tt.y)
			if math.IsNaN(tt.want) != math.IsNaN(got) || !math.IsNaN(got) && math.Abs(got-tt.want) > tol {
				t.Errorf("KendallTau = %v, want %v", got, tt.want)
			}
			if back := KendallTau(tt.y, tt.x); !math.IsNaN(got) && back != got {
				t.Errorf("not symmetric: %v vs %v", got, back)
			}
		})
	}
}

func detail(id, fp string, params []Param, metrics map[string]float64, credit map[string][]float64) RunDetail {
	r := &Run{ID: id, Dataset: fp, Params: params}
	for k, v := range metrics {
		r.Metrics = append(r.Metrics, Metric{Key: k, Value: v})
	}
	d := RunDetail{Run: r}
	for model, conv := range credit {
		for i, c := range conv {
			d.Results = append(d.Results, ResultRow{Model: model, Channel: string(rune('a' + i)), Position: i, Conversions: c, Share: c / 10})
		}
	}
	return d
}

func TestCompare(t *testing.T) {
	runs := []RunDetail{
		detail("r1", "fp", []Param{NumberParam("order", 1), TextParam("models", "markov")},
			map[string]float64{"p_conv": 0.5, "runtime_ms": 10}, map[string][]float64{"markov": {5, 3, 2}}),
		detail("r2", "fp", []Param{NumberParam("order", 2), TextParam("models", "markov")},
			map[string]float64{"p_conv": 0.6, "runtime_ms": 0}, map[string][]float64{"markov": {3, 5, 2}}),
		detail("r3", "other", []Param{NumberParam("order", 2), TextParam("models", "markov"), BoolParam("extra", true)},
			map[string]float64{"p_conv": 0.5}, map[string][]float64{"markov": {2, 3, 5}, "linear": {1, 1, 1}}),
	}
	c, err := Compare(runs, CompareOptions{Baseline: "r2"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Baseline != 1 || c.SameDataset || c.Model != "markov" {
		t.Fatalf("baseline %d, same dataset %v, model %q", c.Baseline, c.SameDataset, c.Model)
	}
	// models is the same everywhere: hidden by default.
	var keys []string
	for _, p := range c.Params {
		keys = append(keys, p.Key)
	}
	if strings.Join(keys, ",") != "extra,order" {
		t.Errorf("params shown %v, want extra,order", keys)
	}
	if c.Params[0].Values[0] != nil || c.Params[0].Values[2].String() != "true" || !c.Params[1].Differs {
		t.Errorf("param rows %+v", c.Params)
	}
	pconv := c.Metrics[0]
	if pconv.Key != "p_conv" || math.Abs(pconv.Abs[0]-(-0.1)) > tol || math.Abs(pconv.Rel[0]-(-0.1/0.6)) > tol || pconv.Abs[1] != 0 {
		t.Errorf("p_conv row %+v", pconv)
	}
	rt := c.Metrics[1]
	if !math.IsNaN(rt.Values[2]) || !math.IsNaN(rt.Abs[2]) || !math.IsNaN(rt.Rel[0]) || rt.Abs[0] != 10 {
		t.Errorf("runtime row %+v: missing value and zero baseline must give NaN", rt)
	}
	if got := c.Rank[0]; got[0] != 1 || got[1] != 2 || got[2] != 3 {
		t.Errorf("ranks of a = %v, want [1 2 3]", got)
	}
	// Channel a: rank 2 in the baseline, 1 in r1 (moved up 1), 3 in r3.
	if got := c.RankChange[0]; got[0] != 1 || got[1] != 0 || got[2] != -1 {
		t.Errorf("rank change of a = %v, want [1 0 -1]", got)
	}
	// r1 (5,3,2) vs r2 (3,5,2): one discordant pair of three: 1/3.
	if got := c.KendallTau[0][1]; math.Abs(got-1.0/3) > tol {
		t.Errorf("tau(r1,r2) = %v, want 1/3", got)
	}
	if got := c.KendallTau[0][2]; math.Abs(got-(-1)) > tol {
		t.Errorf("tau(r1,r3) = %v, want -1", got)
	}
	if c.KendallTau[1][1] != 1 {
		t.Errorf("tau of a run with itself = %v", c.KendallTau[1][1])
	}

	all, err := Compare(runs[:2], CompareOptions{AllParams: true, Model: "markov"})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Params) != 2 || all.Params[0].Key != "models" || all.Params[0].Differs || !all.SameDataset || all.Baseline != 0 {
		t.Errorf("AllParams: %+v, same dataset %v", all.Params, all.SameDataset)
	}
}

func TestCompareErrors(t *testing.T) {
	one := []RunDetail{detail("r1", "", nil, nil, nil)}
	if _, err := Compare(one, CompareOptions{}); err == nil || !strings.Contains(err.Error(), "at least two") {
		t.Errorf("one run: %v", err)
	}
	two := append(one, detail("r2", "", nil, nil, map[string][]float64{"linear": {1}}))
	if _, err := Compare(two, CompareOptions{Baseline: "nope"}); err == nil || !strings.Contains(err.Error(), "not among") {
		t.Errorf("unknown baseline: %v", err)
	}
	if _, err := Compare(two, CompareOptions{Model: "markov"}); err == nil || !strings.Contains(err.Error(), `model "markov"`) {
		t.Errorf("unknown model: %v", err)
	}
	c, err := Compare(two, CompareOptions{})
	if err != nil || c.Model != "linear" || !math.IsNaN(c.Credit[0][0]) || c.Rank[0][0] != 0 || c.Rank[0][1] != 1 {
		t.Errorf("partial results: %+v, %v", c, err)
	}
}

// TestCompareDefaultModel checks the model the channel table uses when none
// is asked for: markov when every run has it, else the first shared model.
func TestCompareDefaultModel(t *testing.T) {
	rows := func(models ...string) []ResultRow {
		var out []ResultRow
		for _, m := range models {
			out = append(out, ResultRow{Model: m, Channel: "email", Conversions: 1, Share: 1})
		}
		return out
	}
	run := func(id string, models ...string) RunDetail {
		return RunDetail{Run: &Run{ID: id, Name: id}, Results: rows(models...)}
	}
	cases := []struct {
		name string
		runs []RunDetail
		want string
	}{
		{"both have markov", []RunDetail{run("a", "first-touch", "markov"), run("b", "first-touch", "markov")}, "markov"},
		{"one lacks markov", []RunDetail{run("a", "first-touch", "markov"), run("b", "first-touch", "linear")}, "first-touch"},
		{"nothing shared", []RunDetail{run("a", "linear"), run("b", "markov")}, "linear"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cmp, err := Compare(c.runs, CompareOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if cmp.Model != c.want {
				t.Errorf("model %q, want %q", cmp.Model, c.want)
			}
		})
	}
}
