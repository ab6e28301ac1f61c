package app

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"gonum.org/v1/plot/vg"
)

// screenSizes are the window sizes QA checks the app at.
var screenSizes = []fyne.Size{{Width: 1024, Height: 700}, {Width: 1280, Height: 800}, {Width: 1920, Height: 1080}}

// tableSpan is the width a fitted table's columns take, dividers included.
func tableSpan(widths []float32, lead float32) float32 {
	w := lead + compactPadding
	for _, c := range widths {
		w += c + compactPadding
	}
	return w
}

// TestRunsTableFitsWindow: at 1024, 1280 and 1920 pixels the runs table's
// columns end inside the table (no sideways scrolling, last column whole);
// the columns that are never cut (status, times, numbers) keep their
// widest text; and a wide window gives the table the spare width rather
// than a quarter of it to the details pane (QA saw 25% wasted at 1920 and
// the last column clipped).
func TestRunsTableFitsWindow(t *testing.T) {
	u := newStoreUI(t)
	if err := u.Start(); err != nil {
		t.Fatal(err)
	}
	u.run(t, "2", "emea")
	if err := u.next(t, func() { u.Select(ScreenRuns) }); err != nil {
		t.Fatal(err)
	}
	s := u.Runs
	for _, size := range screenSizes {
		u.Window.Resize(size)
		table := s.Table.Size()
		widths := s.fit.Widths()
		if len(widths) != len(runColumns)+1 {
			t.Fatalf("%v: %d widths set", size, len(widths))
		}
		span := tableSpan(widths, 0)
		if span > table.Width {
			t.Errorf("%v: the columns span %.0f px of a %.0f px table: the last is cut off", size, span, table.Width)
		}
		for i, c := range runColumns {
			if c.cut == 0 && widths[i+1] < s.natural[i] {
				t.Errorf("%v: column %s is %.0f px, its text needs %.0f", size, c.title, widths[i+1], s.natural[i])
			}
		}
		content := u.content.Size().Width
		if table.Width < 0.7*content {
			t.Errorf("%v: the table has %.0f of the screen's %.0f px", size, table.Width, content)
		}
		if size.Width >= 1920 {
			if !s.body.side {
				t.Errorf("%v: the details are not beside the table", size)
			}
			if span < table.Width-40 {
				t.Errorf("%v: the columns use %.0f of %.0f px: the table leaves space empty", size, span, table.Width)
			}
		}
		if s.Detail.Size().Width <= 0 || !s.Detail.Visible() {
			t.Errorf("%v: the details are not shown", size)
		}
	}
	// Details off: the table takes the whole width.
	s.DetailsOn.SetChecked(false)
	if w, all := s.Table.Size().Width, u.content.Size().Width; w < all-2 {
		t.Errorf("details off: the table has %.0f of %.0f px", w, all)
	}
	s.DetailsOn.SetChecked(true)
}

// TestBudgetFitsWindow: at 1024, 1280 and 1920 pixels the budget table's
// columns end inside the table (no sideways scrolling, nothing cut), and
// the chart beside the entries writes the channel names upright (QA saw
// them slanted with room to spare, and the table scrolling at 1024).
func TestBudgetFitsWindow(t *testing.T) {
	u := newStoreUI(t)
	if err := u.Start(); err != nil {
		t.Fatal(err)
	}
	u.settle(t)
	s, _ := openBudget(t, u.UI)
	for _, size := range screenSizes {
		u.Window.Resize(size)
		table := s.Table.Size()
		widths := s.fit.Widths()
		if len(widths) != len(budgetColumns) {
			t.Fatalf("%v: %d widths set", size, len(widths))
		}
		if span := tableSpan(widths, s.rowHeadWidth()); span > table.Width {
			t.Errorf("%v: the columns span %.0f px of a %.0f px table: the last is cut off", size, span, table.Width)
		}
		for i, sp := range s.columnSpecs() {
			if widths[i] < sp.natural {
				t.Errorf("%v: column %s is %.0f px, its text needs %.0f", size, budgetColumns[i], widths[i], sp.natural)
			}
		}
		cs := s.Chart.Size()
		if cs.Width < 480 {
			t.Errorf("%v: the chart is %.0f px wide", size, cs.Width)
		}
		fit := s.Chart.Chart().Fit(vg.Length(cs.Width), vg.Length(cs.Height), chartTheme())
		if fit.NamesTurned() {
			t.Errorf("%v: the chart (%.0f × %.0f) turns the channel names", size, cs.Width, cs.Height)
		}
	}
}

