package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/attrlab/attrlab/tracking"
)

// Datasets can be renamed and deleted from the Datasets list. A rename is
// kept in the run store. A delete takes the dataset off every list and
// picker (and unloads it), with Undo. It is kept in the run store, so that
// every profile and the command line (attrlab datasets) agree; the record
// stays there, marked deleted, because the runs made on it keep pointing
// at it. Importing the same data again lists it again.

// hiddenPrefKey is the preference that hid a deleted dataset before
// deletes were kept in the store; such a dataset is deleted in the store
// when the list next loads (see DatasetsScreen.storedLoaded).
func hiddenPrefKey(fingerprint string) string { return "dataset.hidden." + fingerprint }

// datasetEditor holds the Datasets screen's Rename, Delete and Undo.
type datasetEditor struct {
	s *DatasetsScreen

	RenameBtn, DeleteBtn, UndoBtn *widget.Button
	undoLabel                     *widget.Label
	undoBar                       *fyne.Container
	// chosen is the fingerprint of the entry selected in the list.
	chosen string
	// undo restores the last delete; nil when there is none.
	undo func()
	// nameEntry is the open rename form's entry.
	nameEntry *widget.Entry
	onEdited  func(error) // for tests: a rename was saved (or failed)
}

func newDatasetEditor(s *DatasetsScreen) *datasetEditor {
	e := &datasetEditor{s: s}
	e.RenameBtn = widget.NewButton("Rename…", e.renameDialog)
	e.DeleteBtn = widget.NewButton("Delete…", e.deleteDialog)
	e.UndoBtn = widget.NewButton("Undo", e.undoDelete)
	e.undoLabel = newStatusLabel()
	e.undoBar = container.NewBorder(nil, nil, nil, e.UndoBtn, e.undoLabel)
	e.undoBar.Hide()
	e.RenameBtn.Disable()
	e.DeleteBtn.Disable()
	return e
}

// selected follows the list's selection.
func (e *datasetEditor) selected(fingerprint string) {
	e.chosen = fingerprint
	if fingerprint == "" {
		e.RenameBtn.Disable()
		e.DeleteBtn.Disable()
		return
	}
	e.RenameBtn.Enable()
	e.DeleteBtn.Enable()
}

// entry returns the chosen entry, if it is still listed.
func (e *datasetEditor) entry() (datasetEntry, bool) {
	for _, en := range e.s.entries {
		if en.info.Fingerprint == e.chosen {
			return en, true
		}
	}
	return datasetEntry{}, false
}

func (e *datasetEditor) renameDialog() {
	en, ok := e.entry()
	if !ok {
		e.s.Status.SetText("Click a dataset in the list first, then Rename.")
		return
	}
	old := en.name()
	e.nameEntry = widget.NewEntry()
	e.nameEntry.SetText(old)
	e.nameEntry.Validator = func(t string) error {
		t = strings.TrimSpace(t)
		switch {
		case t == "":
			return errors.New("a dataset needs a name")
		case t != old && slices.Contains(e.s.ui.datasetNames(), t):
			return fmt.Errorf("another dataset is called %q", t)
		}
		return nil
	}
	showForm(e.s.ui, "Rename dataset", "Rename", []*widget.FormItem{widget.NewFormItem("Name", e.nameEntry)}, func() {
		e.rename(en, old, strings.TrimSpace(e.nameEntry.Text))
	})
}

