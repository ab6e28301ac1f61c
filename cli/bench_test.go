package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attrlab/attrlab/attribution"
	"github.com/attrlab/attrlab/storage"
	"github.com/attrlab/attrlab/synth"
	"github.com/attrlab/attrlab/tracking"
)

// wideRunsBase is the channel count of the smallest store of
// BenchmarkRunsWide; the others hold 4 and 16 times as many.
const wideRunsBase = 500

// wideRunsStore makes a store of 3 runs over channels channels, each
// logged as attribute logs a path table with every model (7 metrics and 6
// result rows per channel, Markov's removal effects included), and
// returns its path and the metrics per run.
func wideRunsStore(b *testing.B, dir string, channels int) (string, int) {
	b.Helper()
	ctx := context.Background()
	db := filepath.Join(dir, "wide.db")
	st, err := storage.Open(db)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	names := make([]string, channels)
	for c := range names {
		names[c] = synth.ChannelName(c)
	}
	var metrics int
	for r := range 3 {
		a := tracking.Attribution{Time: time.Now(), Summary: attribution.Summary{Layout: attribution.LayoutPaths, Channels: channels}}
		for m, model := range []string{attribution.FirstTouch, attribution.LastTouch, attribution.LastNonDirect, attribution.Linear, attribution.PositionBased, attribution.Markov} {
			res := &attribution.Result{Model: model, Channels: names, TotalConversions: 100, TotalValue: 1000}
			for c := range channels {
				share := float64((c*7+m+r)%channels+1) / float64(channels*channels)
				res.Conversions = append(res.Conversions, 100*share)
				res.Value = append(res.Value, 1000*share)
				res.Share = append(res.Share, share)
				if model == attribution.Markov {
					res.RemovalEffect = append(res.RemovalEffect, share*3)
				}
			}
			a.Results = append(a.Results, res)
		}
		if _, err := tracking.LogAttribution(ctx, st, tracking.RunLog{Attribution: a}); err != nil {
			b.Fatal(err)
		}
		metrics = len(tracking.FromAttribution(a).Metrics)
	}
	return db, metrics
}

// BenchmarkRunsWide runs `attrlab runs --format csv`, `attrlab export
// runs` and `attrlab export mlflow` on stores of 3 runs over 500, 2,000
// and 8,000 channels (1×, 4× and 16× the metrics: about 3,500, 14,000 and
// 56,000 per run). ns/metric must stay flat as the count grows: issue 12
// asks these commands to be linear in the number of metrics (they grew
// with its square: 100,000 metrics took 24 s).
func BenchmarkRunsWide(b *testing.B) {
	for _, scale := range []int{1, 4, 16} {
		dir := b.TempDir()
		db, perRun := wideRunsStore(b, dir, scale*wideRunsBase)
		outs := 0
		for _, cmd := range []struct {
			name string
			args func() []string
		}{
			{"runs-csv", func() []string { return []string{"runs", "--format", "csv", "--limit", "0"} }},
			{"export-runs", func() []string {
				return []string{"export", "runs", "--force", "--out", filepath.Join(dir, "runs.csv")}
			}},
			{"export-mlflow", func() []string {
				outs++
				return []string{"export", "mlflow", "--out", filepath.Join(dir, fmt.Sprint("mlruns", outs))}
			}},
		} {
			b.Run(fmt.Sprintf("%s/metrics=%dx%d", cmd.name, 3, perRun), func(b *testing.B) {
				for b.Loop() {
					env := Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard}
					if code := Run(context.Background(), env, append(cmd.args(), "--db", db)); code != 0 {
						b.Fatalf("exit %d", code)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(3*perRun), "ns/metric")
			})
		}
		// The MLflow folders hold a file per metric: remove them before
		// the next, larger store.
		for i := 1; i <= outs; i++ {
			os.RemoveAll(filepath.Join(dir, fmt.Sprint("mlruns", i)))
		}
	}
}

// benchPaths returns a path table as `attrlab gen --layout paths --paths
// N --channels C --seed 1` writes it: from $ATTRLAB_BENCH_DATA (make bench
// keeps its files there; this name is the one scripts/bench-cli.sh
// gives it) when set, else generated into a temporary folder.
func benchPaths(b *testing.B, paths, channels int) string {
	b.Helper()
	dir := os.Getenv("ATTRLAB_BENCH_DATA")
	if dir == "" {
		dir = b.TempDir()
	}
	file := filepath.Join(dir, fmt.Sprintf("paths%dk-c%dk.csv", paths/1000, channels/1000))
	if _, err := os.Stat(file); err == nil {
		return file
	}
	tmp := file + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	err = synth.WritePaths(w, synth.Options{Journeys: 10000, Paths: paths, Channels: channels, Seed: 1})
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, file)
	}
	if err != nil {
		os.Remove(tmp)
		b.Fatal(err)
	}
	return file
}

// BenchmarkAttributeLog runs `attrlab attribute FILE --format csv` on a
// path table of 60,000 distinct paths over 10,000 channels (issue 12's
// table) with every heuristic model, with --no-log and with the run
// logged to a store that already holds one such run: the difference is
// what logging adds (target: at most 10 s for 10,000 channels). Markov
// over 10,000 channels is measured by storage's BenchmarkLogWideRun with
// a synthetic result of that size.
func BenchmarkAttributeLog(b *testing.B) {
	file := benchPaths(b, 60_000, 10_000)
	db := filepath.Join(b.TempDir(), "runs.db")
	args := []string{"attribute", file, "--format", "csv", "--models", "first-touch,last-touch,last-non-direct,linear,position-based", "--db", db}
	run := func(b *testing.B, extra ...string) {
		env := Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard}
		if code := Run(context.Background(), env, append(append([]string(nil), args...), extra...)); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
	for _, mode := range []string{"no-log", "log"} {
		b.Run(fmt.Sprintf("channels=10000/%s", mode), func(b *testing.B) {
			var extra []string
			if mode == "no-log" {
				extra = []string{"--no-log"}
			} else {
				run(b) // the metric keys exist, as after any first run
			}
			for b.Loop() {
				run(b, extra...)
			}
		})
	}
}
