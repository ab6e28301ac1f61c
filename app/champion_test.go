package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/attrlab/attrlab/assets"
	"github.com/attrlab/attrlab/attribution"
	"github.com/attrlab/attrlab/tracking"
)

// logBootstrapped logs, on st, a run of linear and markov on file with 80
// bootstrap replicates and credit by month, as `attrlab attribute FILE
// --bootstrap 80 --by month` does.
func logBootstrapped(t *testing.T, st tracking.Store, file, experiment string) *tracking.Run {
	t.Helper()
	ctx := context.Background()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	imp := attribution.ImportOptions{File: filepath.Base(file), By: attribution.ByMonth}
	ds, err := attribution.Import(ctx, bytes.NewReader(data), imp)
	if err != nil {
		t.Fatal(err)
	}
	opts := attribution.Options{Models: []string{attribution.Linear, attribution.Markov}}
	results, err := attribution.Run(ctx, ds.Paths, opts)
	if err != nil {
		t.Fatal(err)
	}
	b := attribution.BootstrapOptions{Replicates: 80, Seed: 9}
	if err := attribution.Bootstrap(ctx, ds.Paths, results, opts, b); err != nil {
		t.Fatal(err)
	}
	periods, err := attribution.RunPeriods(ctx, ds.Periods, opts)
	if err != nil {
		t.Fatal(err)
	}
	info, err := tracking.DescribeFile(file, "", imp, ds)
	if err != nil {
		t.Fatal(err)
	}
	run, err := tracking.LogAttribution(ctx, st, tracking.RunLog{Experiment: experiment, Dataset: info, Import: imp,
		Params:      tracking.TrustParams(&b, "month", "UTC"),
		Attribution: tracking.Attribution{Results: results, Options: opts, Summary: ds.Summary, Time: time.Now(), Periods: periods}})
	if err != nil {
		t.Fatal(err)
	}
	return run
}

// A user promotes a bootstrapped run, the file grows, Refresh reruns the
// champion on it and Compare opens on the pair with ± and marks on every
// channel's change; the Runs table marks the champion; Over time shows
// the run's months.
func TestPromoteRefreshCompareMarks(t *testing.T) {
	u := newStoreUI(t)
	lines := strings.SplitAfter(string(assets.SampleTouches), "\n")
	file := filepath.Join(t.TempDir(), "touches.csv")
	if err := os.WriteFile(file, []byte(strings.Join(lines[:2500], "")), 0o644); err != nil {
		t.Fatal(err)
	}
	champ := logBootstrapped(t, u.st, file, "web")
	other := logBootstrapped(t, u.st, file, "web")
	if err := u.next(t, u.Runs.Reload); err != nil {
		t.Fatal(err)
	}

	// Promote the first run with a note.
	u.Runs.Show(champ.ID)
	test.Tap(u.Runs.champion.PromoteBtn)
	u.Runs.champion.PromoteNote.SetText("agreed in the Monday review")
	u.Runs.champion.promoteForm.Submit()
	if m := u.waitEdit(t); m.err != nil {
		t.Fatal(m.err)
	}
	if err := u.waitLoad(t, u.Runs.loads); err != nil {
		t.Fatal(err)
	}
	if id, _ := u.st.Champion(context.Background(), "web"); id != champ.ID {
		t.Fatalf("champion %s, want %s", id, champ.ID)
	}
	marked := 0
	for _, r := range u.Runs.Runs() {
		name := runColumns[0].text(r)
		if strings.HasPrefix(name, championMark) {
			marked++
			if r.ID != champ.ID {
				t.Errorf("run %s is marked champion", r.ID)
			}
		}
	}
	if marked != 1 {
		t.Errorf("%d runs marked champion, want 1", marked)
	}
	hist, _ := u.st.Promotions(context.Background(), "web")
	if len(hist) != 1 || hist[0].Note != "agreed in the Monday review" {
		t.Errorf("promotions %+v", hist)
	}

	// Over time: the champion's months, one model at a time.
	o, models, err := u.Runs.OverTime(context.Background(), champ.ID, "")
	if err != nil || len(models) != 2 || len(o.Periods) < 3 || o.Periods[0] != "2025-01" {
		t.Errorf("over time: %v, models %v, periods %v", err, models, o.Periods)
	}

	// The file grows; Refresh from another run of the experiment.
	f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(strings.Join(lines[2500:], ""))
	f.Close()
	refreshed := make(chan error, 1)
	var freshID string
	u.Runs.champion.onRefreshed = func(id string, err error) { freshID = id; refreshed <- err }
	drain(u.cmp)
	u.Runs.Show(other.ID)
	test.Tap(u.Runs.champion.RefreshBtn)
	if err := waitFor(t, refreshed); err != nil {
		t.Fatal(err)
	}
	if err := waitFor(t, u.cmp); err != nil {
		t.Fatal(err)
	}
	fresh, err := u.st.Run(context.Background(), freshID)
	if err != nil {
		t.Fatal(err)
	}
	if fresh.Tags[tracking.TagRefreshOf] != champ.ID || fresh.Dataset == champ.Dataset || fresh.Experiment != "web" {
		t.Errorf("refreshed run: tags %v, dataset %.12s (champion %.12s)", fresh.Tags, fresh.Dataset, champ.Dataset)
	}
	if p, ok := fresh.Param(tracking.KeyBootstrap); !ok || p.String() != "80" {
		t.Errorf("the refresh did not repeat the bootstrap: %v", fresh.Params)
	}
	abs, _ := filepath.Abs(file)
	versions, _ := u.st.DatasetVersions(context.Background(), abs)
	if len(versions) != 2 || versions[0].Parent != champ.Dataset || versions[0].Version != 2 {
		t.Errorf("dataset versions %+v", versions)
	}

	// Compare is open on the pair, baseline the champion: every channel's
	// credit has ± and, for the refresh, a mark.
	c := u.Compare.Comparison()
	if u.current != ScreenCompare || c == nil || len(c.RunIDs) != 2 || c.RunIDs[0] != champ.ID || c.RunIDs[1] != freshID {
		t.Fatalf("compare shows %v on %s", c, u.current)
	}
	marks := 0
	for row := range c.Channels {
		base, next := u.Compare.CreditCell(row, 0), u.Compare.CreditCell(row, 1)
		if !strings.Contains(base, "±") || !strings.Contains(next, "±") {
			t.Errorf("%s: cells %q, %q without ±", c.Channels[row], base, next)
		}
		switch {
		case strings.Contains(next, "✱ beyond noise"), strings.Contains(next, "≈ within noise"):
			marks++
		default:
			t.Errorf("%s: %q has no mark", c.Channels[row], next)
		}
		if strings.Contains(base, "noise") {
			t.Errorf("the baseline is marked: %q", base)
		}
	}
	if marks != len(c.Channels) {
		t.Errorf("%d marks for %d channels", marks, len(c.Channels))
	}
	rc, ok := u.Compare.chartData()
	if !ok || rc.Low == nil || rc.Low[0] == nil || rc.High[1] == nil {
		t.Error("the comparison chart has no error bars")
	}
}

