package app

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/attrlab/attrlab/assets"
	"github.com/attrlab/attrlab/tracking"
)

// pressEnter types Enter where the keyboard focus is, or on the canvas.
func pressEnter(w fyne.Window) {
	c := w.Canvas()
	ev := &fyne.KeyEvent{Name: fyne.KeyReturn}
	if f := c.Focused(); f != nil {
		f.TypedKey(ev)
		return
	}
	if h := c.OnTypedKey(); h != nil {
		h(ev)
	}
}

// TestRenameAndDeleteDataset renames a dataset from the Datasets list (the
// name field has the focus, Enter saves) and deletes it (Enter confirms),
// with Undo; its runs keep their dataset record, and a new start keeps the
// new name and leaves the deleted dataset out.
func TestRenameAndDeleteDataset(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journeys.csv")
	if err := os.WriteFile(path, assets.SampleTouches, 0o644); err != nil {
		t.Fatal(err)
	}
	u := newStoreUI(t)
	u.importFile(t, path, nil)
	u.Attribute.choose("journeys.csv")
	run := u.runSettled(t, "1")
	fp := u.dataset("journeys.csv").info.Fingerprint

	i, _ := u.entry(t, "journeys.csv")
	u.Datasets.SelectEntry(i)
	edited := make(chan error, 4)
	u.Datasets.Edit.onEdited = func(err error) { edited <- err }
	test.Tap(u.Datasets.Edit.RenameBtn)
	e := u.Datasets.Edit.nameEntry
	if u.Window.Canvas().Focused() != e {
		t.Fatalf("the rename form's name field does not have the focus (%v)", u.Window.Canvas().Focused())
	}
	e.SetText("")
	test.Type(e, "Spring campaign")
	pressEnter(u.Window)
	if err := waitFor(t, edited); err != nil {
		t.Fatal(err)
	}
	if u.Window.Canvas().Overlays().Top() != nil {
		t.Errorf("the form is still open after Enter: %q", topDialogText(u.Window))
	}
	if storedDataset(t, u, "Spring campaign").Fingerprint != fp || u.dataset("Spring campaign") == nil {
		t.Fatalf("renamed: store or session lack %q (%v)", "Spring campaign", u.datasetNames())
	}
	if got := u.Attribute.DatasetPicker.Selected; got != "Spring campaign" || !slices.Contains(u.Attribute.DatasetPicker.Options, got) {
		t.Errorf("Attribute shows %q of %v", got, u.Attribute.DatasetPicker.Options)
	}

	// Delete: Enter confirms; Undo brings it back; delete again.
	for round := 0; round < 2; round++ {
		i, _ = u.entry(t, "Spring campaign")
		u.Datasets.SelectEntry(i)
		test.Tap(u.Datasets.Edit.DeleteBtn)
		if !strings.Contains(topDialogText(u.Window), "Runs made on it stay") {
			t.Fatalf("delete asks %q", topDialogText(u.Window))
		}
		pressEnter(u.Window)
		if u.Window.Canvas().Overlays().Top() != nil {
			t.Fatalf("the confirmation is still open after Enter")
		}
		if err := waitFor(t, edited); err != nil {
			t.Fatal(err)
		}
		if dss, _ := u.st.Datasets(context.Background()); len(dss) != 0 {
			t.Fatalf("after delete the run store still lists %d datasets (another profile or the CLI would see it)", len(dss))
		}
		if u.Datasets.Entries() != 0 || len(u.Attribute.DatasetPicker.Options) != 0 || u.Attribute.DatasetPicker.Selected != "" {
			t.Fatalf("after delete: %d entries, Attribute offers %v (%q)", u.Datasets.Entries(), u.Attribute.DatasetPicker.Options, u.Attribute.DatasetPicker.Selected)
		}
		if round == 0 {
			test.Tap(u.Datasets.Edit.UndoBtn)
			if err := waitFor(t, edited); err != nil {
				t.Fatal(err)
			}
			if dss, _ := u.st.Datasets(context.Background()); len(dss) != 1 {
				t.Fatalf("after Undo the run store lists %d datasets, want 1", len(dss))
			}
			if u.dataset("Spring campaign") == nil || !slices.Contains(u.Attribute.DatasetPicker.Options, "Spring campaign") {
				t.Fatalf("Undo did not bring it back: %v", u.datasetNames())
			}
		}
	}
	full, err := u.st.Run(context.Background(), run.ID)
	if err != nil || full.Dataset != fp {
		t.Fatalf("the run's dataset is %.12s (%v), want %.12s", full.Dataset, err, fp)
	}
	// The record the run points at stays, marked deleted.
	if d, deleted, err := u.st.Dataset(context.Background(), fp); err != nil || !deleted || d.Name != "Spring campaign" {
		t.Fatalf("the run's dataset record: %+v, deleted %v, %v", d, deleted, err)
	}

	// A new start with another profile (fresh preferences) does not list
	// it: the delete is in the store, not in one profile's preferences.
	other := newStoreUIOn(t, u.st)
	other.reloadStored(t)
	if other.Datasets.Entries() != 0 {
		t.Errorf("another profile lists the deleted dataset")
	}
	// A new start (same preferences) does not list it; importing the
	// file again does.
	again := newStoreUIOnApp(t, u)
	again.reloadStored(t)
	if again.Datasets.Entries() != 0 {
		t.Errorf("a new start lists the deleted dataset")
	}
	again.importFile(t, path, nil)
	again.reloadStored(t)
	if again.Datasets.Entries() != 1 {
		t.Errorf("importing it again lists %d entries, want 1", again.Datasets.Entries())
	}
}

