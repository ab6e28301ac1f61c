package hugepages

import (
	"syscall"
	"unsafe"
)

// supported says Make should align large buffers to huge pages.
const supported = true

// advise marks the whole huge pages inside [p, p+size) with MADV_HUGEPAGE,
// so that the kernel faults them in 2 MB at a time.
func advise(p unsafe.Pointer, size uintptr) {
	start := (uintptr(p) + hugePage - 1) &^ (hugePage - 1)
	end := (uintptr(p) + size) &^ (hugePage - 1)
	if end <= start {
		return
	}
	b := unsafe.Slice((*byte)(unsafe.Add(p, start-uintptr(p))), end-start)
	_ = syscall.Madvise(b, syscall.MADV_HUGEPAGE)
}
