package report

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// barSeries is one colour of bars: a value per group.
type barSeries struct {
	name   string
	values []float64
	color  color.Color
	// low and high, when set, are drawn as an error bar on each bar.
	low, high []float64
}

// barSpec describes a grouped bar chart: one group per channel, one bar
// per series (model, run, current or proposed) in each group.
type barSpec struct {
	kind            Kind
	title, subtitle string
	valueAxis       string
	groups          []string
	series          []barSeries
	label           func(float64) string // text above (or beside) each bar
	tick            func(float64) string // text of the value axis ticks
	// summable says the values of several channels add up (shares,
	// spend), so channels past maxChartGroups can be drawn as one bar.
	summable bool
}

// maxChartGroups bounds the channels a bar chart draws: campaign-level
// data has thousands, which no reader can tell apart and which would make
// a chart thousands of rows tall. The largest keep their own bars; the
// rest become one "other" bar (when values add up) or are left out, and
// the subtitle says so. Tables and CSV keep every channel.
const maxChartGroups = 40

// foldGroups returns s with at most maxChartGroups groups: those with the
// largest value in any series, in their original order, then the rest
// as one group of sums (summable) or none.
func foldGroups(s barSpec) barSpec {
	n := len(s.groups)
	if n <= maxChartGroups {
		return s
	}
	keep := maxChartGroups
	if s.summable {
		keep-- // room for the "other" bar
	}
	peak := make([]float64, n)
	for g := range peak {
		peak[g] = math.Inf(-1)
		for _, se := range s.series {
			if v := se.values[g]; !math.IsNaN(v) {
				peak[g] = max(peak[g], math.Abs(v))
			}
		}
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case peak[a] > peak[b]:
			return -1
		case peak[a] < peak[b]:
			return 1
		}
		return 0
	})
	kept := order[:keep]
	slices.Sort(kept)
	out := s
	out.groups = make([]string, 0, keep+1)
	for _, g := range kept {
		out.groups = append(out.groups, s.groups[g])
	}
	rest := n - keep
	out.series = make([]barSeries, len(s.series))
	for i, se := range s.series {
		o := barSeries{name: se.name, color: se.color}
		for _, g := range kept {
			o.values = append(o.values, se.values[g])
			if se.low != nil {
				o.low = append(o.low, se.low[g])
				o.high = append(o.high, se.high[g])
			}
		}
		if s.summable {
			var sum float64
			for _, g := range order[keep:] {
				if v := se.values[g]; !math.IsNaN(v) {
					sum += v
				}
			}
			o.values = append(o.values, sum)
			if se.low != nil { // an interval of a sum is not the sum of intervals: none
				o.low = append(o.low, math.NaN())
				o.high = append(o.high, math.NaN())
			}
		}
		out.series[i] = o
	}
	if s.summable {
		out.groups = append(out.groups, fmt.Sprintf("%d other channels", rest))
		out.subtitle = fmt.Sprintf("%s; the %d largest of %d channels, the rest as one bar", s.subtitle, keep, n)
	} else {
		out.subtitle = fmt.Sprintf("%s; the %d largest of %d channels", s.subtitle, keep, n)
	}
	return out
}

// Layout limits: beyond maxVerticalGroups channels, or maxVerticalBars
// bars, the chart turns its bars sideways and grows taller so that each
// channel keeps a readable row.
const (
	maxVerticalGroups = 12
	maxVerticalBars   = 60
	barFill           = 0.8 // part of a group's slot its bars fill
)

var (
	minRowHeight = vg.Inch * 32 / 100 // a channel's row in a sideways chart
	barThickness = vg.Inch * 8 / 100  // each bar of a row, when that needs more
	legendThumb  = vg.Inch / 4
)

// labelMode says how value labels are drawn on bars.
type labelMode int

const (
	labelNone    labelMode = iota
	labelFlat              // horizontal text above (or beside) the bar
	labelRotated           // text turned a quarter, reading upwards
)

