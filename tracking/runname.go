package tracking

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/attrlab/attrlab/attribution"
)

// RunName is the name a run gets when none is given: what ran, on what
// and when, in words — "markov o2 · journeys.csv · 28 Nov 09:14". Up to
// three models are named ("linear + markov o1"), more are counted ("5
// models, markov o2"); the Markov order follows markov. The time is local,
// as the person reading the name would say it. Names are editable and
// need not be unique: runs are told apart by their ids.
func RunName(models []string, order int, dataset string, t time.Time) string {
	if order <= 0 {
		order = attribution.DefaultOrder
	}
	markov := slices.Contains(models, attribution.Markov)
	var what string
	switch {
	case len(models) == 0:
		what = "no models"
	case len(models) <= 3:
		names := slices.Clone(models)
		if markov {
			i := slices.Index(names, attribution.Markov)
			names[i] += fmt.Sprintf(" o%d", order)
		}
		what = strings.Join(names, " + ")
	default:
		what = fmt.Sprintf("%d models", len(models))
		if markov {
			what += fmt.Sprintf(", markov o%d", order)
		}
	}
	parts := []string{what}
	if dataset = strings.TrimSpace(dataset); dataset != "" {
		parts = append(parts, dataset)
	}
	return strings.Join(append(parts, t.Local().Format("2 Jan 15:04")), " · ")
}

// runName names a logged attribution (see RunName).
func runName(l RunLog) string {
	a := l.Attribution
	models := make([]string, len(a.Results))
	for i, r := range a.Results {
		models[i] = r.Model
	}
	dataset := ""
	if l.Dataset != nil {
		dataset = l.Dataset.Name
	}
	t := a.Time
	if t.IsZero() {
		t = time.Now()
	}
	return RunName(models, a.Options.Order, dataset, t)
}
