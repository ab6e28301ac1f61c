//go:build !linux

package hugepages

import "unsafe"

// advise does nothing where Linux's transparent huge pages are not.
func advise(unsafe.Pointer, uintptr) {}
