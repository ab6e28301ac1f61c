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
	"fyne.io/fyne/v2/canvas"
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
	Models        *widget.CheckGroup
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
	// CancelBtn stops the import again a new lookback needs.
	CancelBtn   *widget.Button
	Status      *widget.Label
	Table       *widget.Table
	Chart       *canvas.Image
	ExportChart *widget.Button
	ExportCSV   *widget.Button

	results []*attribution.Result
	// LastRun is the run the last results were logged as (nil if none).
	LastRun *tracking.Run
	// experiments are the experiments the picker offers.
	experiments []string
	running     bool
	cancel      context.CancelFunc // a re-import under way, or nil
	onDone      func(error)        // for tests: called on the UI thread
}

func newAttributeScreen(u *UI) *AttributeScreen {
	s := &AttributeScreen{ui: u}
	s.DatasetPicker = widget.NewSelect(nil, nil)
	s.DatasetPicker.PlaceHolder = "Choose a dataset"
	s.DatasetPicker.OnChanged = s.datasetChosen
	u.onDatasetsChanged = append(u.onDatasetsChanged, func() {
		s.DatasetPicker.Options = u.datasetNames()
		s.DatasetPicker.Refresh()
	})
	s.Models = widget.NewCheckGroup(attribution.ModelNames, nil)
	s.Models.Horizontal = true
	s.Models.SetSelected(attribution.ModelNames)
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
	s.Status = widget.NewLabel("")
	s.Table = widget.NewTableWithHeaders(s.tableSize, func() fyne.CanvasObject {
		return widget.NewLabel("paid_search_brand")
	}, s.updateCell)
	// The header template sets the row-header width: wide enough for
	// typical channel names.
	s.Table.CreateHeader = headerTemplate("paid_search_brand")
	s.Table.UpdateHeader = s.updateHeader
	s.Chart = newChartImage()
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
		s.Models,
		container.NewHBox(
			widget.NewLabel("Markov order"), s.Order,
			widget.NewLabel("Half-life"), container.NewGridWrap(fyne.NewSize(90, 36), s.HalfLife),
			widget.NewLabel("Lookback"), container.NewGridWrap(fyne.NewSize(90, 36), s.Lookback),
			widget.NewLabel("Direct channels"), container.NewGridWrap(fyne.NewSize(180, 36), s.Direct),
		),
		container.NewHBox(
			widget.NewLabel("Experiment"), container.NewGridWrap(fyne.NewSize(160, 36), s.Experiment),
			widget.NewLabel("Bootstrap"), container.NewGridWrap(fyne.NewSize(70, 36), s.Bootstrap),
			widget.NewLabel("By"), s.By,
			s.RunBtn, s.CancelBtn,
		),
		s.LookbackNote,
		s.Status,
	)
	tools := container.NewHBox(s.ExportCSV, s.ExportChart, s.OverTimeBtn)
	split := container.NewVSplit(s.Table, s.Chart)
	split.Offset = 0.45
	return container.NewBorder(form, tools, nil, nil, split)
}

func (s *AttributeScreen) choose(name string) { s.DatasetPicker.SetSelected(name) }

// options reads the form; a bad value returns an error naming the field.
func (s *AttributeScreen) options() (attribution.Options, error) {
	var o attribution.Options
	o.Models = append([]string(nil), s.Models.Selected...)
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
		s.Status.SetText("Choose a dataset first (import one on the Datasets screen).")
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
	if d.ds.Summary.Layout == attribution.LayoutTouches {
		l, err := s.lookback()
		if err != nil {
			s.Status.SetText(err.Error())
			return
		}
		if l != effectiveLookback(d.opts.Lookback) {
			v := s.ui.version(d, l)
			if v == nil {
				s.reimportAndRun(d, l, opts, experiment)
				return
			}
			d = v
			s.choose(d.name)
		}
	}
	s.running = true
	s.RunBtn.Disable()
	s.Status.SetText("Running…")
	go func() {
		o := attributeAndLogTrust(s.ui.Store, d, opts, experiment, nil, trustRun{boot: boot, by: by})
		onUI(func() { s.finish(d.name, o) })
	}()
}