// barChart lays out s on a slide in the light theme and returns the
// chart.
func barChart(s barSpec) *Chart {
	return layBars(foldGroups(s), SlideWidth, SlideHeight, LightTheme(), false)
}

// layBars lays out s at w × h in theme th. Unless fixed, a chart with many
// channels grows taller than h so that each keeps a readable row.
func layBars(s barSpec, w, h vg.Length, th Theme, fixed bool) *Chart {
	n, m := len(s.groups), len(s.series)
	ch := &Chart{Kind: s.kind, Title: s.title, Subtitle: s.subtitle, Width: w, Height: h, theme: th}
	ch.layout = func(w, h vg.Length, th Theme) *Chart { return layBars(s, w, h, th, true) }
	sideways := n > maxVerticalGroups || n*m > maxVerticalBars
	if sideways && !fixed {
		rows := max(minRowHeight, barThickness*vg.Length(m)) * vg.Length(n)
		ch.Height = max(h, rows+2*vg.Inch)
	}
	labels := shortLabels(s.groups)

	legend := plot.NewLegend()
	legend.TextStyle = textStyle(legendSize, th.Text)
	legend.Top, legend.Left = true, true
	legend.ThumbnailWidth = legendThumb
	legend.Padding = vg.Points(4)
	legendW := vg.Length(0)
	legendTop := false // the legend over the bars rather than beside them
	if m > 1 {
		for _, se := range s.series {
			name := shortLabel(se.name)
			legend.Add(name, swatch{se.color})
			legendW = max(legendW, legend.TextStyle.Width(name))
		}
		legendW += legendThumb + legend.TextStyle.Width("  ") + vg.Points(12)
	}

	p := newPlot(th)
	bars := &groupedBars{spec: s, sideways: sideways, text: th.Text}
	grid := plotter.NewGrid()
	grid.Horizontal.Color, grid.Vertical.Color = th.Grid, th.Grid
	value, names := &p.Y, &p.X
	if sideways {
		value, names = &p.X, &p.Y
		grid.Horizontal.Color = nil
		// First channel on top.
		slices.Reverse(labels)
	} else {
		grid.Vertical.Color = nil
	}
	ticks := make([]plot.Tick, n)
	for i, l := range labels {
		ticks[i] = plot.Tick{Value: float64(i), Label: l}
	}
	names.Tick.Length, names.Width, names.Padding = 0, 0, 0
	value.Label.Text = s.valueAxis
	value.Tick.Marker = tickFormat{format: s.tick, minor: sideways}
	value.Padding = 0

	// Estimate the data area to pick how names and value labels fit.
	if sideways {
		dataH := ch.Height - 1.9*vg.Inch
		bars.thick = dataH / vg.Length(n) * barFill / vg.Length(m)
		p.Y.Tick.Marker = plot.ConstantTicks(ticks)
	} else {
		// The page margins (Draw), the value axis and a gap on the right.
		used := vg.Points(20) + valueAxisWidth(p, bars, s.tick) + vg.Points(12)
		dataW := ch.Width - legendW - used
		slot := func(w vg.Length) vg.Length { return w / vg.Length(n) * 0.95 }
		// Names that would have to turn beside the legend may stand
		// upright with the legend above the bars instead.
		if m > 1 && !namesFit(p.X.Tick.Label, labels, slot(dataW)) && namesFit(p.X.Tick.Label, labels, slot(ch.Width-used)) {
			legendTop, dataW = true, ch.Width-used
		}
		bars.thick = dataW / vg.Length(n) * barFill / vg.Length(m)
		ch.namesTurned = nameAxis(p, ticks, slot(dataW))
	}
	bars.pickLabels()
	p.Add(grid, bars)

	ch.body = func(c draw.Canvas) {
		switch {
		case legendTop:
			rowH := legend.TextStyle.Height("Ag") + legend.Padding
			strip := vg.Length(m)*rowH + vg.Points(4)
			legend.Draw(draw.Crop(c, 0, 0, c.Size().Y-strip, 0))
			c = draw.Crop(c, 0, -vg.Points(12), 0, -strip)
		case m > 1:
			legend.Draw(draw.Crop(c, c.Size().X-legendW+vg.Points(12), 0, 0, 0))
			c = draw.Crop(c, 0, -legendW, 0, 0)
		default:
			c = draw.Crop(c, 0, -vg.Points(12), 0, 0)
		}
		p.Draw(c)
	}
	return ch
}

