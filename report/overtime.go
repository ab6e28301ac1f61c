package report

import (
	"errors"
	"fmt"
	"io"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/attrlab/attrlab/tracking"
)

// KindOverTime is the chart of credit share by period.
const KindOverTime Kind = "overtime"

// OverTime is one model's share of every channel in every period of a run
// made by week or month.
type OverTime struct {
	Model    string
	Periods  []string
	Channels []string
	// Share[p][c] is channel c's share in period p; Low and High its
	// bootstrap interval when the periods were bootstrapped (else nil).
	Share, Low, High [][]float64
}

// OverTimeFromRows gathers model's rows of a run's stored periods.
func OverTimeFromRows(rows []tracking.PeriodRow, model string) (OverTime, error) {
	o := OverTime{Model: model}
	withIntervals := true
	for _, r := range rows {
		if r.Model != model {
			continue
		}
		for len(o.Periods) <= r.Index {
			o.Periods = append(o.Periods, "")
			o.Share = append(o.Share, nil)
			o.Low = append(o.Low, nil)
			o.High = append(o.High, nil)
		}
		o.Periods[r.Index] = r.Period
		if r.Index == 0 {
			o.Channels = append(o.Channels, r.Channel)
		}
		o.Share[r.Index] = append(o.Share[r.Index], r.Share)
		if r.ShareLow != nil && r.ShareHigh != nil {
			o.Low[r.Index] = append(o.Low[r.Index], *r.ShareLow)
			o.High[r.Index] = append(o.High[r.Index], *r.ShareHigh)
		} else {
			withIntervals = false
		}
	}
	if len(o.Periods) == 0 {
		return o, fmt.Errorf("the run has no periods for model %s", model)
	}
	for p, s := range o.Share {
		if len(s) != len(o.Channels) {
			return o, fmt.Errorf("period %s has %d channels, the first %d", o.Periods[p], len(s), len(o.Channels))
		}
	}
	if !withIntervals {
		o.Low, o.High = nil, nil
	}
	return o, nil
}

// OverTimeChart draws each channel's share of conversions, period by
// period, as one line per channel (with the bootstrap interval as a
// vertical bar at each point when there is one).
func OverTimeChart(o OverTime) (*Chart, error) {
	if len(o.Periods) == 0 || len(o.Channels) == 0 {
		return nil, errors.New("credit over time: no periods or no channels to draw")
	}
	ch, err := overTimeChart(o, SlideWidth, SlideHeight, LightTheme())
	if err != nil {
		return nil, err
	}
	ch.layout = func(w, h vg.Length, th Theme) *Chart {
		c, err := overTimeChart(o, w, h, th)
		if err != nil {
			return ch // the slide-size chart drew; this one cannot differ
		}
		return c
	}
	return ch, nil
}

// overTimeChart lays OverTimeChart out at w × h in theme th.
func overTimeChart(o OverTime, w, h vg.Length, th Theme) (*Chart, error) {
	ch := &Chart{Kind: KindOverTime, Title: "Credit share over time",
		Subtitle: fmt.Sprintf("Share of attributed conversions per period, %s model", o.Model),
		Width:    w, Height: h, theme: th}
	p := newPlot(th)
	p.Y.Label.Text = "Share of conversions"
	p.Y.Tick.Marker = tickFormat{format: percentTick}
	p.Y.Min = 0
	ticks := make([]plot.Tick, len(o.Periods))
	for i, l := range o.Periods {
		ticks[i] = plot.Tick{Value: float64(i), Label: l}
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Min, p.X.Max = -0.3, float64(len(o.Periods)-1)+0.3
	grid := plotter.NewGrid()
	grid.Vertical.Color, grid.Horizontal.Color = nil, th.Grid
	p.Add(grid)
	legend := plot.NewLegend()
	legend.TextStyle = textStyle(legendSize, th.Text)
	legend.Top, legend.Left = true, true
	legend.ThumbnailWidth = legendThumb
	legendW := vg.Length(0)
	for c, name := range o.Channels {
		pts := make(plotter.XYs, len(o.Periods))
		for i := range o.Periods {
			pts[i] = plotter.XY{X: float64(i), Y: o.Share[i][c]}
		}
		line, points, err := plotter.NewLinePoints(pts)
		if err != nil {
			return nil, err
		}
		line.Color, points.Color = seriesColor(c), seriesColor(c)
		line.Width = vg.Points(2)
		points.Shape = draw.CircleGlyph{}
		points.Radius = vg.Points(2.5)
		p.Add(line, points)
		if o.Low != nil {
			bars := make(plotter.XYs, 0, 2*len(o.Periods))
			for i := range o.Periods {
				bars = append(bars, plotter.XY{X: float64(i), Y: o.Low[i][c]}, plotter.XY{X: float64(i), Y: o.High[i][c]})
			}
			p.Add(&intervalTicks{pts: bars})
		}
		legend.Add(shortLabel(name), swatch{seriesColor(c)})
		legendW = max(legendW, legend.TextStyle.Width(shortLabel(name)))
	}
	legendW += legendThumb + legend.TextStyle.Width("  ") + vg.Points(12)
	ch.body = func(c draw.Canvas) {
		legend.Draw(draw.Crop(c, c.Size().X-legendW+vg.Points(12), 0, 0, 0))
		p.Draw(draw.Crop(c, 0, -legendW, 0, 0))
	}
	return ch, nil
}

// intervalTicks draws vertical interval bars given as (x, low), (x, high)
// pairs.
type intervalTicks struct {
	pts plotter.XYs
}

// Plot implements plot.Plotter.
func (t *intervalTicks) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	ls := draw.LineStyle{Color: errorBarColor, Width: vg.Points(1)}
	for i := 0; i+1 < len(t.pts); i += 2 {
		x := trX(t.pts[i].X)
		c.StrokeLine2(ls, x, trY(t.pts[i].Y), x, trY(t.pts[i+1].Y))
	}
}

// DataRange implements plot.DataRanger.
func (t *intervalTicks) DataRange() (xmin, xmax, ymin, ymax float64) {
	return plotter.XYRange(t.pts)
}

type overTimeRow struct {
	Period  textCell `csv:"period"`
	Model   textCell `csv:"model"`
	Channel textCell `csv:"channel"`
	Share   number   `csv:"share"`
	Low     maybe    `csv:"share_low"`
	High    maybe    `csv:"share_high"`
}

// WriteOverTimeCSV writes the chart's numbers: period, model, channel,
// share, share_low, share_high (empty without a bootstrap).
func WriteOverTimeCSV(w io.Writer, o OverTime) error {
	rows := []overTimeRow{}
	for p, label := range o.Periods {
		for c, ch := range o.Channels {
			row := overTimeRow{Period: textCell(label), Model: textCell(o.Model), Channel: textCell(ch), Share: number(o.Share[p][c])}
			if o.Low != nil {
				row.Low, row.High = maybe{o.Low[p][c], true}, maybe{o.High[p][c], true}
			}
			rows = append(rows, row)
		}
	}
	return marshal(w, "credit over time", rows)
}
