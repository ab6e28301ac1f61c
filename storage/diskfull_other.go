//go:build !unix

package storage

// diskFull cannot tell on this platform; SQLite's own "disk is full"
// message still reaches the user.
func diskFull(path string) bool { return false }
