package app

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/attrlab/attrlab/attribution"
	"github.com/attrlab/attrlab/report"
	"github.com/attrlab/attrlab/tracking"
)

// openRunPage clicks the table row of run id and waits for its page.
func (s *storeUI) openRunPage(t *testing.T, id string) *RunPage {
	t.Helper()
	s.Select(ScreenRuns)
	if err := s.reload(t); err != nil {
		t.Fatal(err)
	}
	row := -1
	for i, r := range s.Runs.Runs() {
		if r.ID == id {
			row = i
		}
	}
	if row < 0 {
		t.Fatalf("run %s is not in the table", id)
	}
	done := make(chan error, 10)
	s.Runs.Page.onLoaded = func(err error) { done <- err }
	s.Runs.Table.Select(widget.TableCellID{Row: row, Col: 2})
	if !s.Runs.PageOpen() {
		t.Fatal("clicking a run does not open its page")
	}
	if err := waitFor(t, done); err != nil {
		t.Fatal(err)
	}
	return s.Runs.Page
}

// TestRunPageShowsEverything logs the sample with every model, exports a
// chart of the run from the command line's store path (an artifact), and
// clicks the run: its page shows the metrics, params, every model's
// credit as conversions, value and share, the removal effects, the
// heat-map, the artifacts (which open and save), the note and the tags.
func TestRunPageShowsEverything(t *testing.T) {
	u := newStoreUI(t)
	if err := u.Start(); err != nil {
		t.Fatal(err)
	}
	run := u.Attribute.LastRun
	ctx := context.Background()
	if err := u.st.SetNote(ctx, run.ID, "Spring **baseline**"); err != nil {
		t.Fatal(err)
	}
	if err := u.st.SetTag(ctx, run.ID, "team", "emea"); err != nil {
		t.Fatal(err)
	}
	png := []byte("\x89PNG fake chart")
	if err := u.st.PutArtifact(ctx, run.ID, tracking.Artifact{Path: "charts/attribution.png", MediaType: "image/png", Data: png}); err != nil {
		t.Fatal(err)
	}
	u.Window.Resize(fyne.NewSize(1280, 800))
	p := u.openRunPage(t, run.ID)
	if p.Run().ID != run.ID {
		t.Fatalf("the page shows run %s", p.Run().ID)
	}

	// Facts, note and tags.
	if !strings.Contains(richText(p.Heading), run.Name) || !strings.Contains(richText(p.Facts), run.ID) {
		t.Errorf("heading %q, facts %q", richText(p.Heading), richText(p.Facts))
	}
	about := richText(p.About)
	if !strings.Contains(about, "team = emea") || !strings.Contains(about, "baseline") {
		t.Errorf("tags and note read %q", about)
	}

	// Metrics: P(conv), totals and runtime, formatted.
	stored, err := u.st.Run(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{tracking.KeyPConv, tracking.KeyTotalConversions, tracking.KeyRuntimeMS, tracking.KeyTotalValue} {
		m, ok := stored.Metric(key)
		if !ok {
			t.Fatalf("the run has no %s", key)
		}
		text := p.MetricText(key)
		if text == "" || !formContains(p.Metrics, text) {
			t.Errorf("metric %s (%g) shows as %q, not in the form", key, m.Value, text)
		}
	}
	if got := p.MetricText(tracking.KeyRuntimeMS); !strings.HasSuffix(got, " ms") {
		t.Errorf("runtime reads %q", got)
	}
	for _, prm := range stored.Params {
		if !formContains(p.Params, prm.String()) {
			t.Errorf("param %s = %s is not on the page", prm.Key(), prm.String())
		}
	}

	// Credit of every model, against the stored rows.
	rows, err := u.st.Results(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := tracking.ResultsFromRows(rows, nil)
	nr, nc := p.Credit.Length()
	if nc != len(want) || nc != len(u.Attribute.Results()) || nr != len(want[0].Channels)+1 {
		t.Fatalf("credit table %d×%d for %d models of %d channels (plus a total row)", nr, nc, len(want), len(want[0].Channels))
	}
	for _, measure := range []string{MeasureConversions, MeasureValue, MeasureShare} {
		p.Measure.SetSelected(measure)
		for col, r := range want {
			var total float64
			for row, ch := range r.Channels {
				conv, value, share, _ := r.Credit(ch)
				exp := map[string]string{MeasureConversions: report.Fixed(conv, 2), MeasureValue: report.Fixed(value, 2), MeasureShare: report.Percent(share)}[measure]
				if got := p.CreditCell(row, col); got != exp {
					t.Errorf("%s of %s under %s: %q, want %q", measure, ch, r.Model, got, exp)
				}
				total += value
			}
			if measure == MeasureValue {
				if total <= 0 {
					t.Errorf("%s credits no value: the sample has conversion values", r.Model)
				}
				if got := p.CreditCell(len(r.Channels), col); got != report.Fixed(r.TotalValue, 2) {
					t.Errorf("total value of %s: %q, want %q", r.Model, got, report.Fixed(r.TotalValue, 2))
				}
			}
		}
	}

	// Removal effects of the markov model, and the charts.
	var markov *attribution.Result
	for _, r := range want {
		if r.Model == attribution.Markov {
			markov = r
		}
	}
	rr, _ := p.Removal.Length()
	if markov == nil || rr != len(markov.Channels) {
		t.Fatalf("removal table has %d rows", rr)
	}
	for i, re := range markov.RemovalEffect {
		if got := p.RemovalCell(i, 0); got != report.Percent(re) {
			t.Errorf("removal effect of %s: %q, want %q", markov.Channels[i], got, report.Percent(re))
		}
	}
	for _, v := range []*ChartView{p.CreditChart, p.RemovalChart, p.Transitions} {
		v.settle = 0
	}
	if p.Transitions.Chart() == nil || p.Transitions.Chart().Kind != report.KindTransitions {
		t.Fatalf("no heat-map: %q", p.TransitionsNote.Text)
	}
	for i, name := range []string{"Channel credit", "Removal effects", "Transitions"} {
		p.Tabs.SelectIndex(i + 1)
		paint(u.UI)
		v := []*ChartView{p.CreditChart, p.RemovalChart, p.Transitions}[i]
		if img := v.Image(); img == nil || !fills(img, v.Size()) || v.Size().Width < 800 {
			t.Errorf("%s chart not drawn to fill its %v tab", name, v.Size())
		}
	}

	// Artifacts: the Markov chain and the chart, which open and save.
	names := p.ArtifactNames()
	if len(names) != 2 || names[0] != "charts/attribution.png" || names[1] != tracking.MarkovChainArtifact {
		t.Fatalf("artifacts %v", names)
	}
	if n := p.Artifacts.Length(); n != 2 {
		t.Fatalf("the artifact list shows %d rows", n)
	}
	var opened *url.URL
	p.open = func(u *url.URL) error { opened = u; return nil }
	file := p.OpenArtifact(0)
	if got, err := os.ReadFile(file); err != nil || !bytes.Equal(got, png) {
		t.Fatalf("opened %s: %q, %v", file, got, err)
	}
	if opened == nil || opened.Scheme != "file" || filepath.FromSlash(opened.Path) != file {
		t.Errorf("asked the desktop to open %v, want %s", opened, file)
	}
	dest := filepath.Join(t.TempDir(), "chart.png")
	p.SaveArtifact(0, dest)
	if got, err := os.ReadFile(dest); err != nil || !bytes.Equal(got, png) {
		t.Fatalf("saved %s: %q, %v", dest, got, err)
	}
	// Saving over a file of the user's asks first and leaves it alone.
	mine := filepath.Join(t.TempDir(), "mine.png")
	os.WriteFile(mine, []byte("mine"), 0o644)
	p.SaveArtifact(0, mine)
	if got, _ := os.ReadFile(mine); string(got) != "mine" {
		t.Errorf("Save replaced an existing file without asking: %q", got)
	}

	// Back to the list.
	test.Tap(p.Back)
	if u.Runs.PageOpen() {
		t.Error("← All runs leaves the page on show")
	}
}

// TestRunPageWithoutMarkov opens a run of the heuristic models only: the
// removal and transition tabs say why they are empty.
func TestRunPageWithoutMarkov(t *testing.T) {
	u := newStoreUI(t)
	if err := u.Start(); err != nil {
		t.Fatal(err)
	}
	u.Attribute.Models.SetSelected([]string{attribution.Linear, attribution.FirstTouch})
	drain(u.ran)
	test.Tap(u.Attribute.RunBtn)
	if err := waitFor(t, u.ran); err != nil {
		t.Fatal(err)
	}
	p := u.openRunPage(t, u.Attribute.LastRun.ID)
	if _, nc := p.Credit.Length(); nc != 2 {
		t.Errorf("credit table has %d model columns, want 2", nc)
	}
	if p.Transitions.Chart() != nil || p.RemovalChart.Chart() != nil || !strings.Contains(p.RemovalNote.Text, "markov") {
		t.Errorf("no markov model, yet removal note %q and charts %v %v", p.RemovalNote.Text, p.RemovalChart.Chart(), p.Transitions.Chart())
	}
	if !p.ExportHeat.Disabled() {
		t.Error("Export of a heat-map that is not there is enabled")
	}
}

// TestRunPageEdits renames a run from its page: the page and the table
// show the new name.
func TestRunPageEdits(t *testing.T) {
	u := newStoreUI(t)
	if err := u.Start(); err != nil {
		t.Fatal(err)
	}
	run := u.Attribute.LastRun
	p := u.openRunPage(t, run.ID)
	done := make(chan error, 10)
	p.onLoaded = func(err error) { done <- err }
	u.Runs.renameDialog()
	u.Runs.nameEntry.SetText("spring baseline")
	u.Runs.form.Submit()
	u.afterEdit(t)
	if err := waitFor(t, done); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(richText(p.Heading), "spring baseline") || u.Runs.Runs()[0].Name != "spring baseline" {
		t.Errorf("after renaming, the page reads %q and the table %q", richText(p.Heading), u.Runs.Runs()[0].Name)
	}
}

func formContains(f *widget.Form, text string) bool {
	for _, it := range f.Items {
		if l, ok := it.Widget.(*widget.Label); ok && l.Text == text {
			return true
		}
	}
	return false
}
