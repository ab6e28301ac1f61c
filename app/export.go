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

// chartDPI is the resolution charts are drawn at on screen.
const chartDPI = 96

// exportChart asks where to save a chart; the extension the user types
// (.png, .svg or .pdf) picks the format. An existing file is replaced only
// after the user confirms.
func exportChart(u *UI, ch *report.Chart, base string) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		saveChecked(u, path, func(force bool) error { return ch.Save(path, force) })
	}, u.Window)
	d.SetFileName(base + ".png")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".png", ".svg", ".pdf"}))
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// exportCSV asks where to save a table as CSV.
func exportCSV(u *UI, name string, write func(io.Writer) error) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		saveCSV(u, path, write)
	}, u.Window)
	d.SetFileName(name)
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
