package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// TestMenuShortcuts checks that the menu bar carries Ctrl+O, Ctrl+R and
// Ctrl+F (menu shortcuts fire even while a text entry has the focus) and
// that Run in the menu runs the models.
func TestMenuShortcuts(t *testing.T) {
	u := newTestUI(t)
	if err := u.LoadSample(); err != nil {
		t.Fatal(err)
	}
	menu := u.Window.MainMenu()
	if menu == nil {
		t.Fatal("no menu bar")
	}
	items := map[string]*fyne.MenuItem{}
	for _, m := range menu.Items {
		for _, it := range m.Items {
			if it.Shortcut != nil {
				items[it.Shortcut.ShortcutName()] = it
			}
		}
	}
	for _, key := range []fyne.KeyName{fyne.KeyO, fyne.KeyR, fyne.KeyF} {
		sc := &desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault}
		if items[sc.ShortcutName()] == nil {
			t.Errorf("no menu item with %s", sc.ShortcutName())
		}
	}
	run := items[(&desktop.CustomShortcut{KeyName: fyne.KeyR, Modifier: fyne.KeyModifierShortcutDefault}).ShortcutName()]
	if run == nil {
		t.FailNow()
	}
	u.Select(ScreenBudget)
	u.Attribute.Order.SetSelected("2")
	done := make(chan error, 1)
	u.Attribute.onDone = func(err error) { done <- err }
	run.Action()
	if err := waitFor(t, done); err != nil {
		t.Fatal(err)
	}
	if u.Current() != ScreenAttribute {
		t.Errorf("Run left the window on %s, want Attribute", u.Current())
	}
	var order int
	for _, r := range u.Attribute.Results() {
		if r.Markov != nil {
			order = r.Markov.Order
		}
	}
	if order != 2 {
		t.Errorf("Run from the menu used Markov order %d, want the form's 2", order)
	}
}
