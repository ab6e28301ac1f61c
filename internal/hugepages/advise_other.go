//go:build !linux

package hugepages

import "unsafe"

// supported is false: Make need not align anything.
const supported = false

// advise does nothing where Linux's transparent huge pages are not.
func advise(unsafe.Pointer, uintptr) {}
