package tracking

import (
	"math"
	"slices"
)

// ShareChange is a channel's change of share from the baseline run to
// another run, with the bootstrap interval of that change.
type ShareChange struct {
	// Change is the share in the run minus the share in the baseline.
	Change float64 `json:"change"`
	// Low and High bound the change at the runs' bootstrap level.
	Low  float64 `json:"low"`
	High float64 `json:"high"`
	// Significant is true when the interval excludes zero: the change is
	// larger than resampling noise explains.
	Significant bool `json:"significant"`
	// Paired is true when both runs resampled the same journeys (same
	// dataset, seed and number of replicates), so that replicate r of one
	// is set against replicate r of the other; otherwise every replicate
	// of one is set against every replicate of the other.
	Paired bool `json:"paired"`
}

// maxPairs bounds the differences an unpaired comparison sorts.
const maxPairs = 1 << 16

// ShareSignificance bootstraps the change of every channel's share under
// c.Model from the baseline to each other run. reps[r] are run r's stored
// replicates (nil when it was not bootstrapped). The result is indexed
// [channel][run] like c.Share; an entry is nil for the baseline, for a run
// or baseline without replicates of the model, and for a channel either
// run lacks.
func ShareSignificance(c *Comparison, runs []RunDetail, reps [][]ShareReplicates) [][]*ShareChange {
	out := make([][]*ShareChange, len(c.Channels))
	for i := range out {
		out[i] = make([]*ShareChange, len(runs))
	}
	if c.Model == "" {
		return out
	}
	// Each run's replicates of the model and the column of each channel.
	type side struct {
		rep *ShareReplicates
		col map[string]int
	}
	sides := make([]side, len(runs))
	for r, run := range runs {
		i := slices.IndexFunc(reps[r], func(s ShareReplicates) bool { return s.Model == c.Model })
		if i < 0 {
			continue
		}
		sides[r].rep = &reps[r][i]
		sides[r].col = map[string]int{}
		for _, row := range run.Results {
			if row.Model == c.Model {
				sides[r].col[row.Channel] = row.Position
			}
		}
	}
	base := sides[c.Baseline]
	if base.rep == nil {
		return out
	}
	for r, s := range sides {
		if r == c.Baseline || s.rep == nil {
			continue
		}
		paired := c.Fingerprints[r] != "" && c.Fingerprints[r] == c.Fingerprints[c.Baseline] &&
			s.rep.Seed == base.rep.Seed && s.rep.Replicates == base.rep.Replicates && s.rep.Channels == base.rep.Channels
		level := min(s.rep.Level, base.rep.Level)
		for ch, name := range c.Channels {
			cb, okB := base.col[name]
			cr, okR := s.col[name]
			if !okB || !okR || math.IsNaN(c.Share[ch][r]) || math.IsNaN(c.Share[ch][c.Baseline]) {
				continue
			}
			var d []float64
			if paired {
				for k := range s.rep.Replicates {
					d = append(d, s.rep.Share(k, cr)-base.rep.Share(k, cb))
				}
			} else {
				// Independent data: every pair, thinned evenly past maxPairs.
				step := max(1, s.rep.Replicates*base.rep.Replicates/maxPairs)
				for k := 0; k < s.rep.Replicates*base.rep.Replicates; k += step {
					d = append(d, s.rep.Share(k/base.rep.Replicates, cr)-base.rep.Share(k%base.rep.Replicates, cb))
				}
			}
			slices.Sort(d)
			lo, hi := percentile(d, (1-level)/2), percentile(d, (1+level)/2)
			out[ch][r] = &ShareChange{Change: c.Share[ch][r] - c.Share[ch][c.Baseline], Low: lo, High: hi,
				Significant: lo > 0 || hi < 0, Paired: paired}
		}
	}
	return out
}

// percentile is the q-quantile of sorted xs by linear interpolation
// between order statistics, as attribution's bootstrap intervals.
func percentile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	h := q * float64(len(xs)-1)
	i := int(math.Floor(h))
	if i >= len(xs)-1 {
		return xs[len(xs)-1]
	}
	return xs[i] + (h-float64(i))*(xs[i+1]-xs[i])
}
