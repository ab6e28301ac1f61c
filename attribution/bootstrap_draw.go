package attribution

import (
	"math"
	"math/rand/v2"
	"slices"
)

// poissonDraws prepares drawPoissonCorrected: each cell's mean share of
// the draws and its exp(-mean).
func (p *bootPrep) poissonDraws() {
	scale := p.draws / p.total
	p.cellMean = make([]float64, len(p.cellW))
	p.cellExp = make([]float64, len(p.cellW))
	for k, w := range p.cellW {
		p.cellMean[k] = w * scale
		p.cellExp[k] = math.Exp(-p.cellMean[k])
	}
}

// drawPoissonCorrected fills rs.hits with a multinomial draw of p.draws
// journeys over the cells in one pass over them: each cell first gets a
// Poisson count with mean its share of the draws (mostly one uniform
// number per cell), which, given their sum S, are multinomial over S
// draws; then the sum is made exactly p.draws by adding draws from the
// cells' distribution (alias table) when S is short, or by removing
// S - p.draws of the S draws chosen uniformly without replacement when
// it is over. Both corrections keep the counts exactly multinomial.
func (p *bootPrep) drawPoissonCorrected(rs *replicateState, rng *rand.Rand) {
	n := int(p.draws)
	s := 0
	for k, mean := range p.cellMean {
		x := poisson(rng, mean, p.cellExp[k])
		rs.hits[k] = int32(x)
		s += x
	}
	for ; s < n; s++ {
		rs.hits[p.alias.draw(rng)]++
	}
	if s > n {
		removeDraws(rs.hits, rng, s, s-n)
	}
}

// poisson draws from a Poisson distribution with the given mean (expMean
// is exp(-mean)) by inversion for small means, and as a sum of draws of
// smaller means (a sum of independent Poisson draws is Poisson with the
// summed mean) for large ones.
func poisson(rng *rand.Rand, mean, expMean float64) int {
	if mean > 16 {
		parts := int(math.Ceil(mean / 16))
		m := mean / float64(parts)
		e := math.Exp(-m)
		x := 0
		for range parts {
			x += poisson(rng, m, e)
		}
		return x
	}
	u := rng.Float64()
	k, pk := 0, expMean
	cdf := pk
	for u > cdf && k < 1000 {
		k++
		pk *= mean / float64(k)
		cdf += pk
	}
	return k
}

// removeDraws removes m of the s draws counted in hits, chosen uniformly
// without replacement (Floyd's algorithm, then one walk over the cells).
func removeDraws(hits []int32, rng *rand.Rand, s, m int) {
	chosen := make(map[int]struct{}, m)
	for j := s - m; j < s; j++ {
		t := rng.IntN(j + 1)
		if _, ok := chosen[t]; ok {
			t = j
		}
		chosen[t] = struct{}{}
	}
	pos := make([]int, 0, m)
	for t := range chosen {
		pos = append(pos, t)
	}
	slices.Sort(pos)
	// Draw positions [start, start+hits[k]) belong to cell k.
	start, i := 0, 0
	for k := range hits {
		end := start + int(hits[k])
		for i < len(pos) && pos[i] < end {
			hits[k]--
			i++
		}
		start = end
	}
}
