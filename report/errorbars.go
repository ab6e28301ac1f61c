package report

import (
	"image/color"
	"slices"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/attrlab/attrlab/attribution"
)

// errorBarColor is dark enough on every series colour and on white.
var errorBarColor = color.Gray{0x30}

// shareIntervals returns r's share interval ends in the order of
// channels, or nils when r was not bootstrapped.
func shareIntervals(r *attribution.Result, channels []string) (low, high []float64) {
	if r.Intervals == nil {
		return nil, nil
	}
	low, high = make([]float64, len(channels)), make([]float64, len(channels))
	for i, ch := range channels {
		j := slices.Index(r.Channels, ch)
		if j < 0 {
			return nil, nil
		}
		low[i], high[i] = r.Intervals.Share[j].Low, r.Intervals.Share[j].High
	}
	return low, high
}

// errorBar draws the interval [lo, hi] of one bar as a line with caps:
// across the bar's length at its centre, slot sideways or i upright.
func (b *groupedBars) errorBar(c draw.Canvas, trX, trY func(float64) vg.Length, lo, hi float64, slot, i int, off, thick vg.Length) {
	ls := draw.LineStyle{Color: errorBarColor, Width: vg.Points(1)}
	cap := thick / 4
	if b.sideways {
		y := trY(float64(slot)) - off
		c.StrokeLine2(ls, trX(lo), y, trX(hi), y)
		c.StrokeLine2(ls, trX(lo), y-cap, trX(lo), y+cap)
		c.StrokeLine2(ls, trX(hi), y-cap, trX(hi), y+cap)
		return
	}
	x := trX(float64(i)) + off
	c.StrokeLine2(ls, x, trY(lo), x, trY(hi))
	c.StrokeLine2(ls, x-cap, trY(lo), x+cap, trY(lo))
	c.StrokeLine2(ls, x-cap, trY(hi), x+cap, trY(hi))
}
