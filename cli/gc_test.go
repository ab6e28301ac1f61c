package cli

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// TestTightenGCCollectsOnlyPastFreeHeap checks the import commands' GC
// set-up: no growth-based collection and a limit of gcFreeHeap at first,
// then, from the first collection on, collection at 50% growth and no
// limit (what bounds a large import's peak memory).
func TestTightenGCCollectsOnlyPastFreeHeap(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	oldPercent := debug.SetGCPercent(100)
	oldLimit := debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() {
		debug.SetGCPercent(oldPercent)
		debug.SetMemoryLimit(oldLimit)
	})

	tightenGC("runs")
	if p := debug.SetGCPercent(100); p != 100 {
		t.Fatalf("runs: GC percent %d, want it left at 100", p)
	}

	tightenGC("attribute")
	// SetGCPercent and SetMemoryLimit return the old value; set them back.
	if p := debug.SetGCPercent(-1); p != -1 {
		t.Fatalf("attribute before any collection: GC percent %d, want -1 (off)", p)
	}
	if l := debug.SetMemoryLimit(-1); l != gcFreeHeap {
		t.Fatalf("attribute before any collection: memory limit %d, want %d", l, gcFreeHeap)
	}
	runtime.GC()
	var p int
	var l int64
	for range 200 { // the finalizer runs on its own goroutine
		runtime.GC()
		p = debug.SetGCPercent(-1)
		debug.SetGCPercent(p)
		l = debug.SetMemoryLimit(-1)
		if p == 50 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if p != 50 || l != math.MaxInt64 {
		t.Fatalf("after the first collection: GC percent %d, limit %d; want 50 and no limit", p, l)
	}

	t.Setenv("GOGC", "80")
	debug.SetGCPercent(80)
	tightenGC("import")
	if p := debug.SetGCPercent(80); p != 80 {
		t.Fatalf("GOGC=80 set by the user: GC percent %d, want 80", p)
	}
}
