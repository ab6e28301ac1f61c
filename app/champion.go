package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/attrlab/attrlab/attribution"
	"github.com/attrlab/attrlab/report"
	"github.com/attrlab/attrlab/storage"
	"github.com/attrlab/attrlab/tracking"
)

// championMark prefixes the champion's name in the runs table.
const championMark = "★ "

// championActions are the Runs screen's buttons for the champion: promote
// the current run, refresh the champion on its grown source, and show a
// run's credit over time.
type championActions struct {
	PromoteBtn, RefreshBtn, OverTimeBtn *widget.Button
	// PromoteNote is the note entry of the promote dialog, and promoteForm
	// the dialog (for tests).
	PromoteNote *widget.Entry
	promoteForm *dialog.FormDialog
	// For tests, called on the UI thread when a refresh has ended.
	onRefreshed func(newRunID string, err error)
}

func (s *RunsScreen) newChampionActions() *championActions {
	a := &championActions{}
	a.PromoteBtn = widget.NewButton("Promote…", s.promoteDialog)
	a.RefreshBtn = widget.NewButton("Refresh", func() { s.RefreshChampion(false) })
	a.OverTimeBtn = widget.NewButton("Over time…", s.showOverTime)
	return a
}

// championButtons lays out the champion actions for the Runs toolbar.
func (s *RunsScreen) championButtons() fyne.CanvasObject {
	a := s.champion
	return container.NewHBox(a.PromoteBtn, a.RefreshBtn, a.OverTimeBtn)
}

// championName is the Name column's text: marked for the champion.
func championName(r *tracking.Run) string {
	if r.Champion {
		return championMark + r.Name
	}
	return r.Name
}

func (s *RunsScreen) promoteDialog() {
	r := s.needCurrent()
	if r == nil {
		return
	}
	a := s.champion
	a.PromoteNote = widget.NewMultiLineEntry()
	a.PromoteNote.PlaceHolder = "Why this run (optional)"
	d := dialog.NewForm("Make "+r.Name+" the champion of "+r.Experiment+"?", "Promote", "Cancel",
		[]*widget.FormItem{widget.NewFormItem("Note", a.PromoteNote)}, func(ok bool) {
			if ok {
				s.Promote(r.ID, a.PromoteNote.Text)
			}
		}, s.ui.Window)
	d.Resize(fyne.NewSize(520, 260))
	a.promoteForm = d
	d.Show()
	s.ui.Window.Canvas().Focus(a.PromoteNote)
}

// Promote makes run id the champion of its experiment (off the UI thread)
// and reloads the table.
func (s *RunsScreen) Promote(id, note string) {
	st := s.ui.Store
	var p *tracking.Promotion
	s.edit("Promote run", func(ctx context.Context) error {
		var err error
		p, err = st.Promote(ctx, id, note)
		return err
	}, func() {
		was := ""
		if p.Previous != "" {
			was = fmt.Sprintf(" (in place of run %.8s)", p.Previous)
		}
		s.Status.SetText(fmt.Sprintf("%s is now the champion of %s%s.", p.RunName, p.Experiment, was))
	})
}

// refreshOutcome is what a refresh hands back to the UI thread.
type refreshOutcome struct {
	champion, fresh *tracking.Run
	source          string
	notGrown        bool // the file does not begin with the champion's data
	nothingNew      bool
	err             error
}

// RefreshChampion reruns the champion of the current run's experiment on
// its grown source file, off the UI thread, then opens Compare on the
// pair. A file that does not begin with the champion's data is refreshed
// only when the user confirms (anyway).
func (s *RunsScreen) RefreshChampion(anyway bool) {
	r := s.needCurrent()
	if r == nil || s.ui.Store == nil {
		return
	}
	st := s.ui.Store
	s.champion.RefreshBtn.Disable()
	s.Status.SetText(fmt.Sprintf("Refreshing the champion of %s…", r.Experiment))
	go func() {
		o := refreshChampion(context.Background(), st, r.Experiment, anyway)
		onUI(func() { s.refreshed(r.Experiment, o) })
	}()
}

