package attribution

import (
	"math"
	"slices"
	"testing"
	"time"
)

// credit is what a model gives one channel: conversions and value.
type credit struct{ conv, value float64 }

// workedPathCase is one hand-worked path-table example. The derivations
// are in comments next to the numbers; they follow DESIGN section 3 and
// ../shared/data/reference/README.md, not the program's output.
type workedPathCase struct {
	name  string
	csv   string
	opts  Options
	want  map[string]map[string]credit // model -> channel -> credit
	re    map[string]float64           // markov removal effects
	pConv float64                      // markov P(conv); 0 when not checked
}

// ex1 is the classic three-path example of the reference README.
const ex1CSV = "path,total_conversions,total_conversion_value,total_null\n" +
	"C1 > C2 > C3,1,100,0\n" +
	"C1,0,0,1\n" +
	"C2 > C3,0,0,1\n"

// ex2 shows that order matters.
const ex2CSV = "path,total_conversions,total_conversion_value,total_null\n" +
	"A > B,1,50,0\n" +
	"C > B,0,0,1\n"

// ex2b repeats A: Markov collapses A > A, linear does not.
const ex2bCSV = "path,total_conversions,total_conversion_value,total_null\n" +
	"A > A > B,1,50,0\n" +
	"C > B,0,0,1\n"

