package app

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/attrlab/attrlab/attribution"
	"github.com/attrlab/attrlab/report"
	"github.com/attrlab/attrlab/tracking"
)

// Credit measures the run page's channel credit table can show.
const (
	MeasureConversions = "Conversions"
	MeasureValue       = "Value"
	MeasureShare       = "Share"
)

// summaryMetrics are the run-wide metrics the run page lists first, in
// this order, with their labels; per-channel metrics (share.*,
// removal_effect.*) show in the credit and removal tabs instead.
var summaryMetrics = []struct{ key, label string }{
	{tracking.KeyTotalConversions, "Conversions attributed"},
	{tracking.KeyTotalValue, "Conversion value attributed"},
	{tracking.KeyUnattributed, "Conversions without touches"},
	{tracking.KeyJourneys, "Journeys"},
	{tracking.KeyChannels, "Channels"},
	{tracking.KeyPConv, "P(conv), Markov"},
	{tracking.KeyMarkovStates, "Markov states"},
	{tracking.KeyRuntimeMS, "Runtime"},
}

// RunPage shows one run in full: its facts, metrics and params, the
// channel credit of every model (conversions, value or share), the Markov
// removal effects and transition heat-map, its artifacts (to open or
// save), its note and tags. Rename, Note, Tags, Re-run and Delete act on
// it as on the Runs screen.
type RunPage struct {
	s  *RunsScreen
	ui *UI
	// creditFit sets the credit table's column widths from its texts.
	creditFit *fitTable

	Back    *widget.Button
	Heading *widget.RichText
	// Facts is status, experiment, id, times and dataset; About is the
	// tags and the note (Markdown).
	Facts, About *widget.RichText
	Status       *widget.Label
	Metrics      *widget.Form
	Params       *widget.Form
	Measure      *widget.RadioGroup
	Credit       *widget.Table
	CreditChart  *ChartView
	Removal      *widget.Table
	RemovalChart *ChartView
	RemovalNote  *widget.Label
	Transitions  *ChartView
	// TransitionsNote says why there is no heat-map, when there is none.
	TransitionsNote *widget.Label
	Artifacts       *widget.List
	ArtifactsNote   *widget.Label
	Tabs            *container.AppTabs

	ExportCredit, ExportCreditChart *widget.Button
	ExportRemovalChart, ExportHeat  *widget.Button

	run       *tracking.Run
	results   []*attribution.Result
	markov    *attribution.Result // nil without a markov model
	channels  []string
	artifacts []tracking.Artifact
	loads     int

	content fyne.CanvasObject
	// open shows a file in the desktop's viewer; tests replace it.
	open func(*url.URL) error
	// onLoaded is for tests: called on the UI thread after each load.
	onLoaded func(error)
}

