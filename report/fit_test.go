package report

import (
	"image"
	"image/color"
	"testing"

	"gonum.org/v1/plot/vg"

	"github.com/attrlab/attrlab/attribution"
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

// px is a length of n pixels at 72 dpi.
func px(n int) vg.Length { return vg.Length(n) }

// TestFitFillsTheSpace lays every kind of chart out at two sizes: the
// image is as large as the space, so text keeps its size instead of being
// scaled down with a slide-sized picture.
func TestFitFillsTheSpace(t *testing.T) {
	res := fixtureResults()
	attr, _ := AttributionChart(res)
	rem, _ := RemovalChart(res[3])
	heat, _ := TransitionsChart(fixtureMarkov(5), 0)
	cmp, _ := CompareChart(Comparison{Runs: []string{"a", "b"}, Channels: fixtureChannels, Share: [][]float64{res[0].Share, res[3].Share}, Model: attribution.Markov})
	for _, ch := range []*Chart{attr, rem, heat, cmp} {
		for _, size := range [][2]int{{440, 265}, {1400, 700}} {
			img := ch.Fit(px(size[0]), px(size[1]), LightTheme()).Image(72)
			if got := img.Bounds().Size(); got.X != size[0] || got.Y != size[1] {
				t.Errorf("%s chart fitted to %v is %v", ch.Kind, size, got)
			}
		}
		// The chart itself is unchanged: files keep the slide size.
		if ch.Width != SlideWidth || ch.Height != SlideHeight {
			t.Errorf("%s chart is %v × %v after Fit, want the slide size", ch.Kind, ch.Width, ch.Height)
		}
	}
}

// TestDarkTheme draws a chart in a dark theme: the background and the
// text take the theme's colours, while the export stays on white.
func TestDarkTheme(t *testing.T) {
	dark := Theme{Background: color.RGBA{0x17, 0x17, 0x18, 0xFF}, Text: color.RGBA{0xF3, 0xF3, 0xF3, 0xFF},
		Muted: color.Gray{0xAA}, Grid: color.Gray{0x40}}
	ch, _ := AttributionChart(fixtureResults())
	img := ch.Fit(px(900), px(500), dark).Image(72)
	total := img.Bounds().Dx() * img.Bounds().Dy()
	if n := countColor(img, dark.Background); n < total/2 {
		t.Errorf("%d of %d pixels have the dark background", n, total)
	}
	if n := countColor(img, color.White); n > total/100 {
		t.Errorf("%d of %d pixels are white in the dark theme", n, total)
	}
	if n := countColor(img, dark.Text); n < 50 {
		t.Errorf("only %d pixels have the theme's text colour", n)
	}
	light := ch.Image(20)
	if n, all := countColor(light, color.White), light.Bounds().Dx()*light.Bounds().Dy(); n < all/2 {
		t.Errorf("the chart as exported has %d of %d white pixels", n, all)
	}
}

// TestModelKeepsItsColour finds each model's colour in the attribution
// chart, and the markov colour in the removal chart and in a comparison
// of markov credit across runs.
func TestModelKeepsItsColour(t *testing.T) {
	res := fixtureResults()
	attr, _ := AttributionChart(res)
	img := attr.Image(40)
	for _, r := range res {
		if countColor(img, ModelColor(r.Model)) < 100 {
			t.Errorf("the attribution chart has no bars in %s's colour", r.Model)
		}
	}
	// One model alone is drawn in its colour too, not the first series colour.
	alone, _ := AttributionChart(res[1:2])
	if countColor(alone.Image(40), ModelColor(res[1].Model)) < 100 {
		t.Errorf("a chart of %s alone does not use its colour", res[1].Model)
	}
	rem, _ := RemovalChart(res[3])
	if countColor(rem.Image(40), ModelColor(attribution.Markov)) < 100 {
		t.Error("the removal chart does not draw markov in its colour")
	}
	cmp, _ := CompareChart(Comparison{Runs: []string{"a", "b", "c"}, Channels: fixtureChannels,
		Share: [][]float64{res[3].Share, res[3].Share, res[3].Share}, Model: attribution.Markov})
	cimg := cmp.Image(40)
	if countColor(cimg, ModelColor(attribution.Markov)) < 100 {
		t.Error("the comparison of markov credit does not use markov's colour")
	}
	if countColor(cimg, ModelColor(attribution.FirstTouch)) > 0 {
		t.Error("the comparison of markov credit uses first-touch's colour")
	}
	seen := map[color.Color]string{}
	for _, m := range []string{attribution.FirstTouch, attribution.LastTouch, attribution.LastNonDirect, attribution.Linear,
		attribution.PositionBased, attribution.TimeDecay, attribution.Markov} {
		c := ModelColor(m)
		if other, ok := seen[c]; ok {
			t.Errorf("%s and %s share a colour", m, other)
		}
		seen[c] = m
	}
}

// TestDarkHeatMapZeroCells: a transition heat-map drawn in a dark theme
// leaves the cells of transitions that never happen in the theme's
// background, not white (QA saw white blocks on the dark run page). The
// export stays on white.
func TestDarkHeatMapZeroCells(t *testing.T) {
	dark := Theme{Background: color.RGBA{0x17, 0x17, 0x18, 0xFF}, Text: color.RGBA{0xF3, 0xF3, 0xF3, 0xFF},
		Muted: color.Gray{0xAA}, Grid: color.Gray{0x40}}
	ch, err := TransitionsChart(fixtureMarkov(6), 0)
	if err != nil {
		t.Fatal(err)
	}
	img := ch.Fit(px(900), px(600), dark).Image(72)
	total := img.Bounds().Dx() * img.Bounds().Dy()
	// Most cells of the fixture are zero (each state has four exits of
	// nine states); they were drawn white, a quarter of the image.
	if n := countColor(img, color.White); n > total/100 {
		t.Errorf("%d of %d pixels are white in the dark heat-map", n, total)
	}
	if n := countColor(img, dark.Background); n < total/2 {
		t.Errorf("%d of %d pixels have the dark background: the zero cells should", n, total)
	}
	light := ch.Image(20)
	if n, all := countColor(light, color.White), light.Bounds().Dx()*light.Bounds().Dy(); n < all/2 {
		t.Errorf("the exported heat-map has %d of %d white pixels", n, all)
	}
}
