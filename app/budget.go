package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/attrlab/attrlab/attribution"
	"github.com/attrlab/attrlab/report"
)

// budgetDebounce is how long typing must pause before the proposal is
// worked out again.
const budgetDebounce = 150 * time.Millisecond

// budgetColumns are the proposal table's columns, after the channel.
var budgetColumns = []string{"spend", "spend share", "conversions", "credit share", "CPA", "ROAS", "proposed", "change", "flags"}

// budgetRowHeadMax is the widest the channel column gets; longer names
// are cut with an ellipsis (the entries below show them whole).
const budgetRowHeadMax = 220

// budgetEntriesWidth is the width the spend, minimum and maximum entries
// start at beside the chart (the divider moves them).
const budgetEntriesWidth = 360

// BudgetScreen proposes a budget from one model's credit (DESIGN section
// 3.2). Spend per channel comes from the dataset's cost column, a spend
// CSV or the keyboard; with a total and per-channel minimums and maximums
// it gives the proposal table and chart, which follow as the user types.
type BudgetScreen struct {
	ui *UI

	DatasetPicker *widget.Select
	ModelPicker   *widget.Select
	LoadSpendBtn  *widget.Button
	Total         *widget.Entry
	Status        *widget.Label
	Table         *widget.Table
	Chart         *ChartView
	ExportChart   *widget.Button
	ExportCSV     *widget.Button

	rows    []*budgetRow
	rowsBox *fyne.Container
	// fit sets the table's column widths from its texts and width.
	fit *fitTable
	// dataset names the dataset whose results are in results.
	dataset string
	results []*attribution.Result
	// own keeps the models this screen ran itself, by dataset name.
	own     map[string][]*attribution.Result
	running string // the dataset being run, "" when none
	// CancelBtn stops the models running for a budget (shown meanwhile).
	CancelBtn *widget.Button
	cancel    context.CancelFunc
	// champion is set while the champion run's credit is on show
	// (budgetchampion.go), until a dataset is chosen; championTried once
	// the screen has looked for one to open on.
	champion      *budgetChampion
	championTried bool
	// budget is the last proposal that worked: the one on show.
	budget *attribution.Budget
	// gen counts proposals, so that a chart drawn for an older one is dropped.
	gen      int
	timer    *time.Timer
	onUpdate func(error) // for tests: called on the UI thread after each update
}

// budgetRow holds one channel's entries.
type budgetRow struct {
	channel         string
	spend, min, max *widget.Entry
}

func newBudgetScreen(u *UI) *BudgetScreen {
	s := &BudgetScreen{ui: u, own: map[string][]*attribution.Result{}}
	s.DatasetPicker = widget.NewSelect(nil, s.load)
	s.DatasetPicker.PlaceHolder = "Choose a dataset"
	u.onChoicesChanged = append(u.onChoicesChanged, s.datasetsChanged)
	s.ModelPicker = widget.NewSelect(nil, func(string) { s.recompute() })
	s.ModelPicker.PlaceHolder = "Choose a model"
	s.LoadSpendBtn = widget.NewButton("Load spend CSV…", s.LoadSpendDialog)
	s.CancelBtn = widget.NewButton("Cancel", func() {
		if s.cancel != nil {
			s.cancel()
		}
	})
	s.CancelBtn.Hide()
	s.Total = s.newAmountEntry("", checkTotal)
	s.Status = &widget.Label{Text: "Choose a dataset: its models' credit is shared out as a budget.", Wrapping: fyne.TextWrapWord}
	s.Table = widget.NewTableWithHeaders(s.tableSize, func() fyne.CanvasObject {
		return widget.NewLabel("0.00")
	}, s.updateCell)
	s.Table.CreateHeader = headerTemplate("paid_search_brand")
	s.Table.UpdateHeader = s.updateHeader
	s.fit = &fitTable{table: s.Table, specs: s.columnSpecs, lead: s.rowHeadWidth}
	s.Chart = newChartView()
	s.ExportChart = widget.NewButton("Export chart…", s.exportChart)
	s.ExportCSV = widget.NewButton("Export CSV…", s.exportCSV)
	s.ExportChart.Disable()
	s.ExportCSV.Disable()
	s.rowsBox = container.NewVBox()
	return s
}