func newRunPage(s *RunsScreen) *RunPage {
	p := &RunPage{s: s, ui: s.ui}
	p.open = func(u *url.URL) error { return p.ui.App.OpenURL(u) }
	p.Back = widget.NewButton("← All runs", s.ClosePage)
	p.Heading = widget.NewRichText()
	p.Heading.Wrapping = fyne.TextWrapWord // the whole name, on two lines if need be
	p.Facts = widget.NewRichText()
	p.Facts.Wrapping = fyne.TextWrapWord
	p.About = widget.NewRichText()
	p.About.Wrapping = fyne.TextWrapWord
	p.Status = widget.NewLabel("")
	p.Status.Wrapping = fyne.TextWrapWord
	p.Status.Hide()
	p.Metrics = widget.NewForm()
	p.Params = widget.NewForm()

	p.Measure = widget.NewRadioGroup([]string{MeasureConversions, MeasureValue, MeasureShare}, func(string) {
		p.fitCredit()
		p.Credit.Refresh()
	})
	p.Measure.Horizontal = true
	p.Measure.Required = true
	p.Credit = widget.NewTableWithHeaders(p.creditSize,
		func() fyne.CanvasObject { return widget.NewLabel("1,234,567.89") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			l.Alignment = fyne.TextAlignTrailing
			l.SetText(p.CreditCell(id.Row, id.Col))
		})
	p.Credit.CreateHeader = headerTemplate("paid_search_brand")
	p.Credit.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		l.Truncation = fyne.TextTruncateEllipsis
		switch {
		case id.Row < 0 && id.Col >= 0 && id.Col < len(p.results):
			l.SetText(p.results[id.Col].Model)
		case id.Col < 0 && id.Row >= 0:
			l.SetText(p.creditRowName(id.Row))
		default:
			l.SetText("")
		}
	}
	p.creditFit = &fitTable{table: p.Credit, specs: p.creditSpecs, lead: p.creditLead}
	p.CreditChart = newChartView()
	p.ExportCredit = widget.NewButton("Export CSV…", func() {
		if len(p.results) > 0 {
			results := p.results
			exportCSV(p.ui, "attribution-results.csv", func(w io.Writer) error { return report.WriteResultsCSV(w, results) })
		}
	})
	p.ExportCreditChart = widget.NewButton("Export chart…", func() { p.exportChart(p.CreditChart, "attribution") })

	p.Removal = widget.NewTableWithHeaders(func() (int, int) {
		if p.markov == nil {
			return 0, 0
		}
		return len(p.markov.Channels), p.removalColumns()
	}, func() fyne.CanvasObject { return widget.NewLabel("100.0%") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			l.Alignment = fyne.TextAlignTrailing
			l.SetText(p.RemovalCell(id.Row, id.Col))
		})
	p.Removal.CreateHeader = headerTemplate("value removal effect")
	p.Removal.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		switch {
		case id.Row < 0 && id.Col == 0:
			l.SetText("removal effect")
		case id.Row < 0 && id.Col == 1:
			l.SetText("value removal effect")
		case id.Col < 0 && id.Row >= 0 && p.markov != nil:
			l.SetText(p.markov.Channels[id.Row])
		default:
			l.SetText("")
		}
	}
	p.RemovalChart = newChartView()
	p.RemovalNote = widget.NewLabel("")
	p.RemovalNote.Wrapping = fyne.TextWrapWord
	p.ExportRemovalChart = widget.NewButton("Export chart…", func() { p.exportChart(p.RemovalChart, "removal") })
	p.Transitions = newChartView()
	p.TransitionsNote = widget.NewLabel("")
	p.TransitionsNote.Wrapping = fyne.TextWrapWord
	p.ExportHeat = widget.NewButton("Export chart…", func() { p.exportChart(p.Transitions, "transitions") })

	p.Artifacts = widget.NewList(func() int { return len(p.artifacts) }, func() fyne.CanvasObject {
		return container.NewBorder(nil, nil, nil,
			container.NewHBox(widget.NewButton("Open", nil), widget.NewButton("Save…", nil)),
			widget.NewLabel("charts/attribution.png"))
	}, func(i widget.ListItemID, o fyne.CanvasObject) {
		c := o.(*fyne.Container)
		c.Objects[0].(*widget.Label).SetText(p.ArtifactText(i))
		btns := c.Objects[1].(*fyne.Container).Objects
		btns[0].(*widget.Button).OnTapped = func() { p.OpenArtifact(i) }
		btns[1].(*widget.Button).OnTapped = func() { p.saveArtifactDialog(i) }
	})
	p.ArtifactsNote = widget.NewLabel("")
	p.ArtifactsNote.Wrapping = fyne.TextWrapWord
	return p
}

