package cli

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/attrlab/attrlab/attribution"

	"github.com/attrlab/attrlab/storage"
	"github.com/attrlab/attrlab/tracking"
)

// shareSignificance reads the compared runs' bootstrap replicates and
// bootstraps each channel's change of share against the baseline.
func shareSignificance(ctx context.Context, st *storage.Store, c *tracking.Comparison, runs []tracking.RunDetail) ([][]*tracking.ShareChange, error) {
	reps := make([][]tracking.ShareReplicates, len(runs))
	for i, r := range runs {
		var err error
		if reps[i], err = st.Replicates(ctx, r.Run.ID); err != nil {
			return nil, storeErr(err)
		}
	}
	return tracking.ShareSignificance(c, runs, reps), nil
}

// significanceMark is the mark a credit cell gets: " *" for a change
// beyond the noise, " ~" for one within it, nothing without a bootstrap.
func significanceMark(s *tracking.ShareChange) string {
	switch {
	case s == nil:
		return ""
	case s.Significant:
		return " *"
	}
	return " ~"
}

// writeSignificanceNote explains the marks when some cell has one.
func writeSignificanceNote(w io.Writer, sig [][]*tracking.ShareChange) {
	for _, row := range sig {
		for _, s := range row {
			if s != nil {
				fmt.Fprintln(w, "\n* the change of share against the baseline lies outside the bootstrap noise (its interval excludes 0); ~ it does not")
				return
			}
		}
	}
}

// comparisonIntervals are the share intervals of each picked result in
// the comparison's channel order, for error bars; a result without a
// bootstrap (or without one of the channels) has nil rows, and no result
// with one gives nil.
func comparisonIntervals(picked []*attribution.Result, channels []string) (low, high [][]float64) {
	any := false
	for _, r := range picked {
		var lo, hi []float64
		if r.Intervals != nil {
			lo, hi = make([]float64, len(channels)), make([]float64, len(channels))
			for j, ch := range channels {
				i := slices.Index(r.Channels, ch)
				if i < 0 {
					lo, hi = nil, nil
					break
				}
				lo[j], hi[j] = r.Intervals.Share[i].Low, r.Intervals.Share[i].High
			}
		}
		any = any || lo != nil
		low, high = append(low, lo), append(high, hi)
	}
	if !any {
		return nil, nil
	}
	return low, high
}

// significanceRows are the compare CSV rows of one channel's bootstrapped
// changes (section, then one cell per run): share_change_low.MODEL,
// share_change_high.MODEL and significant.MODEL, empty for the baseline
// and runs without a bootstrap; none when no run has one.
func significanceRows(model string, changes []*tracking.ShareChange) [][]string {
	if !slices.ContainsFunc(changes, func(s *tracking.ShareChange) bool { return s != nil }) {
		return nil
	}
	low := []string{"share_change_low." + model}
	high := []string{"share_change_high." + model}
	mark := []string{"significant." + model}
	for _, s := range changes {
		if s == nil {
			low, high, mark = append(low, ""), append(high, ""), append(mark, "")
			continue
		}
		low, high = append(low, num(s.Low)), append(high, num(s.High))
		mark = append(mark, strconv.FormatBool(s.Significant))
	}
	return [][]string{low, high, mark}
}
