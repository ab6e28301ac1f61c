package app

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/attrlab/attrlab/assets"
	"github.com/attrlab/attrlab/attribution"
	"github.com/attrlab/attrlab/report"
	"github.com/attrlab/attrlab/storage"
	"github.com/attrlab/attrlab/tracking"
)

// storeUI is a UI on a real run store under t.TempDir, with channels that
// report the end of its background work.
type storeUI struct {
	*UI
	st           *storage.Store
	ran, cmp     chan error
	loads, edits chan loadMsg
}

// loadMsg reports a load of the runs table (or an edit, with the load it
// started): its number and error.
type loadMsg struct {
	n   int
	err error
}

func newStoreUI(t *testing.T) *storeUI {
	t.Helper()
	st, err := storage.Open(filepath.Join(t.TempDir(), "runs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return newStoreUIOn(t, st)
}

// newStoreUIOn builds a UI on an open store, as a new start of the app.
func newStoreUIOn(t *testing.T, st *storage.Store) *storeUI {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	a := test.NewTempApp(t)
	installPump(t)
	s := &storeUI{UI: New(a, st), st: st,
		ran: make(chan error, 100), loads: make(chan loadMsg, 100), edits: make(chan loadMsg, 100), cmp: make(chan error, 100)}
	s.Attribute.onDone = func(err error) { s.ran <- err }
	s.Runs.onLoaded = func(n int, err error) { s.loads <- loadMsg{n, err} }
	s.Runs.onEdited = func(n int, err error) { s.edits <- loadMsg{n, err} }
	s.Compare.onLoaded = func(err error) { s.cmp <- err }
	return s
}

func drain(ch chan error) {
	for {
		select {
		case <-ch:
		default:
			return
		}
	}
}

// waitLoad waits for load n (or a later one) of the runs table.
func (s *storeUI) waitLoad(t *testing.T, n int) error {
	t.Helper()
	var err error
	pumpWait(t, "the runs table load", func() bool {
		for {
			select {
			case m := <-s.loads:
				if m.n >= n {
					err = m.err
					return true
				}
			default:
				return false
			}
		}
	})
	return err
}

// waitEdit waits for an edit of the runs screen and returns its error.
func (s *storeUI) waitEdit(t *testing.T) loadMsg {
	t.Helper()
	var m loadMsg
	got := false
	pumpWait(t, "the edit", func() bool {
		if !got {
			select {
			case m = <-s.edits:
				got = true
			default:
			}
		}
		return got
	})
	return m
}

// next runs f, which starts a load of the runs table, and waits for it.
func (s *storeUI) next(t *testing.T, f func()) error {
	t.Helper()
	f()
	return s.waitLoad(t, s.Runs.loads)
}

// run ticks every model, sets the Markov order and experiment, taps Run
// and waits for the run to be logged.
func (s *storeUI) run(t *testing.T, order, experiment string) *tracking.Run {
	t.Helper()
	s.Attribute.Models.SetSelected(attribution.ModelNames())
	s.Attribute.Order.SetSelected(order)
	s.Attribute.Experiment.SetText(experiment)
	drain(s.ran)
	test.Tap(s.Attribute.RunBtn)
	if err := waitFor(t, s.ran); err != nil {
		t.Fatal(err)
	}
	if s.Attribute.LastRun == nil {
		t.Fatal("the run was not logged")
	}
	return s.Attribute.LastRun
}

// reload searches again and waits for the table.
func (s *storeUI) reload(t *testing.T) error {
	t.Helper()
	return s.next(t, s.Runs.Reload)
}

// afterEdit waits for an edit and the reload that follows it.
func (s *storeUI) afterEdit(t *testing.T) {
	t.Helper()
	m := s.waitEdit(t)
	if m.err != nil {
		t.Fatal(m.err)
	}
	if err := s.waitLoad(t, m.n); err != nil {
		t.Fatal(err)
	}
}

func (s *storeUI) runNames() []string {
	var names []string
	for _, r := range s.Runs.Runs() {
		names = append(names, r.Name)
	}
	return names
}

func allRuns(t *testing.T, st *storage.Store) []*tracking.Run {
	t.Helper()
	page, err := st.SearchRuns(context.Background(), tracking.Search{View: tracking.AllRuns, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return page.Runs
}

// TestFirstStartLogsOneRun starts on an empty store: the sample is run
// with every model and logged once; the next start logs nothing more and
// opens on Runs.
func TestFirstStartLogsOneRun(t *testing.T) {
	u := newStoreUI(t)
	if err := u.Start(); err != nil {
		t.Fatal(err)
	}
	runs := allRuns(t, u.st)
	if len(runs) != 1 {
		t.Fatalf("%d runs after the first start, want 1", len(runs))
	}
	if u.Current() != ScreenAttribute || len(u.Attribute.Results()) != len(attribution.ModelNames()) {
		t.Errorf("first start shows %s with %d models", u.Current(), len(u.Attribute.Results()))
	}
	r := runs[0]
	if r.Status != tracking.StatusFinished || r.Experiment != tracking.DefaultExperiment || r.DatasetName != assets.SampleTouchesName {
		t.Errorf("run %s in %s on %q", r.Status, r.Experiment, r.DatasetName)
	}
	// The sample's fingerprint is the one the command line gives the same
	// file, so CLI and app runs on it are recognisably the same data.
	ds, err := attribution.Import(context.Background(), bytes.NewReader(assets.SampleTouches), attribution.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	info, err := tracking.DescribeFile(filepath.Join("..", "assets", assets.SampleTouchesName), "", attribution.ImportOptions{}, ds)
	if err != nil {
		t.Fatal(err)
	}
	if r.Dataset != info.Fingerprint {
		t.Errorf("sample fingerprint %s, the CLI's %s", r.Dataset, info.Fingerprint)
	}
	if res, err := u.st.Results(context.Background(), r.ID); err != nil || len(res) != len(attribution.ModelNames())*ds.Summary.Channels {
		t.Errorf("%d result rows (%v), want %d", len(res), err, len(attribution.ModelNames())*ds.Summary.Channels)
	}

	again := newStoreUIOn(t, u.st)
	if err := again.Start(); err != nil {
		t.Fatal(err)
	}
	if n := len(allRuns(t, u.st)); n != 1 {
		t.Errorf("%d runs after the second start, want still 1", n)
	}
	if again.Current() != ScreenRuns {
		t.Errorf("second start shows %s, want Runs", again.Current())
	}
	if err := again.waitLoad(t, again.Runs.loads); err != nil {
		t.Fatal(err)
	}
	if names := again.runNames(); len(names) != 1 || names[0] != r.Name {
		t.Errorf("Runs lists %v, want [%s]", names, r.Name)
	}
	if again.dataset(assets.SampleTouchesName) == nil {
		t.Error("the sample dataset is not loaded on the second start")
	}
}

// TestRunAppearsInRuns runs all models in a chosen experiment and finds
// the run in the table with its key metrics.
func TestRunAppearsInRuns(t *testing.T) {
	u := newStoreUI(t)
	if err := u.Start(); err != nil {
		t.Fatal(err)
	}
	run := u.run(t, "2", "emea")
	if run.Experiment != "emea" {
		t.Errorf("run logged in %q, want emea", run.Experiment)
	}
	if !strings.Contains(u.Attribute.Status.Text, run.Name) {
		t.Errorf("status %q does not name the run", u.Attribute.Status.Text)
	}
	if err := u.next(t, func() { u.Select(ScreenRuns) }); err != nil {
		t.Fatal(err)
	}
	runs := u.Runs.Runs()
	if len(runs) != 2 || runs[0].ID != run.ID {
		t.Fatalf("Runs lists %v, want the new run first of 2", u.runNames())
	}
	if rows, cols := u.Runs.Table.Length(); rows != 2 || cols != len(runColumns)+1 {
		t.Errorf("table %dx%d", rows, cols)
	}
	cells := map[string]string{}
	for _, c := range runColumns {
		cells[c.title] = c.text(runs[0])
	}
	if cells["Experiment"] != "emea" || cells["Status"] != "FINISHED" || cells["Dataset"] != assets.SampleTouchesName ||
		cells["Models"] != strings.Join(attribution.ModelNames(), ",") || cells["Conversions"] == "" || cells["P(conv)"] == "" {
		t.Errorf("cells %v", cells)
	}
	// The experiment is offered next time.
	var offered []string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		pump()
		offered = slices.Clone(u.Attribute.experiments)
		if slices.Contains(offered, "emea") {
			break
		}
	}
	if !slices.Equal(offered, []string{tracking.DefaultExperiment, "emea"}) {
		t.Errorf("experiment picker offers %v", offered)
	}
}

// TestFilterRuns searches with a valid filter, then an invalid one whose
// error shows under the box with a caret, not in a dialog.
func TestFilterRuns(t *testing.T) {
	u := newStoreUI(t)
	if err := u.Start(); err != nil {
		t.Fatal(err)
	}
	second := u.run(t, "2", "Default")
	u.Select(ScreenRuns)

	test.Type(u.Runs.Search, "params.order = 2")
	if err := u.next(t, func() { u.Runs.Search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) }); err != nil {
		t.Fatal(err)
	}
	if runs := u.Runs.Runs(); len(runs) != 1 || runs[0].ID != second.ID {
		t.Fatalf("params.order = 2 lists %v, want only %s", u.runNames(), second.Name)
	}
	if u.Runs.FilterError.Visible() {
		t.Errorf("error shown for a valid filter: %q", u.Runs.FilterError.Text)
	}

	u.Runs.Search.SetText("params.order = = 2")
	if err := u.reload(t); err == nil {
		t.Fatal("a bad filter searched without error")
	}
	if !u.Runs.FilterError.Visible() {
		t.Fatal("the filter error is not shown")
	}
	lines := strings.Split(u.Runs.FilterError.Text, "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "bad filter at position 16") || lines[1] != "params.order = = 2" || lines[2] != strings.Repeat(" ", 15)+"^" {
		t.Errorf("filter error\n%s", u.Runs.FilterError.Text)
	}
	if top := u.Window.Canvas().Overlays().Top(); top != nil {
		t.Error("a dialog opened for a filter error; it belongs under the box")
	}
	if len(u.Runs.Runs()) != 1 {
		t.Errorf("the table changed on a bad filter: %v", u.runNames())
	}

	u.Runs.Search.SetText("")
	if err := u.reload(t); err != nil || len(u.Runs.Runs()) != 2 || u.Runs.FilterError.Visible() {
		t.Errorf("cleared filter: %v, %d runs, error shown %v", err, len(u.Runs.Runs()), u.Runs.FilterError.Visible())
	}
}

// TestSortRunsByHeader sorts by name both ways, as header clicks do.
func TestSortRunsByHeader(t *testing.T) {
	u := newStoreUI(t)
	if err := u.Start(); err != nil {
		t.Fatal(err)
	}
	u.run(t, "2", "Default")
	u.run(t, "3", "Default")
	for _, r := range allRuns(t, u.st) {
		name := map[string]string{"1": "bravo", "2": "alpha", "3": "charlie"}[paramText(r, tracking.KeyOrder)]
		if err := u.st.SetName(context.Background(), r.ID, name); err != nil {
			t.Fatal(err)
		}
	}
	if err := u.next(t, func() { u.Runs.SortBy(0) }); err != nil {
		t.Fatal(err)
	}
	if got := u.runNames(); !slices.Equal(got, []string{"alpha", "bravo", "charlie"}) {
		t.Errorf("by name: %v", got)
	}
	if h := u.Runs.HeaderText(0); h != "Name ▲" {
		t.Errorf("header %q", h)
	}
	if err := u.next(t, func() { u.Runs.SortBy(0) }); err != nil {
		t.Fatal(err)
	}
	if got := u.runNames(); !slices.Equal(got, []string{"charlie", "bravo", "alpha"}) {
		t.Errorf("by name, descending: %v", got)
	}
	// A metric column: P(conv) differs by Markov order.
	if err := u.next(t, func() { u.Runs.SortBy(7) }); err != nil {
		t.Fatal(err)
	}
	runs := u.Runs.Runs()
	for i := 1; i < len(runs); i++ {
		a, _ := runs[i-1].Metric(tracking.KeyPConv)
		b, _ := runs[i].Metric(tracking.KeyPConv)
		if a.Value > b.Value {
			t.Errorf("p_conv not ascending: %v then %v", a.Value, b.Value)
		}
	}
}

// TestEditRuns renames, notes and tags a run through its dialogs, deletes
// it, undoes that, deletes it again and restores it.
func TestEditRuns(t *testing.T) {
	u := newStoreUI(t)
	if err := u.Start(); err != nil {
		t.Fatal(err)
	}
	if err := u.next(t, func() { u.Select(ScreenRuns) }); err != nil {
		t.Fatal(err)
	}
	id := u.Runs.Runs()[0].ID
	u.Runs.Table.Select(widget.TableCellID{Row: 0, Col: 1})
	if u.Runs.Current() == nil || u.Runs.Current().ID != id {
		t.Fatal("clicking a row did not make it current")
	}

	test.Tap(u.Runs.RenameBtn)
	u.Runs.nameEntry.SetText("baseline")
	u.Runs.form.Submit()
	u.afterEdit(t)
	if r, _ := u.st.Run(context.Background(), id); r.Name != "baseline" || u.Runs.Runs()[0].Name != "baseline" {
		t.Errorf("renamed to %q; table shows %q", r.Name, u.Runs.Runs()[0].Name)
	}

	test.Tap(u.Runs.NoteBtn)
	u.Runs.noteEntry.SetText("# Why\nThe **bundled** sample.")
	u.Runs.form.Submit()
	u.afterEdit(t)
	if r, _ := u.st.Run(context.Background(), id); r.Note != "# Why\nThe **bundled** sample." {
		t.Errorf("note %q", r.Note)
	}
	if got := richText(u.Runs.Detail); !strings.Contains(got, "The bundled sample.") || strings.Contains(got, "**") || strings.Contains(got, "# Why") {
		t.Errorf("note shown as %q, want rendered Markdown", got)
	}

	test.Tap(u.Runs.TagsBtn)
	u.Runs.tagsEntry.SetText("team=emea\nreviewed = yes\n")
	u.Runs.form.Submit()
	u.afterEdit(t)
	if r, _ := u.st.Run(context.Background(), id); r.Tags["team"] != "emea" || r.Tags["reviewed"] != "yes" {
		t.Errorf("tags %v", r.Tags)
	}
	test.Tap(u.Runs.TagsBtn)
	if err := u.Runs.tagsEntry.Validator("no equals sign"); err == nil {
		t.Error("a tag line without = was accepted")
	}
	u.Runs.tagsEntry.SetText("team=apac")
	u.Runs.form.Submit()
	u.afterEdit(t)
	if r, _ := u.st.Run(context.Background(), id); len(r.Tags) != 1 || r.Tags["team"] != "apac" {
		t.Errorf("tags after editing %v, want only team=apac", r.Tags)
	}
	if got := richText(u.Runs.Detail); !strings.Contains(got, "team = apac") || !strings.Contains(got, "order = 1") {
		t.Errorf("details %q", got)
	}

	// Delete, then Undo.
	u.Runs.Tick(id, true)
	test.Tap(u.Runs.DeleteBtn)
	u.afterEdit(t)
	if len(u.Runs.Runs()) != 0 || !u.Runs.undoBar.Visible() {
		t.Fatalf("after delete: %v listed, undo shown %v", u.runNames(), u.Runs.undoBar.Visible())
	}
	if r, _ := u.st.Run(context.Background(), id); !r.Deleted {
		t.Error("run not marked deleted")
	}
	test.Tap(u.Runs.UndoBtn)
	u.afterEdit(t)
	if len(u.Runs.Runs()) != 1 || u.Runs.undoBar.Visible() {
		t.Fatalf("after undo: %v listed", u.runNames())
	}

	// Delete again; Show deleted lists it; Restore brings it back.
	u.Runs.Show(id)
	test.Tap(u.Runs.DeleteBtn)
	u.afterEdit(t)
	if err := u.next(t, func() { u.Runs.ShowDeleted.SetChecked(true) }); err != nil {
		t.Fatal(err)
	}
	if runs := u.Runs.Runs(); len(runs) != 1 || !runs[0].Deleted || runColumns[2].text(runs[0]) != "FINISHED (deleted)" {
		t.Fatalf("show deleted lists %v", u.runNames())
	}
	u.Runs.Tick(id, true)
	test.Tap(u.Runs.RestoreBtn)
	u.afterEdit(t)
	if r, _ := u.st.Run(context.Background(), id); r.Deleted {
		t.Error("restore left the run deleted")
	}
}

func richText(rt *widget.RichText) string {
	var b strings.Builder
	for _, s := range rt.Segments {
		if t, ok := s.(*widget.TextSegment); ok {
			b.WriteString(t.Text)
		}
	}
	return b.String()
}

// TestRerun runs a run again from its source file, then finds the file
// gone and says so.
func TestRerun(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "journeys.csv")
	if err := os.WriteFile(path, assets.SampleTouches, 0o644); err != nil {
		t.Fatal(err)
	}
	u := newStoreUI(t)
	done := make(chan error, 1)
	u.Datasets.onImportEnd = func(err error) { done <- err }
	u.Datasets.OpenPath(path)
	test.Tap(u.Datasets.ImportBtn)
	if err := waitFor(t, done); err != nil {
		t.Fatal(err)
	}
	u.Attribute.choose("journeys.csv")
	u.Attribute.Direct.SetText("email")
	first := u.run(t, "2", "reruns")
	if err := u.reload(t); err != nil {
		t.Fatal(err)
	}

	u.Runs.Show(first.ID)
	test.Tap(u.Runs.RerunBtn)
	u.afterEdit(t)
	runs := allRuns(t, u.st)
	if len(runs) != 2 {
		t.Fatalf("%d runs after a re-run, want 2", len(runs))
	}
	again, old := runs[0], runs[1]
	if again.Tags[TagRerunOf] != first.ID || again.Experiment != "reruns" || again.Dataset != old.Dataset {
		t.Errorf("re-run tags %v, experiment %s, dataset %.12s (was %.12s)", again.Tags, again.Experiment, again.Dataset, old.Dataset)
	}
	for _, p := range old.Params {
		if q, ok := again.Param(p.Key()); !ok || !q.Equal(p) {
			t.Errorf("param %s = %q, re-run has %q", p.Key(), p.String(), q.String())
		}
	}
	if u.Runs.Current() == nil || u.Runs.Current().ID != again.ID {
		t.Error("the new run is not the current one")
	}

	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	u.Runs.Show(first.ID)
	test.Tap(u.Runs.RerunBtn)
	if m := u.waitEdit(t); m.err == nil {
		t.Fatal("re-run without its file succeeded")
	}
	if !strings.Contains(u.Runs.Status.Text, "is gone") || u.Window.Canvas().Overlays().Top() == nil {
		t.Errorf("status %q, dialog %v", u.Runs.Status.Text, u.Window.Canvas().Overlays().Top())
	}
	if n := len(allRuns(t, u.st)); n != 2 {
		t.Errorf("%d runs after a failed re-run, want 2", n)
	}
}

func TestCtrlFFocusesSearch(t *testing.T) {
	u := newStoreUI(t)
	c := u.Window.Canvas().(fyne.Shortcutable)
	c.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault})
	if u.Current() != ScreenRuns {
		t.Errorf("Ctrl+F shows %s", u.Current())
	}
	if u.Window.Canvas().Focused() != u.Runs.Search {
		t.Error("Ctrl+F did not focus the search box")
	}
}

func TestRunsCSV(t *testing.T) {
	u := newStoreUI(t)
	if err := u.Start(); err != nil {
		t.Fatal(err)
	}
	if err := u.st.SetTag(context.Background(), u.Attribute.LastRun.ID, "formula", "=1+1"); err != nil {
		t.Fatal(err)
	}
	runs := allRuns(t, u.st)
	var b bytes.Buffer
	if err := report.WriteRunsCSV(&b, runs); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || !slices.Equal(recs[0][:7], []string{"run_id", "experiment", "name", "status", "start_time", "end_time", "dataset"}) {
		t.Fatalf("CSV %v", recs)
	}
	col := func(name string) string {
		i := slices.Index(recs[0], name)
		if i < 0 {
			t.Fatalf("no column %s", name)
		}
		return recs[1][i]
	}
	if col("run_id") != runs[0].ID || col("params.order") != "1" || col("tags.formula") != "'=1+1" || col("metrics.total_conversions") == "" {
		t.Errorf("row %v", recs[1])
	}
}