// Attribute with Bootstrap 50: every share gets its ±, the chart its error
// bars, and the run keeps its intervals and bootstrap params; a re-run
// repeats the bootstrap; a bad count is refused in the status line.
func TestAttributeBootstrap(t *testing.T) {
	u := newStoreUI(t)
	if err := u.LoadSample(); err != nil {
		t.Fatal(err)
	}
	u.Attribute.Bootstrap.SetText("many")
	drain(u.ran)
	test.Tap(u.Attribute.RunBtn)
	if !strings.Contains(u.Attribute.Status.Text, `bootstrap "many"`) {
		t.Errorf("status %q", u.Attribute.Status.Text)
	}
	u.Attribute.Bootstrap.SetText("50")
	run := u.run(t, "1", "boot")
	for _, r := range u.Attribute.Results() {
		if r.Intervals == nil || r.Intervals.Replicates != 50 {
			t.Fatalf("%s: intervals %+v", r.Model, r.Intervals)
		}
	}
	if cell := u.Attribute.CellText(0, 0); !strings.Contains(cell, "% ± ") {
		t.Errorf("cell %q without ±", cell)
	}
	ivs, err := u.st.Intervals(context.Background(), run.ID)
	if err != nil || len(ivs) != len(u.Attribute.Results())*len(u.Attribute.Results()[0].Channels) {
		t.Errorf("stored intervals: %d, %v", len(ivs), err)
	}
	stored, _ := u.st.Run(context.Background(), run.ID)
	if p, ok := stored.Param(tracking.KeyBootstrap); !ok || p.String() != "50" {
		t.Errorf("params %v", stored.Params)
	}
	// Budget from these results: each channel's proposal has its range,
	// the total times the ends of its credit share's interval.
	b, _ := openBudget(t, u.UI)
	for i, l := range b.Budget().Lines {
		r := l.ProposedRange
		if r == nil || !(r.Low <= l.Proposed+1e-9 && l.Proposed <= r.High+1e-9) || !strings.Contains(b.CellText(i, 6), "–") {
			t.Errorf("%s: proposed %v, range %+v, cell %q", l.Channel, l.Proposed, r, b.CellText(i, 6))
		}
	}
	// Promoted, the run is what Budget's Champion button shows: its
	// stored credit with the same ranges.
	if _, err := u.st.Promote(context.Background(), run.ID, ""); err != nil {
		t.Fatal(err)
	}
	updated := make(chan error, 8)
	b.onUpdate = func(err error) { updated <- err }
	b.UseChampion()
	if err := waitFor(t, updated); err != nil {
		t.Fatal(err)
	}
	if b.Champion() == nil || b.Champion().ID != run.ID || b.DatasetPicker.Selected != "" || !strings.Contains(b.Status.Text, "The champion of boot") {
		t.Fatalf("champion budget: %v, picker %q, status %q", b.Champion(), b.DatasetPicker.Selected, b.Status.Text)
	}
	for _, l := range b.Budget().Lines {
		if l.ProposedRange == nil {
			t.Errorf("%s: no proposed range from the champion's stored intervals", l.Channel)
		}
	}
	b.DatasetPicker.SetSelected(assets.SampleTouchesName)
	if err := waitFor(t, updated); err != nil {
		t.Fatal(err)
	}
	if b.Champion() != nil {
		t.Error("choosing a dataset kept the champion on show")
	}
	if err := u.reload(t); err != nil {
		t.Fatal(err)
	}
	u.Runs.Show(run.ID)
	test.Tap(u.Runs.RerunBtn)
	if m := u.waitEdit(t); m.err != nil {
		t.Fatal(m.err)
	}
	again := u.Runs.Current()
	if again == nil || again.ID == run.ID {
		t.Fatal("no re-run")
	}
	if ivs, _ := u.st.Intervals(context.Background(), again.ID); len(ivs) == 0 {
		t.Error("the re-run of a bootstrapped run has no intervals")
	}
}