// Content returns the page's layout.
func (p *RunPage) Content() fyne.CanvasObject {
	if p.content != nil {
		return p.content
	}
	s := p.s
	actions := container.NewHBox(
		widget.NewButton("Rename…", s.renameDialog), widget.NewButton("Note…", s.noteDialog),
		widget.NewButton("Tags…", s.tagsDialog), widget.NewButton("Re-run", s.rerunCurrent),
		widget.NewButton("Delete", s.deleteTargets))
	head := container.NewVBox(container.NewBorder(nil, nil, container.NewCenter(p.Back), actions, p.Heading), p.Facts, p.Status)

	overview := container.NewHSplit(
		container.NewVScroll(container.NewVBox(bold2("Metrics"), p.Metrics, bold2("Params"), p.Params)),
		container.NewVScroll(p.About))
	overview.Offset = 0.5
	credit := container.NewVSplit(compact(container.New(p.creditFit, p.Credit)), p.CreditChart)
	credit.Offset = 0.45
	removal := container.NewVSplit(p.Removal, p.RemovalChart)
	removal.Offset = 0.35
	p.Tabs = container.NewAppTabs(
		container.NewTabItem("Overview", overview),
		container.NewTabItem("Channel credit", container.NewBorder(
			container.NewHBox(widget.NewLabel("Show"), p.Measure), container.NewHBox(p.ExportCredit, p.ExportCreditChart), nil, nil, credit)),
		container.NewTabItem("Removal effects", container.NewBorder(p.RemovalNote, container.NewHBox(p.ExportRemovalChart), nil, nil, removal)),
		container.NewTabItem("Transitions", container.NewBorder(p.TransitionsNote, container.NewHBox(p.ExportHeat), nil, nil, p.Transitions)),
		container.NewTabItem("Artifacts", container.NewBorder(p.ArtifactsNote, nil, nil, nil, p.Artifacts)),
	)
	p.Tabs.SelectIndex(1)
	p.content = container.NewBorder(head, nil, nil, nil, p.Tabs)
	return p.content
}

