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

// minBytes is the smallest buffer worth advising: below it, a 2 MB page
// zeroed in full costs more than the few 4 KB faults it saves.
const minBytes = 1 << 20

// Make returns a slice like make([]T, length, capacity). When it is large,
// its memory starts on a huge-page boundary and every 2 MB page it
// touches is advised for huge pages: the allocation has up to 4 MB of
// slack around it for that, address space that is never written. Nothing
// else changes; where the kernel has no transparent huge pages it is make.
func Make[T any](length, capacity int) []T {
	var zero T
	elem := unsafe.Sizeof(zero)
	size := uintptr(capacity) * elem
	if size < minBytes || elem == 0 || hugePage%elem != 0 || !supported {
		return make([]T, length, capacity)
	}
	slack := int(hugePage / elem)
	raw := make([]T, capacity+2*slack)
	at := uintptr(unsafe.Pointer(unsafe.SliceData(raw)))
	gap := (at+hugePage-1)&^(hugePage-1) - at
	if gap%elem != 0 {
		return raw[:length:capacity]
	}
	off := int(gap / elem)
	s := raw[off : off+length : off+capacity]
	advise(unsafe.Pointer(unsafe.SliceData(raw[off:])), (size+hugePage-1)&^(hugePage-1))
	return s
}
