package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/attrlab/attrlab/attribution"
	"github.com/attrlab/attrlab/report"
	"github.com/attrlab/attrlab/tracking"
)

// The Attribute screen remembers its form (models ticked, Markov order,
// half-life, direct channels, bootstrap, By, experiment) and the dataset of
// the last Run in the preferences, and a new start puts them back and
// shows that dataset's last run from the store, so the screen looks as it
// was left.

// Preference keys of the Attribute form.
const (
	prefAttrModels     = "attribute.models"
	prefAttrOrder      = "attribute.order"
	prefAttrHalfLife   = "attribute.half_life"
	prefAttrDirect     = "attribute.direct"
	prefAttrBootstrap  = "attribute.bootstrap"
	prefAttrBy         = "attribute.by"
	prefAttrExperiment = "attribute.experiment"
	prefAttrDataset    = "attribute.dataset"
	// prefAttrSaved marks that the form was saved once (an empty model
	// list is then a choice, not a missing value).
	prefAttrSaved = "attribute.saved"
)

// rememberForm keeps the form and the dataset for the next start.
func (s *AttributeScreen) rememberForm() {
	p := s.ui.App.Preferences()
	p.SetString(prefAttrModels, strings.Join(s.Models.Ticked(), ","))
	p.SetString(prefAttrOrder, s.Order.Selected)
	p.SetString(prefAttrHalfLife, s.HalfLife.Text)
	p.SetString(prefAttrDirect, s.Direct.Text)
	p.SetString(prefAttrBootstrap, s.Bootstrap.Text)
	p.SetString(prefAttrBy, s.By.Selected)
	p.SetString(prefAttrExperiment, s.Experiment.Text)
	p.SetString(prefAttrDataset, s.DatasetPicker.Selected)
	p.SetBool(prefAttrSaved, true)
}

// restoreForm puts back the form as the last Run left it; values no longer
// offered (an order or period the app dropped) keep the defaults.
func (s *AttributeScreen) restoreForm() {
	p := s.ui.App.Preferences()
	if !p.Bool(prefAttrSaved) {
		return
	}
	var models []string
	for _, m := range strings.Split(p.String(prefAttrModels), ",") {
		if slices.Contains(s.Models.Options(), m) {
			models = append(models, m)
		}
	}
	s.Models.SetSelected(models)
	if o := p.String(prefAttrOrder); slices.Contains(s.Order.Options, o) {
		s.Order.SetSelected(o)
	}
	if by := p.String(prefAttrBy); slices.Contains(s.By.Options, by) {
		s.By.SetSelected(by)
	}
	s.HalfLife.SetText(p.StringWithFallback(prefAttrHalfLife, s.HalfLife.Text))
	s.Direct.SetText(p.StringWithFallback(prefAttrDirect, s.Direct.Text))
	s.Bootstrap.SetText(p.StringWithFallback(prefAttrBootstrap, s.Bootstrap.Text))
	if e := p.String(prefAttrExperiment); e != "" {
		s.Experiment.SetText(e)
	}
}

// lastDataset names the dataset of the last Run, "" if none.
func (s *AttributeScreen) lastDataset() string {
	return s.ui.App.Preferences().String(prefAttrDataset)
}

// restoreDataset chooses the dataset of the last Run and shows its last
// run; until the store's datasets are listed (they are read off the UI
// thread at start), fallback stands in and the dataset waits in pending.
func (s *AttributeScreen) restoreDataset(fallback string) {
	name := s.lastDataset()
	if name != "" && !slices.Contains(s.ui.datasetNames(), name) {
		s.pending, s.pendingFallback = name, fallback
		name = ""
	}
	if name == "" {
		name = fallback
	}
	s.choose(name)
	s.showLastRun(s.ui.fingerprintOf(name))
}

// restorePending chooses the pending dataset once it is offered, unless
// the user chose another dataset or ran meanwhile.
func (s *AttributeScreen) restorePending() {
	name := s.pending
	if name == "" || !slices.Contains(s.DatasetPicker.Options, name) {
		return
	}
	s.pending = ""
	if s.ranHere || s.running || s.DatasetPicker.Selected != s.pendingFallback {
		return
	}
	s.choose(name)
	s.showLastRun(s.ui.fingerprintOf(name))
}

// resultsFor keeps results on show only while they are the chosen
// dataset's: choosing another dataset puts away what is on show (another
// dataset's results, its status) and brings that dataset's last finished
// run from the store, if it has one.
func (s *AttributeScreen) resultsFor(name, fingerprint string) {
	if s.running || s.shownFor == name {
		return
	}
	if s.shownFor != "" {
		s.results, s.LastRun, s.shownFor, s.ranBy = nil, nil, "", ""
		s.applySort()
		s.Table.Refresh()
		s.Chart.SetChart(nil)
		s.ExportChart.Disable()
		s.ExportCSV.Disable()
		s.showedRun(nil)
	}
	s.Status.SetText(name + ": not run yet here. Run (Ctrl+R) attributes it.")
	s.showLastRun(fingerprint)
}

// showLastRun shows the results of the newest finished run on the dataset
// with fingerprint fp, read from the store off the UI thread, unless
// results are on show by then or another dataset was chosen.
func (s *AttributeScreen) showLastRun(fp string) {
	st, name := s.ui.Store, s.DatasetPicker.Selected
	if st == nil || fp == "" {
		return
	}
	go func() {
		ctx := context.Background()
		page, err := st.SearchRuns(ctx, tracking.Search{Filter: fmt.Sprintf("dataset = '%s' and status = 'FINISHED'", fp), Limit: 1})
		if err != nil || len(page.Runs) == 0 {
			onUI(func() { s.lastRunShown(nil, nil, err) })
			return
		}
		run := page.Runs[0]
		rows, err := st.Results(ctx, run.ID)
		var ivs []tracking.IntervalRow
		if err == nil {
			ivs, err = st.Intervals(ctx, run.ID)
		}
		res := tracking.ResultsFromRows(rows, ivs)
		onUI(func() {
			if s.running || s.DatasetPicker.Selected != name || s.shownFor == name || len(res) == 0 {
				res = nil // the user has moved on, or run it
			}
			s.lastRunShown(run, res, err)
		})
	}()
}

// lastRunShown puts a stored run's results on the screen, as if just run.
func (s *AttributeScreen) lastRunShown(run *tracking.Run, res []*attribution.Result, err error) {
	if err == nil && len(res) > 0 {
		s.results, s.shownFor = res, s.DatasetPicker.Selected
		s.applySort()
		s.LastRun = run
		s.ranBy = ""
		if p, ok := run.Param(tracking.KeyBy); ok && p.String() != "" {
			s.ranBy = attribution.PeriodKind(p.String())
		}
		s.Status.SetText(fmt.Sprintf("Last run on %s: %q, %s (from the run store): %d models, %s conversions attributed.",
			s.DatasetPicker.Selected, run.Name, run.StartTime.Local().Format("2006-01-02 15:04"), len(res), report.Number(res[0].TotalConversions)))
		s.fitColumns()
		s.Table.Refresh()
		s.Chart.SetChart(s.chart())
		s.ExportChart.Enable()
		s.ExportCSV.Enable()
		s.showedRun(run)
	}
	if s.onLastRun != nil {
		s.onLastRun(err)
	}
}
