package app

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
)

// Fyne's test driver runs fyne.Do callbacks on whatever goroutine posts
// them, so background work finishing while a test taps or reads widgets
// would touch them from two goroutines at once (and crash the suite with a
// concurrent map write inside a widget). The desktop driver runs them on
// the main goroutine instead. pumpDriver gives tests the same discipline:
// callbacks posted from other goroutines wait in a queue and run on the
// test's own goroutine, when the test waits (waitFor, waitLoad, pump).

type pumpDriver struct {
	fyne.Driver
	queue chan func()
	owner uint64 // the test goroutine
}

type pumpApp struct {
	fyne.App
	d *pumpDriver
}

func (a *pumpApp) Driver() fyne.Driver { return a.d }

// pumpQueue is the running test's queue (app tests do not run in parallel).
var pumpQueue *pumpDriver

// installPump routes fyne.Do of the current (test) app through a queue the
// calling test goroutine drains.
func installPump(t *testing.T) {
	t.Helper()
	orig := fyne.CurrentApp()
	d := &pumpDriver{Driver: orig.Driver(), queue: make(chan func(), 1<<12), owner: goroutineID()}
	fyne.SetCurrentApp(&pumpApp{App: orig, d: d})
	pumpQueue = d
	t.Cleanup(func() {
		pumpQueue = nil
		fyne.SetCurrentApp(orig)
	})
}

func (d *pumpDriver) DoFromGoroutine(f func(), wait bool) {
	if goroutineID() == d.owner {
		f()
		return
	}
	if !wait {
		d.queue <- f
		return
	}
	done := make(chan struct{})
	d.queue <- func() { f(); close(done) }
	<-done
}

// pump runs every callback queued so far.
func pump() {
	if pumpQueue == nil {
		return
	}
	for {
		select {
		case f := <-pumpQueue.queue:
			f()
		default:
			return
		}
	}
}

// pumpWait runs queued callbacks until ready returns true, failing the
// test after 30 s. ready is checked after each callback, so it may read a
// channel a callback wrote to.
func pumpWait(t *testing.T, what string, ready func() bool) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	var queue chan func()
	if pumpQueue != nil {
		queue = pumpQueue.queue
	}
	for !ready() {
		select {
		case f := <-queue:
			f()
		case <-time.After(5 * time.Millisecond):
		case <-deadline:
			t.Fatalf("%s did not finish in 30 s", what)
		}
	}
}
