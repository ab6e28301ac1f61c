package app

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// A table's columns take the width the table is given: each column has a
// natural width (its widest header or cell, measured) and a minimum (what
// it may be cut to with an ellipsis). Spare width goes to the columns with
// a weight; a table narrower than its natural widths shrinks the columns
// that may be cut; only a table narrower than every minimum scrolls
// sideways. So the last column is never cut off by the window's edge, and
// a wide window is not left half empty.

// fitSpec is a column's natural and minimum width and its share of spare
// width (0 for none). Columns marked first are cut before the others.
type fitSpec struct {
	natural, min float32
	weight       float32
	first        bool
}

// fitWidths shares avail out among columns (see above). The widths sum to
// at most avail unless the minimums do not fit.
func fitWidths(cols []fitSpec, avail float32) []float32 {
	out := make([]float32, len(cols))
	var nat, least, weights float32
	for _, c := range cols {
		nat += c.natural
		least += min(c.min, c.natural)
		weights += c.weight
	}
	switch {
	case nat <= avail:
		extra := avail - nat
		for i, c := range cols {
			out[i] = c.natural
			if weights > 0 {
				out[i] += extra * c.weight / weights
			}
		}
	case least >= avail:
		for i, c := range cols {
			out[i] = min(c.min, c.natural)
		}
	default:
		// Cut the columns marked first as far as needed (or allowed), then
		// the others, each in proportion to what it can give.
		over := nat - avail
		for _, first := range []bool{true, false} {
			var give float32
			for _, c := range cols {
				if c.first == first {
					give += c.natural - min(c.min, c.natural)
				}
			}
			cut := float32(0)
			if give > 0 {
				cut = min(1, over/give)
			}
			for i, c := range cols {
				if c.first == first {
					out[i] = c.natural - (c.natural-min(c.min, c.natural))*cut
				}
			}
			over -= give * cut
		}
	}
	for i := range out {
		out[i] = float32(math.Floor(float64(out[i]) + 1e-3)) // whole pixels, not one less for a rounding error
	}
	return out
}

// Data tables (Runs, Budget) are dense, as in a spreadsheet: thinner
// dividers and cell margins than the rest of the app, so that their
// columns fit a 1024-pixel screen without cutting text.
const (
	compactPadding      = 2
	compactInnerPadding = 5
)

// compactTheme is the app's theme with the data tables' spacing.
type compactTheme struct{}

func appTheme() fyne.Theme { return fyne.CurrentApp().Settings().Theme() }

func (compactTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return appTheme().Color(n, v)
}
func (compactTheme) Font(s fyne.TextStyle) fyne.Resource     { return appTheme().Font(s) }
func (compactTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return appTheme().Icon(n) }
func (compactTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNamePadding:
		return compactPadding
	case theme.SizeNameInnerPadding:
		return compactInnerPadding
	}
	return appTheme().Size(n)
}

// compact shows a data table with compactTheme's spacing.
func compact(o fyne.CanvasObject) fyne.CanvasObject {
	return container.NewThemeOverride(o, compactTheme{})
}

// textWidth is the width of a compact table's cell or header showing text.
func textWidth(text string, bold bool) float32 {
	w := fyne.MeasureText(text, theme.TextSize(), fyne.TextStyle{Bold: bold}).Width + 2*compactInnerPadding
	return float32(math.Ceil(float64(w))) + 1
}

// uncutColumns are specs for cols columns, each as wide as its widest
// text (its header, of width header(col), or any of rows cells) and never
// cut; spare width is shared evenly.
func uncutColumns(cols, rows int, header func(col int) float32, cell func(row, col int) string) []fitSpec {
	specs := make([]fitSpec, cols)
	for col := range specs {
		w := header(col)
		for row := 0; row < rows; row++ {
			w = max(w, textWidth(cell(row, col), false))
		}
		specs[col] = fitSpec{natural: w, min: w, weight: 1}
	}
	return specs
}

// fitTable lays a table out at the size it is given, setting its column
// widths from specs (called at every width change and after refit).
type fitTable struct {
	table *widget.Table
	// first is the index of the first column specs covers; lead is the
	// width before it that the specs do not cover (a row header).
	first int
	lead  func() float32
	specs func() []fitSpec

	width  float32
	widths []float32
}

// Layout implements fyne.Layout.
func (f *fitTable) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
	if size.Width != f.width {
		f.width = size.Width
		f.apply()
	}
}

// MinSize implements fyne.Layout: the table's own (it scrolls).
func (f *fitTable) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objects {
		s = s.Max(o.MinSize())
	}
	return s
}

// refit sets the widths again, for new contents.
func (f *fitTable) refit() { f.apply() }

func (f *fitTable) apply() {
	if f.width <= 0 {
		return
	}
	specs := f.specs()
	// Each column is followed by a divider a (compact) padding wide.
	avail := f.width - compactPadding*float32(len(specs)+1) - 2
	if f.lead != nil {
		avail -= f.lead()
	}
	widths := fitWidths(specs, avail)
	if equalWidths(widths, f.widths) {
		return
	}
	f.widths = widths
	for i, w := range widths {
		f.table.SetColumnWidth(f.first+i, w)
	}
}

func equalWidths(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Widths returns the column widths last set.
func (f *fitTable) Widths() []float32 { return f.widths }

// leadSplit lays out a split so that its leading side starts lead wide
// (as far as the split allows) whatever the window's width, until the user
// drags the divider.
type leadSplit struct {
	split *container.Split
	lead  float32
	set   float64 // the offset last set here
}

// Layout implements fyne.Layout.
func (l *leadSplit) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	if size.Width > 0 && (l.set == 0 || l.split.Offset == l.set) {
		l.set = math.Min(0.6, float64(l.lead/size.Width))
		l.split.Offset = l.set
	}
	for _, o := range objects {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// MinSize implements fyne.Layout.
func (l *leadSplit) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objects {
		s = s.Max(o.MinSize())
	}
	return s
}
