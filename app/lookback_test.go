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

// TestLookbackReimportsSample: a lookback other than the dataset's imports
// the bundled sample again with it, keeps both versions, and logs the run
// with the lookback it used; a bad lookback is said inline and runs
// nothing.
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

	u.Attribute.Lookback.SetText("1h")
	r14 := u.runSettled(t, "1")
	const name = "sample_touches.csv (lookback 1h)"
	v := u.dataset(name)
	if v == nil {
		t.Fatalf("no dataset %q; have %v", name, u.datasetNames())
	}
	orig := u.dataset(assets.SampleTouchesName)
	if orig == nil {
		t.Fatal("the original sample is gone")
	}
	if v.opts.Lookback != time.Hour || v.ds.Summary.TouchesOutsideLookback <= orig.ds.Summary.TouchesOutsideLookback {
		t.Errorf("1h version: lookback %v, %d touches outside (30d: %d); want more outside", v.opts.Lookback,
			v.ds.Summary.TouchesOutsideLookback, orig.ds.Summary.TouchesOutsideLookback)
	}
	if days, ok := lookbackDays(t, u, r14); !ok || days != 1.0/24 {
		t.Errorf("run lookback_days %g (%v), want 1/24", days, ok)
	}
	if r14.Dataset != v.info.Fingerprint || r14.Dataset == first.Dataset {
		t.Errorf("run dataset %.12s, want the 1h version %.12s (not %.12s)", r14.Dataset, v.info.Fingerprint, first.Dataset)
	}
	if info := storedDataset(t, u, name); info.Fingerprint != v.info.Fingerprint {
		t.Errorf("the store lists %s as %.12s, want %.12s", name, info.Fingerprint, v.info.Fingerprint)
	}
	if u.Attribute.DatasetPicker.Selected != name {
		t.Errorf("picker shows %q after the run", u.Attribute.DatasetPicker.Selected)
	}

	// Back to 30d uses the original again, with no new import.
	u.Attribute.Lookback.SetText("30d")
	r30 := u.runSettled(t, "1")
	if r30.Dataset != first.Dataset || len(u.datasets) != 2 {
		t.Errorf("30d run on %.12s with %d datasets; want the original %.12s and 2", r30.Dataset, len(u.datasets), first.Dataset)
	}

	// 0 is unlimited: no lookback_days param, as tracking records it.
	u.Attribute.Lookback.SetText("0")
	ru := u.runSettled(t, "1")
	if _, ok := lookbackDays(t, u, ru); ok || u.dataset("sample_touches.csv (lookback unlimited)") == nil {
		t.Errorf("unlimited: lookback_days recorded %v, datasets %v", ok, u.datasetNames())
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

	// Choosing a version shows its lookback.
	u.Attribute.choose(name)
	if u.Attribute.Lookback.Text != "1h" || u.Attribute.LookbackNote.Visible() {
		t.Errorf("choosing %s shows lookback %q, note %q", name, u.Attribute.Lookback.Text, u.Attribute.LookbackNote.Text)
	}
}

// TestLookbackReimportsFile re-imports a file with its column mapping
// and a new lookback.
func TestLookbackReimportsFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journeys.csv")
	if err := os.WriteFile(path, assets.SampleTouches, 0o644); err != nil {
		t.Fatal(err)
	}
	u := newStoreUI(t)
	u.importFile(t, path, nil)
	u.Attribute.choose("journeys.csv")
	u.Attribute.Lookback.SetText("2d")
	r := u.runSettled(t, "1")
	v := u.dataset("journeys.csv (lookback 2d)")
	if v == nil || v.info.Source != path || r.Dataset != v.info.Fingerprint {
		t.Fatalf("version %+v, run dataset %.12s", v, r.Dataset)
	}
	if days, ok := lookbackDays(t, u, r); !ok || days != 2 {
		t.Errorf("run lookback_days %g (%v), want 2", days, ok)
	}

	// A new start lists the version and loads it with its lookback.
	again := newStoreUIOn(t, u.st)
	again.reloadStored(t)
	i, _ := again.entry(t, "journeys.csv (lookback 2d)")
	if err := again.selectEntry(t, i); err != nil {
		t.Fatal(err)
	}
	if d := again.dataset("journeys.csv (lookback 2d)"); d == nil || d.opts.Lookback != 48*time.Hour || d.info.Fingerprint != v.info.Fingerprint {
		t.Errorf("loaded %+v", d)
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
	if len(u.datasets) != 1 || len(allRuns(t, u.st)) != 0 || !strings.Contains(u.Attribute.Status.Text, "Cancelled") {
		t.Errorf("%d datasets, %d runs, status %q after cancelling", len(u.datasets), len(allRuns(t, u.st)), u.Attribute.Status.Text)
	}
	if !u.Attribute.CancelBtn.Disabled() || u.Attribute.RunBtn.Disabled() {
		t.Error("buttons not restored after cancelling")
	}
}
