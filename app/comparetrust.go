package app

import (
	"context"
	"fmt"
	"math"

	"github.com/attrlab/attrlab/storage"
	"github.com/attrlab/attrlab/tracking"
)

// compareTrust is what the compared runs' bootstraps add to Compare: ±
// on each share, error bars on the chart, and a mark on each change that
// lies beyond resampling noise.
type compareTrust struct {
	ids  []string
	reps [][]tracking.ShareReplicates
	ivs  [][]tracking.IntervalRow
	// Sig[channel][run] is the bootstrapped change against the baseline
	// (nil where a run or the baseline has no bootstrap).
	Sig [][]*tracking.ShareChange
}

// loadCompareTrust reads the runs' stored intervals and replicates.
func loadCompareTrust(ctx context.Context, st *storage.Store, ids []string) (compareTrust, error) {
	t := compareTrust{ids: ids}
	for _, id := range ids {
		reps, err := st.Replicates(ctx, id)
		if err != nil {
			return t, err
		}
		ivs, err := st.Intervals(ctx, id)
		if err != nil {
			return t, err
		}
		t.reps, t.ivs = append(t.reps, reps), append(t.ivs, ivs)
	}
	return t, nil
}

func (t *compareTrust) recompute(c *tracking.Comparison, details []tracking.RunDetail) {
	t.Sig = nil
	if len(t.reps) == len(details) {
		t.Sig = tracking.ShareSignificance(c, details, t.reps)
	}
}

// interval returns run r's share interval of channel under model.
func (t *compareTrust) interval(r int, model, channel string) (tracking.IntervalRow, bool) {
	if r >= len(t.ivs) {
		return tracking.IntervalRow{}, false
	}
	for _, iv := range t.ivs[r] {
		if iv.Model == model && iv.Channel == channel {
			return iv, true
		}
	}
	return tracking.IntervalRow{}, false
}

// cellText is what a credit cell adds: the share's ± (the larger distance
// to an end of its interval) and, for a run other than the baseline,
// "✱ beyond noise" or "≈ within noise" for its change.
func (t *compareTrust) cellText(c *tracking.Comparison, row, col int) string {
	text := ""
	if iv, ok := t.interval(col, c.Model, c.Channels[row]); ok {
		share := c.Share[row][col]
		text += fmt.Sprintf(" ±%.1f", 100*math.Max(share-iv.ShareLow, iv.ShareHigh-share))
	}
	if t.Sig != nil {
		switch s := t.Sig[row][col]; {
		case s == nil:
		case s.Significant:
			text += " ✱ beyond noise"
		default:
			text += " ≈ within noise"
		}
	}
	return text
}

// chartIntervals are the runs' share intervals in chart order (nil rows
// for runs without a bootstrap).
func (t *compareTrust) chartIntervals(c *tracking.Comparison) (low, high [][]float64) {
	any := false
	for r := range t.ivs {
		lo, hi := make([]float64, len(c.Channels)), make([]float64, len(c.Channels))
		ok := true
		for ch, name := range c.Channels {
			iv, found := t.interval(r, c.Model, name)
			ok = ok && found
			lo[ch], hi[ch] = iv.ShareLow, iv.ShareHigh
		}
		if !ok {
			lo, hi = nil, nil
		}
		any = any || ok
		low, high = append(low, lo), append(high, hi)
	}
	if !any {
		return nil, nil
	}
	return low, high
}
