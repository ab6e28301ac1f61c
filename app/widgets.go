package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// headerTemplate returns a table header factory whose bold template text
// sets the header width: wide enough for text like sample.
func headerTemplate(sample string) func() fyne.CanvasObject {
	return func() fyne.CanvasObject {
		return widget.NewLabelWithStyle(sample, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
}