// Content returns the screen's layout.
func (s *BudgetScreen) Content() fyne.CanvasObject {
	form := container.NewVBox(
		// Two rows, so that the form fits a 1024-pixel screen.
		container.NewHBox(
			widget.NewLabel("Dataset"), container.NewGridWrap(fyne.NewSize(260, 36), s.DatasetPicker),
			widget.NewLabel("Model"), container.NewGridWrap(fyne.NewSize(180, 36), s.ModelPicker),
			s.CancelBtn,
		),
		container.NewHBox(
			widget.NewLabel("Total"), container.NewGridWrap(fyne.NewSize(180, 36), s.Total),
			s.LoadSpendBtn, s.championButton(),
		),
		s.Status,
	)
	entries := container.NewBorder(
		widget.NewLabel("Spend, minimum and maximum per channel (empty: none)"), nil, nil, nil,
		// A gutter on the right keeps the max column clear of the scroll bar.
		container.NewVScroll(container.NewBorder(nil, nil, nil, minWidth(12), s.rowsBox)))
	bottom := container.NewHSplit(entries, s.Chart)
	bottom.Offset = 0.4
	split := container.NewVSplit(compact(container.New(s.fit, s.Table)), container.New(&leadSplit{split: bottom, lead: budgetEntriesWidth}, bottom))
	split.Offset = 0.4
	v := &budgetView{s: s, content: container.NewBorder(form, container.NewHBox(s.ExportCSV, s.ExportChart), nil, nil, split)}
	v.ExtendBaseWidget(v)
	return v
}

// budgetView lays out the screen. Showing a screen refreshes it, and the
// refresh picks up results the Attribute screen made in the meantime.
type budgetView struct {
	widget.BaseWidget
	s       *BudgetScreen
	content fyne.CanvasObject
}

func (v *budgetView) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(v.content) }

func (v *budgetView) Refresh() {
	v.s.sync()
	v.BaseWidget.Refresh()
}

// datasetsChanged offers the datasets loaded; the newest is chosen when
// none was, and is loaded when the screen is shown.
func (s *BudgetScreen) datasetsChanged() {
	s.DatasetPicker.Options = s.ui.datasetNames()
	if s.DatasetPicker.Selected == "" {
		s.DatasetPicker.Selected = s.ui.lastLoaded()
	}
	s.DatasetPicker.Refresh()
}

// sync loads the chosen dataset if it is not the one on show, or if the
// Attribute screen has new results for it.
func (s *BudgetScreen) sync() {
	s.defaultToChampion()
	name := s.DatasetPicker.Selected
	if name == "" || name == s.running || s.champion != nil {
		return
	}
	if res := s.attributeResults(name); name != s.dataset || (res != nil && !slices.Equal(res, s.results)) {
		s.load(name)
	}
}

// attributeResults returns the Attribute screen's results if they are of
// the named dataset, nil otherwise.
func (s *BudgetScreen) attributeResults(name string) []*attribution.Result {
	a, d := s.ui.Attribute, s.ui.dataset(name)
	res := a.Results()
	if d == nil || len(res) == 0 || a.DatasetPicker.Selected != name || !slices.Equal(res[0].Channels, d.ds.Paths.Channels) {
		return nil
	}
	return res
}

