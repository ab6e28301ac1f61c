package app

import (
	"image"
	"image/color"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/attrlab/attrlab/attribution"
	"github.com/attrlab/attrlab/report"
)

// countColor counts the pixels of img that are exactly c.
func countColor(img image.Image, c color.Color) int {
	r0, g0, b0, _ := c.RGBA()
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bb, _ := img.At(x, y).RGBA()
			if r>>8 == r0>>8 && g>>8 == g0>>8 && bb>>8 == b0>>8 {
				n++
			}
		}
	}
	return n
}

// fills reports whether img is the size of a widget of size s, to the
// pixel (the canvas rounds sizes up).
func fills(img image.Image, s fyne.Size) bool {
	dx, dy := float32(img.Bounds().Dx())-s.Width, float32(img.Bounds().Dy())-s.Height
	return dx > -1 && dx < 1 && dy > -1 && dy < 1
}

// paint renders the window as the screen would, which draws its charts.
func paint(u *UI) image.Image { return u.Window.Canvas().Capture() }

// TestChartFillsItsSpace shows the attribution chart in two window sizes:
// the chart is drawn at the size of its widget, not a fixed picture
// scaled down, so a bigger window gives a bigger drawing with text of the
// same size.
func TestChartFillsItsSpace(t *testing.T) {
	u := newStoreUI(t)
	if err := u.Start(); err != nil {
		t.Fatal(err)
	}
	u.Select(ScreenAttribute)
	v := u.Attribute.Chart
	v.settle = 0
	u.Window.Resize(fyne.NewSize(1000, 700))
	paint(u.UI)
	small := v.Image()
	if small == nil {
		t.Fatal("no chart drawn")
	}
	if !fills(small, v.Size()) {
		t.Errorf("chart drawn %v in a widget of %v", small.Bounds().Size(), v.Size())
	}
	u.Window.Resize(fyne.NewSize(1600, 1000))
	paint(u.UI)
	big := v.Image()
	if !fills(big, v.Size()) {
		t.Errorf("chart drawn %v in a widget of %v after the window grew", big.Bounds().Size(), v.Size())
	}
	if big.Bounds().Dx() <= small.Bounds().Dx()+400 || big.Bounds().Dy() <= small.Bounds().Dy()+100 {
		t.Errorf("a window 600×300 larger drew the chart %v, was %v", big.Bounds().Size(), small.Bounds().Size())
	}

	// In the app, resizing waits to settle before drawing again, off the
	// UI thread; the drawing then follows the widget.
	v.settle = 20 * time.Millisecond
	u.Window.Resize(fyne.NewSize(1200, 800))
	paint(u.UI)
	pumpWait(t, "the chart redrawn at the new size", func() bool {
		return fills(v.Image(), v.Size())
	})
}

// TestChartFollowsTheTheme draws the attribution chart in the dark theme:
// its background is the theme's, while the exported file stays white.
func TestChartFollowsTheTheme(t *testing.T) {
	u := newStoreUI(t)
	if err := u.Start(); err != nil {
		t.Fatal(err)
	}
	u.Select(ScreenAttribute)
	v := u.Attribute.Chart
	v.settle = 0
	u.App.Settings().SetTheme(theme.DarkTheme())
	u.Window.Resize(fyne.NewSize(1200, 800))
	paint(u.UI)
	img := v.Image()
	bg := theme.DarkTheme().Color(theme.ColorNameBackground, theme.VariantDark)
	all := img.Bounds().Dx() * img.Bounds().Dy()
	if n := countColor(img, bg); n < all/2 {
		t.Errorf("%d of %d pixels of the chart have the dark background", n, all)
	}
	if n := countColor(img, color.White); n > all/100 {
		t.Errorf("%d of %d pixels of the chart are white in the dark theme", n, all)
	}
	exported := v.Chart().Image(30)
	if n, all := countColor(exported, color.White), exported.Bounds().Dx()*exported.Bounds().Dy(); n < all/2 {
		t.Errorf("the chart as exported has %d of %d white pixels", n, all)
	}
}

// TestModelColourAcrossCharts finds markov's colour in the attribution
// chart and in the comparison of two runs' markov credit.
func TestModelColourAcrossCharts(t *testing.T) {
	u := newStoreUI(t)
	if err := u.Start(); err != nil {
		t.Fatal(err)
	}
	first := u.Attribute.LastRun
	second := u.run(t, "2", "Default")
	u.Window.Resize(fyne.NewSize(1280, 800))
	u.Select(ScreenAttribute)
	u.Attribute.Chart.settle = 0
	paint(u.UI)
	markov := report.ModelColor(attribution.Markov)
	if n := countColor(u.Attribute.Chart.Image(), markov); n < 200 {
		t.Fatalf("the attribution chart has %d pixels of markov's colour", n)
	}
	u.compareTicked(t, first.ID, second.ID)
	u.Compare.Model.SetSelected(attribution.Markov)
	u.Compare.Chart.settle = 0
	paint(u.UI)
	img := u.Compare.Chart.Image()
	if img == nil {
		t.Fatal("no comparison chart drawn")
	}
	if n := countColor(img, markov); n < 200 {
		t.Errorf("the comparison of markov credit has %d pixels of markov's colour", n)
	}
	u.Compare.Model.SetSelected(attribution.Linear)
	paint(u.UI)
	if n := countColor(u.Compare.Chart.Image(), report.ModelColor(attribution.Linear)); n < 200 {
		t.Errorf("the comparison of linear credit has %d pixels of linear's colour", n)
	}
}
