package report

import (
	"cmp"
	"errors"
	"fmt"
	"image/color"
	"math"
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
	t := transitionTable(d, topN)
	title := fmt.Sprintf("Markov transition probabilities (order %d)", d.Order)
	sub := fmt.Sprintf("Probability of moving from the row's state to the column's; P(conv) = %.3g", d.PConv)
	if t.shown < t.states {
		title = fmt.Sprintf("Markov transitions: top %d of %d states by traffic", t.shown, t.states)
		sub = fmt.Sprintf("Order %d; rows: from, columns: to; traffic = expected visits per journey; P(conv) = %.3g", d.Order, d.PConv)
	}
	top := 0.0
	for _, row := range t.grid.z {
		top = max(top, slices.Max(row))
	}
	if top == 0 {
		top = 1
	}
	rows, cols := shortLabels(t.rows), shortLabels(t.cols)
	ch := heatChart(title, sub, rows, cols, t.grid, top, SlideWidth, SlideHeight, LightTheme(), false)
	ch.layout = func(w, h vg.Length, th Theme) *Chart {
		return heatChart(title, sub, rows, cols, t.grid, top, w, h, th, true)
	}
	return ch, nil
}

// transitions is the part of a chain a heat-map shows.
type transitions struct {
	rows, cols    []string // state names
	grid          *heatGrid
	shown, states int // channel states shown, and in the chain
}

// transitionTable picks the rows and columns of the heat-map of d: every
// channel state, or the topN (0 means DefaultTopStates) with the most
// traffic, plus an "(other states)" column for the rest.
func transitionTable(d *attribution.MarkovDetail, topN int) transitions {
	if topN <= 0 {
		topN = DefaultTopStates
	}
	n := len(d.States)
	start, conv, null := 0, n-2, n-1
	t := transitions{states: n - 3}
	shown := make([]int, 0, t.states)
	for s := 1; s <= t.states; s++ {
		shown = append(shown, s)
	}
	truncated := t.states > topN
	if truncated {
		visits := stateVisits(d)
		slices.SortStableFunc(shown, func(a, b int) int { return cmp.Compare(visits[b], visits[a]) })
		shown = shown[:topN]
	}
	t.shown = len(shown)
	rows := append([]int{start}, shown...)
	cols := append(slices.Clone(shown), conv, null)
	rowOf, colOf := map[int]int{}, map[int]int{}
	for i, s := range rows {
		rowOf[s] = i
		t.rows = append(t.rows, d.States[s])
	}
	for j, s := range cols {
		colOf[s] = j
		t.cols = append(t.cols, d.States[s])
	}
	if truncated {
		t.cols = append(t.cols, otherStates)
	}
	t.grid = &heatGrid{z: make([][]float64, len(rows))}
	for i := range t.grid.z {
		t.grid.z[i] = make([]float64, len(t.cols))
	}
	for _, tr := range d.Transitions {
		i, ok := rowOf[tr.From]
		if !ok {
			continue
		}
		if j, ok := colOf[tr.To]; ok {
			t.grid.z[i][j] += tr.P
		} else {
			t.grid.z[i][len(cols)] += tr.P // only left-out states are missing
		}
	}
	return t
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

// zeroAsNaN shows a heat grid with its zeros as NaN, which the heat-map
// fills with its NaN colour.
type zeroAsNaN struct{ *heatGrid }

func (g zeroAsNaN) Z(c, r int) float64 {
	if v := g.heatGrid.Z(c, r); v != 0 {
		return v
	}
	return math.NaN()
}

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

// heatChart lays out a heat-map with its colour scale on the right, at
// w × h in theme th; unless fixed, many rows make it taller than h.
func heatChart(title, subtitle string, rowNames, colNames []string, g *heatGrid, top float64, w, h vg.Length, th Theme, fixed bool) *Chart {
	ch := &Chart{Kind: KindTransitions, Title: title, Subtitle: subtitle, Width: w, Height: h, theme: th}
	cm := heatColors(top)
	nr, nc := len(rowNames), len(colNames)
	if nr > 14 && !fixed {
		ch.Height = max(h, vg.Length(nr)*0.3*vg.Inch+2.8*vg.Inch)
	}

	p := newPlot(th)
	// An even count: palette.Reverse leaves the middle colour of an odd
	// count nil (gonum/plot v0.17.0).
	colors := cm.Palette(256)
	// Transitions that never happen take the background, so that in a
	// dark theme they are not white blocks (on paper they stay white).
	hm := plotter.NewHeatMap(zeroAsNaN{g}, colors)
	hm.Min, hm.Max = 0, top
	hm.NaN = th.Background
	hm.Underflow, hm.Overflow = th.Background, colors.Colors()[255]
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

	bar := newPlot(th)
	bar.Add(&plotter.ColorBar{ColorMap: cm, Vertical: true})
	bar.HideX()
	bar.X.Padding, bar.Y.Padding = 0, 0
	bar.Y.Label.Text = "probability"
	bar.Y.Tick.Marker = tickFormat{format: func(v float64) string { return trimZero(strconv.FormatFloat(v, 'f', 2, 64)) }, minor: true}

	ch.body = func(c draw.Canvas) {
		barW := 1.3 * vg.Inch
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
