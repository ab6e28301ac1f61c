package attribution

import "golang.org/x/sys/cpu"

// gjUpdateAVX2 is gjUpdateGeneric with AVX2 and FMA (gjkernel_amd64.s).
//
//go:noescape
func gjUpdateAVX2(c *float64, ldc int, p, q *float64, b int)

// hasGJKernel reports whether this CPU runs the assembly kernel; fused
// multiply-adds round once instead of twice, far below the 1e-9 the
// removal effects are held to.
var hasGJKernel = cpu.X86.HasAVX2 && cpu.X86.HasFMA

func gjUpdate(c *float64, ldc int, p, q *float64, b int) {
	if hasGJKernel {
		gjUpdateAVX2(c, ldc, p, q, b)
		return
	}
	gjUpdateGeneric(c, ldc, p, q, b)
}
