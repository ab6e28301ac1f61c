//go:build !linux

package storage

// onReadOnlyMount cannot tell on this platform: a store on a read-only
// mount is then refused with ErrReadOnly instead of opened for reading.
func onReadOnlyMount(path string) bool { return false }