// Attribute By month on the sample: the run keeps each month's credit, the
// heuristic months add up to the whole, and Over time… opens on it; a
// path table refuses By.
func TestAttributeByMonth(t *testing.T) {
	u := newStoreUI(t)
	if err := u.LoadSample(); err != nil {
		t.Fatal(err)
	}
	u.Attribute.By.SetSelected("month")
	run := u.run(t, "1", "months")
	rows, err := u.st.PeriodResults(context.Background(), run.ID)
	if err != nil || len(rows) == 0 {
		t.Fatalf("period rows: %d, %v", len(rows), err)
	}
	sum := map[string]float64{}
	for _, r := range rows {
		if r.Model == attribution.Linear {
			sum[r.Channel] += r.Conversions
		}
	}
	for _, res := range u.Attribute.Results() {
		if res.Model != attribution.Linear {
			continue
		}
		for i, ch := range res.Channels {
			if d := sum[ch] - res.Conversions[i]; d > 1e-9 || d < -1e-9 {
				t.Errorf("linear %s: months add to %v, whole %v", ch, sum[ch], res.Conversions[i])
			}
		}
	}
	if u.Attribute.OverTimeBtn.Disabled() {
		t.Error("Over time… is disabled after a run by month")
	}
	test.Tap(u.Attribute.OverTimeBtn)
	if u.Window.Canvas().Overlays().Top() == nil {
		t.Error("Over time… opened nothing")
	}
	o, models, err := u.Runs.OverTime(context.Background(), run.ID, attribution.Markov)
	if err != nil || o.Model != attribution.Markov || len(models) != len(attribution.ModelNames()) || o.Periods[0] != "2025-01" {
		t.Errorf("over time: %v %v %v", err, models, o.Periods)
	}
	u.Attribute.By.SetSelected(byNone)
	u.run(t, "1", "months")
	if !u.Attribute.OverTimeBtn.Disabled() {
		t.Error("Over time… stays enabled for a run without periods")
	}
}

// Budget opens on the champion of the Attribute screen's experiment when
// there is one.
func TestBudgetDefaultsToChampion(t *testing.T) {
	u := newStoreUI(t)
	if err := u.LoadSample(); err != nil {
		t.Fatal(err)
	}
	u.Attribute.Bootstrap.SetText("30")
	champ := u.run(t, "1", "plan")
	if _, err := u.st.Promote(context.Background(), champ.ID, "the plan"); err != nil {
		t.Fatal(err)
	}
	u.Attribute.Bootstrap.SetText("")
	u.run(t, "2", "plan") // newer results on Attribute, not the champion
	b := u.screens[ScreenBudget].(*budgetView).s
	updated := make(chan error, 16)
	b.onUpdate = func(err error) { updated <- err }
	u.Select(ScreenBudget)
	pumpWait(t, "the champion's budget", func() bool {
		select {
		case <-updated:
		default:
		}
		return b.Champion() != nil
	})
	if b.Champion().ID != champ.ID || b.Budget() == nil || b.Budget().Lines[0].ProposedRange == nil {
		t.Errorf("budget on %v, lines %+v", b.Champion(), b.Budget())
	}
}