func (s *RunsScreen) refreshed(experiment string, o refreshOutcome) {
	s.champion.RefreshBtn.Enable()
	var id string
	switch {
	case o.err != nil:
		s.Status.SetText("Refresh failed: " + o.err.Error())
		s.ui.showError("Refresh the champion of "+experiment, o.err, "Promote a run of this experiment that read a file (Promote…), check the file is where it was, then Refresh.")
	case o.nothingNew:
		s.Status.SetText(fmt.Sprintf("%s has not grown since the champion read it: nothing to refresh.", filepath.Base(o.source)))
	case o.notGrown:
		s.Status.SetText(fmt.Sprintf("%s does not begin with the data the champion read.", filepath.Base(o.source)))
		dialog.ShowConfirm("Refresh anyway?", fmt.Sprintf("%s does not begin with the data the champion (%s) read, so rows were not just added.\n\nRefresh it anyway as a new version of the dataset?", o.source, o.champion.Name),
			func(ok bool) {
				if ok {
					s.RefreshChampion(true)
				}
			}, s.ui.Window)
	default:
		id = o.fresh.ID
		s.Status.SetText(fmt.Sprintf("Refreshed %s on the grown %s as run %s; comparing them.", o.champion.Name, filepath.Base(o.source), o.fresh.Name))
		s.Reload()
		s.ui.Compare.Load([]string{o.champion.ID, o.fresh.ID})
		s.ui.Select(ScreenCompare)
	}
	if s.champion.onRefreshed != nil {
		s.champion.onRefreshed(id, o.err)
	}
}

// refreshChampion does the work of a refresh: the champion's parameters,
// the grown file imported as a new version, the models, bootstrap and
// periods as the champion had them, the run logged with its link.
func refreshChampion(ctx context.Context, st *storage.Store, experiment string, anyway bool) refreshOutcome {
	var o refreshOutcome
	id, err := st.Champion(ctx, experiment)
	if err != nil || id == "" {
		if err == nil || errors.Is(err, tracking.ErrNotFound) {
			err = fmt.Errorf("experiment %q has no champion", experiment)
		}
		return refreshOutcome{err: err}
	}
	if o.champion, o.err = st.Run(ctx, id); o.err != nil {
		return o
	}
	if o.champion.Dataset != "" {
		d, _, err := st.Dataset(ctx, o.champion.Dataset) // deleted or not: the champion's data
		if err != nil && !errors.Is(err, tracking.ErrNotFound) {
			o.err = err
			return o
		}
		if d != nil {
			o.source = d.Source
		}
	}
	if o.source == "" || o.source == sampleSource || o.source == "stdin" {
		o.err = fmt.Errorf("the champion %s did not read a file that can grow", o.champion.Name)
		return o
	}
	plan, err := tracking.PlanRefresh(ctx, st, o.source, experiment)
	if err != nil {
		o.err = err
		return o
	}
	prefix, grown, err := tracking.GrownFrom(o.source, plan.Parent, tracking.ImportSettings(plan.Import, plan.Import.Layout))
	switch {
	case err != nil:
		o.err = err
		return o
	case prefix && !grown:
		o.nothingNew = true
		return o
	case !prefix && !anyway:
		o.notGrown = true
		return o
	}
	imp := plan.Import
	imp.File = filepath.Base(o.source)
	if plan.By != "" {
		if imp.By, err = attribution.ParsePeriodKind(plan.By); err != nil {
			o.err = err
			return o
		}
		if imp.Location, err = time.LoadLocation(plan.Timezone); err != nil {
			o.err = err
			return o
		}
	}
	d, err := importPath(ctx, o.source, imp)
	if err != nil {
		o.err = err
		return o
	}
	started := time.Now()
	results, err := attribution.Run(ctx, d.ds.Paths, plan.Options)
	if err == nil && plan.Bootstrap != nil {
		err = attribution.Bootstrap(ctx, d.ds.Paths, results, plan.Options, *plan.Bootstrap)
	}
	var periods []attribution.PeriodResult
	if err == nil && plan.By != "" {
		popts := plan.Options
		if len(popts.Models) == 0 {
			popts.Models = attribution.AvailableModels(d.ds.Paths)
		}
		periods, err = attribution.RunPeriods(ctx, d.ds.Periods, popts)
		for _, pr := range periods {
			if err == nil && plan.Bootstrap != nil {
				err = attribution.Bootstrap(ctx, pr.Period.Paths, pr.Results, popts, *plan.Bootstrap)
			}
		}
	}
	if err != nil {
		o.err = err
		return o
	}
	params := tracking.TrustParams(plan.Bootstrap, plan.By, plan.Timezone)
	if len(d.opts.Map) > 0 {
		params = append(params, tracking.MapParam(d.opts.Map))
	}
	d.opts.By, d.opts.Location = "", nil
	run, err := tracking.LogAttribution(ctx, st, tracking.RunLog{
		Experiment: experiment, AppVersion: Version, Dataset: d.info, Import: d.opts, Params: params,
		Tags: map[string]string{tracking.TagRefreshOf: o.champion.ID},
		Attribution: tracking.Attribution{Results: results, Options: plan.Options, Summary: d.ds.Summary,
			Runtime: time.Since(started), Time: time.Now(), Periods: periods},
	})
	if err != nil {
		o.err = err
		return o
	}
	if run.Dataset != plan.Parent {
		if err := st.SetDatasetParent(ctx, run.Dataset, plan.Parent); err != nil {
			o.err = err
			return o
		}
	}
	o.fresh = run
	return o
}

