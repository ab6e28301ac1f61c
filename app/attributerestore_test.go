package app

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/attrlab/attrlab/assets"
	"github.com/attrlab/attrlab/attribution"
)

// TestRestartRestoresAttribute: the user ticks two models, sets Markov
// order 2 and other options and runs; after a restart on the same store
// and preferences, Attribute shows the same form and that run's results
// (read back from the store), not the defaults and an empty table.
func TestRestartRestoresAttribute(t *testing.T) {
	u := newStoreUI(t)
	if err := u.Start(); err != nil {
		t.Fatal(err)
	}
	u.settle(t)
	a := u.Attribute
	a.Models.SetSelected([]string{attribution.Linear, attribution.Markov})
	a.Order.SetSelected("2")
	a.HalfLife.SetText("3d")
	a.Direct.SetText("direct, organic")
	a.Experiment.SetText("spring")
	drain(u.ran)
	test.Tap(a.RunBtn)
	if err := waitFor(t, u.ran); err != nil {
		t.Fatal(err)
	}
	u.settle(t)
	want, ran := a.Results(), a.LastRun
	if len(want) != 2 || ran == nil {
		t.Fatalf("the run gave %d results, run %v", len(want), ran)
	}

	again := newStoreUIOnApp(t, u)
	shown := make(chan error, 1)
	again.Attribute.onLastRun = func(err error) { shown <- err }
	if err := again.Start(); err != nil {
		t.Fatal(err)
	}
	if err := waitFor(t, shown); err != nil {
		t.Fatal(err)
	}
	b := again.Attribute
	if got := b.Models.Ticked(); !slices.Equal(got, []string{attribution.Linear, attribution.Markov}) && !slices.Equal(got, []string{attribution.Markov, attribution.Linear}) {
		t.Errorf("models ticked after restart: %v", got)
	}
	if b.Order.Selected != "2" || b.HalfLife.Text != "3d" || b.Direct.Text != "direct, organic" || b.Experiment.Text != "spring" {
		t.Errorf("form after restart: order %q, half-life %q, direct %q, experiment %q", b.Order.Selected, b.HalfLife.Text, b.Direct.Text, b.Experiment.Text)
	}
	if b.LastRun == nil || b.LastRun.ID != ran.ID {
		t.Fatalf("last run after restart %v, want %s", b.LastRun, ran.ID)
	}
	got := b.Results()
	if len(got) != len(want) {
		t.Fatalf("%d results after restart, want %d", len(got), len(want))
	}
	for _, w := range want {
		i := slices.IndexFunc(got, func(r *attribution.Result) bool { return r.Model == w.Model })
		if i < 0 {
			t.Fatalf("model %s missing after restart", w.Model)
		}
		for c, ch := range w.Channels {
			j := slices.Index(got[i].Channels, ch)
			if j < 0 || math.Abs(got[i].Share[j]-w.Share[c]) > 1e-12 || math.Abs(got[i].Conversions[j]-w.Conversions[c]) > 1e-9 {
				t.Fatalf("%s %s after restart differs from the run", w.Model, ch)
			}
		}
	}
	if !strings.Contains(b.Status.Text, "Last run") || b.Chart.Chart() == nil || b.ExportCSV.Disabled() {
		t.Errorf("status %q, chart %v, export enabled %v", b.Status.Text, b.Chart.Chart() != nil, !b.ExportCSV.Disabled())
	}
}

