package report

import (
	"hash/fnv"
	"image/color"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/attrlab/attrlab/attribution"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Slide geometry: charts are drawn 10 × 6 inches, which fills a 16:9
// slide at a size where 12-point text reads from the back of a room. PNGs
// are rendered at PNGDPI.
const (
	SlideWidth  = 10 * vg.Inch
	SlideHeight = 6 * vg.Inch
	PNGDPI      = 200
)

// Text sizes, in points.
const (
	titleSize    = 20
	subtitleSize = 13
	axisSize     = 15
	tickSize     = 13
	legendSize   = 13
	valueSize    = 11
	minValueSize = 8
)

// sans is the typeface of every chart: Liberation Sans, embedded in
// gonum/plot, so charts look the same on every machine.
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// maxLabelRunes is where channel and state names are cut short on axes.
const maxLabelRunes = 32

var (
	black     = color.Gray{0x20}
	gridGray  = color.Gray{0xDD}
	textGray  = color.Gray{0x55}
	spendGray = color.RGBA{0xA0, 0xA0, 0xA0, 0xFF}
	// seriesColors are the Okabe–Ito colours (distinguishable with the
	// common colour-vision deficiencies), without the low-contrast yellow,
	// then three more; series beyond ten reuse them in order.
	seriesColors = []color.Color{
		color.RGBA{0x00, 0x72, 0xB2, 0xFF}, // blue
		color.RGBA{0xE6, 0x9F, 0x00, 0xFF}, // orange
		color.RGBA{0x00, 0x9E, 0x73, 0xFF}, // bluish green
		color.RGBA{0xD5, 0x5E, 0x00, 0xFF}, // vermillion
		color.RGBA{0x56, 0xB4, 0xE9, 0xFF}, // sky blue
		color.RGBA{0xCC, 0x79, 0xA7, 0xFF}, // reddish purple
		color.RGBA{0x55, 0x55, 0x55, 0xFF}, // dark grey
		color.RGBA{0x8C, 0x56, 0x4B, 0xFF}, // brown
		color.RGBA{0x7F, 0x3C, 0x8D, 0xFF}, // purple
		color.RGBA{0x11, 0x77, 0x33, 0xFF}, // dark green
	}
)

func seriesColor(i int) color.Color { return seriesColors[i%len(seriesColors)] }

// ModelColor returns the colour model is drawn in by every chart (the
// attribution chart, the removal effects, the budget's proposal and the
// comparison of runs), so that a model keeps its colour from chart to
// chart. Models not known here (a future one) take one of three spare
// colours, picked from the name.
func ModelColor(model string) color.Color {
	i := 0
	switch model {
	case attribution.Markov:
		i = 0 // blue
	case attribution.FirstTouch:
		i = 1 // orange
	case attribution.Linear:
		i = 2 // bluish green
	case attribution.LastTouch:
		i = 5 // reddish purple
	case attribution.PositionBased:
		i = 4 // sky blue
	case attribution.LastNonDirect:
		i = 8 // purple
	case attribution.TimeDecay:
		i = 7 // brown
	default:
		h := fnv.New32a()
		h.Write([]byte(model))
		i = []int{3, 6, 9}[h.Sum32()%3]
	}
	return seriesColors[i]
}

// tint mixes c with white (f > 0) or black (f < 0) by |f|, for telling
// apart several bars of one model.
func tint(c color.Color, f float64) color.Color {
	r, g, b, _ := c.RGBA()
	mix := func(v uint32) uint8 {
		x := float64(v >> 8)
		if f > 0 {
			x += (255 - x) * f
		} else {
			x *= 1 + f
		}
		return uint8(math.Round(x))
	}
	return color.RGBA{mix(r), mix(g), mix(b), 0xFF}
}

// Theme is the colours a chart is drawn in apart from its data: the
// background, text, secondary text and axes, and grid lines.
type Theme struct {
	Background, Text, Muted, Grid color.Color
}

// LightTheme is dark text on white paper: every file a chart is written
// to uses it, whatever the app's theme.
func LightTheme() Theme {
	return Theme{Background: color.White, Text: black, Muted: textGray, Grid: gridGray}
}

// textStyle returns a plain-text style in the chart typeface.
func textStyle(size vg.Length, c color.Color) text.Style {
	return text.Style{
		Color:   c,
		Font:    font.From(sans, size),
		XAlign:  draw.XLeft,
		YAlign:  draw.YBottom,
		Handler: plot.DefaultTextHandler,
	}
}

// newPlot returns a plot with the chart typeface, sizes and th's colours
// everywhere.
func newPlot(th Theme) *plot.Plot {
	p := plot.New()
	p.BackgroundColor = th.Background
	p.Title.TextStyle.Font = font.From(sans, titleSize)
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font = font.From(sans, axisSize)
		ax.Label.TextStyle.Color = th.Text
		ax.Tick.Label.Font = font.From(sans, tickSize)
		ax.Tick.Label.Color = th.Text
		ax.Color = th.Muted
		ax.Tick.Color = th.Muted
		ax.Label.Padding = vg.Points(6)
	}
	return p
}

// shortLabel cuts a name longer than maxLabelRunes, marking the cut with
// an ellipsis.
func shortLabel(s string) string {
	if utf8.RuneCountInString(s) <= maxLabelRunes {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:maxLabelRunes-1])) + "…"
}

// shortLabels applies shortLabel to every name, keeping cut names
// distinct by numbering repeats.
func shortLabels(names []string) []string {
	out := make([]string, len(names))
	seen := map[string]int{}
	for i, n := range names {
		s := shortLabel(n)
		if k := seen[s]; k > 0 && s != n {
			s = strings.TrimSuffix(s, "…") + "…" + strconv.Itoa(k+1)
		}
		seen[shortLabel(n)]++
		out[i] = s
	}
	return out
}
