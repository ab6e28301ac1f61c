package app

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/attrlab/attrlab/report"
	"github.com/attrlab/attrlab/tracking"
)

// CompareScreen puts two or more runs side by side: params (differences
// only by default), metric changes against a baseline run, each channel's
// credit under one model, the comparison chart, and whether the runs read
// the same dataset.
type CompareScreen struct {
	ui *UI

	Badge       *widget.Label
	Baseline    *widget.Select
	Model       *widget.Select
	DiffOnly    *widget.Check
	Status      *widget.Label
	Params      *widget.Table
	Metrics     *widget.Table
	Credit      *widget.Table
	Chart       *ChartView
	ExportChart *widget.Button
	ExportCSV   *widget.Button
	// ExportMetrics and ExportParams save the metric and param tables.
	ExportMetrics *widget.Button
	ExportParams  *widget.Button
	controls      *fyne.Container

	details []tracking.RunDetail
	labels  []string // one per run, unique
	cmp     *tracking.Comparison
	trust   compareTrust // bootstrap of the loaded runs (comparetrust.go)
	// updating is set while the pickers are filled in code, so that their
	// callbacks do not recompute half-way.
	updating bool
	onLoaded func(error) // for tests: called on the UI thread after Load
}

func newCompareScreen(u *UI) *CompareScreen {
	s := &CompareScreen{ui: u}
	s.Badge = widget.NewLabelWithStyle("No runs", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.Baseline = widget.NewSelect(nil, func(string) { s.recompute() })
	s.Baseline.PlaceHolder = "Baseline run"
	s.Model = widget.NewSelect(nil, func(string) { s.recompute() })
	s.Model.PlaceHolder = "Model"
	s.DiffOnly = widget.NewCheck("Differences only", func(bool) { s.recompute() })
	s.DiffOnly.SetChecked(true)
	s.Status = widget.NewLabel("Tick two or more runs on the Runs screen, then Compare.")
	s.Status.Wrapping = fyne.TextWrapWord

	s.Params = s.newTable(func() (int, int) {
		if s.cmp == nil {
			return 0, 0
		}
		return len(s.cmp.Params), len(s.details)
	}, s.ParamCell, func(row int) string { return s.cmp.Params[row].Key })
	s.Metrics = s.newTable(func() (int, int) {
		if s.cmp == nil {
			return 0, 0
		}
		return len(s.cmp.Metrics), len(s.details)
	}, s.MetricCell, func(row int) string { return s.cmp.Metrics[row].Key })
	s.Credit = s.newTable(func() (int, int) {
		if s.cmp == nil {
			return 0, 0
		}
		return len(s.cmp.Channels), len(s.details)
	}, s.CreditCell, func(row int) string { return s.cmp.Channels[row] })

	s.Chart = newChartView()
	s.ExportChart = widget.NewButton("Export…", func() {
		if ch := s.chart(); ch != nil {
			exportChart(u, ch, "comparison")
		}
	})
	s.ExportCSV = widget.NewButton("Export CSV…", func() {
		if c, ok := s.chartData(); ok {
			exportCSV(u, "comparison.csv", func(w io.Writer) error { return report.WriteComparisonCSV(w, c) })
		}
	})
	s.ExportMetrics = widget.NewButton("Export CSV…", func() {
		if s.cmp != nil {
			exportCSV(u, "comparison-metrics.csv", s.writeMetricsCSV)
		}
	})
	s.ExportParams = widget.NewButton("Export CSV…", func() {
		if s.cmp != nil {
			exportCSV(u, "comparison-params.csv", s.writeParamsCSV)
		}
	})
	s.ExportChart.Disable()
	s.ExportCSV.Disable()
	return s
}

// newTable builds a table with the run labels as column headers and
// rowHead as row headers.
func (s *CompareScreen) newTable(size func() (int, int), cell func(row, col int) string, rowHead func(row int) string) *widget.Table {
	t := widget.NewTableWithHeaders(size,
		func() fyne.CanvasObject { return widget.NewLabel("0.12345 (+0.0123, +12.3%)") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			l.Truncation = fyne.TextTruncateEllipsis
			l.SetText(cell(id.Row, id.Col))
		})
	t.CreateHeader = headerTemplate("share.position-based.paid_search")
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		l.Truncation = fyne.TextTruncateEllipsis
		switch {
		case id.Row < 0 && id.Col >= 0 && id.Col < len(s.labels):
			text := s.labels[id.Col]
			if s.cmp != nil && id.Col == s.cmp.Baseline {
				text += " (baseline)"
			}
			l.SetText(text)
		case id.Col < 0 && id.Row >= 0 && s.cmp != nil:
			l.SetText(rowHead(id.Row))
		default:
			l.SetText("")
		}
	}
	return t
}

