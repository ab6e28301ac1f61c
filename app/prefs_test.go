package app

import (
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/attrlab/attrlab/storage"
)

// TestWindowAndScreenRemembered uses the app, resizes the window and
// goes to Compare, closes it, and starts again on the same store and
// preferences: the window opens at the size it had, on Compare.
func TestWindowAndScreenRemembered(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	st, err := storage.Open(filepath.Join(t.TempDir(), "runs.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a := test.NewTempApp(t)
	installPump(t)

	first := New(a, st)
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	if got := first.Window.Canvas().Size(); got != defaultWindowSize {
		t.Fatalf("a first start opens at %v, want %v", got, defaultWindowSize)
	}
	// The smallest screen we support is 1024×700, title bar included.
	if got := first.Window.Canvas().Size(); got.Width > 1024 || got.Height > 700-32 {
		t.Errorf("a first start opens at %v: wider or taller than a 1024×700 screen", got)
	}
	first.Window.Resize(fyne.NewSize(1000, 650))
	first.Select(ScreenCompare)
	first.Window.Close()

	again := New(a, st)
	if err := again.Start(); err != nil {
		t.Fatal(err)
	}
	if got := again.Window.Canvas().Size(); got != fyne.NewSize(1000, 650) {
		t.Errorf("the window reopened at %v, want 1000×650", got)
	}
	if again.Current() != ScreenCompare {
		t.Errorf("the app reopened on %s, want Compare", again.Current())
	}
	again.Window.Resize(fyne.NewSize(1400, 900))
	again.Select(ScreenBudget)
	if got := a.Preferences().Float(prefWindowWidth); got != 1400 {
		t.Errorf("remembered width %v after a resize to 1400", got)
	}
}
