package attribution

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// gjUpdateAVX2 subtracts from the 4×8 tile at c the product of 4 rows of
// the packed panel p (pstride doubles per k) and the strip q
// (gjkernel_amd64.s).
//
//go:noescape
func gjUpdateAVX2(c *float64, ldc int, p, q *float64, b, pstride int)

// gjUpdateAVX512 is gjUpdateGeneric on 512-bit registers.
//
//go:noescape
func gjUpdateAVX512(c *float64, ldc int, p, q *float64, b int)

// The kernels this CPU runs (x/sys/cpu also checks that the OS saves the
// wide registers). Fused multiply-adds round once instead of twice, far
// below the 1e-9 the removal effects are held to.
var (
	hasGJKernel = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	hasGJ512    = hasGJKernel && cpu.X86.HasAVX512F
)

func gjUpdate(c *float64, ldc int, p, q *float64, b int) {
	switch {
	case hasGJ512:
		gjUpdateAVX512(c, ldc, p, q, b)
	case hasGJKernel:
		gjUpdateAVX2(c, ldc, p, q, b, gjRows)
		gjUpdateAVX2((*float64)(unsafe.Add(unsafe.Pointer(c), 4*ldc*8)), ldc, (*float64)(unsafe.Add(unsafe.Pointer(p), 4*8)), q, b, gjRows)
	default:
		gjUpdateGeneric(c, ldc, p, q, b)
	}
}