// runSync runs on the calling goroutine; used for the first-start sample.
func (s *AttributeScreen) runSync() error {
	d := s.ui.dataset(s.DatasetPicker.Selected)
	opts, err := s.options()
	if err != nil {
		return err
	}
	opts.Models = s.applicable(d.ds, opts.Models)
	o := attributeAndLog(s.ui.Store, d, opts, s.experiment(), nil)
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
}

// attributeAndLog runs the models on a dataset and logs the run in st (if
// any). It runs off the UI thread.
func attributeAndLog(st *storage.Store, d *loadedDataset, opts attribution.Options, experiment string, tags map[string]string) outcome {
	return attributeAndLogTrust(st, d, opts, experiment, tags, trustRun{})
}

// attributeAndLogTrust is attributeAndLog with bootstrap intervals and
// credit by period when tr asks for them.
func attributeAndLogTrust(st *storage.Store, d *loadedDataset, opts attribution.Options, experiment string, tags map[string]string, tr trustRun) outcome {
	started := time.Now()
	boot := tr.boot
	results, err := attribution.Run(context.Background(), d.ds.Paths, opts)
	if err == nil && boot != nil {
		err = attribution.Bootstrap(context.Background(), d.ds.Paths, results, opts, *boot)
	}
	var periods []attribution.PeriodResult
	if err == nil && tr.by != "" {
		periods, err = runPeriods(d, opts, tr)
	}
	if err != nil || st == nil {
		return outcome{results: results, err: err}
	}
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
	run, err := tracking.LogAttribution(context.Background(), st, l)
	return outcome{results: results, run: run, logErr: err}
}

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
	s.running = false
	s.RunBtn.Enable()
	results, err := o.results, o.err
	if err != nil {
		s.Status.SetText("Run failed: " + err.Error())
		s.ui.showError("Attribute "+name, err, "Check the parameters and try again.")
	} else {
		s.results = results
		s.LastRun = o.run
		var warn []string
		for _, r := range results {
			for _, w := range r.Warnings {
				warn = append(warn, r.Model+": "+w)
			}
		}
		msg := fmt.Sprintf("%s: %d models, %.0f conversions attributed.", name, len(results), results[0].TotalConversions)
		switch {
		case o.run != nil:
			msg += fmt.Sprintf(" Logged as run %q in %s.", o.run.Name, o.run.Experiment)
		case o.logErr != nil:
			msg += " Not logged: " + o.logErr.Error()
			s.ui.showError("Log the run", o.logErr, "The results are shown but not kept. Check that the run store (ATTRLAB_DB) is on a writable disk with free space, then run again.")
		}
		if len(warn) > 0 {
			msg += "  " + strings.Join(warn, "; ")
		}
		s.Status.SetText(msg)
		for i := range results {
			s.Table.SetColumnWidth(i, 128)
		}
		s.Table.Refresh()
		if ch := s.chart(); ch != nil {
			s.Chart.Image = ch.Image(chartDPI)
			s.Chart.Refresh()
		}
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

// CellText is the text of results cell (channel row, model column).
func (s *AttributeScreen) CellText(row, col int) string {
	r := s.results[col]
	return fmt.Sprintf("%.2f (%.1f%%%s)", r.Conversions[row], 100*r.Share[row], plusMinus(r, row))
}

func (s *AttributeScreen) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	o.(*widget.Label).SetText(s.CellText(id.Row, id.Col))
}

func (s *AttributeScreen) updateHeader(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	switch {
	case id.Row < 0 && id.Col >= 0:
		l.SetText(s.results[id.Col].Model)
	case id.Col < 0 && id.Row >= 0:
		l.SetText(s.results[0].Channels[id.Row])
	default:
		l.SetText("")
	}
}
