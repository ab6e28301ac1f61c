package app

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"fyne.io/fyne/v2/widget"

	"github.com/attrlab/attrlab/attribution"
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