// Content returns the screen's layout.
func (s *CompareScreen) Content() fyne.CanvasObject {
	s.controls = container.NewHBox(s.Badge,
		widget.NewLabel("Baseline"), container.NewGridWrap(fyne.NewSize(260, 36), s.Baseline),
		widget.NewLabel("Model"), container.NewGridWrap(fyne.NewSize(170, 36), s.Model), s.DiffOnly)
	credit := container.NewBorder(nil, container.NewHBox(s.ExportCSV, s.ExportChart), nil, nil,
		container.NewVSplit(s.Credit, s.Chart))
	tabs := container.NewAppTabs(
		container.NewTabItem("Channel credit", credit),
		container.NewTabItem("Metrics", container.NewBorder(nil, container.NewHBox(s.ExportMetrics), nil, nil, s.Metrics)),
		container.NewTabItem("Params", container.NewBorder(nil, container.NewHBox(s.ExportParams), nil, nil, s.Params)),
	)
	return container.NewBorder(container.NewVBox(s.controls, s.Status), nil, nil, nil, tabs)
}

// Load reads runs from the store off the UI thread and compares them.
func (s *CompareScreen) Load(ids []string) {
	st := s.ui.Store
	if st == nil {
		return
	}
	s.Status.SetText(fmt.Sprintf("Loading %d runs…", len(ids)))
	go func() {
		var details []tracking.RunDetail
		trust, err := loadCompareTrust(context.Background(), st, ids)
		for _, id := range ids {
			if err != nil {
				break
			}
			var run *tracking.Run
			var res []tracking.ResultRow
			if run, err = st.Run(context.Background(), id); err != nil {
				break
			}
			if res, err = st.Results(context.Background(), id); err != nil {
				break
			}
			details = append(details, tracking.RunDetail{Run: run, Results: res})
		}
		onUI(func() {
			s.trust = trust
			s.loaded(details, err)
		})
	}()
}

func (s *CompareScreen) loaded(details []tracking.RunDetail, err error) {
	if err != nil {
		s.Status.SetText("Could not load the runs: " + err.Error())
		s.ui.showError("Compare runs", err, "Go back to Runs, search again and tick the runs to compare.")
	} else {
		s.details = details
		s.labels = runLabels(details)
		var models []string
		for _, d := range details {
			for _, r := range d.Results {
				if !slices.Contains(models, r.Model) {
					models = append(models, r.Model)
				}
			}
		}
		s.updating = true
		s.Baseline.SetOptions(s.labels)
		s.Baseline.SetSelectedIndex(0)
		s.Model.SetOptions(models)
		s.Model.ClearSelected()
		s.updating = false
		s.recompute()
	}
	if s.onLoaded != nil {
		s.onLoaded(err)
	}
}

// runLabels names each run by its name, leaving out the parts (between
// " · ") that every run's name shares, such as the dataset of generated
// names, and adding the start of its id where labels repeat.
func runLabels(details []tracking.RunDetail) []string {
	names := make([]string, len(details))
	for i, d := range details {
		names[i] = d.Run.Name
	}
	labels := distinctParts(names, " · ")
	count := map[string]int{}
	for _, l := range labels {
		count[l]++
	}
	for i, d := range details {
		if count[labels[i]] > 1 {
			labels[i] += " " + d.Run.ID[:6]
		}
	}
	return labels
}

