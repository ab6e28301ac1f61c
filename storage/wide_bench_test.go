package storage

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/attrlab/attrlab/attribution"
	"github.com/attrlab/attrlab/tracking"
)

// wideShape says what a synthetic attribution over many channels holds
// besides every model's credit.
type wideShape struct {
	// intervals adds bootstrap intervals to every result (and replicates
	// of the shares), as --bootstrap does.
	replicates int
	// periods adds that many periods' results, as --by does.
	periods int
}

// wideTransitionsPerChannel is how many distinct transitions the Markov
// chain has per channel: bench-data/paths60k-c10k.csv (attrlab gen
// --layout paths --paths 60000 --channels 10000 --seed 1) has 248,156
// channel-to-channel edges for 9,999 channels, plus each channel's edges to
// (conversion) and (null).
const wideTransitionsPerChannel = 27

// wideAttribution is what an attribution over n channels logs with every
// model (time-decay included): each model's credit per channel (7n result
// rows, 7n share metrics) and Markov's removal effects (n more metrics),
// value removal effects and chain (the transition matrix artifact, about
// 27n transitions), as a Markov order-1 run stores them.
func wideAttribution(n int, shape wideShape) tracking.Attribution {
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	a := tracking.Attribution{Time: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), Runtime: 1500 * time.Millisecond,
		Summary: attribution.Summary{Layout: attribution.LayoutPaths, Journeys: 60 * n, Channels: n}}
	names := make([]string, n)
	for c := range names {
		names[c] = fmt.Sprintf("channel_%d", rng.IntN(100*n)) + fmt.Sprint("_", c)
	}
	result := func(model string, total float64) *attribution.Result {
		r := &attribution.Result{Model: model, Channels: names, TotalConversions: total, TotalValue: total * 40}
		for range n {
			share := rng.Float64() * 2 / float64(n)
			r.Conversions = append(r.Conversions, share*total)
			r.Value = append(r.Value, share*total*40)
			r.Share = append(r.Share, share)
			if model == attribution.Markov {
				r.RemovalEffect = append(r.RemovalEffect, rng.Float64())
			}
		}
		if model == attribution.Markov {
			m := &attribution.MarkovDetail{Order: 1, PConv: 0.31, States: append(append([]string{"(start)"}, names...), "(conversion)", "(null)")}
			for c := range n {
				m.ValueRemovalEffect = append(m.ValueRemovalEffect, rng.Float64())
				m.Transitions = append(m.Transitions, attribution.Transition{From: 0, To: 1 + c, P: 1 / float64(n)})
				for range wideTransitionsPerChannel - 2 {
					m.Transitions = append(m.Transitions, attribution.Transition{From: 1 + c, To: 1 + rng.IntN(n), P: rng.Float64() / 30})
				}
				m.Transitions = append(m.Transitions, attribution.Transition{From: 1 + c, To: n + 1, P: 0.1},
					attribution.Transition{From: 1 + c, To: n + 2, P: 0.1})
			}
			r.Markov = m
		}
		if shape.replicates > 0 {
			iv := &attribution.Intervals{Level: 0.9, Replicates: shape.replicates, Seed: 1}
			for c := range n {
				s := r.Share[c]
				iv.Share = append(iv.Share, attribution.Interval{Low: s * 0.9, High: s * 1.1})
				iv.Conversions = append(iv.Conversions, attribution.Interval{Low: r.Conversions[c] * 0.9, High: r.Conversions[c] * 1.1})
				iv.Value = append(iv.Value, attribution.Interval{Low: r.Value[c] * 0.9, High: r.Value[c] * 1.1})
			}
			for range shape.replicates {
				iv.ShareReplicates = append(iv.ShareReplicates, r.Share)
			}
			r.Intervals = iv
		}
		return r
	}
	for _, model := range attribution.ModelNames() {
		a.Results = append(a.Results, result(model, 1000))
	}
	for p := range shape.periods {
		start := a.Time.AddDate(0, p, 0)
		pr := attribution.PeriodResult{Period: attribution.Period{Label: start.Format("2006-01"), Start: start, End: start.AddDate(0, 1, 0)}}
		for _, model := range attribution.ModelNames() {
			pr.Results = append(pr.Results, result(model, 100))
		}
		a.Periods = append(a.Periods, pr)
	}
	return a
}

// storeBytes checkpoints the store's WAL into the file and returns the
// file's size.
func storeBytes(b *testing.B, s *Store) int64 {
	b.Helper()
	if _, err := s.w.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		b.Fatal(err)
	}
	fi, err := os.Stat(s.path)
	if err != nil {
		b.Fatal(err)
	}
	return fi.Size()
}