// OverTime returns a run's stored credit over time under model, or the
// first model with periods when model is "", and the models it has.
func (s *RunsScreen) OverTime(ctx context.Context, runID, model string) (report.OverTime, []string, error) {
	return overTime(ctx, s.ui.Store, runID, model)
}

func overTime(ctx context.Context, st *storage.Store, runID, model string) (report.OverTime, []string, error) {
	rows, err := st.PeriodResults(ctx, runID)
	if err != nil {
		return report.OverTime{}, nil, err
	}
	var models []string
	for _, r := range rows {
		if !slices.Contains(models, r.Model) {
			models = append(models, r.Model)
		}
	}
	if len(models) == 0 {
		return report.OverTime{}, nil, errors.New("the run has no credit by period: run it with By week or month (attrlab attribute --by)")
	}
	if model == "" {
		model = models[0]
	}
	o, err := report.OverTimeFromRows(rows, model)
	return o, models, err
}

// showOverTime opens the current run's credit over time.
func (s *RunsScreen) showOverTime() {
	r := s.needCurrent()
	if r == nil || s.ui.Store == nil {
		return
	}
	showOverTime(s.ui, r.ID, r.Name)
}

// showOverTime opens a run's credit over time in a dialog: one model at a
// time, with Export… for the chart and Export CSV… for its numbers.
func showOverTime(u *UI, runID, name string) {
	if u.Store == nil {
		return
	}
	o, models, err := overTime(context.Background(), u.Store, runID, "")
	if err != nil {
		u.showError("Credit over time", err, "Run the dataset with By week or month, then open Over time… again.")
		return
	}
	img := newChartView()
	current := o
	draw := func(model string) {
		next, _, err := overTime(context.Background(), u.Store, runID, model)
		if err != nil {
			u.showError("Credit over time", err, "Choose another model.")
			return
		}
		current = next
		ch, err := report.OverTimeChart(current)
		if err != nil {
			u.showError("Credit over time", err, "Choose another model.")
			return
		}
		img.SetChart(ch)
	}
	pick := widget.NewSelect(models, draw)
	pick.SetSelected(o.Model)
	export := widget.NewButton("Export…", func() {
		if ch, err := report.OverTimeChart(current); err == nil {
			exportChart(u, ch, "credit-over-time")
		}
	})
	exportCSVBtn := widget.NewButton("Export CSV…", func() {
		exportCSV(u, "credit-over-time.csv", func(w io.Writer) error { return report.WriteOverTimeCSV(w, current) })
	})
	body := container.NewBorder(container.NewHBox(widget.NewLabel("Model"), pick), container.NewHBox(export, exportCSVBtn), nil, nil, img)
	d := dialog.NewCustom("Credit over time: "+name, "Close", body, u.Window)
	d.Resize(fyne.NewSize(900, 620))
	d.Show()
}