// TestFitWidths checks the sharing of a table's width: spare width by
// weight, cuts first from the columns marked first, then the rest, and
// minimums (sideways scrolling) only below them all.
func TestFitWidths(t *testing.T) {
	cols := []fitSpec{
		{natural: 100, min: 100},                        // never cut
		{natural: 300, min: 100, weight: 3},             // a name
		{natural: 400, min: 60, weight: 1, first: true}, // a list
	}
	sum := func(w []float32) (s float32) {
		for _, v := range w {
			s += v
		}
		return s
	}
	for _, tt := range []struct {
		avail float32
		want  []float32
	}{
		{1200, []float32{100, 300 + 300, 400 + 100}}, // spare 400: 3:1
		{800, []float32{100, 300, 400}},              // exactly natural
		{600, []float32{100, 300, 200}},              // the list gives 200 first
		{400, []float32{100, 240, 60}},               // then the name: 60 of its 200
		{200, []float32{100, 100, 60}},               // below the minimums
	} {
		got := fitWidths(cols, tt.avail)
		if !slices.Equal(got, tt.want) {
			t.Errorf("fitWidths(%v) = %v, want %v", tt.avail, got, tt.want)
		}
		if tt.avail >= 260 && sum(got) > tt.avail {
			t.Errorf("fitWidths(%v) spans %v", tt.avail, sum(got))
		}
	}
}

// TestAttributeResultsFitWindow: the seven models' columns of the results
// table end inside the table at 1024, 1280 and 1920 pixels, each as wide as
// its widest text (they scrolled sideways at 1024).
func TestAttributeResultsFitWindow(t *testing.T) {
	u := newStoreUI(t)
	if err := u.Start(); err != nil {
		t.Fatal(err)
	}
	u.settle(t)
	u.Select(ScreenAttribute)
	s := u.Attribute
	if len(s.Results()) != 7 {
		t.Fatalf("%d results", len(s.Results()))
	}
	for _, size := range screenSizes {
		u.Window.Resize(size)
		widths := s.fit.Widths()
		if span, w := tableSpan(widths, s.rowHeadWidth()), s.Table.Size().Width; span > w {
			t.Errorf("%v: the columns span %.0f px of a %.0f px table", size, span, w)
		}
		for i, sp := range s.columnSpecs() {
			if widths[i] < sp.natural {
				t.Errorf("%v: column %s is %.0f px, its text needs %.0f", size, s.Results()[i].Model, widths[i], sp.natural)
			}
		}
	}
}

// TestRunPageCreditFitsWindow: the run page's channel credit table shows
// all seven models' columns whole at 1024, 1280 and 1920 pixels.
func TestRunPageCreditFitsWindow(t *testing.T) {
	u := newStoreUI(t)
	if err := u.Start(); err != nil {
		t.Fatal(err)
	}
	u.settle(t)
	p := u.openRunPage(t, u.Attribute.LastRun.ID)
	for _, measure := range []string{MeasureConversions, MeasureValue} {
		p.Measure.SetSelected(measure)
		for _, size := range screenSizes {
			u.Window.Resize(size)
			widths := p.creditFit.Widths()
			if len(widths) != 7 {
				t.Fatalf("%d widths", len(widths))
			}
			if span, w := tableSpan(widths, p.creditLead()), p.Credit.Size().Width; span > w {
				t.Errorf("%s at %v: the columns span %.0f px of a %.0f px table", measure, size, span, w)
			}
			for i, sp := range p.creditSpecs() {
				if widths[i] < sp.natural {
					t.Errorf("%s at %v: column %d is %.0f px, its text needs %.0f", measure, size, i, widths[i], sp.natural)
				}
			}
		}
	}
}
