package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// objectText gathers the text a user reads in o and everything in it.
func objectText(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *widget.Label:
			b.WriteString(v.Text + "\n")
			return
		case *widget.RichText:
			b.WriteString(v.String() + "\n")
			return
		case *widget.Button:
			b.WriteString(v.Text + "\n")
			return
		case *widget.Entry:
			b.WriteString(v.Text + "\n")
			return
		case *canvas.Text:
			b.WriteString(v.Text + "\n")
			return
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
			return
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(v).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return b.String()
}

// topDialogText is the text of the window's top overlay ("" if none).
func topDialogText(w fyne.Window) string {
	top := w.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	return objectText(top)
}

// closeDialogs removes every overlay.
func closeDialogs(w fyne.Window) {
	overlays := w.Canvas().Overlays()
	for overlays.Top() != nil {
		overlays.Remove(overlays.Top())
	}
}