func bold2(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// setStatus shows a message under the facts, or hides the line for "".
func (p *RunPage) setStatus(msg string) {
	p.Status.SetText(msg)
	if msg == "" {
		p.Status.Hide()
	} else {
		p.Status.Show()
	}
}

// Run returns the run on show, or nil.
func (p *RunPage) Run() *tracking.Run { return p.run }

// Results returns the run's results, one per model.
func (p *RunPage) Results() []*attribution.Result { return p.results }

// load reads a run, its results and artifacts off the UI thread and shows
// them.
func (p *RunPage) load(id string) {
	st := p.ui.Store
	if st == nil {
		return
	}
	p.loads++
	load := p.loads
	p.setStatus("Loading the run…")
	go func() {
		ctx := context.Background()
		run, err := st.Run(ctx, id)
		var rows []tracking.ResultRow
		var arts []tracking.Artifact
		if err == nil {
			rows, err = st.Results(ctx, id)
		}
		if err == nil {
			arts, err = st.Artifacts(ctx, id)
		}
		var ivs []tracking.IntervalRow
		if err == nil {
			ivs, err = st.Intervals(ctx, id)
		}
		results := tracking.ResultsFromRows(rows, ivs)
		var chainErr error
		for _, a := range arts {
			if a.Path != tracking.MarkovChainArtifact {
				continue
			}
			m, err := tracking.DecodeMarkovChain(a.Data)
			if err != nil {
				chainErr = err
				break
			}
			for _, r := range results {
				if r.Model == attribution.Markov {
					r.Markov = m
				}
			}
		}
		onUI(func() {
			if load == p.loads {
				p.loaded(run, results, arts, err, chainErr)
			}
		})
	}()
}

// reloadRun loads the run on show again (after an edit or a change by
// another process), keeping the tab and measure chosen.
func (p *RunPage) reloadRun() {
	if p.run != nil {
		p.load(p.run.ID)
	}
}

func (p *RunPage) loaded(run *tracking.Run, results []*attribution.Result, arts []tracking.Artifact, err, chainErr error) {
	if err != nil {
		p.setStatus("Could not read the run: " + err.Error() + ". Go back to all runs and search again.")
		if p.onLoaded != nil {
			p.onLoaded(err)
		}
		return
	}
	p.run, p.results, p.artifacts = run, results, arts
	p.markov = nil
	for _, r := range results {
		if r.Model == attribution.Markov {
			p.markov = r
		}
	}
	p.channels = nil
	seen := map[string]bool{} // a run may have 10,000 channels per model
	for _, r := range results {
		for _, ch := range r.Channels {
			if !seen[ch] {
				seen[ch] = true
				p.channels = append(p.channels, ch)
			}
		}
	}
	p.setStatus("")
	p.showFacts()
	p.showMetrics()
	p.showParams()
	if p.Measure.Selected == "" {
		p.Measure.SetSelected(MeasureConversions)
	}
	p.fitCredit()
	p.Credit.Refresh()
	p.showCharts(chainErr)
	p.Artifacts.Refresh()
	switch n := len(arts); n {
	case 0:
		p.ArtifactsNote.SetText("No artifacts. Charts and tables exported from the command line with this run's id are kept here.")
	case 1:
		p.ArtifactsNote.SetText("1 file kept with the run. Open shows it in its app; Save… writes a copy.")
	default:
		p.ArtifactsNote.SetText(fmt.Sprintf("%d files kept with the run. Open shows one in its app; Save… writes a copy.", n))
	}
	if p.onLoaded != nil {
		p.onLoaded(nil)
	}
}

func (p *RunPage) showFacts() {
	r := p.run
	status := string(r.Status)
	if r.Deleted {
		status += " (deleted)"
	}
	p.Heading.Segments = []widget.RichTextSegment{&widget.TextSegment{Style: widget.RichTextStyleSubHeading, Text: r.Name}}
	p.Heading.Refresh()
	facts := fmt.Sprintf("%s in experiment %s · started %s", status, r.Experiment, r.StartTime.Local().Format("2 Jan 2006 15:04:05"))
	if !r.EndTime.IsZero() {
		facts += ", took " + r.EndTime.Sub(r.StartTime).Round(1e6).String()
	}
	if r.DatasetName != "" || r.Dataset != "" {
		facts += fmt.Sprintf(" · dataset %s (fingerprint %s)", r.DatasetName, shortFP(r.Dataset))
	}
	facts += " · run " + r.ID
	p.Facts.Segments = []widget.RichTextSegment{para(facts)}
	p.Facts.Refresh()

	// Block (not inline) styles, one line each.
	heading := widget.RichTextStyle{TextStyle: fyne.TextStyle{Bold: true}}
	hint := widget.RichTextStyle{TextStyle: fyne.TextStyle{Italic: true}}
	var segs []widget.RichTextSegment
	segs = append(segs, &widget.TextSegment{Style: heading, Text: "Tags"})
	if len(r.Tags) == 0 {
		segs = append(segs, &widget.TextSegment{Style: hint, Text: "No tags. Tags… adds some."})
	}
	for _, k := range sortedKeys(r.Tags) {
		segs = append(segs, para(k+" = "+r.Tags[k]))
	}
	segs = append(segs, &widget.TextSegment{Style: heading, Text: "Note"})
	if strings.TrimSpace(r.Note) == "" {
		segs = append(segs, &widget.TextSegment{Style: hint, Text: "No note. Note… adds one (Markdown)."})
	} else {
		segs = append(segs, widget.NewRichTextFromMarkdown(r.Note).Segments...)
	}
	p.About.Segments = segs
	p.About.Refresh()
}

// MetricText is a metric of the run as the page shows it, "" if the run
// has none.
func (p *RunPage) MetricText(key string) string {
	m, ok := p.run.Metric(key)
	if !ok {
		return ""
	}
	switch key {
	case tracking.KeyRuntimeMS:
		return report.Number(m.Value) + " ms"
	case tracking.KeyTotalValue:
		return report.Fixed(m.Value, 2)
	}
	return report.Number(m.Value)
}

func (p *RunPage) showMetrics() {
	p.Metrics.Items = nil
	shown := map[string]bool{}
	for _, sm := range summaryMetrics {
		if text := p.MetricText(sm.key); text != "" {
			p.Metrics.Append(sm.label, widget.NewLabel(text))
		}
		shown[sm.key] = true
	}
	// Other run-wide metrics (logged by other tools or later versions).
	for _, m := range p.run.Metrics {
		if shown[m.Key] || strings.HasPrefix(m.Key, "share.") || strings.HasPrefix(m.Key, "removal_effect.") || tracking.IsPeriodMetric(m.Key) {
			continue
		}
		p.Metrics.Append(m.Key, widget.NewLabel(p.MetricText(m.Key)))
	}
	p.Metrics.Refresh()
}

func (p *RunPage) showParams() {
	p.Params.Items = nil
	for _, prm := range p.run.Params {
		l := widget.NewLabel(prm.String())
		l.Wrapping = fyne.TextWrapBreak
		p.Params.Append(prm.Key(), l)
	}
	p.Params.Refresh()
}

func (p *RunPage) showCharts(chainErr error) {
	var attr, removal, heat *report.Chart
	if len(p.results) > 0 {
		attr, _ = report.AttributionChart(p.results)
	}
	p.RemovalNote.SetText("")
	p.TransitionsNote.SetText("")
	switch m := p.markov; {
	case m == nil:
		p.RemovalNote.SetText("Removal effects come from the markov model, which this run did not use. Re-run it with markov ticked to see them.")
		p.TransitionsNote.SetText("The transition heat-map comes from the markov model, which this run did not use.")
	default:
		removal, _ = report.RemovalChart(m)
		switch {
		case chainErr != nil:
			p.TransitionsNote.SetText("The Markov chain kept with this run cannot be read: " + chainErr.Error())
		case m.Markov == nil:
			p.TransitionsNote.SetText("This run keeps no Markov chain (an older attrlab logged it). Re-run it to see the heat-map.")
		default:
			heat, _ = report.TransitionsChart(m, 0)
		}
	}
	for _, l := range []*widget.Label{p.RemovalNote, p.TransitionsNote} {
		if l.Text == "" {
			l.Hide()
		} else {
			l.Show()
		}
	}
	p.Removal.Refresh()
	p.CreditChart.SetChart(attr)
	p.RemovalChart.SetChart(removal)
	p.Transitions.SetChart(heat)
	for _, c := range []struct {
		b  *widget.Button
		ch *report.Chart
	}{{p.ExportCreditChart, attr}, {p.ExportRemovalChart, removal}, {p.ExportHeat, heat}} {
		if c.ch == nil {
			c.b.Disable()
		} else {
			c.b.Enable()
		}
	}
}

func (p *RunPage) exportChart(v *ChartView, base string) {
	if ch := v.Chart(); ch != nil {
		exportChart(p.ui, ch, base)
	}
}

// creditSize is the channels plus a total row, by the models.
func (p *RunPage) creditSize() (int, int) {
	if len(p.results) == 0 {
		return 0, 0
	}
	return len(p.channels) + 1, len(p.results)
}

func (p *RunPage) creditRowName(row int) string {
	if row == len(p.channels) {
		return "Total"
	}
	return p.channels[row]
}

// CreditCell is a cell of the channel credit table (channel row, or the
// total row after them; model column) in the measure chosen: attributed
// conversions, attributed conversion value, or share of conversions.
func (p *RunPage) CreditCell(row, col int) string {
	if col >= len(p.results) || row > len(p.channels) {
		return ""
	}
	r := p.results[col]
	var conv, value, share float64
	if row == len(p.channels) {
		conv, value = r.TotalConversions, r.TotalValue
		for _, s := range r.Share {
			share += s
		}
	} else {
		var ok bool
		if conv, value, share, ok = r.Credit(p.channels[row]); !ok {
			return "—"
		}
	}
	switch p.Measure.Selected {
	case MeasureValue:
		return report.Fixed(value, 2)
	case MeasureShare:
		return report.Percent(share)
	}
	return report.Fixed(conv, 2)
}

func (p *RunPage) removalColumns() int {
	if p.markov != nil && p.markov.Markov != nil && len(p.markov.Markov.ValueRemovalEffect) == len(p.markov.Channels) {
		return 2
	}
	return 1
}

// RemovalCell is a cell of the removal effects table: the share of
// conversions (column 0) or of conversion value (column 1) lost without
// the channel of the row.
func (p *RunPage) RemovalCell(row, col int) string {
	m := p.markov
	if m == nil || row >= len(m.Channels) {
		return ""
	}
	switch {
	case col == 0 && m.RemovalEffect != nil:
		return report.Percent(m.RemovalEffect[row])
	case col == 1 && p.removalColumns() == 2:
		return report.Percent(m.Markov.ValueRemovalEffect[row])
	}
	return "—"
}

// ArtifactNames lists the run's artifacts by path.
func (p *RunPage) ArtifactNames() []string {
	names := make([]string, len(p.artifacts))
	for i, a := range p.artifacts {
		names[i] = a.Path
	}
	return names
}

// ArtifactText is an artifact's line in the list: path, type and size.
func (p *RunPage) ArtifactText(i int) string {
	if i >= len(p.artifacts) {
		return ""
	}
	a := p.artifacts[i]
	return fmt.Sprintf("%s  (%s, %s)", a.Path, a.MediaType, byteSize(len(a.Data)))
}

// byteSize is a file size for people.
func byteSize(n int) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d bytes", n)
	case n < 1<<20:
		return report.Number(float64(n)/1024) + " KB"
	}
	return report.Number(float64(n)/(1<<20)) + " MB"
}