var workedPathCases = []workedPathCase{
	{
		// Order 1. Transition counts (weight = conversions + nulls):
		//   start→C1 2, start→C2 1; C1→C2 1, C1→null 1; C2→C3 2;
		//   C3→conv 1, C3→null 1.
		// P(conv) = (2/3·1/2 + 1/3)·1·1/2 = 1/3.
		// Without C1: start→C2→C3→conv = 1/3·1/2 = 1/6, RE = 1 − (1/6)/(1/3) = 1/2.
		// Without C2 or C3 nothing converts: RE = 1.
		// Credit = RE/ΣRE = 0.5/2.5, 1/2.5, 1/2.5 = 0.2, 0.4, 0.4; the only
		// converting last state is C3, so value shares the same way.
		name: "ex1 order 1",
		csv:  ex1CSV,
		opts: Options{Order: 1},
		want: map[string]map[string]credit{
			FirstTouch:    {"C1": {1, 100}, "C2": {0, 0}, "C3": {0, 0}},
			LastTouch:     {"C1": {0, 0}, "C2": {0, 0}, "C3": {1, 100}},
			LastNonDirect: {"C1": {0, 0}, "C2": {0, 0}, "C3": {1, 100}},
			Linear:        {"C1": {1.0 / 3, 100.0 / 3}, "C2": {1.0 / 3, 100.0 / 3}, "C3": {1.0 / 3, 100.0 / 3}},
			PositionBased: {"C1": {0.4, 40}, "C2": {0.2, 20}, "C3": {0.4, 40}}, // 40% / 20% middle / 40%
			Markov:        {"C1": {0.2, 20}, "C2": {0.4, 40}, "C3": {0.4, 40}},
		},
		re:    map[string]float64{"C1": 0.5, "C2": 1, "C3": 1},
		pConv: 1.0 / 3,
	},
	{
		// Order 2. States: C1>C2, C2>C3, and C1 alone (a path shorter than k
		// is one state). start→C1>C2 1/3, start→C1 1/3, start→C2>C3 1/3;
		// C1>C2→C2>C3 1; C1→null; C2>C3→conv 1/2, →null 1/2.
		// P(conv) = (1/3 + 1/3)·1/2 = 1/3. Without C1 (C1>C2 and C1 gone):
		// 1/3·1/2 = 1/6, RE 1/2; without C2 or C3: 0, RE 1. Same credit.
		name:  "ex1 order 2",
		csv:   ex1CSV,
		opts:  Options{Order: 2, Models: []string{Markov}},
		want:  map[string]map[string]credit{Markov: {"C1": {0.2, 20}, "C2": {0.4, 40}, "C3": {0.4, 40}}},
		re:    map[string]float64{"C1": 0.5, "C2": 1, "C3": 1},
		pConv: 1.0 / 3,
	},
	{
		// Order 1: start→A 1/2, start→C 1/2, A→B 1, C→B 1, B→conv 1/2,
		// B→null 1/2. P(conv) = 1/2. Without A: 1/2·1·1/2 = 1/4, RE 1/2;
		// without B: RE 1; without C: RE 1/2. ΣRE = 2: A 1/4, B 1/2, C 1/4.
		// Value 50 shares the same way (B is the only last state).
		name: "ex2 order 1",
		csv:  ex2CSV,
		opts: Options{Order: 1},
		want: map[string]map[string]credit{
			FirstTouch:    {"A": {1, 50}, "B": {0, 0}, "C": {0, 0}},
			LastTouch:     {"A": {0, 0}, "B": {1, 50}, "C": {0, 0}},
			Linear:        {"A": {0.5, 25}, "B": {0.5, 25}, "C": {0, 0}},
			PositionBased: {"A": {0.5, 25}, "B": {0.5, 25}, "C": {0, 0}}, // two touches: 50% each
			Markov:        {"A": {0.25, 12.5}, "B": {0.5, 25}, "C": {0.25, 12.5}},
		},
		re:    map[string]float64{"A": 0.5, "B": 1, "C": 0.5},
		pConv: 0.5,
	},
	{
		// Order 2: states A>B and C>B. start→A>B 1/2 → conv; start→C>B 1/2
		// → null. P(conv) = 1/2. Without A or B the A>B state goes: RE 1;
		// without C only C>B goes and P(conv) stays 1/2: RE 0.
		// Credit A 1/2, B 1/2, C 0: C's credit at order 1 was an artefact.
		name:  "ex2 order 2",
		csv:   ex2CSV,
		opts:  Options{Order: 2, Models: []string{Markov}},
		want:  map[string]map[string]credit{Markov: {"A": {0.5, 25}, "B": {0.5, 25}, "C": {0, 0}}},
		re:    map[string]float64{"A": 1, "B": 1, "C": 0},
		pConv: 0.5,
	},
	{
		// A > A > B is A > B to a first-order chain (no self-loops), so
		// Markov equals ex2 order 1. Linear counts touches: A 2/3, B 1/3.
		// Position-based: A first 0.4 + A middle 0.2 = 0.6, B last 0.4.
		name: "ex2b order 1",
		csv:  ex2bCSV,
		opts: Options{Order: 1},
		want: map[string]map[string]credit{
			FirstTouch:    {"A": {1, 50}, "B": {0, 0}, "C": {0, 0}},
			LastTouch:     {"A": {0, 0}, "B": {1, 50}, "C": {0, 0}},
			Linear:        {"A": {2.0 / 3, 100.0 / 3}, "B": {1.0 / 3, 50.0 / 3}, "C": {0, 0}},
			PositionBased: {"A": {0.6, 30}, "B": {0.4, 20}, "C": {0, 0}},
			Markov:        {"A": {0.25, 12.5}, "B": {0.5, 25}, "C": {0.25, 12.5}},
		},
		re:    map[string]float64{"A": 0.5, "B": 1, "C": 0.5},
		pConv: 0.5,
	},
	{
		// Order 2: states A>A → A>B → conv and C>B → null; as ex2 order 2.
		name:  "ex2b order 2",
		csv:   ex2bCSV,
		opts:  Options{Order: 2, Models: []string{Markov}},
		want:  map[string]map[string]credit{Markov: {"A": {0.5, 25}, "B": {0.5, 25}, "C": {0, 0}}},
		re:    map[string]float64{"A": 1, "B": 1, "C": 0},
		pConv: 0.5,
	},
	{
		// Position weights first 0.3, last 0.5: three touches get 0.3, the
		// rest 0.2, 0.5; two touches split 0.3:0.5 = 0.375, 0.625.
		name: "position weights",
		csv:  "path,conv,value\nC1 > C2 > C3,1,100\nX > Y,2,8\n",
		opts: Options{Models: []string{PositionBased}, FirstWeight: 0.3, LastWeight: 0.5},
		want: map[string]map[string]credit{PositionBased: {
			"C1": {0.3, 30}, "C2": {0.2, 20}, "C3": {0.5, 50},
			"X": {2 * 0.375, 8 * 0.375}, "Y": {2 * 0.625, 8 * 0.625},
		}},
	},
	{
		// Last-non-direct skips direct unless a path has nothing else:
		// "email > direct" credits email; "direct" alone credits direct;
		// "direct > Direct" credits Direct (channel names are exact).
		name: "last-non-direct",
		csv:  "path,conv,value\nemail > direct,2,20\ndirect,1,7\ndirect > Direct,4,40\n",
		opts: Options{Models: []string{LastNonDirect, LastTouch}},
		want: map[string]map[string]credit{
			LastNonDirect: {"email": {2, 20}, "direct": {1, 7}, "Direct": {4, 40}},
			LastTouch:     {"email": {0, 0}, "direct": {3, 27}, "Direct": {4, 40}},
		},
	},
	{
		// A direct set of its own: search and direct both skipped.
		name: "last-non-direct custom set",
		csv:  "path,conv,value\nemail > search > direct,1,10\nsearch > direct,1,6\n",
		opts: Options{Models: []string{LastNonDirect}, Direct: []string{"direct", "search"}},
		want: map[string]map[string]credit{LastNonDirect: {"email": {1, 10}, "search": {0, 0}, "direct": {1, 6}}},
	},
	{
		// An empty (non-nil) direct set: last-non-direct is last-touch.
		name: "last-non-direct empty set",
		csv:  "path,conv,value\nemail > direct,1,10\n",
		opts: Options{Models: []string{LastNonDirect}, Direct: []string{}},
		want: map[string]map[string]credit{LastNonDirect: {"email": {0, 0}, "direct": {1, 10}}},
	},
	{
		// Fractional counts are kept: 0.5 conversions on A > B split
		// linearly 0.25 each; 2.25 on B alone. Total 2.75.
		name: "fractional counts",
		csv:  "path;total_conversions;total_conversion_value;total_null\nA > B;0.5;3;1.5\nB;2.25;9;0\n",
		opts: Options{Models: []string{Linear}},
		want: map[string]map[string]credit{Linear: {"A": {0.25, 1.5}, "B": {2.5, 10.5}}},
	},
}

