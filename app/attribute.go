package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/attrlab/attrlab/attribution"
	"github.com/attrlab/attrlab/report"
	"github.com/attrlab/attrlab/storage"
	"github.com/attrlab/attrlab/tracking"
)

// AttributeScreen runs models on a dataset and shows channel credit.
type AttributeScreen struct {
	ui *UI

	DatasetPicker *widget.Select
	Models        *ModelChecks
	Order         *widget.Select
	HalfLife      *widget.Entry
	// Lookback is the touch log's lookback window ("0" is unlimited);
	// LookbackNote says what is wrong with it, or why it does not apply.
	Lookback     *widget.Entry
	LookbackNote *widget.Label
	Direct       *widget.Entry
	// Bootstrap is the number of bootstrap replicates ("" or 0: none);
	// boot is what the running attribution read from it (read off the UI
	// thread by a lookback re-import, set before that starts).
	Bootstrap *widget.Entry
	boot      *attribution.BootstrapOptions
	// By attributes each week or month too (intervals.go), ranBy as the
	// running attribution does; OverTimeBtn shows the last run's periods.
	By          *widget.Select
	ranBy       attribution.PeriodKind
	OverTimeBtn *widget.Button
	Experiment  *widget.SelectEntry
	RunBtn      *widget.Button
	// CancelBtn stops the run under way (and the import again a new
	// lookback needs); Progress shows how far it is.
	CancelBtn   *widget.Button
	Progress    *widget.ProgressBar
	Status      *widget.Label
	Table       *widget.Table
	Chart       *ChartView
	ExportChart *widget.Button
	ExportCSV   *widget.Button

	results []*attribution.Result
	sort    resultSort
	// fit sets the results table's column widths from its texts and width.
	fit *fitTable
	// LastRun is the run the last results were logged as (nil if none).
	LastRun *tracking.Run
	// experiments are the experiments the picker offers.
	experiments []string
	running     bool
	loading     string             // a stored dataset being loaded for the picker
	cancel      context.CancelFunc // a re-import under way, or nil
	onDone      func(error)        // for tests: called on the UI thread
	onLastRun   func(error)        // for tests: showLastRun is done
	// pending is the dataset of the last Run in an earlier session, to
	// choose once the store's datasets are listed (restore.go); ranHere
	// is set once a Run in this session showed results.
	pending, pendingFallback string
	ranHere                  bool
	// shownFor names the dataset whose results are on show, "" if none.
	shownFor string
}

func newAttributeScreen(u *UI) *AttributeScreen {
	s := &AttributeScreen{ui: u, sort: resultSort{col: sortNone}}
	s.DatasetPicker = widget.NewSelect(nil, nil)
	s.DatasetPicker.PlaceHolder = "Choose a dataset"
	s.DatasetPicker.OnChanged = s.datasetChosen
	u.onChoicesChanged = append(u.onChoicesChanged, func() {
		s.DatasetPicker.Options = u.datasetNames()
		s.DatasetPicker.Refresh()
		s.restorePending()
	})
	s.Models = newModelChecks()
	s.Order = widget.NewSelect([]string{"1", "2", "3", "4"}, nil)
	s.Order.SetSelected("1")
	s.HalfLife = widget.NewEntry()
	s.HalfLife.SetText("7d")
	s.Lookback = widget.NewEntry()
	s.Lookback.SetText(lookbackText(0))
	s.Lookback.OnChanged = s.lookbackChanged
	s.LookbackNote = widget.NewLabel("")
	s.LookbackNote.Importance = widget.WarningImportance
	s.LookbackNote.Wrapping = fyne.TextWrapWord
	s.LookbackNote.Hide()
	s.Direct = widget.NewEntry()
	s.Direct.SetText(strings.Join(attribution.DefaultDirect(), ","))
	s.Bootstrap = newBootstrapEntry()
	s.newPeriodControls()
	s.Experiment = widget.NewSelectEntry([]string{tracking.DefaultExperiment})
	s.Experiment.SetText(tracking.DefaultExperiment)
	s.Experiment.PlaceHolder = tracking.DefaultExperiment
	s.RunBtn = widget.NewButton("Run (Ctrl+R)", s.Run)
	s.RunBtn.Importance = widget.HighImportance
	s.CancelBtn = widget.NewButton("Cancel", s.CancelRun)
	s.CancelBtn.Disable()
	s.Progress = widget.NewProgressBar()
	s.Progress.Hide()
	s.Status = newStatusLabel()
	s.Table = widget.NewTableWithHeaders(s.tableSize, func() fyne.CanvasObject {
		return widget.NewLabel("paid_search_brand")
	}, s.updateCell)
	// The header template sets the row-header width: wide enough for
	// typical channel names.
	s.Table.CreateHeader = newResultHeader
	s.Table.UpdateHeader = s.updateHeader
	s.fit = &fitTable{table: s.Table, specs: s.columnSpecs, lead: s.rowHeadWidth}
	s.Chart = newChartView()
	s.ExportChart = widget.NewButton("Export chart…", func() {
		if ch := s.chart(); ch != nil {
			exportChart(u, ch, "attribution")
		}
	})
	s.ExportCSV = widget.NewButton("Export CSV…", func() {
		if len(s.results) > 0 {
			exportCSV(u, "attribution-results.csv", func(w io.Writer) error { return report.WriteResultsCSV(w, s.results) })
		}
	})
	s.ExportChart.Disable()
	s.ExportCSV.Disable()
	s.loadExperiments()
	s.restoreForm()
	return s
}

