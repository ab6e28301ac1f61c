package app

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/attrlab/attrlab/attribution"
)

// Choices of the rule pickers that mean "decide from the file".
const (
	detectChoice = "detect from the file"
	decimalDot   = ". (1,234.56)"
	decimalComma = ", (1.234,56)"
)

// importRules is the preview's panel of reading rules (DESIGN section
// 2.5 to 2.7): each rule the import will use, as detected from the file,
// next to a control that changes it, and what the import would stop on.
type importRules struct {
	s    *DatasetsScreen
	path string
	// delimiter is the delimiter chosen by hand, "" while detected.
	delimiter string

	Delimiter *widget.Select
	DateOrder *widget.Select
	Decimal   *widget.Select
	Labels    *widget.Entry
	Timezone  *widget.Entry
	Direct    *widget.Entry
	// Detected lists the rules in words; Problem says what an import with
	// these settings would stop on, and which control settles it.
	Detected *widget.Label
	Problem  *widget.Label

	box *fyne.Container
}

// rulesPanel returns the rules panel of the previewed file, keeping the
// user's choices while the same file is shown (a new delimiter reads the
// preview again).
func (s *DatasetsScreen) rulesPanel() fyne.CanvasObject {
	if s.rules == nil || s.rules.path != s.path {
		s.rules = newImportRules(s)
	}
	// The column pickers of the file shown before are rebuilt for this
	// preview (buildMapping); until then none of them applies.
	s.mapping = map[string]*widget.Select{}
	s.rules.Delimiter.SetSelected(s.preview.Delimiter)
	s.rules.refresh()
	return s.rules.box
}

