//go:build !amd64

package attribution

// withGenericKernel runs f; the portable kernel is the only one here.
func withGenericKernel(f func()) { f() }

// withAVX2Kernel runs f; there is no AVX2 kernel here.
func withAVX2Kernel(f func()) { f() }