// chart draws the grouped-bar chart of the current results.
func (s *AttributeScreen) chart() *report.Chart {
	if len(s.results) == 0 {
		return nil
	}
	ch, err := report.AttributionChart(s.results)
	if err != nil {
		s.Status.SetText("Chart: " + err.Error())
		return nil
	}
	return ch
}

// Content returns the screen's layout.
func (s *AttributeScreen) Content() fyne.CanvasObject {
	form := container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabel("Dataset"), nil, s.DatasetPicker),
		s.Models.Content(),
		// Two short rows rather than one long one: the form fits a
		// 1024-pixel screen.
		container.NewHBox(
			widget.NewLabel("Markov order"), s.Order,
			widget.NewLabel("Half-life"), container.NewGridWrap(fyne.NewSize(78, 36), s.HalfLife),
			widget.NewLabel("Lookback"), container.NewGridWrap(fyne.NewSize(78, 36), s.Lookback),
			widget.NewLabel("Bootstrap"), container.NewGridWrap(fyne.NewSize(64, 36), s.Bootstrap),
			widget.NewLabel("By"), s.By,
		),
		// Direct channels takes the row's spare width, so its default list
		// shows whole on a wide window and the row still fits 1024 pixels.
		container.NewBorder(nil, nil, widget.NewLabel("Direct channels"),
			container.NewHBox(
				widget.NewLabel("Experiment"), container.NewGridWrap(fyne.NewSize(160, 36), s.Experiment),
				s.RunBtn, s.CancelBtn,
			),
			container.NewStack(minWidth(160), s.Direct)),
		s.LookbackNote,
		s.Progress,
		s.Status,
	)
	tools := container.NewHBox(s.ExportCSV, s.ExportChart, s.OverTimeBtn)
	split := container.NewVSplit(compact(container.New(s.fit, s.Table)), s.Chart)
	split.Offset = 0.45
	return container.NewBorder(form, tools, nil, nil, split)
}

func (s *AttributeScreen) choose(name string) { s.DatasetPicker.SetSelected(name) }

// options reads the form; a bad value returns an error naming the field.
func (s *AttributeScreen) options() (attribution.Options, error) {
	var o attribution.Options
	o.Models = s.Models.Selected()
	if len(o.Models) == 0 {
		return o, errors.New("tick at least one model")
	}
	o.Order, _ = strconv.Atoi(s.Order.Selected)
	hl, err := attribution.ParseDuration(s.HalfLife.Text)
	if err != nil || hl <= 0 {
		return o, fmt.Errorf("half-life %q: write it like 7d or 36h", s.HalfLife.Text)
	}
	o.HalfLife = hl
	o.Direct = []string{}
	for _, d := range strings.Split(s.Direct.Text, ",") {
		if d = strings.TrimSpace(d); d != "" {
			o.Direct = append(o.Direct, d)
		}
	}
	return o, nil
}

