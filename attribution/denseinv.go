package attribution

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"
	"unsafe"
)

// Dense in-place inversion for the core of the Markov chain that sparse
// elimination cannot thin out (selinv.go). The chain's matrix I - Q is
// diagonally dominant by rows, and so is every Schur complement of it, so
// Gauss-Jordan elimination needs no pivoting and stays stable. Almost all
// of its 2m^3 flops are one rank-b update per block of b pivots, done by a
// 4×16 tile kernel (gjkernel_*.go) over packed panels on every core.

// gjTile is the kernel's tile: gjRows rows by gjCols columns of the
// matrix. The matrix order is padded to a multiple of gjCols, so every
// tile is whole.
const (
	gjRows  = 8
	gjCols  = 8
	gjBlock = 256 // pivots per rank-b update
)

// paddedOrder is m rounded up to whole kernel tiles.
func paddedOrder(m int) int { return (m + gjCols - 1) / gjCols * gjCols }

// invertDense replaces the row-major m×m matrix a (m a multiple of
// gjCols) by its inverse. The matrix must be diagonally dominant (or any
// matrix whose leading blocks are all well-conditioned): no pivoting.
func invertDense(ctx context.Context, a []float64, m int) error {
	if m%gjCols != 0 || len(a) < m*m {
		return fmt.Errorf("invertDense: order %d is not padded", m)
	}
	pivot := make([]float64, gjBlock*gjBlock)
	negPivot := make([]float64, gjBlock*gjBlock)    // -P packed gjRows rows at a time
	pivotStrips := make([]float64, gjBlock*gjBlock) // P packed gjCols columns at a time
	colPanel := make([]float64, m*gjBlock)          // A_IK, packed gjRows rows at a time
	rowPanel := make([]float64, gjBlock*m)          // A_KJ, packed gjCols columns at a time
	for k0 := 0; k0 < m; k0 += gjBlock {
		if err := ctx.Err(); err != nil {
			return err
		}
		b := min(gjBlock, m-k0)
		k1 := k0 + b
		// P = (A_KK)^-1, unblocked Gauss-Jordan on a b×b copy.
		p := pivot[:b*b]
		for i := 0; i < b; i++ {
			copy(p[i*b:(i+1)*b], a[(k0+i)*m+k0:(k0+i)*m+k1])
		}
		if err := invertSmall(p, b); err != nil {
			return err
		}
		// Both panels are packed from the old values: A_IK serves the
		// update and the new column panel; A_KJ becomes P A_KJ first.
		packCols(colPanel, a, m, k0, b)
		packRows(rowPanel, a[k0*m:], b, m) // rows k0..k0+b-1
		// The kernel subtracts products, so it gets -P: A_KJ <- 0 - (-P) A_KJ.
		negP := negPivot[:b*b]
		packCols(negP, p, b, 0, b)
		for i := range negP {
			negP[i] = -negP[i]
		}
		forEachStrip(m, k0, k1, func(s int) {
			r := rowPanel[s*gjCols*b : (s+1)*gjCols*b]
			for i0 := 0; i0 < b; i0 += gjRows {
				tile := a[(k0+i0)*m+s*gjCols:]
				for r := 0; r < gjRows; r++ {
					clear(tile[r*m : r*m+gjCols])
				}
				gjUpdate(&tile[0], m, &negP[i0*b], &r[0], b)
			}
		})
		packRows(rowPanel, a[k0*m:], b, m) // rows k0..k0+b-1
		// A_IJ -= A_IK A_KJ for I, J outside K: the 2(m-b)^2 b flops.
		// Rows in blocks whose column panel stays in L2 while every strip
		// of the row panel streams past it.
		forEachRowBlock(m, k0, k1, func(lo, hi int) {
			for s := 0; s < m/gjCols; s++ {
				if s*gjCols >= k0 && s*gjCols < k1 {
					continue
				}
				r := rowPanel[s*gjCols*b : (s+1)*gjCols*b]
				for i0 := lo; i0 < hi; i0 += gjRows {
					gjUpdate(&a[i0*m+s*gjCols], m, &colPanel[i0*b], &r[0], b)
				}
			}
		})
		// A_IK <- -A_IK P = 0 - A_IK P from the packed old A_IK, then
		// A_KK <- P.
		pStrips := pivotStrips[:b*b]
		packRows(pStrips, p, b, b)
		forEachRowBlock(m, k0, k1, func(lo, hi int) {
			for i0 := lo; i0 < hi; i0 += gjRows {
				for s := 0; s < b/gjCols; s++ {
					tile := a[i0*m+k0+s*gjCols:]
					for r := 0; r < gjRows; r++ {
						clear(tile[r*m : r*m+gjCols])
					}
					gjUpdate(&tile[0], m, &colPanel[i0*b], &pStrips[s*gjCols*b], b)
				}
			}
		})
		for i := 0; i < b; i++ {
			copy(a[(k0+i)*m+k0:(k0+i)*m+k1], p[i*b:(i+1)*b])
		}
	}
	return nil
}

