package app

import (
	"sync"

	"fyne.io/fyne/v2"
)

// uiMu serialises the callbacks that background work hands to the UI.
// Fyne's desktop driver already runs them one at a time on the main
// goroutine; its test driver runs each on the goroutine that posts it, so
// without this two finishing jobs could refresh the same widget at once.
var uiMu sync.Mutex

// onUI runs f on the UI thread, never alongside another onUI callback.
// f must not call onUI and wait for it (it would wait for itself).
func onUI(f func()) {
	fyne.Do(func() {
		uiMu.Lock()
		defer uiMu.Unlock()
		f()
	})
}