// Run attributes the chosen dataset off the UI thread.
func (s *AttributeScreen) Run() {
	if s.running {
		return
	}
	d := s.ui.dataset(s.DatasetPicker.Selected)
	if d == nil {
		if s.loading != "" {
			s.Status.SetText(s.loading + " is still loading from its source: Run again when it is loaded.")
		} else {
			s.Status.SetText("Choose a dataset first (import one on the Datasets screen).")
		}
		return
	}
	opts, err := s.options()
	if err != nil {
		s.Status.SetText(err.Error())
		return
	}
	opts.Models = s.applicable(d.ds, opts.Models)
	experiment := s.experiment()
	boot, err := s.bootstrap()
	if err != nil {
		s.Status.SetText(err.Error())
		return
	}
	s.boot = boot
	by, err := s.periodKind(d.ds)
	if err != nil {
		s.Status.SetText(err.Error())
		return
	}
	s.ranBy = by
	s.rememberForm()
	if d.ds.Summary.Layout == attribution.LayoutTouches {
		l, err := s.lookback()
		if err != nil {
			s.Status.SetText(err.Error())
			return
		}
		v := d.withLookback(l)
		if v == nil {
			s.reimportAndRun(d, l, opts, experiment)
			return
		}
		d = v
	}
	s.start(d, opts, experiment)
}

// start runs the models on d off the UI thread, with progress and Cancel,
// and logs the run.
func (s *AttributeScreen) start(d *loadedDataset, opts attribution.Options, experiment string) {
	ctx := s.begin(fmt.Sprintf("Running %d models on %s…", len(opts.Models), d.name))
	opts.Progress = s.progress(d.name)
	st := s.ui.Store
	tr := trustRun{boot: s.boot, by: s.ranBy}
	go func() {
		o := attributeAndLogTrust(ctx, st, d, opts, experiment, nil, tr)
		onUI(func() { s.finish(d.name, o) })
	}()
}

// begin shows a run under way: Run disabled, Cancel and the progress bar
// shown. It returns the context Cancel cancels.
func (s *AttributeScreen) begin(status string) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.running = true
	s.RunBtn.Disable()
	s.CancelBtn.Enable()
	s.Progress.SetValue(0)
	s.Progress.Show()
	s.Status.SetText(status)
	return ctx
}

// end undoes begin.
func (s *AttributeScreen) end() {
	if s.cancel != nil {
		s.cancel()
	}
	s.cancel = nil
	s.running = false
	s.RunBtn.Enable()
	s.CancelBtn.Disable()
	s.Progress.Hide()
}

// progress returns the engine's progress callback: it shows how many
// models have finished.
func (s *AttributeScreen) progress(name string) func(attribution.RunProgress) {
	return func(p attribution.RunProgress) {
		onUI(func() {
			if !s.running {
				return
			}
			s.Progress.SetValue(float64(p.Done) / float64(p.Total))
			s.Status.SetText(fmt.Sprintf("Running models on %s: %d of %d done (%s finished)…", name, p.Done, p.Total, p.Model))
		})
	}
}

// runSync runs on the calling goroutine; used for the first-start sample.
func (s *AttributeScreen) runSync() error {
	d := s.ui.dataset(s.DatasetPicker.Selected)
	opts, err := s.options()
	if err != nil {
		return err
	}
	opts.Models = s.applicable(d.ds, opts.Models)
	s.begin("Running…")
	o := attributeAndLog(context.Background(), s.ui.Store, d, opts, s.experiment(), nil)
	s.finish(d.name, o)
	if o.err != nil {
		return o.err
	}
	return o.logErr
}