func newImportRules(s *DatasetsScreen) *importRules {
	r := &importRules{s: s, path: s.path}
	r.Delimiter = widget.NewSelect([]string{"comma", "semicolon", "tab"}, nil)
	r.DateOrder = widget.NewSelect([]string{detectChoice, string(attribution.DayFirst), string(attribution.MonthFirst)}, func(string) { r.refresh() })
	r.DateOrder.SetSelected(detectChoice)
	r.Decimal = widget.NewSelect([]string{detectChoice, decimalDot, decimalComma}, func(string) { r.refresh() })
	r.Decimal.SetSelected(detectChoice)
	r.Labels = widget.NewEntry()
	r.Labels.SetPlaceHolder(strings.Join(attribution.DefaultConversionLabels(), ","))
	r.Labels.OnChanged = func(string) { r.refresh() }
	r.Timezone = widget.NewEntry()
	r.Timezone.SetPlaceHolder("UTC (or e.g. Europe/Berlin)")
	r.Timezone.OnChanged = func(string) { r.refresh() }
	r.Direct = widget.NewEntry()
	if a := s.ui.Attribute; a != nil {
		r.Direct.SetText(a.Direct.Text)
	} else {
		r.Direct.SetText(strings.Join(attribution.DefaultDirect(), ","))
	}
	r.Direct.OnChanged = func(text string) {
		// One direct set: the Attribute screen's, which the runs use.
		if a := s.ui.Attribute; a != nil {
			a.Direct.SetText(text)
		}
		r.refresh()
	}
	r.Delimiter.OnChanged = func(d string) {
		if s.preview != nil && d != s.preview.Delimiter {
			r.reread(d)
		}
	}
	r.Detected = widget.NewLabel("")
	r.Detected.Wrapping = fyne.TextWrapWord
	r.Problem = widget.NewLabel("")
	r.Problem.Wrapping = fyne.TextWrapWord
	r.Problem.Importance = widget.DangerImportance
	field := func(label string, w fyne.CanvasObject) fyne.CanvasObject {
		return container.NewHBox(widget.NewLabel(label), container.NewGridWrap(fyne.NewSize(200, 36), w))
	}
	r.box = container.NewVBox(
		widget.NewLabelWithStyle("Reading rules (change any that were detected wrongly):", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		// Two fields a row: three set the window wider than a 1024-pixel
		// screen (TestLongLinesKeepWindowNarrow).
		container.NewGridWithColumns(2,
			field("Delimiter", r.Delimiter), field("Date order", r.DateOrder),
			field("Decimal mark", r.Decimal), field("Conversion labels", r.Labels),
			field("Time zone", r.Timezone), field("Direct channels", r.Direct)),
		r.Detected, r.Problem)
	return r
}

// reread reads the preview again with delimiter d.
func (r *importRules) reread(d string) {
	s := r.s
	f, err := os.Open(s.path)
	if err != nil {
		s.ui.showError("Open "+filepath.Base(s.path), err, "Check that the file exists and that you can read it.")
		return
	}
	defer f.Close()
	p, err := attribution.ReadPreviewDelimited(f, filepath.Base(s.path), len(s.preview.Rows), d)
	if err != nil {
		s.ui.showError("Read "+filepath.Base(s.path), err, "Choose another delimiter, or export the file again as CSV (UTF-8).")
		return
	}
	s.preview, r.delimiter = p, d
	s.buildPreview()
}

// apply sets the rules chosen by hand on o; detected rules stay unset so
// that a file imported as detected has the command line's fingerprint.
func (r *importRules) apply(o *attribution.ImportOptions) {
	o.Delimiter = r.delimiter
	switch r.DateOrder.Selected {
	case string(attribution.DayFirst), string(attribution.MonthFirst):
		o.DateFormat = attribution.DateOrder(r.DateOrder.Selected)
	}
	switch r.Decimal.Selected {
	case decimalDot:
		o.Decimal = "."
	case decimalComma:
		o.Decimal = ","
	}
	o.ConversionLabel = strings.TrimSpace(r.Labels.Text)
	o.Timezone = strings.TrimSpace(r.Timezone.Text)
}

// refresh shows the rules an import with the current choices would use.
func (r *importRules) refresh() {
	s := r.s
	if r.box == nil || s.rules != r || s.preview == nil || s.layout == nil {
		return // still being built
	}
	o := s.importOptions()
	rules := s.preview.Rules(o)
	r.Detected.SetText(strings.Join(describeRules(s.preview, rules, r.Direct.Text), "\n"))
	problem := rules.LayoutError
	for _, p := range []string{rules.ColumnError, rules.OptionError, rules.FormatError} {
		if problem == "" {
			problem = p
		}
	}
	r.Problem.SetText(problem)
}

// describeRules writes the rules in the users' words, one per line.
func describeRules(p *attribution.Preview, rules attribution.PreviewRules, direct string) []string {
	var out []string
	if rules.LayoutError == "" {
		kind := "path table"
		if rules.Layout == attribution.LayoutTouches {
			kind = "touch log"
		}
		out = append(out, fmt.Sprintf("Layout: %s, %s-delimited", kind, rules.Delimiter))
	}
	fields := make([]string, 0, len(rules.Alternatives))
	for f := range rules.Alternatives {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	for _, f := range fields {
		out = append(out, fmt.Sprintf("%s: %q (also fits: %s)", f, rules.Columns[f], strings.Join(rules.Alternatives[f], ", ")))
	}
	for _, f := range attribution.FieldNames(rules.Layout) {
		if j, ok := rules.Joined[f]; ok {
			out = append(out, fmt.Sprintf("%s: %s (joined)", f, j))
		}
	}
	if rules.TimestampFormat != "" {
		line := "Timestamps: " + string(rules.TimestampFormat)
		switch {
		case rules.DateOrderSet:
			line += ", read as " + string(rules.DateOrder) + " (set)"
		case rules.DateOrder != attribution.DateOrderAuto:
			line += ", read as " + string(rules.DateOrder) + " (detected)"
		}
		out = append(out, line)
	}
	if rules.DateNote != "" {
		out = append(out, "Date order: "+rules.DateNote+" (or choose it above)")
	}
	cols := make([]string, 0, len(rules.Numbers))
	for c := range rules.Numbers {
		cols = append(cols, c)
	}
	slices.Sort(cols)
	for _, c := range cols {
		out = append(out, fmt.Sprintf("Numbers in %q: %s", c, rules.Numbers[c]))
	}
	if rules.Layout == attribution.LayoutTouches && rules.LayoutError == "" && rules.ColumnError == "" {
		if len(rules.ConversionLabels) > 0 {
			out = append(out, "Conversions: rows whose event is "+strings.Join(rules.ConversionLabels, ", "))
		} else {
			out = append(out, "Conversions: a yes/no column (1/0, true/false, yes/no, y/n)")
		}
		if col, ok := rules.Columns[attribution.FieldChannel]; ok {
			cols := []string{col}
			if j, ok := rules.Joins[attribution.FieldChannel]; ok {
				cols = j
			}
			out = append(out, directLine(p, cols, direct))
		}
	}
	return out
}

// directLine says which of the preview's channels the direct set matches;
// columns are the channel's column, or the columns joined into it.
func directLine(p *attribution.Preview, columns []string, direct string) string {
	var set []string
	for _, d := range strings.Split(direct, ",") {
		if d = strings.TrimSpace(d); d != "" {
			set = append(set, d)
		}
	}
	var channels []string
	for _, row := range p.Rows {
		var parts []string
		for _, c := range columns {
			if i := attribution.ColumnIndex(p.Header, c); i >= 0 && i < len(row) && strings.TrimSpace(row[i]) != "" {
				parts = append(parts, strings.TrimSpace(row[i]))
			}
		}
		// Joined as the import joins them (source / medium).
		if ch := strings.Join(parts, " / "); ch != "" && !slices.Contains(channels, ch) {
			channels = append(channels, ch)
		}
	}
	var matched []string
	for k, d := range attribution.DirectChannels(channels, set) {
		if d {
			matched = append(matched, channels[k])
		}
	}
	if len(matched) == 0 {
		return "Direct: no channel in these rows is in the direct set"
	}
	return "Direct: " + strings.Join(matched, ", ") + " (skipped by last-non-direct)"
}

// directReport says how many touches the Attribute screen's direct set
// treats as direct in ds, for the import report.
func (s *DatasetsScreen) directReport(ds *attribution.Dataset) string {
	text := strings.Join(attribution.DefaultDirect(), ",")
	if a := s.ui.Attribute; a != nil {
		text = a.Direct.Text
	}
	var set []string
	for _, d := range strings.Split(text, ",") {
		if d = strings.TrimSpace(d); d != "" {
			set = append(set, d)
		}
	}
	if len(set) == 0 {
		return "Direct channels: none set, so last-non-direct equals last-touch\n"
	}
	n := attribution.DirectTouches(ds.Paths, set)
	if n == 0 {
		return fmt.Sprintf("Direct channels (%s): none in this data, so last-non-direct equals last-touch\n", strings.Join(set, ", "))
	}
	return fmt.Sprintf("Direct channels (%s): %s touches treated as direct by last-non-direct\n", strings.Join(set, ", "), strconv.FormatFloat(n, 'f', -1, 64))
}

// readingText is the import report's account of how cells were read.
func readingText(s attribution.Summary) string {
	var b strings.Builder
	for _, f := range attribution.FieldNames(s.Layout) {
		if j := attribution.JoinedDescription(s, f); j != "" {
			fmt.Fprintf(&b, "%s = %s (joined)\n", f, j)
		}
	}
	if len(s.ConversionLabels) > 0 {
		fmt.Fprintf(&b, "Conversions: rows whose event is %s\n", strings.Join(s.ConversionLabels, ", "))
	}
	if s.DateOrder != "" {
		fmt.Fprintf(&b, "Dates read as %s\n", s.DateOrder)
	}
	if s.Timezone != "" {
		fmt.Fprintf(&b, "Times without a zone read in %s\n", s.Timezone)
	}
	cols := make([]string, 0, len(s.NumberFormats))
	for c := range s.NumberFormats {
		cols = append(cols, c)
	}
	slices.Sort(cols)
	for _, c := range cols {
		fmt.Fprintf(&b, "Numbers in %q: %s\n", c, s.NumberFormats[c])
	}
	if s.ValuesIgnored > 0 {
		fmt.Fprintf(&b, "%d row(s) that are not conversions had a value, which was ignored\n", s.ValuesIgnored)
	}
	return b.String()
}