// BenchmarkLogWideRun logs one attribution run over 1,000, 10,000 and
// 100,000 channels with every model, Markov's removal effects and chain
// included (wideAttribution), as `attrlab attribute` does after the
// models: open the store, tracking.LogAttribution, close. The store
// already holds one such run, so the metric keys exist but are not cached,
// as for any command after the first. Issue 12's target: 10,000 channels
// add at most 10 s. MB/run is what each run adds to the store.
func BenchmarkLogWideRun(b *testing.B) {
	for _, bc := range []struct {
		name     string
		channels int
		shape    wideShape
	}{
		{"channels=1000", 1_000, wideShape{}},
		{"channels=10000", 10_000, wideShape{}},
		{"channels=100000", 100_000, wideShape{}},
		// --bootstrap 200 --by month over a year, less Markov's chain.
		{"channels=10000/bootstrap+periods=12", 10_000, wideShape{replicates: 200, periods: 12}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ctx := context.Background()
			path := filepath.Join(b.TempDir(), "wide.db")
			a := wideAttribution(bc.channels, bc.shape)
			logOnce := func() {
				s, err := Open(path)
				if err != nil {
					b.Fatal(err)
				}
				defer s.Close()
				if _, err := tracking.LogAttribution(ctx, s, tracking.RunLog{Attribution: a}); err != nil {
					b.Fatal(err)
				}
			}
			logOnce()
			size := func() int64 {
				s, err := Open(path)
				if err != nil {
					b.Fatal(err)
				}
				defer s.Close()
				return storeBytes(b, s)
			}
			before := size()
			for b.Loop() {
				logOnce()
			}
			b.StopTimer()
			d := tracking.FromAttribution(a)
			b.ReportMetric(float64(len(d.Metrics)), "metrics/run")
			b.ReportMetric(float64(len(d.Results)+len(d.Intervals)+len(d.Periods)), "rows/run")
			b.ReportMetric(float64(size()-before)/float64(b.N)/1e6, "MB/run")
		})
	}
}

// BenchmarkLogWideRunNewKeys is BenchmarkLogWideRun on a new store: every
// metric key is created by the run.
func BenchmarkLogWideRunNewKeys(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("channels=%d", n), func(b *testing.B) {
			ctx := context.Background()
			a := wideAttribution(n, wideShape{})
			var size int64
			for b.Loop() {
				b.StopTimer()
				s, err := Open(filepath.Join(b.TempDir(), "wide.db"))
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if _, err := tracking.LogAttribution(ctx, s, tracking.RunLog{Attribution: a}); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				size = storeBytes(b, s)
				s.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(size)/1e6, "MB/store")
		})
	}
}

// BenchmarkWideRunReads reads a store holding 3 runs over 10,000 channels
// (wideAttribution) and 100 typical runs: "runs list" is the app's Runs
// table, a page of 500 runs with the metrics its columns show; "runs list
// every metric" the same page with every latest metric (as `runs --format
// csv` reads it); "run page" what a click on a wide run loads (the run,
// its result rows and artifacts, the Markov chain decoded).
func BenchmarkWideRunReads(b *testing.B) {
	ctx := context.Background()
	s, err := Open(filepath.Join(b.TempDir(), "reads.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	a := wideAttribution(10_000, wideShape{})
	var wide string
	for range 3 {
		run, err := tracking.LogAttribution(ctx, s, tracking.RunLog{Attribution: a})
		if err != nil {
			b.Fatal(err)
		}
		wide = run.ID
	}
	for i := range 100 {
		if err := logSample(ctx, s, i, ""); err != nil {
			b.Fatal(err)
		}
	}
	for _, bc := range []struct {
		name string
		keys []string
	}{
		// The app's Runs table: only the metrics its columns show.
		{"runs list", []string{tracking.KeyTotalConversions, tracking.KeyPConv, tracking.KeyRuntimeMS}},
		// Every metric, as `attrlab runs --format csv` reads them.
		{"runs list every metric", nil},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				p, err := s.SearchRuns(ctx, tracking.Search{Limit: 500, MetricKeys: bc.keys})
				if err != nil {
					b.Fatal(err)
				}
				if len(p.Runs) != 103 {
					b.Fatalf("%d runs", len(p.Runs))
				}
			}
		})
	}
	b.Run("run page", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Run(ctx, wide); err != nil {
				b.Fatal(err)
			}
			rows, err := s.Results(ctx, wide)
			if err != nil {
				b.Fatal(err)
			}
			if len(rows) != 70_000 {
				b.Fatalf("%d result rows", len(rows))
			}
			arts, err := s.Artifacts(ctx, wide)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := tracking.DecodeMarkovChain(arts[0].Data); err != nil {
				b.Fatal(err)
			}
		}
	})
}
