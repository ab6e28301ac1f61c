package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/attrlab/attrlab/assets"
	"github.com/attrlab/attrlab/attribution"
	"github.com/attrlab/attrlab/tracking"
)

// reloadStored reads the store's datasets again and waits for the list.
func (s *storeUI) reloadStored(t *testing.T) {
	t.Helper()
	done := make(chan error, 10)
	s.Datasets.onStored = func(err error) { done <- err }
	s.Datasets.reloadStored()
	if err := waitFor(t, done); err != nil {
		t.Fatal(err)
	}
}

// settle waits for the runs table load a logged run started, so that it
// does not refresh the table while the test goes on.
func (s *storeUI) settle(t *testing.T) {
	t.Helper()
	if err := s.waitLoad(t, s.Runs.loads); err != nil {
		t.Fatal(err)
	}
}

// runSettled is run, then settle.
func (s *storeUI) runSettled(t *testing.T, order string) *tracking.Run {
	t.Helper()
	r := s.run(t, order, "")
	s.settle(t)
	return r
}

// importFile opens path on Datasets, lets set adjust the preview, taps
// Import and waits for it.
func (s *storeUI) importFile(t *testing.T, path string, set func()) {
	t.Helper()
	done := make(chan error, 1)
	s.Datasets.onImportEnd = func(err error) { done <- err }
	s.Datasets.OpenPath(path)
	if set != nil {
		set()
	}
	test.Tap(s.Datasets.ImportBtn)
	if err := waitFor(t, done); err != nil {
		t.Fatal(err)
	}
}

// entry finds the list entry named name.
func (s *storeUI) entry(t *testing.T, name string) (int, string) {
	t.Helper()
	var found []int
	for i := 0; i < s.Datasets.Entries(); i++ {
		if n, _ := s.Datasets.EntryText(i); n == name {
			found = append(found, i)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d entries named %s in the Datasets list, want 1", len(found), name)
	}
	_, details := s.Datasets.EntryText(found[0])
	return found[0], details
}

// selectEntry chooses entry i and waits for its load; it returns the
// load's error.
func (s *storeUI) selectEntry(t *testing.T, i int) error {
	t.Helper()
	done := make(chan error, 1)
	s.Datasets.onImportEnd = func(err error) { done <- err }
	s.Datasets.SelectEntry(i)
	return waitFor(t, done)
}

func storedDataset(t *testing.T, s *storeUI, name string) *tracking.DatasetInfo {
	t.Helper()
	dss, err := s.st.Datasets(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dss {
		if d.Name == name {
			return d
		}
	}
	t.Fatalf("dataset %s is not in the run store", name)
	return nil
}

// TestDatasetSavedAndLoadedOnNextStart imports a file, which records it
// in the run store; a new start lists it, not loaded, and choosing it
// loads it from its source.
func TestDatasetSavedAndLoadedOnNextStart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journeys.csv")
	if err := os.WriteFile(path, assets.SampleTouches, 0o644); err != nil {
		t.Fatal(err)
	}
	u := newStoreUI(t)
	u.importFile(t, path, nil)
	want := u.dataset("journeys.csv").ds.Summary
	info := storedDataset(t, u, "journeys.csv")
	if info.Source != path || info.Rows != want.RowsAccepted || info.Journeys != want.Journeys || info.Created.IsZero() {
		t.Errorf("stored %+v; want source %s, %d rows, %d journeys and a time", info, path, want.RowsAccepted, want.Journeys)
	}
	u.reloadStored(t)
	u.entry(t, "journeys.csv") // listed once although stored and loaded

	again := newStoreUIOn(t, u.st)
	again.reloadStored(t)
	i, details := again.entry(t, "journeys.csv")
	for _, w := range []string{"not loaded", path, "rows", "journeys", info.Created.Local().Format("2006-01-02")} {
		if !strings.Contains(details, w) {
			t.Errorf("entry details %q lack %q", details, w)
		}
	}
	if again.dataset("journeys.csv") != nil {
		t.Fatal("the stored dataset is loaded before it is chosen")
	}
	if err := again.selectEntry(t, i); err != nil {
		t.Fatal(err)
	}
	d := again.dataset("journeys.csv")
	if d == nil {
		t.Fatal("choosing the stored dataset did not load it")
	}
	if d.info.Fingerprint != info.Fingerprint || d.ds.Summary.RowsAccepted != want.RowsAccepted || d.ds.Summary.Conversions != want.Conversions {
		t.Errorf("loaded %.12s with %d rows, %g conversions; want %.12s, %d, %g", d.info.Fingerprint,
			d.ds.Summary.RowsAccepted, d.ds.Summary.Conversions, info.Fingerprint, want.RowsAccepted, want.Conversions)
	}
	if _, details := again.entry(t, "journeys.csv"); strings.Contains(details, "not loaded") {
		t.Errorf("entry still says %q after loading", details)
	}
	if !strings.Contains(strings.Join(again.Attribute.DatasetPicker.Options, "|"), "journeys.csv") {
		t.Errorf("Attribute offers %v, not the loaded dataset", again.Attribute.DatasetPicker.Options)
	}
}

// TestStoredDatasetKeepsImportOptions: a dataset imported with columns
// mapped by hand and run loads on a new start with the same mapping
// (recovered from the run), so its fingerprint matches.
func TestStoredDatasetKeepsImportOptions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "odd.csv")
	data := "who;when;src;did_buy\n" +
		"a;2025-01-01;email;0\n" +
		"a;2025-01-02;;1\n" +
		"b;2025-01-01;search;0\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	u := newStoreUI(t)
	u.importFile(t, path, func() {
		u.Datasets.layout.SetSelected(string(attribution.LayoutTouches))
		u.Datasets.SetMapping(attribution.FieldJourney, "who")
		u.Datasets.SetMapping(attribution.FieldTimestamp, "when")
		u.Datasets.SetMapping(attribution.FieldChannel, "src")
		u.Datasets.SetMapping(attribution.FieldConversion, "did_buy")
	})
	u.Attribute.choose("odd.csv")
	u.runSettled(t, "1")

	again := newStoreUIOn(t, u.st)
	again.reloadStored(t)
	i, _ := again.entry(t, "odd.csv")
	if err := again.selectEntry(t, i); err != nil {
		t.Fatalf("load with the recorded column mapping: %v", err)
	}
	if d := again.dataset("odd.csv"); d == nil || d.ds.Summary.Journeys != 2 || d.opts.Map["who"] != attribution.FieldJourney {
		t.Fatalf("loaded %+v", d)
	}
}

