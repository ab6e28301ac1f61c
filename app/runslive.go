package app

import (
	"context"
	"time"
)

// RunsPollInterval is how often the app looks for runs logged, renamed or
// deleted by another process (the command line) on the same store.
const RunsPollInterval = 2 * time.Second

// WatchRuns keeps the Runs table, and the run page on show, current with
// the store: every interval it asks whether anything was committed since
// (one cheap PRAGMA on a connection of its own) and reloads only then,
// keeping the filter, sort, ticks, current run and scroll position. stop
// ends the watching.
func (u *UI) WatchRuns(interval time.Duration) (stop func()) {
	st := u.Store
	if st == nil {
		return func() {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w, err := st.Watch(ctx)
		if err != nil {
			return // no live refresh; Search still reloads by hand
		}
		defer w.Close()
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			if changed, err := w.Changed(ctx); err == nil && changed {
				onUI(u.storeChanged)
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// storeChanged reloads what shows runs after another process (or this
// one) changed the store.
func (u *UI) storeChanged() {
	u.Runs.refresh()
	if u.Runs.PageOpen() {
		u.Runs.Page.reloadRun()
	}
}
