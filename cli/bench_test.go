package cli

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attrlab/attrlab/storage"
	"github.com/attrlab/attrlab/tracking"
)

// BenchmarkRunsCSVWide runs `attrlab runs --format csv` and `attrlab
// export runs` on a store of 3 runs with 10,000 and 100,000 metrics each:
// the time per metric must stay flat as the count grows (it grew with the
// square: 100,000 metrics took 24 s).
func BenchmarkRunsCSVWide(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		ctx := context.Background()
		dir := b.TempDir()
		db := filepath.Join(dir, "wide.db")
		st, err := storage.Open(db)
		if err != nil {
			b.Fatal(err)
		}
		for r := range 3 {
			run, err := st.StartRun(ctx, tracking.NewRun{Name: fmt.Sprint("wide", r)})
			if err != nil {
				b.Fatal(err)
			}
			d := tracking.RunData{}
			for i := range n {
				d.Metrics = append(d.Metrics, tracking.Metric{Key: fmt.Sprintf("share.markov.channel %06d", i), Value: float64(i) / float64(n)})
			}
			if err := st.FinishRun(ctx, run.ID, tracking.StatusFinished, d); err != nil {
				b.Fatal(err)
			}
		}
		st.Close()
		for _, cmd := range [][]string{{"runs", "--format", "csv"}, {"export", "runs", "--force", "--out", filepath.Join(dir, "runs.csv")}} {
			b.Run(fmt.Sprintf("%s/metrics=%d", cmd[0], n), func(b *testing.B) {
				for b.Loop() {
					env := Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard}
					if code := Run(ctx, env, append(cmd, "--db", db)); code != 0 {
						b.Fatalf("exit %d", code)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(3*n), "ns/metric")
			})
		}
	}
}