// TestWorkedPathExamples checks the hand-worked path-table numbers.
func TestWorkedPathExamples(t *testing.T) {
	for _, c := range workedPathCases {
		t.Run(c.name, func(t *testing.T) {
			ds := importBytes(t, "worked.csv", []byte(c.csv), ImportOptions{})
			results := runModels(t, ds.Paths, c.opts)
			checkWorked(t, results, c.want)
			for _, r := range results {
				if r.Model != Markov || c.re == nil {
					continue
				}
				for ch, want := range c.re {
					k := slices.Index(r.Channels, ch)
					if k < 0 || !near(r.RemovalEffect[k], want, 1) {
						t.Errorf("markov: removal effect of %s = %v, want %.12g", ch, r.RemovalEffect, want)
					}
				}
				if !near(r.Markov.PConv, c.pConv, 1) {
					t.Errorf("markov: P(conv) = %.15g, want %.15g", r.Markov.PConv, c.pConv)
				}
			}
		})
	}
}

// checkWorked compares results with hand-worked credits: every model in
// want must have run and every channel listed must match.
func checkWorked(t *testing.T, results []*Result, want map[string]map[string]credit) {
	t.Helper()
	ran := map[string]*Result{}
	for _, r := range results {
		ran[r.Model] = r
	}
	for model, chans := range want {
		r := ran[model]
		if r == nil {
			t.Errorf("model %s did not run", model)
			continue
		}
		for ch, w := range chans {
			conv, value, _, ok := r.Credit(ch)
			if !ok {
				t.Errorf("%s: channel %s missing", model, ch)
				continue
			}
			if !near(conv, w.conv, r.TotalConversions) || !near(value, w.value, r.TotalValue) {
				t.Errorf("%s: %s gets %.12g conversions worth %.12g, want %.12g worth %.12g", model, ch, conv, value, w.conv, w.value)
			}
		}
	}
}

