package report

import (
	"math"
	"strings"
	"testing"

	"github.com/attrlab/attrlab/attribution"
	"gonum.org/v1/plot/vg"
)

func TestFormatOf(t *testing.T) {
	tests := []struct{ path, want, err string }{
		{"a.png", PNG, ""},
		{"dir.v2/A.PDF", PDF, ""},
		{"x.svg", SVG, ""},
		{"x.jpg", "", "cannot write a chart as .jpg"},
		{"chart", "", "no file extension"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got, err := FormatOf(tt.path)
			if got != tt.want || (err == nil) != (tt.err == "") || err != nil && !strings.Contains(err.Error(), tt.err) {
				t.Errorf("FormatOf(%q) = %q, %v; want %q, %q", tt.path, got, err, tt.want, tt.err)
			}
		})
	}
}

func TestWrapLabels(t *testing.T) {
	// Every rune is 1 wide, so w counts runes.
	width := func(s string) vg.Length { return vg.Length(len([]rune(s))) }
	tests := []struct {
		name   string
		labels []string
		w      vg.Length
		want   []string
		ok     bool
	}{
		{"fits", []string{"email"}, 8, []string{"email"}, true},
		{"underscore", []string{"paid_search"}, 8, []string{"paid_\nsearch"}, true},
		{"spaces", []string{"tv and radio ads"}, 9, []string{"tv and\nradio ads"}, true},
		{"three lines at most", []string{"a_b_c_d_e_f"}, 2, []string{"a_\nb_\nc…"}, true},
		{"a piece too wide", []string{"supercalifragilistic"}, 8, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := wrapLabels(tt.labels, tt.w, width)
			if ok != tt.ok || strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("wrapLabels(%q, %v) = %q, %v; want %q, %v", tt.labels, tt.w, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestShortLabels(t *testing.T) {
	long := strings.Repeat("x", 40)
	got := shortLabels([]string{"email", long + "a", long + "b"})
	if got[0] != "email" {
		t.Errorf("short name changed to %q", got[0])
	}
	if got[1] == got[2] {
		t.Errorf("two long names cut to the same label %q", got[1])
	}
	for _, l := range got[1:] {
		if n := len([]rune(l)); n > maxLabelRunes+2 {
			t.Errorf("label %q has %d runes", l, n)
		}
	}
}

func TestBarLayout(t *testing.T) {
	tests := []struct {
		name     string
		results  []*attribution.Result
		sideways bool
	}{
		{"six channels stand up", fixtureResults(), false},
		{"forty channels lie down", manyChannels(40), true},
		{"thirteen channels lie down", manyChannels(13), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := AttributionChart(tt.results)
			if err != nil {
				t.Fatal(err)
			}
			if c.Width != SlideWidth {
				t.Errorf("width %v, want %v", c.Width, SlideWidth)
			}
			n := vg.Length(len(tt.results[0].Channels))
			switch {
			case !tt.sideways && c.Height != SlideHeight:
				t.Errorf("height %v, want %v", c.Height, SlideHeight)
			case tt.sideways && (c.Height-2*vg.Inch)/n < minRowHeight*0.999:
				// Each channel keeps a row at least minRowHeight high.
				t.Errorf("height %v leaves %v per channel, want at least %v", c.Height, (c.Height-2*vg.Inch)/n, minRowHeight)
			}
		})
	}
}

func TestStateVisits(t *testing.T) {
	// (start) → A; A → B ½, (null) ½; B → A ½, (conversion) ½. A is
	// visited 1 + ¼ + ¼² + … = 4/3 times, B half as often: 2/3.
	d := &attribution.MarkovDetail{States: []string{"(start)", "A", "B", "(conversion)", "(null)"},
		Transitions: []attribution.Transition{{From: 0, To: 1, P: 1}, {From: 1, To: 2, P: 0.5}, {From: 1, To: 4, P: 0.5}, {From: 2, To: 1, P: 0.5}, {From: 2, To: 3, P: 0.5}}}
	v := stateVisits(d)
	const tol = 1e-9
	for i, want := range []float64{1, 4.0 / 3, 2.0 / 3} {
		if math.Abs(v[i]-want) > tol {
			t.Errorf("visits to %s = %g, want %g", d.States[i], v[i], want)
		}
	}
}

func TestTransitionTable(t *testing.T) {
	tests := []struct {
		name         string
		states, topN int
		wantShown    int
		wantOther    bool
	}{
		{"all shown", 6, 0, 6, false},
		{"exactly topN", 20, 20, 20, false},
		{"cut to the top", 45, 20, 20, true},
		{"cut to five", 12, 5, 5, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := fixtureMarkov(tt.states)
			tab := transitionTable(r.Markov, tt.topN)
			if tab.shown != tt.wantShown || tab.states != tt.states {
				t.Errorf("shown %d of %d, want %d of %d", tab.shown, tab.states, tt.wantShown, tt.states)
			}
			if len(tab.rows) != tt.wantShown+1 {
				t.Errorf("%d rows, want (start) and %d states", len(tab.rows), tt.wantShown)
			}
			if got := tab.cols[len(tab.cols)-1] == otherStates; got != tt.wantOther {
				t.Errorf("last column %q", tab.cols[len(tab.cols)-1])
			}
			// Every row is a probability distribution, shown or not.
			for i, row := range tab.grid.z {
				var sum float64
				for _, p := range row {
					sum += p
				}
				if math.Abs(sum-1) > 1e-9 {
					t.Errorf("row %s sums to %g, want 1", tab.rows[i], sum)
				}
			}
			c, err := TransitionsChart(r, tt.topN)
			if err != nil {
				t.Fatal(err)
			}
			if cut := strings.Contains(c.Title, "top"); cut != tt.wantOther {
				t.Errorf("title %q", c.Title)
			}
		})
	}
}

func TestTopStatesAreTheBusiest(t *testing.T) {
	// The fixture's start probabilities fall with the state number, so
	// the busiest states are not simply the first ones; check the pick
	// against stateVisits directly.
	r := fixtureMarkov(30)
	v := stateVisits(r.Markov)
	tab := transitionTable(r.Markov, 10)
	shown := map[string]bool{}
	for _, name := range tab.rows[1:] {
		shown[name] = true
	}
	minShown := math.Inf(1)
	for s := 1; s <= 30; s++ {
		if shown[r.Markov.States[s]] {
			minShown = min(minShown, v[s])
		}
	}
	for s := 1; s <= 30; s++ {
		if !shown[r.Markov.States[s]] && v[s] > minShown {
			t.Errorf("%s (%.4g visits) left out while a state with %.4g is shown", r.Markov.States[s], v[s], minShown)
		}
	}
}

func TestChartErrors(t *testing.T) {
	linear := fixtureResults()[2]
	tests := []struct {
		name string
		err  func() error
		want string
	}{
		{"no results", func() error { _, err := AttributionChart(nil); return err }, "no model results"},
		{"removal needs markov", func() error { _, err := RemovalChart(linear); return err }, "this is a linear result"},
		{"transitions need markov", func() error { _, err := TransitionsChart(linear, 0); return err }, "this is a linear result"},
		{"comparison shape", func() error {
			_, err := CompareChart(Comparison{Runs: []string{"a", "b"}, Channels: []string{"x"}, Share: [][]float64{{1}}})
			return err
		}, "2 runs but 1 rows"},
		{"comparison row", func() error {
			_, err := CompareChart(Comparison{Runs: []string{"a"}, Channels: []string{"x", "y"}, Share: [][]float64{{1}}})
			return err
		}, `run "a" has 1 shares for 2 channels`},
		{"empty budget", func() error { _, err := BudgetChart(&attribution.Budget{}); return err }, "no channels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.err()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one saying %q", err, tt.want)
			}
		})
	}
}

