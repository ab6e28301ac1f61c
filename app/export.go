package app

import (
	"errors"
	"fmt"
	"io"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"

	"github.com/attrlab/attrlab/report"
)

// exportChart asks where to save a chart; the extension the user types
// (.png, .svg or .pdf) picks the format. An existing file is replaced only
// after the user confirms.
func exportChart(u *UI, ch *report.Chart, base string) {
	askSavePath(u, base+".png", []string{".png", ".svg", ".pdf"}, func(path string) {
		saveChecked(u, path, func(force bool) error { return ch.Save(path, force) })
	})
}

// exportCSV asks where to save a table as CSV.
func exportCSV(u *UI, name string, write func(io.Writer) error) {
	askSavePath(u, name, nil, func(path string) { saveCSV(u, path, write) })
}

// askSavePath shows a save dialog offering name (and only files ending in
// exts, when given) and calls then with the path chosen.
func askSavePath(u *UI, name string, exts []string, then func(path string)) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		then(path)
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
// opened.
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
		then(path)
	}, u.Window)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".csv", ".tsv", ".txt"}))
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// saveCSV writes a table to path, asking before it replaces a file.
func saveCSV(u *UI, path string, write func(io.Writer) error) {
	saveChecked(u, path, func(force bool) error { return report.WriteFile(path, force, write) })
}

// saveChecked writes a file. Fyne's save dialog creates the file it
// returns, so an empty file at path is ours to replace; anything else
// asks first.
func saveChecked(u *UI, path string, save func(force bool) error) {
	info, err := os.Stat(path)
	fresh := err == nil && info.Size() == 0
	if err := save(fresh); err != nil {
		if !errors.Is(err, os.ErrExist) {
			u.showError("Export", err, "Choose another folder or file name.")
			return
		}
		dialog.ShowConfirm("Replace file?", fmt.Sprintf("%s already exists. Replace it?", path), func(ok bool) {
			if ok {
				if err := save(true); err != nil {
					u.showError("Export", err, "Choose another folder or file name.")
				}
			}
		}, u.Window)
	}
}
