package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// showForm shows a form dialog the keyboard can drive: the first entry
// has the focus and Enter in any entry submits (when the form is valid),
// the Cancel button dismisses it. save runs on submit.
func showForm(u *UI, title, confirm string, items []*widget.FormItem, save func()) *dialog.FormDialog {
	d := dialog.NewForm(title, confirm, "Cancel", items, func(ok bool) {
		if ok {
			save()
		}
	}, u.Window)
	var first fyne.Focusable
	for _, it := range items {
		if e, ok := it.Widget.(*widget.Entry); ok {
			if !e.MultiLine { // Enter in a note starts a new line
				e.OnSubmitted = func(string) { d.Submit() }
			}
			if first == nil {
				first = e
			}
		}
	}
	d.Resize(fyne.NewSize(560, 200))
	d.Show()
	if first != nil {
		u.Window.Canvas().Focus(first)
	}
	return d
}

// showConfirm asks a yes/no question; Enter answers yes, as the
// highlighted button says, and Escape no.
func showConfirm(u *UI, title, message, confirm string, yes func()) *dialog.ConfirmDialog {
	var d *dialog.ConfirmDialog
	restore := func() {}
	d = dialog.NewConfirm(title, message, func(ok bool) {
		restore()
		if ok {
			yes()
		}
	}, u.Window)
	d.SetConfirmText(confirm)
	d.SetConfirmImportance(widget.DangerImportance)
	restore = keysFor(u, d.Confirm, d.Dismiss)
	d.Show()
	return d
}

// showMessage shows a dialog with one button (an error, or where a file
// was saved) that Enter or Escape closes.
func showMessage(u *UI, d dialog.Dialog) {
	restore := keysFor(u, d.Dismiss, d.Dismiss)
	d.SetOnClosed(restore)
	d.Show()
}

// keysFor sends Enter to enter and Escape to escape while a dialog
// without a text field is shown (nothing else has the focus then); the
// returned func gives the keys back.
func keysFor(u *UI, enter, escape func()) (restore func()) {
	c := u.Window.Canvas()
	prev := c.OnTypedKey()
	c.Unfocus()
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		switch ev.Name {
		case fyne.KeyReturn, fyne.KeyEnter:
			enter()
		case fyne.KeyEscape:
			escape()
		default:
			if prev != nil {
				prev(ev)
			}
		}
	})
	return func() { c.SetOnTypedKey(prev) }
}

// showSaved says where a file was saved.
func showSaved(u *UI, path string) {
	showMessage(u, dialog.NewInformation("Saved", "Saved to "+path, u.Window))
}
