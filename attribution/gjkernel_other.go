//go:build !amd64

package attribution

// hasGJKernel: no assembly kernel on this architecture.
const hasGJKernel = false

func gjUpdate(c *float64, ldc int, p, q *float64, b int) {
	gjUpdateGeneric(c, ldc, p, q, b)
}
