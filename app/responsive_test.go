package app

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/attrlab/attrlab/synth"
)

// uiLoop stands in for the desktop driver's event loop. Fyne's test
// driver runs fyne.Do at once on the calling goroutine (test/driver.go in
// fyne v2.7.1: DoFromGoroutine calls async.EnsureNotMain(f), which just
// calls f off the main goroutine), so there is no UI thread that work
// could block. uiLoop queues every fyne.Do on one goroutine, as the GLFW
// driver queues them for its main loop: whatever runs there holds up all
// that is queued behind it.
type uiLoop struct {
	fyne.Driver
	queue chan func()
	id    uint64 // the loop goroutine
}

// loopApp is the test app with its driver swapped for a uiLoop.
type loopApp struct {
	fyne.App
	loop *uiLoop
}

func (a *loopApp) Driver() fyne.Driver { return a.loop }

// startUILoop makes fyne.Do and fyne.DoAndWait run on a goroutine of
// their own until the test ends.
func startUILoop(t *testing.T) *uiLoop {
	t.Helper()
	orig := fyne.CurrentApp()
	l := &uiLoop{Driver: orig.Driver(), queue: make(chan func(), 1<<16)}
	started, stop := make(chan struct{}), make(chan struct{})
	go func() {
		l.id = goroutineID()
		close(started)
		for {
			select {
			case f := <-l.queue:
				f()
			case <-stop:
				return
			}
		}
	}()
	<-started
	fyne.SetCurrentApp(&loopApp{App: orig, loop: l})
	t.Cleanup(func() {
		l.DoFromGoroutine(func() {}, true) // let queued work finish
		close(stop)
		fyne.SetCurrentApp(orig)
	})
	return l
}

// DoFromGoroutine queues f for the loop; called on the loop it runs f at
// once, as a driver does for its own thread.
func (l *uiLoop) DoFromGoroutine(f func(), wait bool) {
	if goroutineID() == l.id {
		f()
		return
	}
	if !wait {
		l.queue <- f
		return
	}
	done := make(chan struct{})
	l.queue <- func() { f(); close(done) }
	<-done
}

func goroutineID() uint64 {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	buf = bytes.TrimPrefix(buf, []byte("goroutine "))
	id, _ := strconv.ParseUint(string(buf[:bytes.IndexByte(buf, ' ')]), 10, 64)
	return id
}

// uiProbe posts to the UI loop every 10 ms and records how long each post
// waited to run: the loop's availability as a user would feel it.
type uiProbe struct {
	stop    chan struct{}
	stopped chan struct{}
	// Written on the UI loop only; read after stopAndRead.
	posts, ran int
	worst      time.Duration // longest wait from a tick to its post running
	gap        time.Duration // longest time between two posts running
	last       time.Time
	progress   map[float64]bool // Progress values seen
	sample     func(p *uiProbe) // reads widgets, on the UI loop
}

func startProbe(sample func(p *uiProbe)) *uiProbe {
	p := &uiProbe{stop: make(chan struct{}), stopped: make(chan struct{}), progress: map[float64]bool{}, sample: sample}
	go func() {
		defer close(p.stopped)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-p.stop:
				return
			case due := <-tick.C:
				// The wait counts from the tick, so that a late ticker
				// goroutine cannot hide a busy UI loop.
				p.posts++ // only this goroutine writes posts before stop
				fyne.Do(func() {
					now := time.Now()
					p.ran++
					p.worst = max(p.worst, now.Sub(due))
					if !p.last.IsZero() {
						p.gap = max(p.gap, now.Sub(p.last))
					}
					p.last = now
					if p.sample != nil {
						p.sample(p)
					}
				})
			}
		}
	}()
	return p
}

// stopAndRead stops posting and waits until every post has run.
func (p *uiProbe) stopAndRead() {
	close(p.stop)
	<-p.stopped
	fyne.DoAndWait(func() {})
}

// TestImportKeepsUIResponsive imports a 1,000,000-row touch log through
// the Datasets screen (OpenPath, then the Import button, both on the UI
// loop) while a ticker posts to the UI loop every 10 ms. If the import, or
// any heavy part of it, ran on the UI loop, the posts would queue behind
// it for seconds; the worst wait must stay under 100 ms, and the progress
// bar must move along the way.
func TestImportKeepsUIResponsive(t *testing.T) {
	const maxWait = 100 * time.Millisecond
	path := filepath.Join(t.TempDir(), "touches1m.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	if err := synth.WriteTouches(w, synth.Options{Rows: 1_000_000, Channels: 8, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	u := newTestUI(t)
	startUILoop(t)

	// The probe can fail: 200 ms of work on the UI loop shows as a wait
	// of about that long.
	control := startProbe(nil)
	time.Sleep(30 * time.Millisecond)
	fyne.Do(func() { time.Sleep(200 * time.Millisecond) })
	time.Sleep(300 * time.Millisecond)
	control.stopAndRead()
	if control.worst < 150*time.Millisecond {
		t.Fatalf("the probe saw a worst wait of %v while the UI loop slept 200 ms: it cannot tell a blocked UI", control.worst)
	}

	done := make(chan error, 1)
	fyne.DoAndWait(func() {
		u.Datasets.onImportEnd = func(err error) { done <- err }
		u.Datasets.OpenPath(path)
	})
	p := startProbe(func(p *uiProbe) { p.progress[u.Datasets.Progress.Value] = true })
	start := time.Now()
	fyne.DoAndWait(func() { test.Tap(u.Datasets.ImportBtn) })
	err = waitFor(t, done)
	took := time.Since(start)
	p.stopAndRead()
	if err != nil {
		t.Fatal(err)
	}
	var rows int
	fyne.DoAndWait(func() { rows = u.dataset("touches1m.csv").ds.Summary.RowsAccepted })
	if rows != 1_000_000 {
		t.Fatalf("%d rows imported, want 1,000,000", rows)
	}
	t.Logf("import of 1,000,000 rows took %v; %d posts to the UI loop, %d ran; worst wait %v, longest gap between posts running %v", took.Round(time.Millisecond), p.posts, p.ran, p.worst.Round(100*time.Microsecond), p.gap.Round(100*time.Microsecond))
	if p.worst >= maxWait {
		t.Errorf("a post to the UI loop waited %v during the import, want under %v", p.worst, maxWait)
	}
	if want := int(took / (40 * time.Millisecond)); p.ran < want {
		t.Errorf("only %d posts ran in %v, want at least %d: the probe did not watch the import", p.ran, took, want)
	}
	moved := 0
	for v := range p.progress {
		if v > 0 && v < 1 {
			moved++
		}
	}
	if moved < 2 {
		t.Errorf("the progress bar showed %d values between 0 and 1 during the import, want it to move", moved)
	}
}
