package app

import (
	"image"
	"image/color"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"gonum.org/v1/plot/vg"

	"github.com/attrlab/attrlab/report"
)

// chartSettle is how long a chart waits after its last resize before it
// is drawn again at the new size; meanwhile the last drawing is stretched.
// Drawing takes tens of milliseconds, too slow for every frame of a drag.
const chartSettle = 150 * time.Millisecond

// ChartView shows a chart laid out for the space it is given, at the
// screen's resolution, in the app's theme: text keeps its point size
// whatever the size of the window. Exports (report.Chart.Save) stay on
// white at slide size.
type ChartView struct {
	widget.BaseWidget

	raster *canvas.Raster
	// settle is the resize debounce; 0 draws on the UI thread at once
	// (tests).
	settle time.Duration

	mu    sync.Mutex
	chart *report.Chart
	img   image.Image // the last drawing, and what it was drawn for
	drawn drawKey
	timer *time.Timer
}

// drawKey is what a drawing depends on.
type drawKey struct {
	chart      *report.Chart
	w, h       int
	scale      float32 // pixels per Fyne unit
	background color.RGBA
}

func newChartView() *ChartView {
	v := &ChartView{settle: chartSettle}
	v.raster = canvas.NewRaster(v.generate)
	v.ExtendBaseWidget(v)
	return v
}

// CreateRenderer implements fyne.Widget.
func (v *ChartView) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(v.raster)
}

// MinSize keeps a chart big enough to read.
func (v *ChartView) MinSize() fyne.Size { return fyne.NewSize(360, 220) }

// SetChart shows ch (nil clears the view).
func (v *ChartView) SetChart(ch *report.Chart) {
	v.mu.Lock()
	v.chart = ch
	v.mu.Unlock()
	v.raster.Refresh()
}

// Chart returns the chart on show, or nil.
func (v *ChartView) Chart() *report.Chart {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.chart
}

// Image returns the last drawing of the chart, or nil.
func (v *ChartView) Image() image.Image {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.chart == nil {
		return nil
	}
	return v.img
}

// generate is the raster's generator: the chart drawn at w × h pixels.
func (v *ChartView) generate(w, h int) image.Image {
	th := chartTheme()
	key := drawKey{w: w, h: h, scale: 1, background: toRGBA(th.Background)}
	if s := v.Size(); s.Width > 0 {
		key.scale = float32(w) / s.Width
	}
	v.mu.Lock()
	key.chart = v.chart
	if key.chart == nil || w <= 0 || h <= 0 {
		v.mu.Unlock()
		return image.NewRGBA(image.Rect(0, 0, 1, 1))
	}
	if key == v.drawn {
		defer v.mu.Unlock()
		return v.img
	}
	if v.settle == 0 {
		v.mu.Unlock()
		return v.draw(key, th)
	}
	// Draw off the UI thread: at once for a new chart, once resizing has
	// settled for a new size. Meanwhile the last drawing of this chart is
	// stretched, or the background shown.
	wait := time.Duration(0)
	old := v.img
	if v.drawn.chart != key.chart || v.drawn.background != key.background {
		old = nil
	} else {
		wait = v.settle
	}
	if v.timer != nil {
		v.timer.Stop()
	}
	v.timer = time.AfterFunc(wait, func() { v.redraw(key, th) })
	v.mu.Unlock()
	if old == nil {
		blank := image.NewRGBA(image.Rect(0, 0, 1, 1))
		blank.Set(0, 0, key.background)
		return blank
	}
	return old
}

// redraw draws the chart for key off the UI thread, then shows it.
func (v *ChartView) redraw(key drawKey, th report.Theme) {
	v.mu.Lock()
	current := v.chart == key.chart
	v.mu.Unlock()
	if !current {
		return
	}
	v.draw(key, th)
	onUI(v.raster.Refresh)
}

// draw lays the chart out for key at the canvas scale and keeps the
// drawing.
func (v *ChartView) draw(key drawKey, th report.Theme) image.Image {
	// A point of chart text is a unit of Fyne text: 72 dots per inch at
	// scale 1.
	dpi := max(1, int(72*key.scale+0.5))
	wl := vg.Length(float64(key.w)/float64(dpi)) * vg.Inch
	hl := vg.Length(float64(key.h)/float64(dpi)) * vg.Inch
	img := key.chart.Fit(wl, hl, th).Image(dpi)
	v.mu.Lock()
	if v.chart == key.chart {
		v.img, v.drawn = img, key
	}
	v.mu.Unlock()
	return img
}

// chartTheme is the app theme's colours for charts.
func chartTheme() report.Theme {
	s := fyne.CurrentApp().Settings()
	t, variant := s.Theme(), s.ThemeVariant()
	return report.Theme{
		Background: t.Color(theme.ColorNameBackground, variant),
		Text:       t.Color(theme.ColorNameForeground, variant),
		Muted:      t.Color(theme.ColorNamePlaceHolder, variant),
		Grid:       t.Color(theme.ColorNameSeparator, variant),
	}
}

func toRGBA(c color.Color) color.RGBA {
	r, g, b, a := c.RGBA()
	return color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), uint8(a >> 8)}
}