// load shows the named dataset's budget: from the Attribute screen's
// results when it has them, otherwise from every model run here, off the
// UI thread, with the Attribute screen's parameters.
func (s *BudgetScreen) load(name string) {
	s.champion = nil
	if name == "" || name == s.running {
		return
	}
	d := s.ui.dataset(name)
	if d == nil {
		// A dataset of an earlier session: load it from its source first.
		s.running = name
		s.setStatus("Loading "+name+" from its source (progress on Datasets)…", widget.MediumImportance)
		s.ui.ensureLoaded(name, func(d *loadedDataset, err error) {
			s.running = ""
			if err != nil {
				s.setStatus("Cannot load "+name+": "+err.Error(), widget.DangerImportance)
				s.updated(err)
				return
			}
			if s.DatasetPicker.Selected == name {
				s.load(name)
			}
		})
		return
	}
	if res := s.attributeResults(name); res != nil {
		s.setResults(name, d, res)
		return
	}
	if res := s.own[name]; res != nil {
		s.setResults(name, d, res)
		return
	}
	opts, err := s.ui.Attribute.options()
	if err != nil {
		opts = attribution.Options{} // the defaults, rather than a half-read form
	}
	opts.Models = attribution.AvailableModels(d.ds.Paths)
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.CancelBtn.Show()
	opts.Progress = func(p attribution.RunProgress) {
		onUI(func() {
			if s.running == name {
				s.setStatus(fmt.Sprintf("Running the models on %s: %d of %d done (%s finished)…", name, p.Done, p.Total, p.Model), widget.MediumImportance)
			}
		})
	}
	s.running = name
	if name != s.dataset {
		s.dataset = ""
		s.results = nil
		s.ModelPicker.Options = nil
		s.ModelPicker.Refresh()
		s.clearProposal()
		s.rows, s.rowsBox.Objects = nil, nil
		s.rowsBox.Refresh()
	}
	s.setStatus("Running the models on "+name+"…", widget.MediumImportance)
	go func() {
		res, err := attribution.Run(ctx, d.ds.Paths, opts)
		onUI(func() { s.ran(name, d, res, err) })
	}()
}

func (s *BudgetScreen) ran(name string, d *loadedDataset, res []*attribution.Result, err error) {
	s.running = ""
	if s.cancel != nil {
		s.cancel()
		s.cancel = nil
	}
	s.CancelBtn.Hide()
	if errors.Is(err, context.Canceled) {
		s.setStatus("Cancelled: no budget for "+name+". Choose it again, or run it on Attribute and come back.", widget.MediumImportance)
		s.DatasetPicker.ClearSelected()
		s.updated(err)
		return
	}
	if err != nil {
		s.setStatus("Could not run the models on "+name+": "+err.Error(), widget.DangerImportance)
		s.ui.showError("Budget for "+name, err, "Check the parameters on the Attribute screen, run it there, then come back to Budget.")
		s.updated(err)
		return
	}
	s.own[name] = res
	if s.DatasetPicker.Selected == name {
		s.setResults(name, d, res)
	}
}

// setResults offers res's models and, for a newly chosen dataset, fills
// the spend entries from its cost column.
func (s *BudgetScreen) setResults(name string, d *loadedDataset, res []*attribution.Result) {
	s.results = res
	models := make([]string, len(res))
	for i, r := range res {
		models[i] = r.Model
	}
	s.ModelPicker.Options = models
	if !slices.Contains(models, s.ModelPicker.Selected) {
		s.ModelPicker.Selected = models[len(models)-1]
		if slices.Contains(models, attribution.Markov) {
			s.ModelPicker.Selected = attribution.Markov
		}
	}
	s.ModelPicker.Refresh()
	if name != s.dataset {
		s.dataset = name
		s.clearProposal()
		onChanged := s.Total.OnChanged
		s.Total.OnChanged = nil // a new dataset is not typing
		s.Total.SetText("")
		s.Total.OnChanged = onChanged
		s.setRows(res[0].Channels, d.ds.Spend, nil)
	}
	s.recompute()
}

// clearProposal takes the last dataset's proposal off the screen: table,
// chart, the current total and the exports.
func (s *BudgetScreen) clearProposal() {
	s.budget = nil
	s.gen++ // drops a chart still being drawn
	s.Total.PlaceHolder = ""
	s.Total.Refresh()
	s.Table.Refresh()
	s.Chart.SetChart(nil)
	s.ExportChart.Disable()
	s.ExportCSV.Disable()
}

