package report

import (
	"bytes"
	"encoding/csv"
	"testing"
	"time"

	"github.com/attrlab/attrlab/tracking"
)

func TestWriteRunsCSV(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 6e6, time.UTC)
	runs := []*tracking.Run{
		{ID: "a1", Experiment: "emea", Name: "=HYPERLINK(\"x\")", Status: tracking.StatusFinished, StartTime: start,
			DatasetName: "q3.csv", Params: []tracking.Param{tracking.NumberParam("order", 2)},
			Metrics: []tracking.Metric{{Key: "delta", Value: -0.25}}, Tags: map[string]string{"team": "@ops"}},
		{ID: "b2", Experiment: "emea", Name: "plain", Status: tracking.StatusKilled, Dataset: "f00d",
			Params: []tracking.Param{tracking.TextParam("models", "linear")}},
	}
	var b bytes.Buffer
	if err := WriteRunsCSV(&b, runs); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"run_id", "experiment", "name", "status", "start_time", "end_time", "dataset", "params.models", "params.order", "metrics.delta", "tags.team"},
		{"a1", "emea", "'=HYPERLINK(\"x\")", "FINISHED", "2026-01-02T03:04:05.006Z", "", "q3.csv", "", "2", "-0.25", "'@ops"},
		{"b2", "emea", "plain", "KILLED", "", "", "f00d", "linear", "", "", ""},
	}
	if len(recs) != len(want) {
		t.Fatalf("%d rows, want %d: %q", len(recs), len(want), recs)
	}
	for i := range want {
		for j := range want[i] {
			if recs[i][j] != want[i][j] {
				t.Errorf("row %d column %s: %q, want %q", i, want[0][j], recs[i][j], want[i][j])
			}
		}
	}
}
