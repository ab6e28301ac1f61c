package app

import (
	"context"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/attrlab/attrlab/report"
	"github.com/attrlab/attrlab/tracking"
)

// TestNumbersForPeople logs a run whose metrics carry a large total and
// floating-point residue: the Runs table and the run page show
// 1,234,567.89 and 0, and the runs CSV keeps every digit.
func TestNumbersForPeople(t *testing.T) {
	u := newStoreUI(t)
	ctx := context.Background()
	run, err := u.st.StartRun(ctx, tracking.NewRun{Name: "big"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	err = u.st.FinishRun(ctx, run.ID, tracking.StatusFinished, tracking.RunData{Metrics: []tracking.Metric{
		{Key: tracking.KeyTotalConversions, Value: 1234567.891, Time: now},
		{Key: tracking.KeyPConv, Value: -5.551115123125783e-17, Time: now},
		{Key: tracking.KeyRuntimeMS, Value: 12.5, Time: now},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if err := u.next(t, func() { u.Select(ScreenRuns) }); err != nil {
		t.Fatal(err)
	}
	r := u.Runs.Runs()[0]
	cell := func(title string) string {
		i := slices.IndexFunc(runColumns, func(c runColumn) bool { return c.title == title })
		return runColumns[i].text(r)
	}
	if got := cell("Conversions"); got != "1,234,567.89" {
		t.Errorf("Conversions cell %q, want 1,234,567.89", got)
	}
	if got := cell("P(conv)"); got != "0" {
		t.Errorf("P(conv) cell %q, want 0", got)
	}
	p := u.openRunPage(t, run.ID)
	if got := p.MetricText(tracking.KeyTotalConversions); got != "1,234,567.89" || !formContains(p.Metrics, got) {
		t.Errorf("run page total %q", got)
	}
	if got := p.MetricText(tracking.KeyPConv); got != "0" {
		t.Errorf("run page P(conv) %q", got)
	}

	// The CSV the Runs screen exports keeps full precision.
	path := filepath.Join(t.TempDir(), "runs.csv")
	saveCSV(u.UI, path, func(w io.Writer) error { return report.WriteRunsCSV(w, u.Runs.Runs()) })
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := func(name string) string {
		i := slices.Index(recs[0], name)
		if i < 0 {
			t.Fatalf("no column %s in %v", name, recs[0])
		}
		return recs[1][i]
	}
	for key, want := range map[string]float64{tracking.KeyTotalConversions: 1234567.891, tracking.KeyPConv: -5.551115123125783e-17} {
		got := col("metrics." + key)
		if v, err := strconv.ParseFloat(got, 64); err != nil || v != want {
			t.Errorf("CSV %s %q, want exactly %v", key, got, want)
		}
	}
}
