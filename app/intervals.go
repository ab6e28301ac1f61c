package app

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2/widget"

	"github.com/attrlab/attrlab/attribution"
	"github.com/attrlab/attrlab/tracking"
)

// newBootstrapEntry is the Attribute form's number of bootstrap
// replicates: empty or 0 runs none.
func newBootstrapEntry() *widget.Entry {
	e := widget.NewEntry()
	e.PlaceHolder = "0"
	return e
}

// bootstrap reads the Bootstrap entry: nil for none, else 200-style
// replicates with the default seed and level (seed 1, as the command
// line's default, so the app and attrlab attribute --bootstrap N agree).
func (s *AttributeScreen) bootstrap() (*attribution.BootstrapOptions, error) {
	text := strings.TrimSpace(s.Bootstrap.Text)
	if text == "" || text == "0" {
		return nil, nil
	}
	n, err := strconv.Atoi(text)
	if err != nil || n < 0 || n > attribution.MaxReplicates {
		return nil, fmt.Errorf("bootstrap %q: give a number of replicates, 0 (none) to %d, e.g. 200", text, attribution.MaxReplicates)
	}
	return &attribution.BootstrapOptions{Replicates: n, Seed: 1}, nil
}

// plusMinus is a bootstrapped share's " ± x.x" (percentage points, the
// larger distance to an end of its interval), or "".
func plusMinus(r *attribution.Result, i int) string {
	if r.Intervals == nil {
		return ""
	}
	iv := r.Intervals.Share[i]
	return fmt.Sprintf(" ± %.1f", 100*math.Max(r.Share[i]-iv.Low, iv.High-r.Share[i]))
}

// proposedRange is a budget line's " (low–high)" from a bootstrapped
// result, or "".
func proposedRange(l attribution.BudgetLine) string {
	if l.ProposedRange == nil {
		return ""
	}
	return fmt.Sprintf(" (%.0f–%.0f)", l.ProposedRange.Low, l.ProposedRange.High)
}

// trustRun asks attributeAndLogTrust for bootstrap intervals (boot) and
// credit by period (by, in timezone; "" is UTC).
type trustRun struct {
	boot     *attribution.BootstrapOptions
	by       attribution.PeriodKind
	timezone string
}

func (t trustRun) zone() string {
	if t.timezone == "" {
		return "UTC"
	}
	return t.timezone
}

// byNone is the By picker's choice for no periods.
const byNone = "—"

// newPeriodControls makes the Attribute form's By picker (no periods,
// week, month) and the Over time… button for the last run's periods.
func (s *AttributeScreen) newPeriodControls() {
	s.By = widget.NewSelect([]string{byNone, string(attribution.ByWeek), string(attribution.ByMonth)}, nil)
	s.By.SetSelected(byNone)
	s.OverTimeBtn = widget.NewButton("Over time…", func() {
		if r := s.LastRun; r != nil {
			showOverTime(s.ui, r.ID, r.Name)
		}
	})
	s.OverTimeBtn.Disable()
}

// periodKind reads the By picker: "" for none; a path table cannot be
// split, having no times.
func (s *AttributeScreen) periodKind(ds *attribution.Dataset) (attribution.PeriodKind, error) {
	if s.By.Selected == "" || s.By.Selected == byNone {
		return "", nil
	}
	if ds.Summary.Layout != attribution.LayoutTouches {
		return "", errors.New("By week or month needs a touch log (times); this dataset is a path table: set By to —")
	}
	return attribution.ParsePeriodKind(s.By.Selected)
}

// showedRun enables Over time… when the run shown was logged by period.
func (s *AttributeScreen) showedRun(r *tracking.Run) {
	if r != nil && s.ranBy != "" {
		s.OverTimeBtn.Enable()
		return
	}
	s.OverTimeBtn.Disable()
}

// runPeriods reads d's source again split into tr.by periods and runs the
// models (and the bootstrap) on each.
func runPeriods(d *loadedDataset, opts attribution.Options, tr trustRun) ([]attribution.PeriodResult, error) {
	imp := d.opts
	imp.Progress, imp.OnReject = nil, nil
	imp.By = tr.by
	loc, err := time.LoadLocation(tr.zone())
	if err != nil {
		return nil, err
	}
	imp.Location = loc
	var ds *attribution.Dataset
	switch src := d.info.Source; src {
	case sampleSource:
		if ds, _, err = importSample(imp); err != nil {
			return nil, err
		}
	case "", "stdin":
		return nil, fmt.Errorf("%s was read from standard input and cannot be read again by period", d.name)
	default:
		f, err := os.Open(src)
		if err != nil {
			return nil, fmt.Errorf("read %s again by period: %w", src, err)
		}
		defer f.Close()
		imp.File = filepath.Base(src)
		if ds, err = attribution.Import(context.Background(), f, imp); err != nil {
			return nil, err
		}
	}
	if len(opts.Models) == 0 {
		opts.Models = attribution.AvailableModels(ds.Paths)
	}
	opts.Progress = nil
	prs, err := attribution.RunPeriods(context.Background(), ds.Periods, opts)
	if err != nil || tr.boot == nil {
		return prs, err
	}
	for _, pr := range prs {
		if err := attribution.Bootstrap(context.Background(), pr.Period.Paths, pr.Results, opts, *tr.boot); err != nil {
			return nil, fmt.Errorf("period %s: %w", pr.Period.Label, err)
		}
	}
	return prs, nil
}
