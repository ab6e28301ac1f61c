package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"
)

// newChartImage returns the image a screen shows its chart in, scaled to
// fit and never smaller than a readable size.
func newChartImage() *canvas.Image {
	img := canvas.NewImageFromImage(nil)
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(400, 240))
	return img
}

// headerTemplate returns a table header factory whose bold template text
// sets the header width: wide enough for text like sample.
func headerTemplate(sample string) func() fyne.CanvasObject {
	return func() fyne.CanvasObject {
		return widget.NewLabelWithStyle(sample, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
}
