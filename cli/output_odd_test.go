package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/attrlab/attrlab/attribution"
	"github.com/attrlab/attrlab/tracking"
)

func oddReport() *report {
	res := &attribution.Result{Model: "linear", Channels: []string{"Radio\nTV", "a\tb", "email"},
		Conversions: []float64{1, 2, 3}, Value: []float64{1, 2, 3}, Share: []float64{1.0 / 6, 2.0 / 6, 3.0 / 6}, TotalConversions: 6, TotalValue: 6}
	return &report{Dataset: &attribution.Dataset{Summary: attribution.Summary{File: "x.csv",
		FirstTime: time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), LastTime: time.Date(12000, 6, 1, 0, 0, 0, 0, time.UTC)}},
		Results: []*attribution.Result{res}}
}

// TestTableCellsStayOneRow prints channel and run names holding a newline
// and a tab: each stays one row, shown with visible escapes.
func TestTableCellsStayOneRow(t *testing.T) {
	var b bytes.Buffer
	if err := oddReport().writeTable(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	// Two blocks of: title, header, 3 channels, total, blank line.
	if n := strings.Count(out, "\n"); n != 14 {
		t.Errorf("%d lines, want 14:\n%s", n, out)
	}
	if !strings.Contains(out, `Radio\nTV`) || !strings.Contains(out, `a\tb`) {
		t.Errorf("escapes not shown:\n%s", out)
	}
	b.Reset()
	run := &tracking.Run{ID: strings.Repeat("a", 32), Name: "first\nsecond", Experiment: "Default", Status: tracking.StatusFinished, StartTime: time.Now()}
	if err := writeRunsTable(&b, []*tracking.Run{run}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(b.String(), "\n"); n != 2 || !strings.Contains(b.String(), `first\nsecond`) {
		t.Errorf("runs table:\n%s", b.String())
	}
}

// TestJSONOutputOfOddYears writes attribute's JSON for data whose
// timestamps are in year 0 and year 12000: the output is valid JSON
// holding both, where time.Time's own encoder fails.
func TestJSONOutputOfOddYears(t *testing.T) {
	var b bytes.Buffer
	if err := oddReport().writeJSON(&b); err != nil {
		t.Fatalf("JSON output: %v", err)
	}
	var got struct {
		Summary struct {
			File      string `json:"file"`
			FirstTime string `json:"first_time"`
			LastTime  string `json:"last_time"`
		} `json:"summary"`
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Summary.File != "x.csv" || got.Summary.FirstTime != "0000-01-01T00:00:00Z" || got.Summary.LastTime != "12000-06-01T00:00:00Z" {
		t.Errorf("times %q and %q", got.Summary.FirstTime, got.Summary.LastTime)
	}
	if _, err := json.Marshal(attribution.Summary{LastTime: time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC)}); err == nil {
		t.Log("note: time.Time now encodes year 12000 itself")
	}
	r := oddReport()
	r.Dataset.Summary.FirstTime, r.Dataset.Summary.LastTime = time.Time{}, time.Time{}
	b.Reset()
	r.writeJSON(&b)
	if strings.Contains(b.String(), "first_time") {
		t.Error("a zero time is written; want it left out as before")
	}
}
