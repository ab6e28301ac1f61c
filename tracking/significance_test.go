package tracking

import (
	"context"
	"testing"

	"github.com/attrlab/attrlab/attribution"
)

// bootRun runs linear on single-touch paths with these conversions per
// channel and bootstraps it, returning the run as Compare and
// ShareSignificance read it.
func bootRun(t *testing.T, id, fingerprint string, conv map[string]float64, seed uint64) (RunDetail, []ShareReplicates) {
	t.Helper()
	ps := attribution.NewPathSet()
	ps.HasNulls = true
	for _, ch := range []string{"a", "b", "c"} {
		ps.AddPath([]int32{ps.Channel(ch)}, conv[ch], conv[ch], 50)
	}
	opts := attribution.Options{Models: []string{attribution.Linear}}
	results, err := attribution.Run(context.Background(), ps, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := attribution.Bootstrap(context.Background(), ps, results, opts, attribution.BootstrapOptions{Replicates: 400, Seed: seed}); err != nil {
		t.Fatal(err)
	}
	d := FromAttribution(Attribution{Results: results, Options: opts})
	return RunDetail{Run: &Run{ID: id, Dataset: fingerprint}, Results: d.Results}, d.Replicates
}

func TestShareSignificance(t *testing.T) {
	base, baseReps := bootRun(t, "base", "f1", map[string]float64{"a": 100, "b": 100, "c": 100}, 1)
	same, sameReps := bootRun(t, "same", "f1", map[string]float64{"a": 100, "b": 100, "c": 100}, 1)
	small, smallReps := bootRun(t, "small", "f2", map[string]float64{"a": 110, "b": 100, "c": 100}, 2)
	big, bigReps := bootRun(t, "big", "f3", map[string]float64{"a": 200, "b": 100, "c": 100}, 3)
	runs := []RunDetail{base, same, small, big}
	c, err := Compare(runs, CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sig := ShareSignificance(c, runs, [][]ShareReplicates{baseReps, sameReps, smallReps, bigReps})
	a := 0 // channel a
	if sig[a][0] != nil {
		t.Error("the baseline has a change against itself")
	}
	// The same data and seed: paired, every difference zero.
	if s := sig[a][1]; s == nil || !s.Paired || s.Low != 0 || s.High != 0 || s.Significant {
		t.Errorf("same data: %+v, want paired [0, 0], not significant", s)
	}
	// 110 against 100 conversions of 300-310: noise (unpaired).
	if s := sig[a][2]; s == nil || s.Paired || s.Significant || !(s.Low < 0 && s.High > s.Change) {
		t.Errorf("a 33.3%% -> 35.5%%: %+v, want an unpaired interval holding 0", s)
	}
	// 200 against 100: a signal; b and c fall from 1/3 to 1/4, also real.
	for ch, name := range c.Channels {
		s := sig[ch][3]
		if s == nil || !s.Significant || s.Low > s.Change || s.High < s.Change {
			t.Errorf("%s in the big run: %+v, want a significant change inside its interval", name, s)
		}
	}
	// A baseline without replicates marks nothing.
	sig = ShareSignificance(c, runs, [][]ShareReplicates{nil, sameReps, smallReps, bigReps})
	for _, row := range sig {
		for _, s := range row {
			if s != nil {
				t.Fatalf("marks without the baseline's replicates: %+v", s)
			}
		}
	}
}
