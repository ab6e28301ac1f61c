package app

import (
	"bufio"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/attrlab/attrlab/assets"
	"github.com/attrlab/attrlab/attribution"
	"github.com/attrlab/attrlab/synth"
	"github.com/attrlab/attrlab/tracking"
)

// lookbackDays reads a run's lookback_days param from the store.
func lookbackDays(t *testing.T, s *storeUI, r *tracking.Run) (float64, bool) {
	t.Helper()
	full, err := s.st.Run(context.Background(), r.ID)
	if err != nil {
		t.Fatal(err)
	}
	p, ok := full.Param(tracking.KeyLookbackDays)
	if !ok {
		return 0, false
	}
	v, _ := p.Number()
	return v, true
}

// TestLookbackReimportsSample: a lookback other than the dataset's reads
// the bundled sample again with it and logs the run on the same dataset
// with the lookback it used (lookback is a run parameter, not new data);
// a bad lookback is said inline and runs nothing.
func TestLookbackReimportsSample(t *testing.T) {
	u := newStoreUI(t)
	if err := u.LoadSample(); err != nil {
		t.Fatal(err)
	}
	u.settle(t)
	drain(u.ran)
	first := u.Attribute.LastRun
	if days, ok := lookbackDays(t, u, first); !ok || days != 30 {
		t.Fatalf("first run lookback_days %g (%v), want 30", days, ok)
	}
	if u.Attribute.Lookback.Text != "30d" || u.Attribute.Lookback.Disabled() {
		t.Fatalf("Lookback %q (disabled %v), want 30d", u.Attribute.Lookback.Text, u.Attribute.Lookback.Disabled())
	}
	orig := u.dataset(assets.SampleTouchesName)

	u.Attribute.Lookback.SetText("1h")
	r1h := u.runSettled(t, "1")
	if names := u.datasetNames(); len(names) != 1 || u.Attribute.DatasetPicker.Selected != assets.SampleTouchesName {
		t.Fatalf("datasets %v, picker %q after a 1h run; want the sample alone", names, u.Attribute.DatasetPicker.Selected)
	}
	v := orig.lookbacks[time.Hour]
	if v == nil || v.Summary.TouchesOutsideLookback <= orig.ds.Summary.TouchesOutsideLookback {
		t.Fatalf("1h journeys %v: want more touches outside the window than 30d's %d", v, orig.ds.Summary.TouchesOutsideLookback)
	}
	if days, ok := lookbackDays(t, u, r1h); !ok || days != 1.0/24 {
		t.Errorf("run lookback_days %g (%v), want 1/24", days, ok)
	}
	if r1h.Dataset != first.Dataset {
		t.Errorf("1h run on dataset %.12s, want the sample's %.12s", r1h.Dataset, first.Dataset)
	}
	if dss, err := u.st.Datasets(context.Background()); err != nil || len(dss) != 1 {
		t.Errorf("the store has %d datasets (%v), want 1", len(dss), err)
	}
	// The results are those of the 1h journeys.
	if got, want := u.Attribute.Results()[0].TotalConversions, v.Summary.Conversions-v.Summary.UnattributedConversions; got != want {
		t.Errorf("1h run attributed %g conversions, want %g", got, want)
	}

	// Back to 30d uses the original again.
	u.Attribute.Lookback.SetText("30d")
	r30 := u.runSettled(t, "1")
	if days, _ := lookbackDays(t, u, r30); r30.Dataset != first.Dataset || days != 30 {
		t.Errorf("30d run on %.12s with lookback %g; want %.12s and 30", r30.Dataset, days, first.Dataset)
	}

	// 0 is unlimited: no lookback_days param, as tracking records it.
	u.Attribute.Lookback.SetText("0")
	ru := u.runSettled(t, "1")
	if _, ok := lookbackDays(t, u, ru); ok || ru.Dataset != first.Dataset || orig.lookbacks[attribution.UnlimitedLookback] == nil {
		t.Errorf("unlimited: lookback_days recorded %v, dataset %.12s", ok, ru.Dataset)
	}

	// A bad lookback is said under the entry and nothing runs.
	before := len(allRuns(t, u.st))
	u.Attribute.Lookback.SetText("two weeks")
	if !u.Attribute.LookbackNote.Visible() || !strings.Contains(u.Attribute.LookbackNote.Text, "lookback") {
		t.Errorf("note visible %v: %q", u.Attribute.LookbackNote.Visible(), u.Attribute.LookbackNote.Text)
	}
	test.Tap(u.Attribute.RunBtn)
	if !strings.Contains(u.Attribute.Status.Text, "lookback") {
		t.Errorf("status %q", u.Attribute.Status.Text)
	}
	if n := len(allRuns(t, u.st)); n != before {
		t.Errorf("%d runs after a bad lookback, want %d", n, before)
	}
}

