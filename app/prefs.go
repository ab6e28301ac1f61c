package app

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
)

// Preference keys: the window's size and the last screen shown, restored
// at the next start.
const (
	prefWindowWidth  = "window.width"
	prefWindowHeight = "window.height"
	prefLastScreen   = "screen.last"
)

// defaultWindowSize is the window's size on a first start: small enough
// for a 1024×700 screen (Fyne cannot tell the screen's size before the
// window is shown); a user's own size is remembered from then on.
var defaultWindowSize = fyne.NewSize(1000, 660)

// minRememberedSide keeps a minimised or half-created window from being
// remembered as the size to open at.
const minRememberedSide = 320

// restoreWindowSize sizes the window as it was when last used.
func (u *UI) restoreWindowSize() {
	p := u.App.Preferences()
	size := fyne.NewSize(float32(p.FloatWithFallback(prefWindowWidth, float64(defaultWindowSize.Width))),
		float32(p.FloatWithFallback(prefWindowHeight, float64(defaultWindowSize.Height))))
	if size.Width < minRememberedSide || size.Height < minRememberedSide {
		size = defaultWindowSize
	}
	u.Window.Resize(size)
}

// rememberSize wraps the window's content so that every new window size
// is kept in the preferences (a resize lays the content out again).
func (u *UI) rememberSize(content fyne.CanvasObject) fyne.CanvasObject {
	return container.New(&sizeKeeper{u: u}, content)
}

// sizeKeeper is a stack layout that records the window size it lays out
// for.
type sizeKeeper struct {
	u    *UI
	last fyne.Size
}

// Layout implements fyne.Layout.
func (k *sizeKeeper) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
	if !k.u.restored {
		return
	}
	win := k.u.Window.Canvas().Size()
	if win == k.last || win.Width < minRememberedSide || win.Height < minRememberedSide {
		return
	}
	k.last = win
	p := k.u.App.Preferences()
	p.SetFloat(prefWindowWidth, float64(win.Width))
	p.SetFloat(prefWindowHeight, float64(win.Height))
}

// MinSize implements fyne.Layout.
func (k *sizeKeeper) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objects {
		s = s.Max(o.MinSize())
	}
	return s
}

// rememberScreen keeps the screen on show for the next start.
func (u *UI) rememberScreen(name string) {
	u.App.Preferences().SetString(prefLastScreen, name)
}

// lastScreen is the screen shown when the app was last used, or def.
func (u *UI) lastScreen(def string) string {
	name := u.App.Preferences().String(prefLastScreen)
	if !slices.Contains(screenOrder, name) {
		return def
	}
	return name
}
