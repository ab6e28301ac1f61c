package app

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/attrlab/attrlab/attribution"
	"github.com/attrlab/attrlab/tracking"
)

// budgetChampion is the champion run whose stored credit Budget shows.
type budgetChampion struct {
	run     *tracking.Run
	results []*attribution.Result
}

// championButton is Budget's "Champion" button: the stored credit of the
// champion of the Attribute screen's experiment, with its bootstrap
// ranges, instead of a dataset's.
func (s *BudgetScreen) championButton() fyne.CanvasObject {
	return widget.NewButton("Champion", s.UseChampion)
}

// UseChampion loads, off the UI thread, the champion of the Attribute
// screen's experiment and proposes a budget from its stored credit. Spend
// comes from its dataset's cost column when that dataset is loaded in
// this session; otherwise the entries start empty.
func (s *BudgetScreen) UseChampion() {
	st := s.ui.Store
	if st == nil {
		return
	}
	experiment := s.ui.Attribute.experiment()
	s.setStatus("Loading the champion of "+experiment+"…", widget.MediumImportance)
	go func() {
		c, err := loadChampion(context.Background(), st, experiment)
		onUI(func() { s.championLoaded(experiment, c, err) })
	}()
}

func loadChampion(ctx context.Context, st interface {
	tracking.Store
	tracking.ChampionStore
	tracking.TrustReader
}, experiment string) (*budgetChampion, error) {
	id, err := st.Champion(ctx, experiment)
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, fmt.Errorf("experiment %q has no champion: promote a run on Runs first", experiment)
	}
	run, err := st.Run(ctx, id)
	if err != nil {
		return nil, err
	}
	rows, err := st.Results(ctx, id)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("the champion %s has no results", run.Name)
	}
	ivs, err := st.Intervals(ctx, id)
	if err != nil {
		return nil, err
	}
	return &budgetChampion{run: run, results: tracking.ResultsFromRows(rows, ivs)}, nil
}

// defaultToChampion, the first time Budget is shown, opens it on the
// champion of the Attribute screen's experiment if there is one (quietly
// keeping the dataset's budget if not).
func (s *BudgetScreen) defaultToChampion() {
	st := s.ui.Store
	if s.championTried || st == nil {
		return
	}
	s.championTried = true
	experiment := s.ui.Attribute.experiment()
	go func() {
		c, err := loadChampion(context.Background(), st, experiment)
		if err != nil {
			return
		}
		onUI(func() {
			if s.champion == nil {
				s.championLoaded(experiment, c, nil)
			}
		})
	}()
}

func (s *BudgetScreen) championLoaded(experiment string, c *budgetChampion, err error) {
	if err != nil {
		s.setStatus("No champion budget: "+err.Error(), widget.DangerImportance)
		s.updated(err)
		return
	}
	d := &loadedDataset{ds: &attribution.Dataset{}}
	for _, l := range s.ui.datasets {
		if l.info != nil && l.info.Fingerprint == c.run.Dataset {
			d = l
		}
	}
	// No dataset is chosen while the champion is on show: choosing one
	// (even the one chosen before) shows that dataset's budget again.
	s.DatasetPicker.ClearSelected()
	s.setResults("★ "+c.run.Name, d, c.results)
	s.champion = c
	if s.budget != nil {
		s.setStatus(fmt.Sprintf("The champion of %s, %s: %s", experiment, c.run.Name, s.Status.Text), widget.MediumImportance)
	}
}

// Champion returns the champion run on show, or nil.
func (s *BudgetScreen) Champion() *tracking.Run {
	if s.champion == nil {
		return nil
	}
	return s.champion.run
}
