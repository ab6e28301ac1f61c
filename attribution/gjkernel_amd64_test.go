package attribution

// withGenericKernel runs f with the portable kernel, as on a CPU without
// AVX2 and FMA.
func withGenericKernel(f func()) {
	saved, saved512 := hasGJKernel, hasGJ512
	hasGJKernel, hasGJ512 = false, false
	defer func() { hasGJKernel, hasGJ512 = saved, saved512 }()
	f()
}

// withAVX2Kernel runs f with the AVX2 kernel even where AVX-512 is there.
func withAVX2Kernel(f func()) {
	saved := hasGJ512
	hasGJ512 = false
	defer func() { hasGJ512 = saved }()
	f()
}
