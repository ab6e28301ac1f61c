//go:build !amd64

package attribution

// withGenericKernel runs f; the portable kernel is the only one here.
func withGenericKernel(f func()) { f() }
