package app

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/attrlab/attrlab/attribution"
)

func newTestUI(t *testing.T) *UI {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	a := test.NewTempApp(t)
	installPump(t)
	return New(a, nil)
}

// waitFor waits for the UI to report the end of background work, running
// the UI callbacks that work posts meanwhile (see pump_test.go).
func waitFor(t *testing.T, ch <-chan error) error {
	t.Helper()
	var err error
	got := false
	pumpWait(t, "background work", func() bool {
		if got {
			return true
		}
		select {
		case err = <-ch:
			got = true
		default:
		}
		return got
	})
	return err
}

func TestFirstStartShowsSampleResults(t *testing.T) {
	u := newTestUI(t)
	if err := u.LoadSample(); err != nil {
		t.Fatal(err)
	}
	res := u.Attribute.Results()
	if len(res) != len(attribution.ModelNames()) {
		t.Fatalf("%d models ran on the sample, want all %d", len(res), len(attribution.ModelNames()))
	}
	rows, cols := u.Attribute.Table.Length()
	if rows != len(res[0].Channels) || cols != len(res) {
		t.Fatalf("results table is %dx%d, want %dx%d", rows, cols, len(res[0].Channels), len(res))
	}
	// Every model's column sums to the attributed total.
	const tol = 1e-9
	for _, r := range res {
		var sum float64
		for _, c := range r.Conversions {
			sum += c
		}
		if math.Abs(sum-r.TotalConversions) > tol*r.TotalConversions {
			t.Errorf("%s credits sum to %g, want %g", r.Model, sum, r.TotalConversions)
		}
	}
	if u.Current() != ScreenDatasets {
		t.Errorf("screen %q after start, want %q until the caller selects one", u.Current(), ScreenDatasets)
	}
}

func TestSidebarSwitchesScreens(t *testing.T) {
	u := newTestUI(t)
	for _, name := range screenOrder {
		u.Select(name)
		if u.Current() != name {
			t.Errorf("selected %s, showing %s", name, u.Current())
		}
	}
}

// TestImportReferenceTouchLogAndAttribute drives the import preview and
// the attribute screen on the reference touch log and reads the table.
func TestImportReferenceTouchLogAndAttribute(t *testing.T) {
	path := filepath.Join("..", "..", "shared", "data", "reference", "touches_small.csv")
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("reference data missing: %v", err)
	}
	u := newTestUI(t)
	done := make(chan error, 1)
	u.Datasets.onImportEnd = func(err error) { done <- err }
	u.Datasets.OpenPath(path)
	if got := u.Datasets.layout.Selected; got != string(attribution.LayoutTouches) {
		t.Fatalf("detected layout %q, want touches", got)
	}
	if got := u.Datasets.mapping[attribution.FieldJourney].Selected; got != "journey_id" {
		t.Fatalf("journey column mapped to %q", got)
	}
	test.Tap(u.Datasets.ImportBtn)
	if err := waitFor(t, done); err != nil {
		t.Fatal(err)
	}
	ran := make(chan error, 1)
	u.Attribute.onDone = func(err error) { ran <- err }
	u.Attribute.choose("touches_small.csv")
	test.Tap(u.Attribute.RunBtn)
	if err := waitFor(t, ran); err != nil {
		t.Fatal(err)
	}
	// Linear credit by hand (shared/data/reference/README.md): email gets
	// 1/3 of u1's conversion and 1/2 of u5's first: 0.8333 of 4 = 20.8%.
	res := u.Attribute.Results()
	col := -1
	for i, r := range res {
		if r.Model == attribution.Linear {
			col = i
		}
	}
	if col < 0 {
		t.Fatal("no linear column")
	}
	if got := u.Attribute.CellText(0, col); got != "0.83 (20.8%)" {
		t.Errorf("linear/email cell %q, want 0.83 (20.8%%)", got)
	}
	if !strings.Contains(u.Attribute.Status.Text, "4 conversions attributed") {
		t.Errorf("status %q", u.Attribute.Status.Text)
	}
}

// TestImportWithManualMapping imports a file whose columns match no alias,
// after choosing the layout and columns by hand.
func TestImportWithManualMapping(t *testing.T) {
	path := filepath.Join(t.TempDir(), "odd.csv")
	data := "who;when;src;did_buy\n" +
		"a;2025-01-01;email;0\n" +
		"a;2025-01-02;;1\n" +
		"b;2025-01-01;search;0\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	u := newTestUI(t)
	done := make(chan error, 1)
	u.Datasets.onImportEnd = func(err error) { done <- err }
	u.Datasets.OpenPath(path)
	if u.Datasets.preview.Layout != attribution.LayoutAuto || !strings.Contains(u.Datasets.Status.Text, "cannot tell") {
		t.Fatalf("layout should be undetected, status %q", u.Datasets.Status.Text)
	}
	u.Datasets.layout.SetSelected(string(attribution.LayoutTouches))
	u.Datasets.SetMapping(attribution.FieldJourney, "who")
	u.Datasets.SetMapping(attribution.FieldTimestamp, "when")
	u.Datasets.SetMapping(attribution.FieldChannel, "src")
	u.Datasets.SetMapping(attribution.FieldConversion, "did_buy")
	test.Tap(u.Datasets.ImportBtn)
	if err := waitFor(t, done); err != nil {
		t.Fatal(err)
	}
	d := u.dataset("odd.csv")
	if d == nil {
		t.Fatal("dataset not added")
	}
	if s := d.ds.Summary; s.Journeys != 2 || s.Conversions != 1 || s.NonConverting != 1 {
		t.Errorf("journeys %d conversions %g non-converting %g, want 2, 1, 1", s.Journeys, s.Conversions, s.NonConverting)
	}
}

// TestImportErrorShown checks that a bad row stops the import with a
// message naming file and line, and that nothing is added.
func TestImportErrorShown(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.csv")
	data := "journey_id,timestamp,channel,conversion\n" +
		"a,2025-01-01,email,0\n" +
		"a,31/02/2024,email,1\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	u := newTestUI(t)
	done := make(chan error, 1)
	u.Datasets.onImportEnd = func(err error) { done <- err }
	u.Datasets.OpenPath(path)
	test.Tap(u.Datasets.ImportBtn)
	err := waitFor(t, done)
	if err == nil {
		t.Fatal("import of a bad file succeeded")
	}
	if !strings.Contains(u.Datasets.Status.Text, "bad.csv:3") {
		t.Errorf("status %q does not name bad.csv:3", u.Datasets.Status.Text)
	}
	if len(u.datasets) != 0 {
		t.Errorf("%d datasets after a failed import, want 0", len(u.datasets))
	}
	if u.Window.Canvas().Overlays().Top() == nil {
		t.Error("no error dialog shown")
	}
}

// TestStoreErrorShown checks that a run store that cannot be opened is
// reported in a dialog that says what to do.
func TestStoreErrorShown(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	a := test.NewTempApp(t)
	w := ShowStoreError(a, "/nowhere/attrlab.db", errors.New("disk on fire"))
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no error dialog")
	}
	var texts []string
	for _, o := range test.LaidOutObjects(top) {
		if l, ok := o.(*widget.Label); ok {
			texts = append(texts, l.Text)
		}
	}
	all := strings.Join(texts, " ")
	if !strings.Contains(all, "disk on fire") || !strings.Contains(all, "ATTRLAB_DB") {
		t.Errorf("dialog says %q", all)
	}
}