// valueAxisWidth estimates the width of an upright chart's value axis:
// its label (turned), the widest tick label and the tick marks.
func valueAxisWidth(p *plot.Plot, bars *groupedBars, tick func(float64) string) vg.Length {
	_, _, lo, hi := bars.DataRange()
	w := vg.Length(0)
	for _, t := range (plot.DefaultTicks{}).Ticks(lo, hi) {
		if t.Label != "" {
			w = max(w, p.Y.Tick.Label.Width(tick(t.Value)))
		}
	}
	return p.Y.Label.TextStyle.Height(p.Y.Label.Text) + p.Y.Label.Padding + w + p.Y.Tick.Length + vg.Points(6)
}

// namesFit tells whether names stand upright in slots slotW wide, as they
// are or wrapped (see nameAxis).
func namesFit(sty text.Style, names []string, slotW vg.Length) bool {
	if !slices.ContainsFunc(names, func(l string) bool { return sty.Width(l) > slotW }) {
		return true
	}
	_, ok := wrapLabels(names, slotW, sty.Width)
	return ok
}

// nameAxis puts names on p's X axis, one per slot of width slotW: as they
// are if they fit, wrapped onto up to three lines if that makes them fit,
// and otherwise turned (it then reports true).
func nameAxis(p *plot.Plot, ticks []plot.Tick, slotW vg.Length) (turned bool) {
	labels := make([]string, len(ticks))
	for i, t := range ticks {
		labels[i] = t.Label
	}
	if slices.ContainsFunc(labels, func(l string) bool { return p.X.Tick.Label.Width(l) > slotW }) {
		if wrapped, ok := wrapLabels(labels, slotW, p.X.Tick.Label.Width); ok {
			ticks = slices.Clone(ticks)
			for i := range ticks {
				ticks[i].Label = wrapped[i]
			}
		} else {
			// An eighth turn unless neighbours would then touch; a
			// quarter turn leaves each name its slot's full width.
			p.X.Tick.Label.XAlign = draw.XRight
			p.X.Tick.Label.YAlign = draw.YTop
			p.X.Tick.Label.Rotation = math.Pi / 4
			if lineH := p.X.Tick.Label.Height("Ag"); slotW*math.Sqrt2/2 < 1.3*lineH {
				p.X.Tick.Label.Rotation = math.Pi / 2
				p.X.Tick.Label.YAlign = draw.YCenter
			}
			// The axis lifts labels by the font's descent, which a turned
			// label would push into the data: make room with an invisible
			// tick mark.
			p.X.Tick.Length = p.X.Tick.Label.FontExtents().Descent + vg.Points(3)
			p.X.Tick.Width, p.X.Tick.Color = 1, color.Transparent
			turned = true
		}
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	return turned
}

// wrapLabels breaks each label after spaces, underscores, hyphens, dots
// and slashes into lines no wider than w. A label that needs more than
// three lines keeps three, the last ending in an ellipsis. It reports false
// if a label has a piece too wide for w.
func wrapLabels(labels []string, w vg.Length, width func(string) vg.Length) ([]string, bool) {
	const maxLines = 3
	out := make([]string, len(labels))
	for i, l := range labels {
		var lines []string
		line := ""
		for _, tok := range splitAfterAny(l, " _-./") {
			switch {
			case width(strings.TrimSpace(tok)) > w:
				return nil, false
			case width(strings.TrimSpace(line+tok)) <= w:
				line += tok
			default:
				lines = append(lines, strings.TrimSpace(line))
				line = tok
			}
		}
		lines = append(lines, strings.TrimSpace(line))
		if len(lines) > maxLines {
			lines = lines[:maxLines]
			last := []rune(strings.TrimSuffix(lines[maxLines-1], "…"))
			for len(last) > 0 && width(string(last)+"…") > w {
				last = last[:len(last)-1]
			}
			lines[maxLines-1] = strings.TrimSpace(string(last)) + "…"
		}
		out[i] = strings.Join(lines, "\n")
	}
	return out, true
}

// splitAfterAny splits s after every rune in seps.
func splitAfterAny(s, seps string) []string {
	var out []string
	start := 0
	for i, r := range s {
		if strings.ContainsRune(seps, r) {
			out = append(out, s[start:i+utf8.RuneLen(r)])
			start = i + utf8.RuneLen(r)
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// tickFormat labels the default tick marks with its function; with minor
// set, the minor marks too (a tall chart needs more marks to read from).
type tickFormat struct {
	format func(float64) string
	minor  bool
}

// Ticks implements plot.Ticker.
func (t tickFormat) Ticks(min, max float64) []plot.Tick {
	out := plot.DefaultTicks{}.Ticks(min, max)
	for i := range out {
		if out[i].Label != "" || t.minor {
			out[i].Label = t.format(out[i].Value)
		}
	}
	return out
}

// swatch is a legend thumbnail: a filled square.
type swatch struct{ color color.Color }

// Thumbnail implements plot.Thumbnailer.
func (s swatch) Thumbnail(c *draw.Canvas) {
	side := min(c.Size().X, c.Size().Y)
	r := vg.Rectangle{Min: c.Min, Max: vg.Point{X: c.Min.X + side, Y: c.Min.Y + side}}
	c.SetColor(s.color)
	c.Fill(r.Path())
}

// groupedBars draws the bars of a barSpec and their value labels.
type groupedBars struct {
	spec     barSpec
	sideways bool
	text     color.Color // of the value labels
	// thick is the expected thickness of one bar, from the chart size;
	// mode and font are the value labels that fit it.
	thick vg.Length
	mode  labelMode
	font  vg.Length
}

// pickLabels chooses how value labels are drawn: flat if the widest label
// fits across a bar, turned a quarter if its height does (shrinking the
// text down to minValueSize if need be), otherwise not at all.
func (b *groupedBars) pickLabels() {
	var widest string
	for _, se := range b.spec.series {
		for _, v := range se.values {
			if l := b.spec.label(v); len(l) > len(widest) {
				widest = l
			}
		}
	}
	for size := vg.Length(valueSize); size >= minValueSize; size-- {
		sty := textStyle(size, b.text)
		h := sty.Height(widest)
		switch {
		case b.sideways && h <= b.thick*1.05:
			b.mode, b.font = labelFlat, size
			return
		case !b.sideways && sty.Width(widest)+vg.Points(2) <= b.thick:
			b.mode, b.font = labelFlat, size
			return
		case !b.sideways && h <= b.thick*1.05:
			b.mode, b.font = labelRotated, size
			return
		}
	}
	b.mode = labelNone
}

// DataRange implements plot.DataRanger.
func (b *groupedBars) DataRange() (xmin, xmax, ymin, ymax float64) {
	n := float64(len(b.spec.groups))
	top := 0.0
	for _, se := range b.spec.series {
		for _, v := range se.values {
			top = max(top, v)
		}
		for _, v := range se.high {
			if !math.IsNaN(v) { // no interval (the folded "other" bar)
				top = max(top, v)
			}
		}
	}
	if top == 0 {
		top = 1
	}
	if b.sideways {
		return 0, top, -0.5, n - 0.5
	}
	return -0.5, n - 0.5, 0, top
}

// labelStyle is the style of a value label.
func (b *groupedBars) labelStyle() text.Style {
	sty := textStyle(b.font, b.text)
	switch {
	case b.sideways:
		sty.XAlign, sty.YAlign = draw.XLeft, draw.YCenter
	case b.mode == labelRotated:
		sty.Rotation = math.Pi / 2
		sty.XAlign, sty.YAlign = draw.XLeft, draw.YCenter
	default:
		sty.XAlign, sty.YAlign = draw.XCenter, draw.YBottom
	}
	return sty
}

// GlyphBoxes implements plot.GlyphBoxer, so that the plot leaves room for
// the value labels beyond the longest bars.
func (b *groupedBars) GlyphBoxes(plt *plot.Plot) []plot.GlyphBox {
	if b.mode == labelNone {
		return nil
	}
	sty := b.labelStyle()
	gap := vg.Points(3)
	var boxes []plot.GlyphBox
	n := len(b.spec.groups)
	for _, se := range b.spec.series {
		for i, v := range se.values {
			l := b.spec.label(v)
			w, h := sty.Width(l), sty.Height(l)
			var box plot.GlyphBox
			switch {
			case b.sideways:
				box.X, box.Y = plt.X.Norm(v), plt.Y.Norm(float64(n-1-i))
				box.Rectangle = vg.Rectangle{Min: vg.Point{X: 0, Y: -h / 2}, Max: vg.Point{X: w + gap, Y: h / 2}}
			case b.mode == labelRotated:
				box.X, box.Y = plt.X.Norm(float64(i)), plt.Y.Norm(v)
				box.Rectangle = vg.Rectangle{Min: vg.Point{X: -h / 2, Y: 0}, Max: vg.Point{X: h / 2, Y: w + gap}}
			default:
				box.X, box.Y = plt.X.Norm(float64(i)), plt.Y.Norm(v)
				box.Rectangle = vg.Rectangle{Min: vg.Point{X: -w / 2, Y: 0}, Max: vg.Point{X: w / 2, Y: h + gap}}
			}
			boxes = append(boxes, box)
		}
	}
	return boxes
}

// Plot implements plot.Plotter.
func (b *groupedBars) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	n, m := len(b.spec.groups), len(b.spec.series)
	var slot vg.Length
	if b.sideways {
		slot = trY(1) - trY(0)
	} else {
		slot = trX(1) - trX(0)
	}
	thick := slot * barFill / vg.Length(m)
	sty := b.labelStyle()
	gap := vg.Points(3)
	for j, se := range b.spec.series {
		// Offset of this series' bar centre from the group centre.
		off := (vg.Length(j) - vg.Length(m-1)/2) * thick
		for i, v := range se.values {
			var r vg.Rectangle
			var at vg.Point
			if b.sideways {
				y := trY(float64(n-1-i)) - off
				r = vg.Rectangle{Min: vg.Point{X: trX(0), Y: y - thick/2}, Max: vg.Point{X: trX(v), Y: y + thick/2}}
				at = vg.Point{X: r.Max.X + gap, Y: y}
			} else {
				x := trX(float64(i)) + off
				r = vg.Rectangle{Min: vg.Point{X: x - thick/2, Y: trY(0)}, Max: vg.Point{X: x + thick/2, Y: trY(v)}}
				at = vg.Point{X: x, Y: r.Max.Y + gap}
			}
			if v > 0 {
				c.SetColor(se.color)
				c.Fill(r.Path())
			}
			if se.low != nil && !math.IsNaN(se.low[i]) && !math.IsNaN(se.high[i]) {
				b.errorBar(c, trX, trY, se.low[i], se.high[i], n-1-i, i, off, thick)
			}
			if b.mode != labelNone {
				c.FillText(sty, at, b.spec.label(v))
			}
		}
	}
}