// newStoreUIOnApp builds a UI on prev's app and store: a new start of the
// app with the same preferences.
func newStoreUIOnApp(t *testing.T, prev *storeUI) *storeUI {
	t.Helper()
	s := &storeUI{UI: New(prev.App, prev.st), st: prev.st,
		ran: make(chan error, 100), loads: make(chan loadMsg, 100), edits: make(chan loadMsg, 100), cmp: make(chan error, 100)}
	s.Attribute.onDone = func(err error) { s.ran <- err }
	s.Runs.onLoaded = func(n int, err error) { s.loads <- loadMsg{n, err} }
	s.Runs.onEdited = func(n int, err error) { s.edits <- loadMsg{n, err} }
	s.Compare.onLoaded = func(err error) { s.cmp <- err }
	return s
}

// TestRunRenameByKeyboard: the Runs screen's rename form has the focus in
// its name field and Enter saves it.
func TestRunRenameByKeyboard(t *testing.T) {
	u := newStoreUI(t)
	if err := u.Start(); err != nil {
		t.Fatal(err)
	}
	if err := u.next(t, func() { u.Select(ScreenRuns) }); err != nil {
		t.Fatal(err)
	}
	id := u.Runs.Runs()[0].ID
	u.Runs.Table.Select(widget.TableCellID{Row: 0, Col: 1})
	test.Tap(u.Runs.RenameBtn)
	if u.Window.Canvas().Focused() != u.Runs.nameEntry {
		t.Fatal("the rename form's name field does not have the focus")
	}
	u.Runs.nameEntry.SetText("")
	test.Type(u.Runs.nameEntry, "baseline")
	pressEnter(u.Window)
	u.afterEdit(t)
	if r, _ := u.st.Run(context.Background(), id); r.Name != "baseline" {
		t.Errorf("Enter saved the name %q", r.Name)
	}
}

// TestOldHiddenDatasetMovesToStore: a dataset an older version hid in this
// profile's preferences is deleted in the run store at the next start, so
// that other profiles and the command line stop listing it too.
func TestOldHiddenDatasetMovesToStore(t *testing.T) {
	u := newStoreUI(t)
	info := &tracking.DatasetInfo{Fingerprint: strings.Repeat("d", 64), Name: "old.csv", Source: "/x/old.csv", Layout: "paths"}
	if err := u.st.PutDataset(context.Background(), info); err != nil {
		t.Fatal(err)
	}
	u.App.Preferences().SetBool(hiddenPrefKey(info.Fingerprint), true)
	u.reloadStored(t)
	if u.Datasets.Entries() != 0 {
		t.Fatalf("the hidden dataset is listed")
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, deleted, err := u.st.Dataset(context.Background(), info.Fingerprint)
		if err != nil {
			t.Fatal(err)
		}
		if deleted && !u.App.Preferences().Bool(hiddenPrefKey(info.Fingerprint)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the store has not deleted the hidden dataset (deleted %v)", deleted)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
