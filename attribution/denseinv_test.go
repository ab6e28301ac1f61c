package attribution

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// randomDominant returns a row-diagonally-dominant m×m matrix I - Q with Q
// substochastic, like a chain's, padded to order pm with the identity.
func randomDominant(rng *rand.Rand, m, pm int) []float64 {
	a := make([]float64, pm*pm)
	for i := 0; i < pm; i++ {
		a[i*pm+i] = 1
	}
	for i := 0; i < m; i++ {
		var sum float64
		row := make([]float64, m)
		for j := range row {
			if rng.IntN(4) == 0 {
				row[j] = rng.Float64()
				sum += row[j]
			}
		}
		keep := 0.3 + 0.69*rng.Float64() // the rest is absorbed
		for j, q := range row {
			if q != 0 {
				a[i*pm+j] -= q / sum * keep
			}
		}
	}
	return a
}

func TestInvertDenseMatchesLU(t *testing.T) {
	checkInvertDense(t)
	withAVX2Kernel(func() { checkInvertDense(t) })
	withGenericKernel(func() { checkInvertDense(t) })
}

func checkInvertDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, m := range []int{1, 5, 16, 47, 130, 300} {
		pm := paddedOrder(m)
		a := randomDominant(rng, m, pm)
		want := mat.NewDense(m, m, nil)
		for i := 0; i < m; i++ {
			for j := 0; j < m; j++ {
				want.Set(i, j, a[i*pm+j])
			}
		}
		if err := want.Inverse(want); err != nil {
			t.Fatal(err)
		}
		if err := invertDense(context.Background(), a, pm); err != nil {
			t.Fatal(err)
		}
		var worst float64
		for i := 0; i < pm; i++ {
			for j := 0; j < pm; j++ {
				var w float64
				switch {
				case i < m && j < m:
					w = want.At(i, j)
				case i == j:
					w = 1 // the identity padding inverts to itself
				}
				worst = math.Max(worst, math.Abs(a[i*pm+j]-w))
			}
		}
		if worst > 1e-12 {
			t.Errorf("m=%d: inverse differs from LU's by %g", m, worst)
		}
	}
}

func TestGJKernelsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const ldc, b = 40, 37
	c := make([]float64, (gjRows-1)*ldc+gjCols)
	p := make([]float64, b*gjRows)
	q := make([]float64, b*gjCols)
	for _, s := range [][]float64{c, p, q} {
		for i := range s {
			s[i] = rng.Float64() - 0.5
		}
	}
	want := append([]float64(nil), c...)
	for r := 0; r < gjRows; r++ {
		for j := 0; j < gjCols; j++ {
			var sum float64
			for k := 0; k < b; k++ {
				sum += p[k*gjRows+r] * q[k*gjCols+j]
			}
			want[r*ldc+j] -= sum
		}
	}
	for _, kernel := range []struct {
		name string
		run  func()
	}{
		{"generic", func() { gjUpdateGeneric(&c[0], ldc, &p[0], &q[0], b) }},
		{"dispatch", func() { gjUpdate(&c[0], ldc, &p[0], &q[0], b) }},
		{"avx2", func() { withAVX2Kernel(func() { gjUpdate(&c[0], ldc, &p[0], &q[0], b) }) }},
	} {
		got := append([]float64(nil), c...)
		saved := c
		c = got
		kernel.run()
		c = saved
		for i := range got {
			if math.Abs(got[i]-want[i]) > 1e-13 {
				t.Fatalf("%s kernel (assembly in use: %v): element %d = %g, want %g", kernel.name, hasGJKernel, i, got[i], want[i])
			}
		}
	}
}

// BenchmarkInvertDense3600 inverts a matrix the size of the dense core of
// a 10,000-channel chain, with each kernel; compare with gonum's LU-based
// inverse below (2m^3 = 93 Gflop).
func BenchmarkInvertDense3600(b *testing.B) {
	const m = 3600
	a := randomDominant(rand.New(rand.NewPCG(1, 2)), m, m)
	work := make([]float64, len(a))
	for _, k := range []struct {
		name string
		with func(func())
	}{{"best", withKernel}, {"avx2", withAVX2Kernel}, {"portable", withGenericKernel}} {
		b.Run(k.name, func(b *testing.B) {
			k.with(func() {
				for b.Loop() {
					copy(work, a)
					if err := invertDense(context.Background(), work, m); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

func BenchmarkInvertGonum3600(b *testing.B) {
	const m = 3600
	a := mat.NewDense(m, m, randomDominant(rand.New(rand.NewPCG(1, 2)), m, m))
	var inv mat.Dense
	for b.Loop() {
		if err := inv.Inverse(a); err != nil {
			b.Fatal(err)
		}
	}
}
