package attribution

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// budgetTol is the tolerance on money amounts worked by hand below.
const budgetTol = 1e-9

// budgetResult builds a model result from per-channel credited
// conversions and value.
func budgetResult(channels []string, conv, value []float64) *Result {
	r := &Result{Model: Linear, Channels: channels, Conversions: conv, Value: value, Share: make([]float64, len(conv))}
	for i := range conv {
		r.TotalConversions += conv[i]
		r.TotalValue += value[i]
	}
	for i := range conv {
		if r.TotalConversions > 0 {
			r.Share[i] = conv[i] / r.TotalConversions
		}
	}
	return r
}

// abc is the result most cases share: a, b and c earn 6, 3 and 1 of 10
// conversions (shares 0.6, 0.3, 0.1), worth 600, 150 and 50.
var abc = budgetResult([]string{"a", "b", "c"}, []float64{6, 3, 1}, []float64{600, 150, 50})

// abcSpend is 100, 200 and 100: 400 in all, spend shares 0.25, 0.5, 0.25.
var abcSpend = []ChannelSpend{{"a", 100}, {"b", 200}, {"c", 100}}

type wantLine struct {
	proposed float64
	cpa      Ratio
	roas     Ratio
	flags    BudgetFlag
}

func TestAllocate(t *testing.T) {
	def := func(v float64) Ratio { return Ratio{v, true} }
	na := Ratio{}
	tests := []struct {
		name   string
		spend  []ChannelSpend
		result *Result
		opts   BudgetOptions
		total  float64
		want   map[string]wantLine
		warn   string
	}{{
		// Total 400 shared 0.6/0.3/0.1 → 240, 120, 40.
		// CPA = spend/conv: 100/6, 200/3, 100/1. ROAS = value/spend:
		// 600/100, 150/200, 50/100.
		name: "proportional", spend: abcSpend, result: abc, total: 400,
		want: map[string]wantLine{
			"a": {240, def(100.0 / 6), def(6), 0},
			"b": {120, def(200.0 / 3), def(0.75), 0},
			"c": {40, def(100), def(0.5), 0},
		},
	}, {
		// 1000 × 0.6/0.3/0.1.
		name: "given total", spend: abcSpend, result: abc, opts: BudgetOptions{Total: 1000}, total: 1000,
		want: map[string]wantLine{"a": {600, def(100.0 / 6), def(6), 0}, "b": {300, def(200.0 / 3), def(0.75), 0}, "c": {100, def(100), def(0.5), 0}},
	}, {
		// a would get 240 > 200: held at 200; the other 200 goes 3:1 to
		// b and c → 150, 50.
		name: "max redistributes the excess", spend: abcSpend, result: abc,
		opts: BudgetOptions{Max: map[string]float64{"a": 200}}, total: 400,
		want: map[string]wantLine{"a": {200, def(100.0 / 6), def(6), FlagAtMax}, "b": {150, def(200.0 / 3), def(0.75), 0}, "c": {50, def(100), def(0.5), 0}},
	}, {
		// c would get 40 < 100: held at 100; the other 300 goes 6:3 to a
		// and b → 200, 100.
		name: "min takes from the others", spend: abcSpend, result: abc,
		opts: BudgetOptions{Min: map[string]float64{"c": 100}}, total: 400,
		want: map[string]wantLine{"a": {200, def(100.0 / 6), def(6), 0}, "b": {100, def(200.0 / 3), def(0.75), 0}, "c": {100, def(100), def(0.5), FlagAtMin}},
	}, {
		// Round 1: a = 240 is 40 over its max 200, c = 40 is 60 under its
		// min 100. The shortfall is bigger, so c is held at 100. Round 2:
		// 300 goes 6:3 → a = 200 (exactly its max, no longer over), b = 100.
		name: "min and max together", spend: abcSpend, result: abc,
		opts: BudgetOptions{Min: map[string]float64{"c": 100}, Max: map[string]float64{"a": 200}}, total: 400,
		want: map[string]wantLine{"a": {200, def(100.0 / 6), def(6), FlagAtMax}, "b": {100, def(200.0 / 3), def(0.75), 0}, "c": {100, def(100), def(0.5), FlagAtMin}},
	}, {
		// Round 1: a = 240 > 150, held. Round 2: 250 goes 3:1 → b = 187.5
		// > 150, held. Round 3: c gets the remaining 100.
		name: "excess cascades", spend: abcSpend, result: abc,
		opts: BudgetOptions{Max: map[string]float64{"a": 150, "b": 150}}, total: 400,
		want: map[string]wantLine{"a": {150, def(100.0 / 6), def(6), FlagAtMax}, "b": {150, def(200.0 / 3), def(0.75), FlagAtMax}, "c": {100, def(100), def(0.5), 0}},
	}, {
		// d has spend 50 and no credit: CPA undefined, ROAS 0/50 = 0,
		// proposal 0. Total 200 goes 3:1 to a and b → 150, 50.
		name:  "spend but no credit",
		spend: []ChannelSpend{{"a", 100}, {"b", 50}, {"d", 50}}, total: 200,
		result: budgetResult([]string{"a", "b", "d"}, []float64{3, 1, 0}, []float64{30, 10, 0}),
		want:   map[string]wantLine{"a": {150, def(100.0 / 3), def(0.3), 0}, "b": {50, def(50), def(0.2), 0}, "d": {0, na, def(0), FlagNoCredit}},
	}, {
		// As above with a minimum of 20 for d: 180 left goes 3:1 → 135, 45.
		name:  "no credit with a minimum",
		spend: []ChannelSpend{{"a", 100}, {"b", 50}, {"d", 50}}, total: 200,
		result: budgetResult([]string{"a", "b", "d"}, []float64{3, 1, 0}, []float64{30, 10, 0}),
		opts:   BudgetOptions{Min: map[string]float64{"d": 20}},
		want:   map[string]wantLine{"a": {135, def(100.0 / 3), def(0.3), 0}, "b": {45, def(50), def(0.2), 0}, "d": {20, na, def(0), FlagNoCredit | FlagAtMin}},
	}, {
		// e has credit and no spend: CPA 0/1 = 0, ROAS undefined. Total 100
		// splits 1:1.
		name: "credit but no spend", spend: []ChannelSpend{{"a", 100}}, total: 100,
		result: budgetResult([]string{"a", "e"}, []float64{1, 1}, []float64{10, 30}),
		want:   map[string]wantLine{"a": {50, def(100), def(0.1), 0}, "e": {50, def(0), na, FlagNoSpend}},
	}, {
		// x is only in the spend file: it gets a line, no credit, 0.
		name: "spend on a channel not in the data", spend: []ChannelSpend{{"a", 100}, {"x", 50}}, total: 150,
		result: budgetResult([]string{"a"}, []float64{2}, []float64{20}),
		want:   map[string]wantLine{"a": {150, def(50), def(0.2), 0}, "x": {0, na, def(0), FlagNotInData | FlagNoCredit}},
		warn:   "channel x never appears in the journeys",
	}, {
		// f has neither spend nor credit: both ratios undefined.
		name: "neither spend nor credit", spend: []ChannelSpend{{"a", 10}}, total: 10,
		result: budgetResult([]string{"a", "f"}, []float64{2, 0}, []float64{20, 0}),
		want:   map[string]wantLine{"a": {10, def(5), def(2), 0}, "f": {0, na, na, FlagNoCredit | FlagNoSpend}},
	}, {
		// Spend rows for one channel add up: 60 + 40.
		name: "repeated spend rows add up", spend: []ChannelSpend{{"a", 60}, {"a", 40}}, total: 100,
		result: budgetResult([]string{"a"}, []float64{4}, []float64{8}),
		want:   map[string]wantLine{"a": {100, def(25), def(0.08), 0}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Allocate(tt.spend, tt.result, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(b.Total-tt.total) > budgetTol {
				t.Errorf("Total = %g, want %g", b.Total, tt.total)
			}
			if len(b.Lines) != len(tt.want) {
				t.Fatalf("%d lines, want %d", len(b.Lines), len(tt.want))
			}
			var sum float64
			for _, l := range b.Lines {
				w, ok := tt.want[l.Channel]
				if !ok {
					t.Fatalf("unexpected channel %q", l.Channel)
				}
				sum += l.Proposed
				if math.Abs(l.Proposed-w.proposed) > budgetTol {
					t.Errorf("%s: proposed %g, want %g", l.Channel, l.Proposed, w.proposed)
				}
				if math.Abs(l.Change-(l.Proposed-l.Spend)) > budgetTol {
					t.Errorf("%s: change %g, want proposed-spend %g", l.Channel, l.Change, l.Proposed-l.Spend)
				}
				for _, r := range []struct {
					name      string
					got, want Ratio
				}{{"CPA", l.CPA, w.cpa}, {"ROAS", l.ROAS, w.roas}} {
					if r.got.Defined != r.want.Defined || math.Abs(r.got.Value-r.want.Value) > budgetTol {
						t.Errorf("%s: %s = %+v, want %+v", l.Channel, r.name, r.got, r.want)
					}
				}
				if l.Flags != w.flags {
					t.Errorf("%s: flags %q, want %q", l.Channel, l.Flags, w.flags)
				}
			}
			if math.Abs(sum-b.Total) > budgetTol {
				t.Errorf("proposals add up to %g, want the total %g", sum, b.Total)
			}
			if got := strings.Join(b.Warnings, "\n"); !strings.Contains(got, tt.warn) || tt.warn == "" && got != "" {
				t.Errorf("warnings %q, want %q", got, tt.warn)
			}
		})
	}
}

func TestAllocateErrors(t *testing.T) {
	tests := []struct {
		name       string
		spend      []ChannelSpend
		result     *Result
		opts       BudgetOptions
		infeasible bool
		msg        string
	}{
		// 300 + 200 > 400.
		{"minimums above the total", abcSpend, abc, BudgetOptions{Min: map[string]float64{"a": 300, "b": 200}}, true, "minimums add up to 500, more than the total budget 400"},
		// Every channel has credit and a max: 100 × 3 < 400.
		{"maximums below the total", abcSpend, abc, BudgetOptions{Max: map[string]float64{"a": 100, "b": 100, "c": 100}}, true, "maximums of the channels with credit add up to 300"},
		{"minimum above maximum", abcSpend, abc, BudgetOptions{Min: map[string]float64{"b": 50}, Max: map[string]float64{"b": 40}}, true, `"b" has minimum 50 above its maximum 40`},
		{"no credit at all", []ChannelSpend{{"a", 10}}, budgetResult([]string{"a"}, []float64{0}, []float64{0}), BudgetOptions{}, true, "no channel with credit can take more budget"},
		{"unknown channel in a bound", abcSpend, abc, BudgetOptions{Max: map[string]float64{"tv": 1}}, false, `maximum for channel "tv": there is no such channel (channels: a, b, c)`},
		{"negative bound", abcSpend, abc, BudgetOptions{Min: map[string]float64{"a": -1}}, false, `minimum for channel "a" is -1`},
		{"NaN bound", abcSpend, abc, BudgetOptions{Max: map[string]float64{"a": math.NaN()}}, false, "must be a finite number"},
		{"no spend and no total", nil, abc, BudgetOptions{}, false, "no current spend to share out"},
		{"negative total", abcSpend, abc, BudgetOptions{Total: -5}, false, "total budget -5"},
		{"negative spend", []ChannelSpend{{"a", -1}}, abc, BudgetOptions{}, false, `spend of "a" is -1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Allocate(tt.spend, tt.result, tt.opts)
			if err == nil {
				t.Fatalf("no error; got %+v", b)
			}
			if got := errors.Is(err, ErrInfeasibleBudget); got != tt.infeasible {
				t.Errorf("errors.Is(err, ErrInfeasibleBudget) = %v, want %v (%v)", got, tt.infeasible, err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not say %q", err, tt.msg)
			}
		})
	}
}

// referenceShare is an independent allocation: it finds by bisection the λ
// for which Σ clamp(λ × share, min, max) equals total.
func referenceShare(share, lo, hi []float64, total float64) []float64 {
	sum := func(lambda float64) float64 {
		var s float64
		for i := range share {
			s += min(max(lambda*share[i], lo[i]), hi[i])
		}
		return s
	}
	a, b := 0.0, 1.0
	for sum(b) < total {
		b *= 2
	}
	for range 200 {
		if m := (a + b) / 2; sum(m) < total {
			a = m
		} else {
			b = m
		}
	}
	out := make([]float64, len(share))
	for i := range share {
		out[i] = min(max(b*share[i], lo[i]), hi[i])
	}
	return out
}

// TestAllocateMatchesReference checks random bounded budgets against the
// bisection reference, and the properties every proposal must have.
func TestAllocateMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const tol = 1e-6 // relative to a total of 1000
	checked := 0
	for trial := range 500 {
		n := 1 + rng.IntN(8)
		names := make([]string, n)
		conv, value := make([]float64, n), make([]float64, n)
		var spend []ChannelSpend
		opts := BudgetOptions{Total: 1000, Min: map[string]float64{}, Max: map[string]float64{}}
		lo, hi := make([]float64, n), make([]float64, n)
		for i := range n {
			names[i] = string(rune('a' + i))
			if rng.IntN(5) > 0 {
				conv[i] = float64(rng.IntN(50))
			}
			value[i] = conv[i] * 10
			spend = append(spend, ChannelSpend{names[i], float64(rng.IntN(300))})
			hi[i] = math.Inf(1)
			if rng.IntN(3) == 0 {
				lo[i] = float64(rng.IntN(150))
				opts.Min[names[i]] = lo[i]
			}
			if rng.IntN(3) == 0 {
				hi[i] = lo[i] + float64(rng.IntN(400))
				opts.Max[names[i]] = hi[i]
			}
		}
		r := budgetResult(names, conv, value)
		b, err := Allocate(spend, r, opts)
		if errors.Is(err, ErrInfeasibleBudget) {
			// Infeasible exactly when the range reachable by clamping
			// misses the total.
			var sumLo, sumHi float64
			for i := range n {
				sumLo += lo[i]
				if r.Share[i] > 0 {
					sumHi += hi[i]
				} else {
					sumHi += lo[i]
				}
			}
			if sumLo <= 1000 && sumHi >= 1000 {
				t.Fatalf("trial %d: %v, but the bounds allow %g to %g", trial, err, sumLo, sumHi)
			}
			continue
		}
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		checked++
		want := referenceShare(r.Share, lo, hi, 1000)
		var sum float64
		for i, l := range b.Lines {
			sum += l.Proposed
			if math.Abs(l.Proposed-want[i]) > tol {
				t.Errorf("trial %d: %s proposed %g, reference %g", trial, l.Channel, l.Proposed, want[i])
			}
			if l.Proposed < lo[i] || l.Proposed > hi[i] {
				t.Errorf("trial %d: %s proposed %g outside [%g, %g]", trial, l.Channel, l.Proposed, lo[i], hi[i])
			}
		}
		if math.Abs(sum-1000) > tol {
			t.Errorf("trial %d: proposals add up to %g, want 1000", trial, sum)
		}
	}
	if checked < 100 {
		t.Errorf("only %d of 500 random budgets were feasible: the test checks too little", checked)
	}
}

func TestBudgetJSON(t *testing.T) {
	r := budgetResult([]string{"a", "d"}, []float64{1, 0}, []float64{5, 0})
	b, err := Allocate([]ChannelSpend{{"d", 10}}, r, BudgetOptions{Total: 10})
	if err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	got := string(out)
	for _, want := range []string{
		`"channel":"a","spend":0,"spend_share":0,"conversions":1,"value":5,"credit_share":1,"cpa":0,"roas":null,"proposed":10,"change":10,"min":0,"flags":["no-spend"]`,
		`"channel":"d","spend":10,"spend_share":1,"conversions":0,"value":0,"credit_share":0,"cpa":null,"roas":0,"proposed":0,"change":-10,"min":0,"flags":["no-credit"]`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("JSON %s\ndoes not contain %s", got, want)
		}
	}
	if strings.Contains(got, "NaN") || strings.Contains(got, "Inf") {
		t.Errorf("JSON holds a non-finite number: %s", got)
	}
}
