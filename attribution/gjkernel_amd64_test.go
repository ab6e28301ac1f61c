package attribution

// withGenericKernel runs f with the portable kernel, as on a CPU without
// AVX2 and FMA.
func withGenericKernel(f func()) {
	saved := hasGJKernel
	hasGJKernel = false
	defer func() { hasGJKernel = saved }()
	f()
}
