package cli

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
)

// gcFreeHeap is how large the heap of an importing command may grow
// before the garbage collector first runs. A path table of 200,000 paths
// allocates 30–55 MB in all, so it finishes without one collection;
// collections of a small, growing heap were a fifth of its run time. A
// touch log of a million rows collects from 64 MB on and peaks near
// 100 MB (at 128 MB it peaked at 140 MB, no faster).
const gcFreeHeap = 64 << 20

// tightenGC sets the garbage collector up for the commands that import a
// file, which run once and hold mostly large pointer-free columns: no
// collection until the heap reaches gcFreeHeap, then collection at 50%
// growth instead of Go's 100%, which holds the peak of a 10-million-row
// import to a fifth less for a few percent more CPU time. A GOGC or
// GOMEMLIMIT set by the user wins.
func tightenGC(command string) {
	if command != "attribute" && command != "import" || os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(gcFreeHeap)
	// The first collection (the limit reached) finalizes the sentinel,
	// which switches to growth-based collection with no limit. A pointer
	// field keeps it out of the tiny allocator, whose objects may share
	// a block and never be finalized.
	sentinel := &struct{ p *int }{}
	runtime.SetFinalizer(sentinel, func(*struct{ p *int }) {
		debug.SetGCPercent(50)
		debug.SetMemoryLimit(math.MaxInt64)
	})
}