func TestCompact(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{{0, "0"}, {950, "950"}, {921.6, "922"}, {12.5, "12.5"}, {3.254, "3.25"}, {89, "89"}, {1200, "1.2k"}, {34000, "34k"}, {1.5e6, "1.5M"}, {2.1e9, "2.1B"}, {-1200, "-1.2k"}}
	for _, tt := range tests {
		if got := compact(tt.in); got != tt.want {
			t.Errorf("compact(%g) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestChartImageSize(t *testing.T) {
	c, err := CompareChart(fixtureComparison())
	if err != nil {
		t.Fatal(err)
	}
	// 10 × 6 inches at 100 dpi.
	if got := c.Image(100).Bounds().Size(); got.X != 1000 || got.Y != 600 {
		t.Errorf("image is %v, want 1000×600", got)
	}
}

// TestBudgetNamesStandWhenTheyFit: the budget chart in the space the
// app's Budget screen gives it on a 1024-pixel screen (about 540 × 300
// points) writes the channel names upright, moving the legend over the
// bars to make room; only a chart too narrow for them turns them.
func TestBudgetNamesStandWhenTheyFit(t *testing.T) {
	b := &attribution.Budget{Model: attribution.Markov, Total: 3860, CurrentTotal: 3860}
	for i, ch := range []string{"email", "paid_search", "referral", "affiliate", "direct", "social", "display", "organic"} {
		b.Lines = append(b.Lines, attribution.BudgetLine{Channel: ch, Spend: 100 + 90*float64(i), Proposed: 900 - 80*float64(i)})
	}
	ch, err := BudgetChart(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		w, h   int
		turned bool
	}{{w: 540, h: 300}, {w: 700, h: 400}, {w: 1000, h: 500}, {w: 260, h: 300, turned: true}} {
		fit := ch.Fit(px(tt.w), px(tt.h), LightTheme())
		if fit.namesTurned != tt.turned {
			t.Errorf("at %d × %d the names are turned: %v, want %v", tt.w, tt.h, fit.namesTurned, tt.turned)
		}
		fit.Image(72) // draws without trouble
	}
}