// loadExperiments offers the store's experiments in the experiment
// picker, read off the UI thread.
func (s *AttributeScreen) loadExperiments() {
	st := s.ui.Store
	if st == nil {
		return
	}
	go func() {
		exps, err := st.Experiments(context.Background())
		if err != nil {
			return // the picker keeps its options; typing a name still works
		}
		names := []string{tracking.DefaultExperiment}
		for _, e := range exps {
			if !e.Deleted && e.Name != tracking.DefaultExperiment {
				names = append(names, e.Name)
			}
		}
		onUI(func() {
			s.experiments = names
			s.Experiment.SetOptions(names)
		})
	}()
}

// experiment is the experiment chosen to log runs in.
func (s *AttributeScreen) experiment() string {
	if e := strings.TrimSpace(s.Experiment.Text); e != "" {
		return e
	}
	return tracking.DefaultExperiment
}

// outcome is what attributeAndLog hands back to the UI thread.
type outcome struct {
	results []*attribution.Result
	err     error // the attribution failed
	run     *tracking.Run
	logErr  error // the attribution worked but could not be logged
	// failed is the run marked FAILED because its results could not be
	// logged (run is nil then).
	failed *tracking.Run
}

// attributeAndLog runs the models on a dataset and logs the run in st (if
// any); an attribution that fails, other than by Cancel, is logged as a
// FAILED run with its error. It runs off the UI thread.
func attributeAndLog(ctx context.Context, st *storage.Store, d *loadedDataset, opts attribution.Options, experiment string, tags map[string]string) outcome {
	return attributeAndLogTrust(ctx, st, d, opts, experiment, tags, trustRun{})
}

// attributeAndLogTrust is attributeAndLog with bootstrap intervals and
// credit by period when tr asks for them.
func attributeAndLogTrust(ctx context.Context, st *storage.Store, d *loadedDataset, opts attribution.Options, experiment string, tags map[string]string, tr trustRun) outcome {
	started := time.Now()
	boot := tr.boot
	results, err := attribution.Run(ctx, d.ds.Paths, opts)
	if err == nil && boot != nil {
		err = attribution.Bootstrap(ctx, d.ds.Paths, results, opts, *boot)
	}
	var periods []attribution.PeriodResult
	if err == nil && tr.by != "" {
		periods, err = runPeriods(d, opts, tr)
	}
	if st == nil || errors.Is(err, context.Canceled) {
		return outcome{results: results, err: err}
	}
	opts.Progress = nil
	l := tracking.RunLog{
		Experiment: experiment,
		AppVersion: Version,
		Tags:       tags,
		Dataset:    d.info,
		Import:     d.opts,
		Attribution: tracking.Attribution{Results: results, Options: opts, Summary: d.ds.Summary,
			Runtime: time.Since(started), Time: time.Now(), Periods: periods},
	}
	if len(d.opts.Map) > 0 {
		l.Params = []tracking.Param{tracking.MapParam(d.opts.Map)}
	}
	l.Params = append(l.Params, tracking.TrustParams(boot, string(tr.by), tr.zone())...)
	// Logging is not cancelled: the results exist, so the run is kept.
	if err != nil {
		run, logErr := tracking.LogFailure(context.Background(), st, l, err)
		return outcome{err: err, run: run, logErr: logErr}
	}
	run, err := tracking.LogAttribution(context.Background(), st, l)
	o := outcome{results: results, run: run, logErr: err}
	var le *tracking.LogError
	if errors.As(err, &le) {
		o.run = nil
		o.failed = le.Run
	}
	return o
}

// logAdvice says what to do about a run that could not be logged.
func logAdvice(err error) string {
	var le *tracking.LogError
	kept := "The results were not stored."
	if errors.As(err, &le) && le.Mark == nil {
		kept = fmt.Sprintf("The results were not stored: run %q is marked FAILED in Runs, with this error.", le.Run.Name)
	}
	msg := strings.ToLower(err.Error())
	for _, disk := range []string{"disk", "full", "readonly", "read-only", "permission", "locked", "busy", "no space", "i/o"} {
		if strings.Contains(msg, disk) {
			return kept + " Check that the run store (" + storeHint + ") is on a writable disk with free space, then run again."
		}
	}
	return kept + " This looks like a fault in Attribution Lab, not in your data or disk: please report it with the error above."
}