// rename renames a dataset in the session, the pickers and the store.
func (e *datasetEditor) rename(en datasetEntry, old, name string) {
	u := e.s.ui
	if name == old {
		return
	}
	if en.loaded != nil {
		en.loaded.name = name
	}
	fp := en.info.Fingerprint
	for _, info := range e.s.stored {
		if info.Fingerprint == fp {
			info.Name = name
		}
	}
	e.s.rebuildEntries()
	for _, p := range []*widget.Select{u.Attribute.DatasetPicker, u.budget().DatasetPicker} {
		if p.Selected == old {
			p.Selected = name
			p.Refresh()
		}
	}
	if u.budget().dataset == old {
		u.budget().dataset = name
	}
	e.s.Status.SetText(fmt.Sprintf("Renamed %s to %s.", old, name))
	st := u.Store
	if st == nil {
		return
	}
	go func() {
		err := st.SetDatasetName(context.Background(), fp, name)
		if errors.Is(err, tracking.ErrNotFound) {
			err = nil // loaded but not stored (the store could not save it): nothing to rename there
		}
		onUI(func() {
			if err != nil {
				e.s.Status.SetText(fmt.Sprintf("Renamed %s to %s for this session only: %v", old, name, err))
				u.showError("Rename "+old, err, "The new name holds until the app closes. Check that the run store is on a writable disk, then rename it again.")
			}
			if e.onEdited != nil {
				e.onEdited(err)
			}
		})
	}()
}

func (e *datasetEditor) deleteDialog() {
	en, ok := e.entry()
	if !ok {
		e.s.Status.SetText("Click a dataset in the list first, then Delete.")
		return
	}
	name := en.name()
	showConfirm(e.s.ui, "Delete dataset", fmt.Sprintf("Delete %s from the datasets?\n\nRuns made on it stay in Runs, and the file itself is not touched. You can undo this.", name), "Delete", func() {
		e.delete(en)
	})
}

// delete takes a dataset off the lists and pickers and unloads it.
func (e *datasetEditor) delete(en datasetEntry) {
	u := e.s.ui
	fp := en.info.Fingerprint
	e.s.deleted[fp] = true // off the list at once; the store follows
	e.markDeleted(fp, true)
	at := slices.Index(u.datasets, en.loaded)
	if at >= 0 {
		u.datasets = slices.Delete(slices.Clone(u.datasets), at, at+1)
	}
	name := en.name()
	for _, p := range []*widget.Select{u.Attribute.DatasetPicker, u.budget().DatasetPicker} {
		if p.Selected == name {
			p.ClearSelected()
		}
	}
	if b := u.budget(); b.dataset == name {
		b.dataset, b.results = "", nil
		b.clearProposal()
		b.rows, b.rowsBox.Objects = nil, nil
		b.rowsBox.Refresh()
		b.setStatus("Choose a dataset: its models' credit is shared out as a budget.", widget.MediumImportance)
	}
	e.s.list.UnselectAll()
	e.selected("")
	e.s.report.SetText("")
	e.s.Rejected.show(nil)
	e.s.rebuildEntries()
	e.undo = func() {
		delete(e.s.deleted, fp)
		e.markDeleted(fp, false)
		if en.loaded != nil && u.dataset(en.loaded.name) == nil {
			u.addDataset(en.loaded) // lists it again, selected
		} else {
			e.s.rebuildEntries()
		}
	}
	e.undoLabel.SetText(fmt.Sprintf("Deleted %s. Its runs stay in Runs.", name))
	e.undoBar.Show()
	e.s.Status.SetText("")
}

func (e *datasetEditor) undoDelete() {
	if e.undo != nil {
		e.undo()
	}
	e.undo = nil
	e.undoBar.Hide()
}

// markDeleted deletes (or restores) a dataset in the run store, off the UI
// thread. A dataset the store does not hold (it could not save it) is only
// in this session, so there is nothing to mark.
func (e *datasetEditor) markDeleted(fp string, deleted bool) {
	st := e.s.ui.Store
	if st == nil {
		return
	}
	go func() {
		mark, what := st.DeleteDataset, "Delete dataset"
		if !deleted {
			mark, what = st.RestoreDataset, "Undo delete"
		}
		err := mark(context.Background(), fp)
		if errors.Is(err, tracking.ErrNotFound) {
			err = nil
		}
		onUI(func() {
			if err != nil {
				e.s.ui.showError(what, err, "Check that the run store is on a writable disk, then try again.")
			}
			if e.onEdited != nil {
				e.onEdited(err)
			}
		})
	}()
}
