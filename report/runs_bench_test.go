package report

import (
	"fmt"
	"io"
	"testing"

	"github.com/attrlab/attrlab/tracking"
)

// BenchmarkRunsCSV writes the runs CSV of 10 runs with 1,000, 10,000 and
// 100,000 metrics each (export runs and runs --format csv): the time per
// metric must stay flat as the count grows (it grew with the square).
func BenchmarkRunsCSV(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("metrics=%d", n), func(b *testing.B) {
			runs := make([]*tracking.Run, 10)
			for i := range runs {
				r := &tracking.Run{ID: fmt.Sprintf("%032x", i), Name: "wide", Status: tracking.StatusFinished,
					Params: []tracking.Param{tracking.NumberParam("order", 2)}, Tags: map[string]string{"team": "emea"}}
				for k := range n {
					r.Metrics = append(r.Metrics, tracking.Metric{Key: fmt.Sprintf("share.markov.channel %06d", k), Value: float64(k) / float64(n)})
				}
				runs[i] = r
			}
			for b.Loop() {
				if err := WriteRunsCSV(io.Discard, runs); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(10*n), "ns/metric")
		})
	}
}
