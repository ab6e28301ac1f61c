package report

import (
	"fmt"
	"image"
	"io"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Kind names a chart kind, as the command line's --kind spells it.
type Kind string

// The chart kinds of DESIGN section 5.
const (
	KindAttribution Kind = "attribution"
	KindBudget      Kind = "budget"
	KindRemoval     Kind = "removal"
	KindTransitions Kind = "transitions"
	KindCompare     Kind = "compare"
)

// Kinds lists every chart kind.
var Kinds = []Kind{KindAttribution, KindBudget, KindRemoval, KindTransitions, KindCompare}

// Image formats a chart can be written in.
const (
	PNG = "png"
	SVG = "svg"
	PDF = "pdf"
)

// Chart is a chart ready to be written. Width and Height are its size on
// the page; most charts are SlideWidth × SlideHeight, and bar charts with
// many channels grow taller so that every label stays readable.
type Chart struct {
	Kind          Kind
	Title         string
	Subtitle      string
	Width, Height vg.Length
	// theme colours everything but the data.
	theme Theme
	// namesTurned is set when the names under the bars had to be turned
	// (they fit neither upright nor wrapped).
	namesTurned bool
	// body draws everything under the title.
	body func(c draw.Canvas)
	// layout lays the same chart out again at another size and in another
	// theme (see Fit).
	layout func(w, h vg.Length, th Theme) *Chart
}

// Fit returns the chart laid out to fill exactly w × h in theme th, for
// showing it in a space of that size: names, bars and value labels are
// placed for that space rather than scaled from the slide size, so text
// keeps its point size. Files are written from the chart as made (slide
// size, LightTheme).
func (ch *Chart) Fit(w, h vg.Length, th Theme) *Chart {
	if ch.layout == nil {
		return ch
	}
	return ch.layout(w, h, th)
}

// NamesTurned reports whether the names under the bars of a bar chart had
// to be turned to fit (they fit neither upright nor wrapped).
func (ch *Chart) NamesTurned() bool { return ch.namesTurned }

// FormatOf returns the image format a file name asks for, from its
// extension (.png, .svg or .pdf, in any case).
func FormatOf(path string) (string, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".png", ".svg", ".pdf":
		return ext[1:], nil
	case "":
		return "", fmt.Errorf("%s: no file extension: end the name with .png, .svg or .pdf", path)
	default:
		return "", fmt.Errorf("%s: cannot write a chart as %s: end the name with .png, .svg or .pdf", path, ext)
	}
}

// Render writes the chart to w as PNG (at PNGDPI), SVG (fonts embedded) or
// PDF (fonts embedded).
func (ch *Chart) Render(w io.Writer, format string) error {
	var cw vg.CanvasWriterTo
	switch format {
	case PNG:
		cw = vgimg.PngCanvas{Canvas: ch.canvas(PNGDPI)}
	case SVG:
		cw = vgsvg.NewWith(vgsvg.UseWH(ch.Width, ch.Height), vgsvg.EmbedFonts(true))
	case PDF:
		cw = vgpdf.New(ch.Width, ch.Height)
	default:
		return fmt.Errorf("unknown chart format %q: use png, svg or pdf", format)
	}
	if format != PNG {
		ch.Draw(draw.New(cw))
	}
	if _, err := cw.WriteTo(w); err != nil {
		return fmt.Errorf("write %s chart: %w", format, err)
	}
	return nil
}

// Image draws the chart as an image at dpi dots per inch, for showing it
// on screen (the desktop app) rather than writing it to a file.
func (ch *Chart) Image(dpi int) image.Image {
	return ch.canvas(dpi).Image()
}

// canvas draws the chart on an image canvas at dpi.
func (ch *Chart) canvas(dpi int) *vgimg.Canvas {
	c := vgimg.NewWith(vgimg.UseWH(ch.Width, ch.Height), vgimg.UseDPI(dpi), vgimg.UseBackgroundColor(ch.theme.Background))
	ch.Draw(draw.New(c))
	return c
}

// Save writes the chart to path in the format its extension names. It
// refuses to replace an existing file unless force is set, and never
// leaves a half-written file (see WriteFile).
func (ch *Chart) Save(path string, force bool) error {
	format, err := FormatOf(path)
	if err != nil {
		return err
	}
	return WriteFile(path, force, func(w io.Writer) error { return ch.Render(w, format) })
}

// Draw draws the chart on c: the background (white, unless laid out by
// Fit in another theme), the title and subtitle, and the chart itself.
func (ch *Chart) Draw(c draw.Canvas) {
	c.SetColor(ch.theme.Background)
	c.Fill(c.Rectangle.Path())
	pad := vg.Points(10)
	c = draw.Crop(c, pad, -pad, pad, -pad)
	top := c.Max.Y
	if ch.Title != "" {
		sty := textStyle(titleSize, ch.theme.Text)
		sty.XAlign, sty.YAlign = draw.XCenter, draw.YTop
		c.FillText(sty, vg.Point{X: c.Center().X, Y: top}, ch.Title)
		top -= sty.Height(ch.Title) + vg.Points(4)
	}
	if ch.Subtitle != "" {
		sty := textStyle(subtitleSize, ch.theme.Muted)
		sty.XAlign, sty.YAlign = draw.XCenter, draw.YTop
		c.FillText(sty, vg.Point{X: c.Center().X, Y: top}, ch.Subtitle)
		top -= sty.Height(ch.Subtitle) + vg.Points(4)
	}
	c.Max.Y = top - vg.Points(6)
	ch.body(c)
}
