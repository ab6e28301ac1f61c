package app

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	fstorage "fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/attrlab/attrlab/report"
	"github.com/attrlab/attrlab/storage"
	"github.com/attrlab/attrlab/tracking"
)

// findButton returns the button labelled text under o, or nil.
func findButton(o fyne.CanvasObject, text string) *widget.Button {
	if b, ok := o.(*widget.Button); ok && b.Text == text {
		return b
	}
	var kids []fyne.CanvasObject
	switch x := o.(type) {
	case *fyne.Container:
		kids = x.Objects
	case fyne.Widget:
		kids = test.WidgetRenderer(x).Objects()
	}
	for _, k := range kids {
		if b := findButton(k, text); b != nil {
			return b
		}
	}
	return nil
}

// TestSaveDialogWriterTouchesNothing: the writer Fyne's save dialog hands
// over is closed unused, and then leaves an existing file as it was and
// creates no new one; written to, it writes.
func TestSaveDialogWriterTouchesNothing(t *testing.T) {
	newTestUI(t)
	useLazyFileWriters()
	dir := t.TempDir()
	existing := filepath.Join(dir, "mine.csv")
	os.WriteFile(existing, []byte("keep me\n"), 0o644)
	for _, p := range []string{existing, filepath.Join(dir, "new.csv")} {
		w, err := fstorage.Writer(fstorage.NewFileURI(p))
		if err != nil {
			t.Fatal(err)
		}
		w.Close()
	}
	if b, _ := os.ReadFile(existing); string(b) != "keep me\n" {
		t.Errorf("the dialog's writer changed an existing file to %q", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "new.csv")); err == nil {
		t.Error("the dialog's writer created an empty file")
	}
	w, _ := fstorage.Writer(fstorage.NewFileURI(filepath.Join(dir, "written.csv")))
	fmt.Fprint(w, "data")
	w.Close()
	if b, _ := os.ReadFile(filepath.Join(dir, "written.csv")); string(b) != "data" {
		t.Errorf("a used writer wrote %q", b)
	}
}

// TestSaveOverwritePaths is the app's overwrite table: a new file is
// written; an existing one is replaced only once confirmed (by Fyne's
// dialog or the app's own); a file the app reads (the run store, a
// dataset's source, a file opened in the app) or another SQLite database
// is never replaced, even confirmed.
func TestSaveOverwritePaths(t *testing.T) {
	u := newTestUI(t)
	dir := t.TempDir()
	st, err := storage.Open(filepath.Join(dir, "runs.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	u.Store = st
	source := filepath.Join(dir, "journeys.csv")
	opened := filepath.Join(dir, "spend.csv")
	os.WriteFile(source, []byte("path,total_conversions\nemail,1\n"), 0o644)
	os.WriteFile(opened, []byte("channel,spend\nemail,10\n"), 0o644)
	u.datasets = append(u.datasets, &loadedDataset{name: "journeys", info: &tracking.DatasetInfo{Source: source}})
	u.opened = append(u.opened, opened)
	write := func(w io.Writer) error { _, err := io.WriteString(w, "new,data\n"); return err }
	save := func(path string, confirmed bool) {
		saveChecked(u, path, confirmed, func(force bool) error { return report.WriteFile(path, force, write) })
	}
	overlays := u.Window.Canvas().Overlays()
	clear := func() {
		for overlays.Top() != nil {
			overlays.Remove(overlays.Top())
		}
	}

	fresh := filepath.Join(dir, "fresh.csv")
	save(fresh, false)
	if b, _ := os.ReadFile(fresh); string(b) != "new,data\n" || !strings.Contains(topDialogText(u.Window), "Saved to "+fresh) {
		t.Errorf("a new file: %q, dialog %q (want it to say where it saved)", b, topDialogText(u.Window))
	}
	clear()

	mine := filepath.Join(dir, "mine.csv")
	for _, confirmed := range []bool{false, true} {
		os.WriteFile(mine, []byte("keep me\n"), 0o644)
		save(mine, confirmed)
		b, _ := os.ReadFile(mine)
		switch {
		case confirmed && string(b) != "new,data\n":
			t.Errorf("confirmed in Fyne's dialog, the file is %q", b)
		case !confirmed && string(b) != "keep me\n":
			t.Errorf("replaced without asking: %q", b)
		case !confirmed:
			yes := findButton(overlays.Top(), "Replace")
			if yes == nil {
				t.Fatal("no dialog asks before replacing the file")
			}
			test.Tap(yes)
			if b, _ := os.ReadFile(mine); string(b) != "new,data\n" {
				t.Errorf("after Yes, the file is %q", b)
			}
		}
		clear()
	}

	other := filepath.Join(dir, "other.db")
	if o, err := storage.Open(other); err == nil {
		o.Close()
	}
	for _, in := range []string{st.Path(), source, opened, other} {
		before, _ := os.ReadFile(in)
		for _, confirmed := range []bool{false, true} {
			save(in, confirmed)
			if after, _ := os.ReadFile(in); string(after) != string(before) {
				t.Errorf("%s (confirmed %v) was written onto", in, confirmed)
			}
			if overlays.Top() == nil || findButton(overlays.Top(), "Yes") != nil {
				t.Errorf("%s: want an error, not a question", in)
			}
			clear()
		}
	}
}
