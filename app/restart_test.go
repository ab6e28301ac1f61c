package app

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/attrlab/attrlab/assets"
)

// TestRestartAttributeImportedDataset: after a restart on the same store,
// a dataset imported earlier is offered in Attribute and Budget without
// visiting Datasets, and choosing it loads and attributes it.
func TestRestartAttributeImportedDataset(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journeys.csv")
	half := assets.SampleTouches[:len(assets.SampleTouches)/2]
	half = half[:bytes.LastIndexByte(half, '\n')+1] // whole rows, other data than the sample
	if err := os.WriteFile(path, half, 0o644); err != nil {
		t.Fatal(err)
	}
	u := newStoreUI(t)
	if err := u.Start(); err != nil {
		t.Fatal(err)
	}
	u.settle(t)
	u.importFile(t, path, nil)
	want := u.dataset("journeys.csv").info.Fingerprint

	again := newStoreUIOn(t, u.st)
	if err := again.Start(); err != nil {
		t.Fatal(err)
	}
	again.reloadStored(t) // the store's datasets are read at start
	again.Select(ScreenAttribute)
	if opts := again.Attribute.DatasetPicker.Options; !slices.Contains(opts, "journeys.csv") {
		t.Fatalf("Attribute offers %v after a restart, not journeys.csv", opts)
	}
	budget := again.screens[ScreenBudget].(*budgetView).s
	if opts := budget.DatasetPicker.Options; !slices.Contains(opts, "journeys.csv") {
		t.Fatalf("Budget offers %v after a restart, not journeys.csv", opts)
	}
	loaded := make(chan error, 1)
	again.Datasets.onImportEnd = func(err error) { loaded <- err }
	again.Attribute.choose("journeys.csv")
	if err := waitFor(t, loaded); err != nil {
		t.Fatal(err)
	}
	if again.dataset("journeys.csv") == nil || again.Attribute.Lookback.Text != "30d" {
		t.Fatalf("choosing journeys.csv loaded %v; lookback %q", again.datasetNames(), again.Attribute.Lookback.Text)
	}
	drain(again.ran)
	test.Tap(again.Attribute.RunBtn)
	if err := waitFor(t, again.ran); err != nil {
		t.Fatal(err)
	}
	if r := again.Attribute.LastRun; r == nil || r.Dataset != want {
		t.Fatalf("run %+v, want one on dataset %.12s", r, want)
	}
	again.settle(t)

	// Budget, on a third start, loads it too when chosen there.
	third := newStoreUIOn(t, u.st)
	if err := third.Start(); err != nil {
		t.Fatal(err)
	}
	third.settle(t)
	third.reloadStored(t)
	s, updated := openBudget(t, third.UI)
	drain(updated)
	s.DatasetPicker.SetSelected("journeys.csv")
	if err := waitFor(t, updated); err != nil {
		t.Fatal(err)
	}
	if third.dataset("journeys.csv") == nil || s.Budget() == nil || s.dataset != "journeys.csv" {
		t.Fatalf("Budget on journeys.csv: loaded %v, budget %v", third.datasetNames(), s.Budget())
	}
}
