package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// headerTemplate returns a table header factory whose bold template text
// sets the header width: wide enough for text like sample.
func headerTemplate(sample string) func() fyne.CanvasObject {
	return func() fyne.CanvasObject {
		return widget.NewLabelWithStyle(sample, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
}

// newStatusLabel returns a label for status and error lines: it wraps, so
// that however long a message is it never sets the window's width.
func newStatusLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	return l
}

// fixedHeight gives o a minimum height of h and no minimum width of its
// own, so that a table or chart fills the width it is given without
// setting the window's.
func fixedHeight(o fyne.CanvasObject, h float32) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(1, h))
	return container.NewStack(r, o)
}

// newCellLabel is a table cell: text longer than its column is cut short
// with an ellipsis instead of running across the next columns.
func newCellLabel(sample string) fyne.CanvasObject {
	l := widget.NewLabel(sample)
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

// minWidth is an invisible spacer that keeps a stacked widget at least w
// pixels wide where the layout would otherwise shrink it to its minimum.
func minWidth(w float32) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(w, 0))
	return r
}
