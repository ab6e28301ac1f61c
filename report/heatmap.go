package report

import (
	"errors"
	"fmt"
	"image/color"
	"slices"
	"strconv"

	"github.com/attrlab/attrlab/attribution"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// DefaultTopStates is how many channel states the transition heat-map
// shows when asked for 0: more would make cells too small to read.
const DefaultTopStates = 20

// otherStates labels the column that sums transitions into states a
// heat-map leaves out.
const otherStates = "(other states)"

// TransitionsChart draws the transition probabilities of r's Markov chain
// as a heat-map with a colour scale: one row per state moved from
// ((start) and the channel states), one column per state moved to (the
// channel states, (conversion) and (null)). A chain with more than topN
// channel states (0 means DefaultTopStates) shows the topN with the most
// traffic, the expected visits per journey, says so in its title, and
// sums transitions into the others in an "(other states)" column so that
// every row still adds up to 1.
func TransitionsChart(r *attribution.Result, topN int) (*Chart, error) {
	d := r.Markov
	if d == nil {
		return nil, fmt.Errorf("transitions chart: the transition matrix comes from the markov model, and this is a %s result", r.Model)
	}
	if len(d.States) < 3 {
		return nil, errors.New("transitions chart: the chain has no states")
	}
	if topN <= 0 {
		topN = DefaultTopStates
	}
	n := len(d.States)
	start, conv, null := 0, n-2, n-1
	transient := n - 3
	shown := make([]int, 0, transient)
	for s := 1; s <= transient; s++ {
		shown = append(shown, s)
	}
	title := fmt.Sprintf("Markov transition probabilities (order %d)", d.Order)
	truncated := transient > topN
	if truncated {
		visits := stateVisits(d)
		slices.SortStableFunc(shown, func(a, b int) int {
			// Most visited first.
			switch {
			case visits[a] > visits[b]:
				return -1
			case visits[a] < visits[b]:
				return 1
			}
			return 0
		})
		shown = shown[:topN]
		title = fmt.Sprintf("Markov transitions: top %d of %d states by traffic", topN, transient)
	}
	rows := append([]int{start}, shown...)
	cols := append(slices.Clone(shown), conv, null)
	colOf := map[int]int{}
	for j, s := range cols {
		colOf[s] = j
	}
	other := len(cols)
	colNames := make([]string, len(cols), len(cols)+1)
	for j, s := range cols {
		colNames[j] = d.States[s]
	}
	if truncated {
		colNames = append(colNames, otherStates)
	}
	rowOf := map[int]int{}
	rowNames := make([]string, len(rows))
	for i, s := range rows {
		rowOf[s] = i
		rowNames[i] = d.States[s]
	}
	g := &heatGrid{z: make([][]float64, len(rows))}
	for i := range g.z {
		g.z[i] = make([]float64, len(colNames))
	}
	for _, t := range d.Transitions {
		i, ok := rowOf[t.From]
		if !ok {
			continue
		}
		if j, ok := colOf[t.To]; ok {
			g.z[i][j] += t.P
		} else if truncated {
			g.z[i][other] += t.P
		}
	}
	top := 0.0
	for _, row := range g.z {
		top = max(top, slices.Max(row))
	}
	if top == 0 {
		top = 1
	}
	sub := fmt.Sprintf("Probability of moving from the row's state to the column's; P(conv) = %.3g", d.PConv)
	if truncated {
		sub = fmt.Sprintf("Order %d; rows: from, columns: to; traffic = expected visits per journey; P(conv) = %.3g", d.Order, d.PConv)
	}
	return heatChart(title, sub, shortLabels(rowNames), shortLabels(colNames), g, top), nil
}

// stateVisits returns the expected number of visits to each state of a
// journey from (start): the sum over steps of the probability of being
// there, iterated until almost every journey has been absorbed.
func stateVisits(d *attribution.MarkovDetail) []float64 {
	n := len(d.States)
	absorbing := func(s int) bool { return s >= n-2 }
	visits := make([]float64, n)
	mass := make([]float64, n)
	next := make([]float64, n)
	mass[0] = 1
	for step := 0; step < 10000; step++ {
		left := 0.0
		for s, m := range mass {
			visits[s] += m
			left += m
		}
		if left < 1e-9 {
			break
		}
		clear(next)
		for _, t := range d.Transitions {
			if !absorbing(t.To) {
				next[t.To] += mass[t.From] * t.P
			}
		}
		mass, next = next, mass
	}
	return visits
}

// heatGrid is a matrix as a plotter.GridXYZ, row 0 on top.
type heatGrid struct{ z [][]float64 }

func (g *heatGrid) Dims() (c, r int)   { return len(g.z[0]), len(g.z) }
func (g *heatGrid) Z(c, r int) float64 { return g.z[r][c] }
func (g *heatGrid) X(c int) float64    { return float64(c) }
func (g *heatGrid) Y(r int) float64    { return float64(len(g.z) - 1 - r) }

// heatColors is a sequential scale from white (no transition) to dark
// blue (certain), even in lightness so that it prints in grey too.
func heatColors(top float64) palette.ColorMap {
	dark, err := moreland.NewLuminance([]color.Color{
		color.RGBA{0x08, 0x30, 0x6B, 0xFF},
		color.RGBA{0x42, 0x92, 0xC6, 0xFF},
		color.RGBA{0x9E, 0xCA, 0xE1, 0xFF},
		color.RGBA{0xFF, 0xFF, 0xFF, 0xFF},
	})
	if err != nil {
		panic(err) // the control colours above are in order of lightness
	}
	cm := palette.Reverse(dark)
	cm.SetMin(0)
	cm.SetMax(top)
	return cm
}

// heatChart lays out a heat-map with its colour scale on the right.
func heatChart(title, subtitle string, rowNames, colNames []string, g *heatGrid, top float64) *Chart {
	ch := &Chart{Kind: KindTransitions, Title: title, Subtitle: subtitle, Width: SlideWidth, Height: SlideHeight}
	cm := heatColors(top)
	nr, nc := len(rowNames), len(colNames)
	if nr > 14 {
		ch.Height = max(SlideHeight, vg.Length(nr)*0.3*vg.Inch+2.8*vg.Inch)
	}

	p := newPlot()
	// An even count: palette.Reverse leaves the middle colour of an odd
	// count nil (gonum/plot v0.17.0).
	colors := cm.Palette(256)
	hm := plotter.NewHeatMap(g, colors)
	hm.Min, hm.Max = 0, top
	hm.Underflow, hm.Overflow = color.White, colors.Colors()[255]
	p.Add(hm)
	p.Add(&cellLabels{g: g, top: top})
	xt := make([]plot.Tick, nc)
	for j, name := range colNames {
		xt[j] = plot.Tick{Value: float64(j), Label: name}
	}
	yt := make([]plot.Tick, nr)
	for i, name := range rowNames {
		yt[i] = plot.Tick{Value: float64(nr - 1 - i), Label: name}
	}
	p.Y.Tick.Marker = plot.ConstantTicks(yt)
	rowW := vg.Length(0)
	for _, name := range rowNames {
		rowW = max(rowW, p.Y.Tick.Label.Width(name))
	}
	p.X.Label.Text, p.Y.Label.Text = "to", "from"
	p.X.Padding, p.Y.Padding = 0, 0
	p.X.Tick.Length, p.Y.Tick.Length = 0, 0
	nameAxis(p, xt, (ch.Width-rowW-2.2*vg.Inch)/vg.Length(nc)*0.95)

	bar := newPlot()
	bar.Add(&plotter.ColorBar{ColorMap: cm, Vertical: true})
	bar.HideX()
	bar.X.Padding, bar.Y.Padding = 0, 0
	bar.Y.Label.Text = "probability"
	bar.Y.Tick.Marker = tickFormat{format: func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }}

	ch.body = func(c draw.Canvas) {
		barW := 1.1 * vg.Inch
		main := draw.Crop(c, 0, -barW-vg.Points(12), 0, 0)
		p.Draw(main)
		// Line the scale up with the cells.
		data := p.DataCanvas(main)
		side := draw.Crop(c, c.Size().X-barW, 0, 0, 0)
		side.Min.Y, side.Max.Y = data.Min.Y, data.Max.Y
		bar.Draw(side)
	}
	return ch
}

// cellLabels writes each non-zero probability in its cell when cells are
// big enough to hold it, in white on dark cells.
type cellLabels struct {
	g   *heatGrid
	top float64
}

// Plot implements plot.Plotter.
func (l *cellLabels) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	cw, rh := trX(1)-trX(0), trY(1)-trY(0)
	sty := textStyle(valueSize, black)
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
	if sty.Width("0.00")+vg.Points(4) > cw || sty.Height("0")+vg.Points(2) > rh {
		return
	}
	nc, nr := l.g.Dims()
	for r := range nr {
		for col := range nc {
			v := l.g.Z(col, r)
			if v == 0 {
				continue
			}
			sty.Color = black
			if v > 0.55*l.top {
				sty.Color = color.White
			}
			c.FillText(sty, vg.Point{X: trX(l.g.X(col)), Y: trY(l.g.Y(r))}, strconv.FormatFloat(v, 'f', 2, 64))
		}
	}
}