// OpenArtifact writes artifact i to a fresh temporary folder and opens it
// in the desktop's app for its type. It returns the file written.
func (p *RunPage) OpenArtifact(i int) string {
	if i >= len(p.artifacts) {
		return ""
	}
	a := p.artifacts[i]
	dir, err := os.MkdirTemp("", "attrlab-artifact-")
	if err != nil {
		p.ui.showError("Open "+a.Path, err, "Free some disk space, or use Save… to write it elsewhere.")
		return ""
	}
	file := filepath.Join(dir, path.Base(a.Path))
	if err := os.WriteFile(file, a.Data, 0o644); err != nil {
		p.ui.showError("Open "+a.Path, err, "Free some disk space, or use Save… to write it elsewhere.")
		return ""
	}
	u := &url.URL{Scheme: "file", Path: filepath.ToSlash(file)}
	if err := p.open(u); err != nil {
		p.ui.showError("Open "+a.Path, err, "The file is at "+file+"; open it from there, or use Save….")
	}
	p.setStatus("Opened " + a.Path + " (a copy in " + dir + ").")
	return file
}

func (p *RunPage) saveArtifactDialog(i int) {
	if i >= len(p.artifacts) {
		return
	}
	askSavePath(p.ui, path.Base(p.artifacts[i].Path), nil, func(to string, confirmed bool) { p.saveArtifact(i, to, confirmed) })
}