// storeHint names where the run store is chosen.
const storeHint = "attrlab --db PATH, or ATTRLAB_DB"

// applicable drops time-decay for data without timestamps, saying so.
func (s *AttributeScreen) applicable(ds *attribution.Dataset, models []string) []string {
	if ds.Paths.Timed != nil {
		return models
	}
	var out []string
	for _, m := range models {
		if m != attribution.TimeDecay {
			out = append(out, m)
		}
	}
	return out
}

func (s *AttributeScreen) finish(name string, o outcome) {
	s.end()
	results, err := o.results, o.err
	switch {
	case errors.Is(err, context.Canceled):
		s.Status.SetText("Cancelled: no model results were kept and nothing was logged.")
	case err != nil:
		s.Status.SetText("Run failed: " + err.Error())
		next := "Check the parameters and try again."
		if o.run != nil {
			next = fmt.Sprintf("The run is logged as %q, FAILED, in Runs. ", o.run.Name) + next
			s.ui.runLogged(o.run)
		}
		s.ui.showError("Attribute "+name, err, next)
	default:
		s.results, s.shownFor = results, name
		s.ranHere = true
		s.applySort()
		s.LastRun = o.run
		var warn []string
		for _, r := range results {
			for _, w := range r.Warnings {
				warn = append(warn, r.Model+": "+w)
			}
		}
		msg := fmt.Sprintf("%s: %d models, %s conversions attributed.", name, len(results), report.Number(results[0].TotalConversions))
		switch {
		case o.run != nil:
			msg += fmt.Sprintf(" Logged as run %q in %s.", o.run.Name, o.run.Experiment)
		case o.logErr != nil:
			msg += " Not logged: " + o.logErr.Error()
			s.ui.showError("Log the run", o.logErr, logAdvice(o.logErr))
			if o.failed != nil {
				s.ui.runLogged(o.failed)
			}
		}
		if len(warn) > 0 {
			msg += "  " + strings.Join(warn, "; ")
		}
		s.Status.SetText(msg)
		s.fitColumns()
		s.Table.Refresh()
		s.Chart.SetChart(s.chart())
		s.ExportChart.Enable()
		s.ExportCSV.Enable()
		if o.run != nil {
			s.ui.runLogged(o.run)
		}
		s.showedRun(o.run)
	}
	if s.onDone != nil {
		s.onDone(err)
	}
}

// Results returns the last results shown.
func (s *AttributeScreen) Results() []*attribution.Result { return s.results }

func (s *AttributeScreen) tableSize() (int, int) {
	if len(s.results) == 0 {
		return 0, 0
	}
	return len(s.results[0].Channels), len(s.results)
}

// CellText is the text of a results cell (table row, model column); rows
// are in the results' channel order until the table is sorted.
func (s *AttributeScreen) CellText(row, col int) string {
	r, ch := s.results[col], s.channelAt(row)
	return report.Fixed(r.Conversions[ch], 2) + " (" + report.Percent(r.Share[ch]) + plusMinus(r, ch) + ")"
}

func (s *AttributeScreen) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	o.(*widget.Label).SetText(s.CellText(id.Row, id.Col))
}

// rowHeadWidth is the width of the channel column of the results table.
func (s *AttributeScreen) rowHeadWidth() float32 {
	w := textWidth(s.HeaderText(sortChannel), true) + 4 // a button's margins
	if len(s.results) > 0 {
		for _, ch := range s.results[0].Channels {
			w = max(w, textWidth(ch, true))
		}
	}
	return min(w, 240)
}

// columnSpecs are the results table's columns (one a model) for
// fitTable: as wide as their widest text, spare width shared evenly.
func (s *AttributeScreen) columnSpecs() []fitSpec {
	rows, cols := s.tableSize()
	return uncutColumns(cols, rows,
		func(col int) float32 { return textWidth(s.HeaderText(col), true) + 4 }, s.CellText)
}

// fitColumns sizes the results table's columns for the results on show.
func (s *AttributeScreen) fitColumns() {
	s.Table.SetColumnWidth(-1, s.rowHeadWidth())
	s.fit.refit()
}
