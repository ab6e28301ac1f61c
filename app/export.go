package app

import (
	"errors"
	"fmt"
	"io"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/storage/repository"

	"github.com/attrlab/attrlab/report"
)

// exportChart asks where to save a chart; the extension the user types
// (.png, .svg or .pdf) picks the format. An existing file is replaced only
// after the user confirms, and never when the app reads it.
func exportChart(u *UI, ch *report.Chart, base string) {
	askSavePath(u, base+".png", []string{".png", ".svg", ".pdf"}, func(path string, confirmed bool) {
		saveChecked(u, path, confirmed, func(force bool) error { return ch.Save(path, force) })
	})
}

// exportCSV asks where to save a table as CSV.
func exportCSV(u *UI, name string, write func(io.Writer) error) {
	askSavePath(u, name, nil, func(path string, confirmed bool) {
		saveChecked(u, path, confirmed, func(force bool) error { return report.WriteFile(path, force, write) })
	})
}

// askSavePath shows a save dialog offering name (and only files ending in
// exts, when given) and calls then with the path chosen. Fyne's dialog asks
// "Overwrite?" itself when the file exists; confirmed says it did. The
// dialog's own writer would create or empty the file at once, before the
// app has checked that it may replace it, so the file repository's writers
// open lazily (lazyFileRepository) and this one is closed unused.
func askSavePath(u *UI, name string, exts []string, then func(path string, confirmed bool)) {
	useLazyFileWriters()
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		_, statErr := os.Stat(path)
		then(path, statErr == nil)
	}, u.Window)
	d.SetFileName(name)
	if len(exts) > 0 {
		d.SetFilter(storage.NewExtensionFileFilter(exts))
	}
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// askOpenCSV shows an open dialog for a CSV file and calls then with the
// path chosen; what names the file in the error shown if it cannot be
// opened. The file is remembered as an input, which no save replaces.
func askOpenCSV(u *UI, what string, then func(path string)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			u.showError("Open "+what, err, "Choose a CSV file you can read.")
			return
		}
		if r == nil {
			return // cancelled
		}
		path := r.URI().Path()
		r.Close()
		u.opened = append(u.opened, path)
		then(path)
	}, u.Window)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".csv", ".tsv", ".txt"}))
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// saveCSV writes a table to path, asking before it replaces a file.
func saveCSV(u *UI, path string, write func(io.Writer) error) {
	saveChecked(u, path, false, func(force bool) error { return report.WriteFile(path, force, write) })
}

// inputOf returns what the app reads from path, if anything: the run
// store, a loaded dataset's source or a file opened in the app; or that it
// is an SQLite database, which no export replaces.
func inputOf(u *UI, path string) string {
	if u.Store != nil && report.SameFile(path, u.Store.Path()) {
		return "the run store"
	}
	for _, d := range u.datasets {
		if d.info != nil && report.SameFile(path, d.info.Source) {
			return "the source of dataset " + d.name
		}
	}
	for _, p := range u.opened {
		if report.SameFile(path, p) {
			return "a file the app has opened"
		}
	}
	if report.IsSQLite(path) {
		return "an SQLite database (a run store?)"
	}
	return ""
}

// saveChecked writes a file through save (a temporary file renamed into
// place). A file the app reads is never replaced; another existing file
// only when confirmed (by Fyne's dialog) or after asking. A save says
// where it went: the save dialog may have added an extension or a folder
// the user did not look at.
func saveChecked(u *UI, path string, confirmed bool, save func(force bool) error) {
	if what := inputOf(u, path); what != "" {
		u.showError("Export", fmt.Errorf("%s is %s; the app never writes onto what it reads", path, what), "Choose another file name.")
		return
	}
	err := save(confirmed)
	switch {
	case err == nil:
		showSaved(u, path)
	case !errors.Is(err, os.ErrExist):
		u.showError("Export", err, "Choose another folder or file name.")
	default:
		showConfirm(u, "Replace file?", fmt.Sprintf("%s already exists. Replace it?", path), "Replace", func() {
			if err := save(true); err != nil {
				u.showError("Export", err, "Choose another folder or file name.")
				return
			}
			showSaved(u, path)
		})
	}
}

// fileRepository is what Fyne's file repository implements.
type fileRepository interface {
	repository.AppendableRepository
	repository.ListableRepository
	repository.HierarchicalRepository
	repository.CopyableRepository
	repository.MovableRepository
	repository.DeleteAllRepository
}

// lazyFileRepository is Fyne's file repository with writers that create
// or empty their file only on the first Write: a save dialog's writer that
// is closed unused leaves the user's file untouched.
type lazyFileRepository struct{ fileRepository }

// Writer returns a writer that opens u on its first Write.
func (r lazyFileRepository) Writer(u fyne.URI) (fyne.URIWriteCloser, error) {
	return &lazyWriter{uri: u, open: func() (fyne.URIWriteCloser, error) { return r.fileRepository.Writer(u) }}, nil
}

// useLazyFileWriters puts lazyFileRepository in place of the "file"
// repository, once.
func useLazyFileWriters() {
	cur, err := repository.ForScheme("file")
	if err != nil {
		return
	}
	if _, done := cur.(lazyFileRepository); done {
		return
	}
	if fr, ok := cur.(fileRepository); ok {
		repository.Register("file", lazyFileRepository{fr})
	}
}

type lazyWriter struct {
	uri  fyne.URI
	open func() (fyne.URIWriteCloser, error)
	w    fyne.URIWriteCloser
}

func (l *lazyWriter) Write(p []byte) (int, error) {
	if l.w == nil {
		w, err := l.open()
		if err != nil {
			return 0, err
		}
		l.w = w
	}
	return l.w.Write(p)
}

func (l *lazyWriter) Close() error {
	if l.w == nil {
		return nil
	}
	return l.w.Close()
}

func (l *lazyWriter) URI() fyne.URI { return l.uri }