// TestStoredDatasetSourceGoneOrChanged: a stored dataset whose file is
// gone, or has changed, is not loaded and the user is told which.
func TestStoredDatasetSourceGoneOrChanged(t *testing.T) {
	dir := t.TempDir()
	changed, gone := filepath.Join(dir, "changed.csv"), filepath.Join(dir, "gone.csv")
	// Two files with other bytes: the same bytes are one dataset.
	extra := func(row string) []byte { return append(append([]byte{}, assets.SampleTouches...), row...) }
	if err := os.WriteFile(changed, assets.SampleTouches, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(gone, extra("yy,2025-01-01T00:00:00Z,email,1,5,0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	u := newStoreUI(t)
	u.importFile(t, changed, nil)
	u.importFile(t, gone, nil)
	if err := os.Remove(gone); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(changed, extra("zz,2025-01-01T00:00:00Z,email,1,5,0\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	again := newStoreUIOn(t, u.st)
	again.reloadStored(t)
	for _, c := range []struct{ name, says string }{
		{"gone.csv", "is gone"},
		{"changed.csv", "has changed since it was imported"},
	} {
		overlays := again.Window.Canvas().Overlays()
		for overlays.Top() != nil {
			overlays.Remove(overlays.Top())
		}
		i, _ := again.entry(t, c.name)
		if err := again.selectEntry(t, i); err == nil {
			t.Errorf("%s loaded", c.name)
		}
		if !strings.Contains(again.Datasets.Status.Text, c.says) {
			t.Errorf("%s: status %q does not say %q", c.name, again.Datasets.Status.Text, c.says)
		}
		if overlays.Top() == nil {
			t.Errorf("%s: no dialog", c.name)
		}
		if again.dataset(c.name) != nil {
			t.Errorf("%s was added", c.name)
		}
	}
}

// TestSampleListedOnce: the bundled sample, loaded at start and stored
// with its first run, is one entry.
func TestSampleListedOnce(t *testing.T) {
	u := newStoreUI(t)
	if err := u.Start(); err != nil {
		t.Fatal(err)
	}
	u.settle(t)
	u.reloadStored(t)
	_, details := u.entry(t, assets.SampleTouchesName)
	if !strings.Contains(details, "bundled sample") || strings.Contains(details, "not loaded") {
		t.Errorf("sample entry details %q", details)
	}
	again := newStoreUIOn(t, u.st)
	if err := again.Start(); err != nil {
		t.Fatal(err)
	}
	again.settle(t)
	again.reloadStored(t)
	again.entry(t, assets.SampleTouchesName)
}

// TestStoredDatasetWithRejectedRows: a dataset imported skipping bad rows
// loads on a new start, with its rejected rows listed again.
func TestStoredDatasetWithRejectedRows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.csv")
	data := "journey_id,timestamp,channel,conversion\n" +
		"a,2025-01-01,email,0\n" +
		"a,31/02/2024,email,1\n" +
		"b,2025-01-02,search,1\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	u := newStoreUI(t)
	importSkippingBad(t, u.UI, path)
	again := newStoreUIOn(t, u.st)
	again.reloadStored(t)
	i, _ := again.entry(t, "bad.csv")
	if err := again.selectEntry(t, i); err != nil {
		t.Fatal(err)
	}
	if d := again.dataset("bad.csv"); d == nil || len(d.rejected) != 1 || d.rejected[0].Err.Line != 3 {
		t.Fatalf("loaded %+v", d)
	}
	if v := again.Datasets.Rejected; !v.box.Visible() || v.CellText(0, 0) != "3" {
		t.Errorf("rejected rows not shown after loading: visible %v", v.box.Visible())
	}
}