// setRows makes one row of entries per channel: the result's channels,
// then channels that only have spend. Bounds typed in rows that stay are
// kept; spend is set from spend (empty when there is none).
func (s *BudgetScreen) setRows(channels []string, spend []attribution.ChannelSpend, keep []*budgetRow) {
	amounts := map[string]float64{}
	all := slices.Clone(channels)
	for _, sp := range spend {
		if _, ok := amounts[sp.Channel]; !ok && !slices.Contains(all, sp.Channel) {
			all = append(all, sp.Channel)
		}
		amounts[sp.Channel] += sp.Spend
	}
	old := map[string]*budgetRow{}
	for _, r := range keep {
		old[r.channel] = r
	}
	grid := container.NewGridWithColumns(4, boldLabel("channel"), boldLabel("spend"), boldLabel("min"), boldLabel("max"))
	s.rows = nil
	for _, ch := range all {
		r := &budgetRow{channel: ch}
		text := ""
		if v, ok := amounts[ch]; ok {
			text = formatAmount(v)
		}
		r.spend = s.newAmountEntry(text, checkAmount)
		r.spend.PlaceHolder = "0"
		if o := old[ch]; o != nil {
			r.min, r.max = o.min, o.max
		} else {
			r.min = s.newAmountEntry("", checkAmount)
			r.max = s.newAmountEntry("", checkAmount)
			r.max.PlaceHolder = "none"
		}
		s.rows = append(s.rows, r)
		grid.Add(widget.NewLabel(ch))
		grid.Add(r.spend)
		grid.Add(r.min)
		grid.Add(r.max)
	}
	s.rowsBox.Objects = []fyne.CanvasObject{grid}
	s.rowsBox.Refresh()
}