// SaveArtifact writes artifact i to file, asking before it replaces an
// existing file (and never replacing one the app reads).
func (p *RunPage) SaveArtifact(i int, file string) { p.saveArtifact(i, file, false) }

// saveArtifact is SaveArtifact where confirmed says the save dialog has
// already asked to replace the file.
func (p *RunPage) saveArtifact(i int, file string, confirmed bool) {
	data := p.artifacts[i].Data
	saveChecked(p.ui, file, confirmed, func(force bool) error {
		if err := report.WriteFile(file, force, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
			return err
		}
		p.setStatus("Saved " + p.artifacts[i].Path + " as " + file + ".")
		return nil
	})
}

// creditLead is the width of the credit table's channel column.
func (p *RunPage) creditLead() float32 {
	w := textWidth("paid_search", true)
	if len(p.results) > 0 {
		for row := 0; row <= len(p.channels); row++ {
			w = max(w, textWidth(p.creditRowName(row), true))
		}
	}
	return min(w, 240)
}

// creditSpecs are the credit table's columns (one a model) for fitTable:
// as wide as their widest text, spare width shared evenly.
func (p *RunPage) creditSpecs() []fitSpec {
	// One row per channel and the Total row.
	return uncutColumns(len(p.results), len(p.channels)+1,
		func(col int) float32 { return textWidth(p.results[col].Model, true) }, p.CreditCell)
}

// fitCredit sizes the credit table's columns for the run and measure.
func (p *RunPage) fitCredit() {
	p.Credit.SetColumnWidth(-1, p.creditLead())
	p.creditFit.refit()
}
