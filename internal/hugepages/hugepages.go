// Package hugepages asks the kernel to back large buffers with huge pages.
//
// An import writes tens or hundreds of megabytes of fresh columns. Faulted
// in 4 KB at a time, the kernel's page faults were a sixth of a path
// table's import and stalled its serial merge; with 2 MB pages they cost a
// few hundred faults. Linux backs memory with huge pages only where asked
// (transparent_hugepage=madvise is the usual setting), and Go's runtime no
// longer asks for its heap, so the importers ask for their largest columns.
package hugepages

import "unsafe"

// hugePage is the size of a transparent huge page on the usual platforms.
const hugePage = 2 << 20

// minBytes is the smallest buffer worth advising: it must hold whole
// 2 MB pages, and a small buffer gains nothing.
const minBytes = 4 << 20

// Make returns make([]T, length, capacity), its memory advised for huge
// pages when it is large. Nothing else changes: on systems without
// transparent huge pages it is make.
func Make[T any](length, capacity int) []T {
	s := make([]T, length, capacity)
	Advise(s)
	return s
}

// Advise advises the whole capacity of s for huge pages when it spans at
// least minBytes. It is a hint: errors are ignored.
func Advise[T any](s []T) {
	var zero T
	size := uintptr(cap(s)) * unsafe.Sizeof(zero)
	if size < minBytes {
		return
	}
	advise(unsafe.Pointer(unsafe.SliceData(s[:cap(s)])), size)
}