// onCores calls f on every item, spread over the cores; items are
// independent, so the order they run in does not matter.
func onCores[T any](items []T, f func(T)) {
	next := make(chan T, len(items))
	for _, it := range items {
		next <- it
	}
	close(next)
	var wg sync.WaitGroup
	for range min(max(1, runtime.GOMAXPROCS(0)), len(items)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range next {
				f(it)
			}
		}()
	}
	wg.Wait()
}

// forEachStrip runs f on every strip of gjCols columns outside the pivot
// block [k0, k1), spread over the cores.
func forEachStrip(m, k0, k1 int, f func(strip int)) {
	var strips []int
	for s := 0; s < m/gjCols; s++ {
		if s*gjCols < k0 || s*gjCols >= k1 {
			strips = append(strips, s)
		}
	}
	onCores(strips, f)
}

// gjRowBlock is how many rows share one pass over the row panel: their
// column panel, gjRowBlock×gjBlock doubles, stays in L2.
const gjRowBlock = 192

// forEachRowBlock runs f on row ranges [lo, hi) of at most gjRowBlock rows
// that avoid the pivot block [k0, k1), spread over the cores.
func forEachRowBlock(m, k0, k1 int, f func(lo, hi int)) {
	var spans [][2]int
	for _, r := range [][2]int{{0, k0}, {k1, m}} {
		for lo := r[0]; lo < r[1]; lo += gjRowBlock {
			spans = append(spans, [2]int{lo, min(lo+gjRowBlock, r[1])})
		}
	}
	onCores(spans, func(sp [2]int) { f(sp[0], sp[1]) })
}

// packRows packs the b×n row-major matrix src in strips of gjCols
// columns, each b×gjCols row-major.
func packRows(dst, src []float64, b, n int) {
	for s := 0; s < n/gjCols; s++ {
		out := dst[s*gjCols*b : (s+1)*gjCols*b]
		for k := 0; k < b; k++ {
			copy(out[k*gjCols:(k+1)*gjCols], src[k*n+s*gjCols:k*n+(s+1)*gjCols])
		}
	}
}

// packCols copies columns k0..k0+b-1 of a into panel, gjRows rows at a
// time: for a tile starting at row i0, panel[i0*b + k*gjRows + r] is
// a[i0+r][k0+k].
func packCols(panel, a []float64, m, k0, b int) {
	for i0 := 0; i0 < m; i0 += gjRows {
		dst := panel[i0*b : (i0+gjRows)*b]
		for r := 0; r < gjRows; r++ {
			row := a[(i0+r)*m+k0 : (i0+r)*m+k0+b]
			for k, v := range row {
				dst[k*gjRows+r] = v
			}
		}
	}
}

// gjUpdateGeneric is the portable kernel: the tile of gjRows×gjCols at c
// (row stride ldc) minus the product of the packed panels p (gjRows per
// k) and q (gjCols per k) over b.
func gjUpdateGeneric(c *float64, ldc int, p, q *float64, b int) {
	cs := unsafeSlice(c, (gjRows-1)*ldc+gjCols)
	ps := unsafeSlice(p, b*gjRows)
	qs := unsafeSlice(q, b*gjCols)
	var acc [gjRows][gjCols]float64
	for k := 0; k < b; k++ {
		qk := qs[k*gjCols : (k+1)*gjCols : (k+1)*gjCols]
		for r := 0; r < gjRows; r++ {
			pr := ps[k*gjRows+r]
			ar := &acc[r]
			for j := range ar {
				ar[j] += pr * qk[j]
			}
		}
	}
	for r := 0; r < gjRows; r++ {
		row := cs[r*ldc : r*ldc+gjCols]
		for j := range row {
			row[j] -= acc[r][j]
		}
	}
}

// invertSmall inverts the b×b row-major matrix p in place by Gauss-Jordan
// without pivoting (diagonally dominant input).
func invertSmall(p []float64, b int) error {
	for k := 0; k < b; k++ {
		d := p[k*b+k]
		if d == 0 || math.IsNaN(d) || math.IsInf(d, 0) {
			return fmt.Errorf("markov chain is singular: some journeys never end")
		}
		inv := 1 / d
		rowK := p[k*b : (k+1)*b]
		for j := range rowK {
			rowK[j] *= inv
		}
		rowK[k] = inv
		for i := 0; i < b; i++ {
			if i == k {
				continue
			}
			rowI := p[i*b : (i+1)*b]
			f := rowI[k]
			if f == 0 {
				continue
			}
			for j := range rowI {
				rowI[j] -= f * rowK[j]
			}
			rowI[k] = -f * inv
		}
	}
	return nil
}

func unsafeSlice(p *float64, n int) []float64 { return unsafe.Slice(p, n) }