func boldLabel(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// newAmountEntry makes an entry that marks what check rejects and starts
// the debounce on every change. The mark is set by hand rather than by a
// Validator, which would also tick every good entry.
func (s *BudgetScreen) newAmountEntry(text string, check func(string) error) *widget.Entry {
	e := widget.NewEntry()
	e.AlwaysShowValidationError = true
	e.SetText(text)
	e.OnChanged = func(text string) {
		e.SetValidationError(check(text))
		s.changed()
	}
	return e
}

// formatAmount writes an amount rounded to cents, without trailing zeros.
func formatAmount(v float64) string {
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

// parseAmount reads a typed amount: empty means none (set is false);
// anything else must be a finite number at least 0.
func parseAmount(text string) (v float64, set bool, err error) {
	t := strings.TrimSpace(text)
	if t == "" {
		return 0, false, nil
	}
	v, err = strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false, fmt.Errorf("%q is not an amount: type a number like 1200 or 1200.50", t)
	}
	if v < 0 {
		return 0, false, fmt.Errorf("%s is negative: type 0 or more", t)
	}
	return v, true, nil
}

func checkAmount(text string) error {
	_, _, err := parseAmount(text)
	return err
}

func checkTotal(text string) error {
	v, set, err := parseAmount(text)
	if err == nil && set && v == 0 {
		err = errors.New("a total of 0 leaves nothing to share: type more than 0, or clear it for the current total")
	}
	return err
}

// changed restarts the debounce: the proposal is worked out again once
// typing pauses.
func (s *BudgetScreen) changed() {
	if s.timer != nil {
		s.timer.Stop()
	}
	s.timer = time.AfterFunc(budgetDebounce, func() { onUI(s.recompute) })
}

// result returns the chosen model's result, or nil.
func (s *BudgetScreen) result() *attribution.Result {
	for _, r := range s.results {
		if r.Model == s.ModelPicker.Selected {
			return r
		}
	}
	return nil
}

// readEntries turns the entries into spend and options. The first entry
// that is not an amount gives the error, naming its channel.
func (s *BudgetScreen) readEntries() ([]attribution.ChannelSpend, attribution.BudgetOptions, error) {
	opts := attribution.BudgetOptions{Min: map[string]float64{}, Max: map[string]float64{}}
	var spend []attribution.ChannelSpend
	var firstErr error
	note := func(what string, err error) {
		if firstErr == nil {
			firstErr = fmt.Errorf("%s: %w", what, err)
		}
	}
	for _, r := range s.rows {
		v, _, err := parseAmount(r.spend.Text)
		if err != nil {
			note("spend of "+r.channel, err)
		}
		spend = append(spend, attribution.ChannelSpend{Channel: r.channel, Spend: v})
		for _, b := range []struct {
			name string
			e    *widget.Entry
			m    map[string]float64
		}{{"minimum", r.min, opts.Min}, {"maximum", r.max, opts.Max}} {
			v, set, err := parseAmount(b.e.Text)
			if err != nil {
				note(b.name+" of "+r.channel, err)
			} else if set {
				b.m[r.channel] = v
			}
		}
	}
	if err := checkTotal(s.Total.Text); err != nil {
		note("total", err)
	}
	opts.Total, _, _ = parseAmount(s.Total.Text)
	return spend, opts, firstErr
}

// recompute works out the proposal from the entries and shows it. When an
// entry is not an amount or the bounds cannot all hold it says why and
// leaves the last good proposal on show.
func (s *BudgetScreen) recompute() {
	if s.timer != nil {
		s.timer.Stop()
		s.timer = nil
	}
	r := s.result()
	if r == nil {
		return
	}
	spend, opts, err := s.readEntries()
	if err == nil {
		var b *attribution.Budget
		if b, err = attribution.Allocate(spend, r, opts); err == nil {
			attribution.AddProposedRange(b, r)
			s.show(b)
			return
		}
	}
	msg := capitalize(err.Error())
	if s.budget != nil {
		msg += ". The table and chart still show the last budget that worked."
	}
	s.setStatus(msg, widget.DangerImportance)
	s.updated(err)
}

// show puts b in the table now and its chart once drawn off the UI thread.
func (s *BudgetScreen) show(b *attribution.Budget) {
	s.budget = b
	s.gen++
	msg := fmt.Sprintf("%s shared in proportion to %s credit (current spend %s).", formatAmount(b.Total), b.Model, formatAmount(b.CurrentTotal))
	if len(b.Warnings) > 0 {
		msg += " " + strings.Join(b.Warnings, "; ") + "."
	}
	s.setStatus(msg, widget.MediumImportance)
	s.Total.PlaceHolder = "current: " + formatAmount(b.CurrentTotal)
	s.Total.Refresh()
	s.Table.SetColumnWidth(-1, s.rowHeadWidth())
	s.fit.refit()
	s.Table.Refresh()
	s.ExportChart.Enable()
	s.ExportCSV.Enable()
	gen := s.gen
	go func() {
		ch, err := report.BudgetChart(b)
		onUI(func() {
			if gen != s.gen {
				return // a newer proposal is on its way
			}
			if err != nil {
				s.setStatus("Chart: "+err.Error(), widget.DangerImportance)
			} else {
				s.Chart.SetChart(ch)
			}
			s.updated(err)
		})
	}()
}

// capitalize starts a sentence made from an error message.
func capitalize(msg string) string {
	r, n := utf8.DecodeRuneInString(msg)
	if n == 0 {
		return msg
	}
	return string(unicode.ToUpper(r)) + msg[n:]
}

func (s *BudgetScreen) setStatus(text string, imp widget.Importance) {
	s.Status.Importance = imp
	s.Status.SetText(text)
}

func (s *BudgetScreen) updated(err error) {
	if s.onUpdate != nil {
		s.onUpdate(err)
	}
}

// Budget returns the proposal on show, nil before the first.
func (s *BudgetScreen) Budget() *attribution.Budget { return s.budget }

// SpendEntry, MinEntry and MaxEntry return a channel's entries, nil for
// a channel without a row.
func (s *BudgetScreen) SpendEntry(channel string) *widget.Entry { return s.entry(channel, 0) }

// MinEntry returns the channel's minimum entry.
func (s *BudgetScreen) MinEntry(channel string) *widget.Entry { return s.entry(channel, 1) }

// MaxEntry returns the channel's maximum entry.
func (s *BudgetScreen) MaxEntry(channel string) *widget.Entry { return s.entry(channel, 2) }

func (s *BudgetScreen) entry(channel string, i int) *widget.Entry {
	for _, r := range s.rows {
		if r.channel == channel {
			return []*widget.Entry{r.spend, r.min, r.max}[i]
		}
	}
	return nil
}

func (s *BudgetScreen) tableSize() (int, int) {
	if s.budget == nil {
		return 0, 0
	}
	return len(s.budget.Lines), len(budgetColumns)
}

// CellText is the text of a proposal cell (channel row, column as in
// budgetColumns); n/a where a ratio or share is undefined.
func (s *BudgetScreen) CellText(row, col int) string {
	b := s.budget
	l := b.Lines[row]
	share := func(v, total float64) string {
		if total == 0 {
			return "n/a"
		}
		return fmt.Sprintf("%.1f%%", 100*v)
	}
	switch col {
	case 0:
		return fmt.Sprintf("%.2f", l.Spend)
	case 1:
		return share(l.SpendShare, b.CurrentTotal)
	case 2:
		return fmt.Sprintf("%.2f", l.Conversions)
	case 3:
		return share(l.CreditShare, b.TotalConversions)
	case 4:
		return l.CPA.String()
	case 5:
		return l.ROAS.String()
	case 6:
		return fmt.Sprintf("%.2f", l.Proposed) + proposedRange(l)
	case 7:
		return fmt.Sprintf("%+.2f", l.Change)
	default:
		return l.Flags.String()
	}
}

// rowHeadWidth is the width of the channel column.
func (s *BudgetScreen) rowHeadWidth() float32 {
	w := textWidth("paid_search", true)
	if s.budget != nil {
		for _, l := range s.budget.Lines {
			w = max(w, textWidth(l.Channel, true))
		}
	}
	return min(w, budgetRowHeadMax)
}

// columnSpecs are the table's columns for fitTable: each as wide as its
// widest text, spare width shared evenly; none is cut.
func (s *BudgetScreen) columnSpecs() []fitSpec {
	rows := 0
	if s.budget != nil {
		rows = len(s.budget.Lines)
	}
	return uncutColumns(len(budgetColumns), rows,
		func(col int) float32 { return textWidth(budgetColumns[col], true) }, s.CellText)
}

func (s *BudgetScreen) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	o.(*widget.Label).SetText(s.CellText(id.Row, id.Col))
}