// distinctParts drops from each name the parts (split at sep) that are
// the same, at the same place, in every name. Names split into different
// numbers of parts, or left with nothing, are kept whole.
func distinctParts(names []string, sep string) []string {
	out := slices.Clone(names)
	if len(names) < 2 {
		return out
	}
	parts := make([][]string, len(names))
	for i, n := range names {
		parts[i] = strings.Split(n, sep)
		if len(parts[i]) != len(parts[0]) {
			return out
		}
	}
	var keep []int
	for j := range parts[0] {
		for _, p := range parts[1:] {
			if p[j] != parts[0][j] {
				keep = append(keep, j)
				break
			}
		}
	}
	if len(keep) == 0 {
		return out
	}
	for i, p := range parts {
		var kept []string
		for _, j := range keep {
			kept = append(kept, p[j])
		}
		out[i] = strings.Join(kept, sep)
	}
	return out
}

// recompute compares the loaded runs with the baseline, model and
// differences-only choices, and refreshes every part of the screen.
func (s *CompareScreen) recompute() {
	if s.updating || len(s.details) < 2 {
		return
	}
	opt := tracking.CompareOptions{AllParams: !s.DiffOnly.Checked, Model: s.Model.Selected}
	if i := s.Baseline.SelectedIndex(); i >= 0 {
		opt.Baseline = s.details[i].Run.ID
	}
	c, err := tracking.Compare(s.details, opt)
	if err != nil {
		s.Status.SetText("Cannot compare: " + err.Error())
		return
	}
	s.cmp = c
	s.trust.recompute(c, s.details)
	if s.Model.Selected != c.Model && c.Model != "" {
		s.updating = true
		s.Model.SetSelected(c.Model)
		s.updating = false
	}
	if c.SameDataset {
		s.Badge.Importance = widget.SuccessImportance
		s.Badge.SetText("Same dataset")
	} else {
		s.Badge.Importance = widget.WarningImportance
		s.Badge.SetText("Different datasets")
	}
	if s.controls != nil {
		s.controls.Refresh()
	}
	s.Status.SetText(s.summary())
	for _, t := range []*widget.Table{s.Params, s.Metrics, s.Credit} {
		for i := range s.details {
			t.SetColumnWidth(i, 240)
		}
		t.Refresh()
	}
	ch := s.chart()
	s.Chart.SetChart(ch)
	if ch != nil {
		s.ExportChart.Enable()
		s.ExportCSV.Enable()
	} else {
		s.ExportChart.Disable()
		s.ExportCSV.Disable()
	}
}

func (s *CompareScreen) summary() string {
	c := s.cmp
	msg := fmt.Sprintf("%d runs, baseline %s. ", len(s.details), s.labels[c.Baseline])
	switch {
	case len(c.Params) == 0 && s.DiffOnly.Checked:
		msg += "Every param is the same. "
	case len(c.Params) == 1 && s.DiffOnly.Checked:
		msg += "1 param differs. "
	case s.DiffOnly.Checked:
		msg += fmt.Sprintf("%d params differ. ", len(c.Params))
	}
	if c.SameDataset {
		msg += "All read the same dataset (fingerprint " + shortFP(c.Fingerprints[0]) + ")."
	} else {
		msg += "They read different data: channel credit may differ because the data does."
	}
	return msg
}

func shortFP(f string) string {
	if len(f) > 12 {
		return f[:12]
	}
	return f
}

// Comparison returns the comparison on show, or nil.
func (s *CompareScreen) Comparison() *tracking.Comparison { return s.cmp }

// ParamCell is the text of a param cell (param row, run column).
func (s *CompareScreen) ParamCell(row, col int) string {
	if v := s.cmp.Params[row].Values[col]; v != nil {
		return v.String()
	}
	return "—"
}