// TestLookbackReimportsFile re-reads a file with its column mapping and a
// new lookback; the run is on the file's one dataset, also after a new
// start; Compare calls two lookbacks of one file the same dataset.
func TestLookbackReimportsFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journeys.csv")
	if err := os.WriteFile(path, assets.SampleTouches, 0o644); err != nil {
		t.Fatal(err)
	}
	u := newStoreUI(t)
	u.importFile(t, path, nil)
	u.Attribute.choose("journeys.csv")
	r30 := u.runSettled(t, "1")
	u.Attribute.Lookback.SetText("2d")
	r := u.runSettled(t, "1")
	d := u.dataset("journeys.csv")
	if d == nil || len(u.datasets) != 1 || r.Dataset != d.info.Fingerprint || r30.Dataset != r.Dataset {
		t.Fatalf("datasets %v; runs on %.12s and %.12s", u.datasetNames(), r30.Dataset, r.Dataset)
	}
	if days, ok := lookbackDays(t, u, r); !ok || days != 2 {
		t.Errorf("run lookback_days %g (%v), want 2", days, ok)
	}

	u.compareTicked(t, r30.ID, r.ID)
	if c := u.Compare.Comparison(); !c.SameDataset || strings.Contains(u.Compare.Badge.Text, "Different") {
		t.Errorf("two lookbacks of one file: badge %q", u.Compare.Badge.Text)
	}

	// A new start lists the file once and runs it with lookback 2d again.
	again := newStoreUIOn(t, u.st)
	again.reloadStored(t)
	if again.Datasets.Entries() != 1 {
		t.Fatalf("%d entries after a new start, want 1", again.Datasets.Entries())
	}
	i, _ := again.entry(t, "journeys.csv")
	if err := again.selectEntry(t, i); err != nil {
		t.Fatal(err)
	}
	again.Attribute.choose("journeys.csv")
	again.Attribute.Lookback.SetText("2d")
	r2 := again.runSettled(t, "1")
	if days, _ := lookbackDays(t, again, r2); r2.Dataset != r.Dataset || days != 2 {
		t.Errorf("after a new start: run on %.12s with lookback %g, want %.12s and 2", r2.Dataset, days, r.Dataset)
	}
}

// TestLookbackNotForPathTables: a path table disables Lookback and says
// why.
func TestLookbackNotForPathTables(t *testing.T) {
	path := filepath.Join(t.TempDir(), "paths.csv")
	if err := os.WriteFile(path, []byte("path,conversions,null\nemail>search,3,1\nsearch,1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	u := newStoreUI(t)
	u.importFile(t, path, nil)
	if got := u.dataset("paths.csv").ds.Summary.Layout; got != attribution.LayoutPaths {
		t.Fatalf("layout %s", got)
	}
	u.Attribute.choose("paths.csv")
	if !u.Attribute.Lookback.Disabled() || !strings.Contains(u.Attribute.LookbackNote.Text, "path table") {
		t.Errorf("Lookback disabled %v, note %q", u.Attribute.Lookback.Disabled(), u.Attribute.LookbackNote.Text)
	}
	u.runSettled(t, "1")
	if len(u.datasets) != 1 {
		t.Errorf("%d datasets after running a path table, want 1", len(u.datasets))
	}
}

// TestLookbackReimportCancel cancels the import a new lookback starts:
// nothing is added or logged.
func TestLookbackReimportCancel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	if err := synth.WriteTouches(w, synth.Options{Rows: 1_000_000, Channels: 8, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	u := newStoreUI(t)
	u.importFile(t, path, nil)
	u.Attribute.choose("big.csv")
	u.Attribute.Lookback.SetText("3d")
	drain(u.ran)
	test.Tap(u.Attribute.RunBtn)
	if u.Attribute.CancelBtn.Disabled() {
		t.Fatal("Cancel is not offered during the import")
	}
	test.Tap(u.Attribute.CancelBtn)
	if err := waitFor(t, u.ran); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run ended with %v", err)
	}
	if len(u.datasets) != 1 || len(u.datasets[0].lookbacks) != 0 || len(allRuns(t, u.st)) != 0 || !strings.Contains(u.Attribute.Status.Text, "Cancelled") {
		t.Errorf("%d datasets, %d runs, status %q after cancelling", len(u.datasets), len(allRuns(t, u.st)), u.Attribute.Status.Text)
	}
	if !u.Attribute.CancelBtn.Disabled() || u.Attribute.RunBtn.Disabled() {
		t.Error("buttons not restored after cancelling")
	}
}
