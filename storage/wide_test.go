package storage

import (
	"cmp"
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attrlab/attrlab/attribution"
	"github.com/attrlab/attrlab/tracking"
)

// TestWideRunRoundTrip logs a run over 1,500 channels with every model,
// bootstrap intervals and three periods (several multi-row statements per
// table, rows written in key order rather than the order given) and reads
// every part back as it was logged: result rows by model and channel
// position, intervals, period rows, each metric's latest value and its
// history by step.
func TestWideRunRoundTrip(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	a := wideAttribution(1_500, wideShape{replicates: 3, periods: 3})
	want := tracking.FromAttribution(a)
	run, err := tracking.LogAttribution(ctx, s, tracking.RunLog{Attribution: a})
	if err != nil {
		t.Fatal(err)
	}

	res, err := s.Results(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res, want.Results) {
		t.Errorf("results: %d rows read, %d logged, or they differ", len(res), len(want.Results))
	}
	ivs, err := s.Intervals(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Intervals and period rows come back by model name, then channel
	// position.
	wantIvs := slices.Clone(want.Intervals)
	pos := map[string]int{}
	for i, ch := range a.Results[0].Channels {
		pos[ch] = i
	}
	slices.SortStableFunc(wantIvs, func(x, y tracking.IntervalRow) int {
		return cmp.Or(strings.Compare(x.Model, y.Model), cmp.Compare(pos[x.Channel], pos[y.Channel]))
	})
	if !reflect.DeepEqual(ivs, wantIvs) {
		t.Errorf("intervals: %d rows read, %d logged, or they differ", len(ivs), len(want.Intervals))
	}
	periods, err := s.PeriodResults(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(periods) != len(want.Periods) {
		t.Fatalf("%d period rows read, %d logged", len(periods), len(want.Periods))
	}
	wantPeriods := slices.Clone(want.Periods)
	slices.SortStableFunc(wantPeriods, func(x, y tracking.PeriodRow) int {
		return cmp.Or(cmp.Compare(x.Index, y.Index), strings.Compare(x.Model, y.Model), cmp.Compare(x.Position, y.Position))
	})
	for i, p := range periods {
		w := wantPeriods[i]
		if p.Index != w.Index || p.Period != w.Period || !p.Start.Equal(w.Start) || !p.End.Equal(w.End) ||
			!reflect.DeepEqual(p.ResultRow, w.ResultRow) || *p.ShareLow != *w.ShareLow || *p.ShareHigh != *w.ShareHigh {
			t.Fatalf("period row %d: read %+v, logged %+v", i, p, w)
		}
	}

	got, err := s.Run(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	hists, err := s.MetricHistories(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	// What was logged, per key in the order given (FromAttribution logs a
	// period share once per period, at step = period index).
	logged := map[string][]tracking.Metric{}
	for _, m := range want.Metrics {
		logged[m.Key] = append(logged[m.Key], m)
	}
	if len(got.Metrics) != len(logged) || len(hists) != len(logged) {
		t.Fatalf("%d latest metrics and %d histories read, %d keys logged", len(got.Metrics), len(hists), len(logged))
	}
	for _, m := range got.Metrics {
		points := logged[m.Key]
		last := points[len(points)-1]
		if m.Value != last.Value || m.Step != last.Step {
			t.Fatalf("latest %s = %v at step %d, logged %v at step %d", m.Key, m.Value, m.Step, last.Value, last.Step)
		}
		h := hists[m.Key]
		if len(h) != len(points) {
			t.Fatalf("history of %s: %d points, %d logged", m.Key, len(h), len(points))
		}
		for i, p := range h {
			if p.Value != points[i].Value || p.Step != points[i].Step || !p.Time.Equal(points[i].Time.Truncate(time.Millisecond)) {
				t.Fatalf("history of %s, point %d: %+v, logged %+v", m.Key, i, p, points[i])
			}
		}
	}
	reps, err := s.Replicates(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(reps) != len(attribution.ModelNames()) || !slices.Equal(reps[0].Shares, want.Replicates[0].Shares) {
		t.Errorf("replicates: %d models read", len(reps))
	}
}

// TestSearchMetricKeys: a search that names metric keys loads only their
// latest values with each run (a list view's columns), while its filter
// and order still see every metric; without keys it loads them all.
func TestSearchMetricKeys(t *testing.T) {
	s, c := openTest(t)
	ctx := context.Background()
	logRun(t, s, c, tracking.NewRun{Name: "low"}, map[string]float64{"p_conv": 0.1, "share.markov.email": 0.7, "runtime_ms": 5}, nil)
	logRun(t, s, c, tracking.NewRun{Name: "high"}, map[string]float64{"p_conv": 0.9, "share.markov.email": 0.2, "runtime_ms": 7}, nil)
	page, err := s.SearchRuns(ctx, tracking.Search{Filter: "metrics.`share.markov.email` > 0.1", OrderBy: []string{"metrics.share.markov.email DESC"},
		MetricKeys: []string{"p_conv", "not logged"}})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range page.Runs {
		names = append(names, r.Name)
		if len(r.Metrics) != 1 || r.Metrics[0].Key != "p_conv" {
			t.Errorf("run %s loaded metrics %+v, want p_conv alone", r.Name, r.Metrics)
		}
	}
	if !slices.Equal(names, []string{"low", "high"}) {
		t.Errorf("runs %v, want low then high (by share.markov.email, descending)", names)
	}
	if p, _ := page.Runs[1].Metric("p_conv"); p.Value != 0.9 {
		t.Errorf("high's p_conv = %v", p.Value)
	}
	all, err := s.SearchRuns(ctx, tracking.Search{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range all.Runs {
		if len(r.Metrics) != 3 {
			t.Errorf("run %s: %d metrics without MetricKeys, want all 3", r.Name, len(r.Metrics))
		}
	}
	none, err := s.SearchRuns(ctx, tracking.Search{MetricKeys: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(none.Runs[0].Metrics); n != 0 {
		t.Errorf("an empty MetricKeys loaded %d metrics", n)
	}
}