// MetricCell is the text of a metric cell: the value and, for runs other
// than the baseline, its absolute and relative change.
func (s *CompareScreen) MetricCell(row, col int) string {
	m := s.cmp.Metrics[row]
	v := m.Values[col]
	if math.IsNaN(v) {
		return "—"
	}
	text := report.Number(v)
	if col == s.cmp.Baseline || math.IsNaN(m.Abs[col]) {
		return text
	}
	text += " (" + report.Signed(m.Abs[col])
	if !math.IsNaN(m.Rel[col]) {
		rel := report.Percent(m.Rel[col])
		if !strings.HasPrefix(rel, "-") && rel != "0.0%" {
			rel = "+" + rel
		}
		text += ", " + rel
	}
	return text + ")"
}

// CreditCell is the text of a channel credit cell: attributed
// conversions, share, rank and the rank's change against the baseline.
func (s *CompareScreen) CreditCell(row, col int) string {
	c := s.cmp
	v := c.Credit[row][col]
	if math.IsNaN(v) {
		return "—"
	}
	text := fmt.Sprintf("%s (%s) #%d", report.Fixed(v, 2), report.Percent(c.Share[row][col]), c.Rank[row][col])
	if d := c.RankChange[row][col]; d != 0 && col != c.Baseline {
		text += fmt.Sprintf(" %+d", d)
	}
	return text + s.trust.cellText(c, row, col)
}

// chartData is the channel shares of the comparison, run by run.
func (s *CompareScreen) chartData() (report.Comparison, bool) {
	c := s.cmp
	if c == nil || len(c.Channels) == 0 {
		return report.Comparison{}, false
	}
	rc := report.Comparison{Runs: s.labels, Channels: c.Channels, Model: c.Model}
	for r := range s.details {
		row := make([]float64, len(c.Channels))
		for ch := range c.Channels {
			if v := c.Share[ch][r]; !math.IsNaN(v) {
				row[ch] = v
			}
		}
		rc.Share = append(rc.Share, row)
	}
	rc.Low, rc.High = s.trust.chartIntervals(c)
	return rc, true
}

func (s *CompareScreen) chart() *report.Chart {
	rc, ok := s.chartData()
	if !ok {
		return nil
	}
	ch, err := report.CompareChart(rc)
	if err != nil {
		s.Status.SetText("Chart: " + err.Error())
		return nil
	}
	return ch
}

// writeMetricsCSV writes the metric table: metric, each run's value, then
// each other run's absolute and relative change against the baseline.
func (s *CompareScreen) writeMetricsCSV(w io.Writer) error {
	c := s.cmp
	header := []string{"metric"}
	header = append(header, s.labels...)
	for i, l := range s.labels {
		if i != c.Baseline {
			header = append(header, l+" change", l+" relative change")
		}
	}
	rows := [][]string{header}
	for _, m := range c.Metrics {
		row := []string{m.Key}
		for _, v := range m.Values {
			row = append(row, csvNumber(v))
		}
		for i := range s.labels {
			if i != c.Baseline {
				row = append(row, csvNumber(m.Abs[i]), csvNumber(m.Rel[i]))
			}
		}
		rows = append(rows, row)
	}
	return writeTextCSV(w, rows)
}

// writeParamsCSV writes the param table on show: param, each run's value.
func (s *CompareScreen) writeParamsCSV(w io.Writer) error {
	rows := [][]string{append([]string{"param"}, s.labels...)}
	for _, p := range s.cmp.Params {
		row := []string{p.Key}
		for _, v := range p.Values {
			text := ""
			if v != nil {
				text = v.String()
			}
			row = append(row, text)
		}
		rows = append(rows, row)
	}
	return writeTextCSV(w, rows)
}

// csvNumber is the shortest exact text of v; NaN (missing) is empty.
func csvNumber(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// writeTextCSV writes rows with text cells escaped against formulas.
func writeTextCSV(w io.Writer, rows [][]string) error {
	cw := csv.NewWriter(w)
	for _, r := range rows {
		cw.Write(report.EscapeText(r))
	}
	cw.Flush()
	return cw.Error()
}
