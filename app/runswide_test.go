package app

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/attrlab/attrlab/attribution"
	"github.com/attrlab/attrlab/tracking"
)

// TestWideRunInRuns logs a run over 400 channels (linear and markov: 1,200
// per-channel metrics) and a run by periods: the Runs table loads only the
// metrics its columns show, its Export CSV… still writes every metric,
// and the run page lists each channel once and no per-channel or
// per-period metric among the run's metrics.
func TestWideRunInRuns(t *testing.T) {
	u := newStoreUI(t)
	ctx := context.Background()
	const n = 400
	names := make([]string, n)
	for c := range names {
		names[c] = fmt.Sprintf("channel %03d", c)
	}
	a := tracking.Attribution{Time: time.Now(), Summary: attribution.Summary{Layout: attribution.LayoutPaths, Channels: n}}
	for _, model := range []string{attribution.Linear, attribution.Markov} {
		r := &attribution.Result{Model: model, Channels: names, TotalConversions: n, TotalValue: 10 * n}
		for c := range n {
			r.Conversions = append(r.Conversions, 1)
			r.Value = append(r.Value, 10)
			r.Share = append(r.Share, float64(c+1)/1e4)
			if model == attribution.Markov {
				r.RemovalEffect = append(r.RemovalEffect, 0.5)
			}
		}
		a.Results = append(a.Results, r)
	}
	wide, err := tracking.LogAttribution(ctx, u.st, tracking.RunLog{Name: "wide", Attribution: a})
	if err != nil {
		t.Fatal(err)
	}
	a.Periods = []attribution.PeriodResult{{Period: attribution.Period{Label: "2025-03", Start: a.Time, End: a.Time.Add(time.Hour)}, Results: a.Results}}
	byPeriod, err := tracking.LogAttribution(ctx, u.st, tracking.RunLog{Name: "by period", Attribution: a})
	if err != nil {
		t.Fatal(err)
	}

	if err := u.next(t, func() { u.Select(ScreenRuns) }); err != nil {
		t.Fatal(err)
	}
	runs := u.Runs.Runs()
	if len(runs) != 2 {
		t.Fatalf("%d runs in the table", len(runs))
	}
	for _, r := range runs {
		for _, m := range r.Metrics {
			if !slices.Contains(listMetricKeys(), m.Key) {
				t.Errorf("the table loaded metric %s of run %s; it shows only %v", m.Key, r.Name, listMetricKeys())
			}
		}
		if got := metricText(r, tracking.KeyTotalConversions); got != "400" {
			t.Errorf("Conversions cell of %s: %q, want 400", r.Name, got)
		}
	}

	path := filepath.Join(t.TempDir(), "runs.csv")
	saveCSV(u.UI, path, u.Runs.runsCSV(runs))
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(recs[0], "metrics.share.markov.channel 399")
	if col < 0 || len(recs) != 3 {
		t.Fatalf("the runs CSV has %d rows and no column metrics.share.markov.channel 399 (%d columns)", len(recs), len(recs[0]))
	}
	for _, rec := range recs[1:] {
		if v, err := strconv.ParseFloat(rec[col], 64); err != nil || v != 0.04 {
			t.Errorf("share.markov.channel 399 of run %s in the CSV: %q, want 0.04", rec[0], rec[col])
		}
	}

	for _, id := range []string{wide.ID, byPeriod.ID} {
		p := u.openRunPage(t, id)
		if rows, cols := p.creditSize(); rows != n+1 || cols != 2 || p.creditRowName(n-1) != "channel 399" {
			t.Errorf("credit table %d × %d, last channel %q; want 401 × 2 ending with channel 399", rows, cols, p.creditRowName(n-1))
		}
		if len(p.Metrics.Items) > 10 {
			t.Errorf("the run page lists %d metrics: per-channel or per-period ones are not run-wide", len(p.Metrics.Items))
		}
		u.Runs.ClosePage()
	}
}