// TestRestartRestoresImportedDataset: after a Run on an imported file, a
// restart (same store and preferences) chooses that dataset again once the
// store's datasets are listed, and shows its last run, not the sample's.
func TestRestartRestoresImportedDataset(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journeys.csv")
	half := assets.SampleTouches[:len(assets.SampleTouches)/2]
	half = half[:bytes.LastIndexByte(half, '\n')+1] // other data than the sample
	if err := os.WriteFile(path, half, 0o644); err != nil {
		t.Fatal(err)
	}
	u := newStoreUI(t)
	if err := u.Start(); err != nil {
		t.Fatal(err)
	}
	u.settle(t)
	u.importFile(t, path, nil)
	u.Attribute.choose("journeys.csv")
	drain(u.ran)
	test.Tap(u.Attribute.RunBtn)
	if err := waitFor(t, u.ran); err != nil {
		t.Fatal(err)
	}
	u.settle(t)
	ran := u.Attribute.LastRun

	again := newStoreUIOnApp(t, u)
	shown := make(chan error, 4)
	again.Attribute.onLastRun = func(err error) { shown <- err }
	if err := again.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); ; {
		select {
		case err := <-shown:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(20 * time.Millisecond):
			pump()
		}
		if r := again.Attribute.LastRun; r != nil && r.ID == ran.ID {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after a restart Attribute shows run %v on %q, want %s on journeys.csv", again.Attribute.LastRun, again.Attribute.DatasetPicker.Selected, ran.ID)
		}
	}
	if got := again.Attribute.DatasetPicker.Selected; got != "journeys.csv" {
		t.Errorf("Attribute chose %q after a restart, want journeys.csv", got)
	}
	if len(again.Attribute.Results()) != 7 {
		t.Errorf("%d results shown", len(again.Attribute.Results()))
	}
}

// TestSwitchingDatasetsShowsEachOnesRun: the user runs on the sample,
// imports a file and chooses it: the sample's results and status are not
// left on show for it. After a run on the file, choosing the sample again
// shows the sample's last run from the store, and the status names the
// sample.
func TestSwitchingDatasetsShowsEachOnesRun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journeys.csv")
	half := assets.SampleTouches[:len(assets.SampleTouches)/2]
	half = half[:bytes.LastIndexByte(half, '\n')+1]
	if err := os.WriteFile(path, half, 0o644); err != nil {
		t.Fatal(err)
	}
	u := newStoreUI(t)
	if err := u.Start(); err != nil {
		t.Fatal(err)
	}
	u.settle(t)
	a := u.Attribute
	sample := a.DatasetPicker.Selected
	drain(u.ran)
	test.Tap(a.RunBtn)
	if err := waitFor(t, u.ran); err != nil {
		t.Fatal(err)
	}
	u.settle(t)
	onSample := a.LastRun
	if onSample == nil || len(a.Results()) == 0 {
		t.Fatal("no run on the sample")
	}

	u.importFile(t, path, nil)
	shown := make(chan error, 4)
	a.onLastRun = func(err error) { shown <- err }
	a.choose("journeys.csv")
	pump()
	if len(a.Results()) != 0 || a.LastRun != nil {
		t.Errorf("journeys.csv chosen, never run: %d results of run %v still on show", len(a.Results()), a.LastRun)
	}
	if st := a.Status.Text; strings.Contains(st, sample) || !strings.Contains(st, "journeys.csv") {
		t.Errorf("status after choosing journeys.csv: %q", st)
	}
	drain(u.ran)
	test.Tap(a.RunBtn)
	if err := waitFor(t, u.ran); err != nil {
		t.Fatal(err)
	}
	u.settle(t)
	if a.LastRun == nil || a.LastRun.ID == onSample.ID {
		t.Fatalf("run on journeys.csv: %v", a.LastRun)
	}

	drain(shown)
	a.choose(sample)
	for deadline := time.Now().Add(20 * time.Second); a.LastRun == nil || a.LastRun.ID != onSample.ID; {
		select {
		case <-shown:
		case <-time.After(20 * time.Millisecond):
			pump()
		}
		if time.Now().After(deadline) {
			t.Fatalf("back on %s, Attribute shows run %v, want its last run %s", sample, a.LastRun, onSample.ID)
		}
	}
	if st := a.Status.Text; !strings.Contains(st, sample) || strings.Contains(st, "journeys.csv") {
		t.Errorf("status back on the sample: %q", st)
	}
}