func (s *BudgetScreen) updateHeader(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	switch {
	case id.Row < 0 && id.Col >= 0:
		l.SetText(budgetColumns[id.Col])
	case id.Col < 0 && id.Row >= 0 && s.budget != nil:
		l.SetText(s.budget.Lines[id.Row].Channel)
	default:
		l.SetText("")
	}
}

// LoadSpendDialog asks for a spend CSV (channel,spend).
func (s *BudgetScreen) LoadSpendDialog() {
	askOpenCSV(s.ui, "spend file", s.LoadSpendPath)
}

// LoadSpendPath reads a spend CSV and puts its amounts in the spend
// entries; channels it does not list get 0, and channels that are not in
// the data get rows of their own.
func (s *BudgetScreen) LoadSpendPath(path string) {
	if len(s.results) == 0 {
		s.setStatus("Choose a dataset first, then load its spend.", widget.DangerImportance)
		return
	}
	f, err := os.Open(path)
	if err != nil {
		s.ui.showError("Open "+filepath.Base(path), err, "Check that the file exists and that you can read it.")
		return
	}
	defer f.Close()
	spend, err := attribution.ReadSpend(f, filepath.Base(path))
	if err != nil {
		s.ui.showError("Read spend from "+filepath.Base(path), err, "A spend file has a header with a channel column and a spend (or cost, or budget) column, then one row per channel. Fix that row and load it again.")
		return
	}
	listed := map[string]bool{}
	for _, sp := range spend {
		listed[sp.Channel] = true
	}
	for _, ch := range s.results[0].Channels {
		if !listed[ch] {
			spend = append(spend, attribution.ChannelSpend{Channel: ch})
		}
	}
	s.setRows(s.results[0].Channels, spend, s.rows)
	s.recompute()
}

func (s *BudgetScreen) exportChart() {
	if s.budget == nil {
		return
	}
	ch, err := report.BudgetChart(s.budget)
	if err != nil {
		s.ui.showError("Budget chart", err, "Give spend for at least one channel.")
		return
	}
	exportChart(s.ui, ch, "budget-"+s.budget.Model)
}

func (s *BudgetScreen) exportCSV() {
	if b := s.budget; b != nil {
		exportCSV(s.ui, "budget-"+b.Model+".csv", func(w io.Writer) error { return report.WriteBudgetCSV(w, b) })
	}
}