// touchesSmallCSV is ../shared/data/reference/touches_small.csv.
const touchesSmallCSV = `journey_id,timestamp,channel,conversion,conversion_value
u1,2025-03-01T00:00:00Z,email,0,
u1,2025-03-08T00:00:00Z,social,0,
u1,2025-03-15T00:00:00Z,paid_search,0,
u1,2025-03-15T00:00:00Z,,1,70
u2,2025-03-01T12:00:00Z,display,0,
u2,2025-03-02T12:00:00Z,paid_search,1,30
u3,2025-03-03T09:30:00Z,display,0,
u3,2025-03-04T09:30:00Z,email,0,
u4,2025-01-01T00:00:00Z,social,0,
u4,2025-02-15T00:00:00Z,,1,25
u5,2025-03-10T08:00:00Z,direct,0,
u5,2025-03-10T09:00:00Z,email,1,40
u5,2025-03-20T08:00:00Z,paid_search,0,
u5,2025-03-21T08:00:00Z,direct,0,
u5,2025-03-21T08:00:00Z,,1,60
`

// TestWorkedTouchLog works touches_small.csv by hand. With a 30-day
// lookback its journeys become these paths:
//
//	P1 u1: email > social > paid_search, converts, value 70; ages 14d, 7d, 0
//	P2 u2: display > paid_search (the conversion row is the click), 30; ages 1d, 0
//	N  u3: display > email, does not convert
//	-  u4: social 45 days before its conversion: outside the window, so
//	       the conversion (value 25) is unattributed
//	P3 u5: direct > email, 40; ages 1h, 0
//	P4 u5: paid_search > direct (the tie at 03-21 08:00 keeps file order:
//	       the direct touch, then the conversion), 60; ages 1d, 0
//
// Attributed: 4 conversions worth 200; unattributed 1 worth 25.
func TestWorkedTouchLog(t *testing.T) {
	// Time-decay weights 2^(−age/7d), normalised per conversion.
	// P1: 2^-2, 2^-1, 1 → 1/7, 2/7, 4/7. One day: a = 2^(−1/7); one hour:
	// h = 2^(−1/168). A two-touch journey gives the older touch x/(1+x).
	a, h := math.Exp2(-1.0/7), math.Exp2(-1.0/168)
	older := func(x float64) float64 { return x / (1 + x) }
	newer := func(x float64) float64 { return 1 / (1 + x) }
	want := map[string]map[string]credit{
		// First touches: P1 email, P2 display, P3 direct, P4 paid_search.
		FirstTouch: {"email": {1, 70}, "social": {0, 0}, "paid_search": {1, 60}, "display": {1, 30}, "direct": {1, 40}},
		// Last touches: P1 paid_search, P2 paid_search, P3 email, P4 direct.
		LastTouch: {"email": {1, 40}, "social": {0, 0}, "paid_search": {2, 100}, "display": {0, 0}, "direct": {1, 60}},
		// P4 ends with direct: skipped, paid_search gets it.
		LastNonDirect: {"email": {1, 40}, "social": {0, 0}, "paid_search": {3, 160}, "display": {0, 0}, "direct": {0, 0}},
		// Linear: P1 thirds, the rest halves.
		Linear: {
			"email":       {1.0/3 + 0.5, 70.0/3 + 20},
			"social":      {1.0 / 3, 70.0 / 3},
			"paid_search": {1.0/3 + 0.5 + 0.5, 70.0/3 + 15 + 30},
			"display":     {0.5, 15},
			"direct":      {0.5 + 0.5, 20 + 30},
		},
		// Position-based: P1 0.4/0.2/0.4, the rest 0.5/0.5.
		PositionBased: {
			"email":       {0.4 + 0.5, 28 + 20},
			"social":      {0.2, 14},
			"paid_search": {0.4 + 0.5 + 0.5, 28 + 15 + 30},
			"display":     {0.5, 15},
			"direct":      {0.5 + 0.5, 20 + 30},
		},
		TimeDecay: {
			"email":       {1.0/7 + newer(h), 70.0/7 + 40*newer(h)},
			"social":      {2.0 / 7, 70 * 2.0 / 7},
			"paid_search": {4.0/7 + newer(a) + older(a), 70*4.0/7 + 30*newer(a) + 60*older(a)},
			"display":     {older(a), 30 * older(a)},
			"direct":      {older(h) + newer(a), 40*older(h) + 60*newer(a)},
		},
	}
	ds := importBytes(t, "touches_small.csv", []byte(touchesSmallCSV), ImportOptions{})
	s := ds.Summary
	if s.UnattributedConversions != 1 || s.UnattributedValue != 25 {
		t.Errorf("unattributed %g worth %g, want 1 worth 25 (u4)", s.UnattributedConversions, s.UnattributedValue)
	}
	if s.Conversions != 5 || s.Value != 225 || s.NonConverting != 1 || s.Journeys != 5 || s.RowsRead != 15 || s.RowsAccepted != 15 {
		t.Errorf("summary: %g conversions worth %g, %g non-converting, %d journeys, %d/%d rows; want 5 worth 225, 1, 5, 15/15",
			s.Conversions, s.Value, s.NonConverting, s.Journeys, s.RowsAccepted, s.RowsRead)
	}
	if s.TouchesOutsideLookback != 1 {
		t.Errorf("%d touches outside the lookback, want 1 (u4's social)", s.TouchesOutsideLookback)
	}
	if s.TimestampFormat != FormatRFC3339 {
		t.Errorf("timestamp format %q, want %q", s.TimestampFormat, FormatRFC3339)
	}
	if !s.FirstTime.Equal(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)) || !s.LastTime.Equal(time.Date(2025, 3, 21, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("time range %v to %v, want 2025-01-01 to 2025-03-21 08:00", s.FirstTime, s.LastTime)
	}
	results := runModels(t, ds.Paths, Options{})
	for _, r := range results {
		if r.TotalConversions != 4 || !near(r.TotalValue, 200, 200) {
			t.Errorf("%s: totals %g worth %g, want 4 worth 200", r.Model, r.TotalConversions, r.TotalValue)
		}
	}
	checkWorked(t, results, want)

	// A half-life of 14 days: P1's weights become 2^-1, 2^-0.5, 1.
	r := runModels(t, ds.Paths, Options{Models: []string{TimeDecay}, HalfLife: 14 * 24 * time.Hour})[0]
	sum := 0.5 + math.Sqrt2/2 + 1
	if got, _, _, _ := r.Credit("social"); !near(got, math.Sqrt2/2/sum, 1) {
		t.Errorf("half-life 14d: social gets %.12g, want 2^-0.5/(2^-1+2^-0.5+1) = %.12g", got, math.Sqrt2/2/sum)
	}

	// Without a lookback window u4's 45-day-old social touch counts: five
	// attributed conversions, social is u4's first and last touch.
	ds = importBytes(t, "touches_small.csv", []byte(touchesSmallCSV), ImportOptions{Lookback: UnlimitedLookback})
	if ds.Summary.UnattributedConversions != 0 {
		t.Errorf("unlimited lookback: %g unattributed, want 0", ds.Summary.UnattributedConversions)
	}
	for _, r := range runModels(t, ds.Paths, Options{Models: []string{FirstTouch, LastTouch}}) {
		if conv, value, _, _ := r.Credit("social"); conv != 1 || value != 25 {
			t.Errorf("unlimited lookback, %s: social gets %g worth %g, want 1 worth 25", r.Model, conv, value)
		}
	}
}
