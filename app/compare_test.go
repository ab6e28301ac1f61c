package app

import (
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/attrlab/attrlab/attribution"
	"github.com/attrlab/attrlab/report"
	"github.com/attrlab/attrlab/tracking"
)

// compareTicked ticks runs on the Runs screen, taps Compare and waits for
// the comparison.
func (s *storeUI) compareTicked(t *testing.T, ids ...string) {
	t.Helper()
	s.Select(ScreenRuns)
	if err := s.reload(t); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		s.Runs.Tick(id, true)
	}
	drain(s.cmp)
	test.Tap(s.Runs.CompareBtn)
	if s.Current() != ScreenCompare {
		t.Fatalf("Compare shows %s", s.Current())
	}
	if err := waitFor(t, s.cmp); err != nil {
		t.Fatal(err)
	}
}

func metricRow(t *testing.T, c *tracking.Comparison, key string) int {
	t.Helper()
	i := slices.IndexFunc(c.Metrics, func(m tracking.MetricRow) bool { return m.Key == key })
	if i < 0 {
		t.Fatalf("no metric %s", key)
	}
	return i
}

// TestCompareTwoRuns compares the sample at Markov order 1 and 2:
// differing params only, p_conv's change against either baseline, the
// channel credit table under a chosen model, the chart and the badge.
func TestCompareTwoRuns(t *testing.T) {
	u := newStoreUI(t)
	if err := u.Start(); err != nil {
		t.Fatal(err)
	}
	first := u.Attribute.LastRun
	second := u.run(t, "2", "Default")

	// One ticked run is not enough.
	if err := u.next(t, func() { u.Select(ScreenRuns) }); err != nil {
		t.Fatal(err)
	}
	u.Runs.Tick(first.ID, true)
	test.Tap(u.Runs.CompareBtn)
	if u.Current() != ScreenRuns || !strings.Contains(u.Runs.Status.Text, "two or more") {
		t.Fatalf("compare of one run: on %s, status %q", u.Current(), u.Runs.Status.Text)
	}

	u.compareTicked(t, second.ID)
	c := u.Compare.Comparison()
	// Table order is newest first: the order-2 run is the baseline.
	if !slices.Equal(c.RunIDs, []string{second.ID, first.ID}) || c.Baseline != 0 {
		t.Fatalf("compared %v baseline %d", c.RunIDs, c.Baseline)
	}
	if !u.Compare.DiffOnly.Checked {
		t.Error("Differences only is off by default")
	}
	if len(c.Params) != 1 || c.Params[0].Key != tracking.KeyOrder || u.Compare.ParamCell(0, 0) != "2" || u.Compare.ParamCell(0, 1) != "1" {
		t.Errorf("differing params %+v", c.Params)
	}
	if !c.SameDataset || !strings.Contains(u.Compare.Badge.Text, "Same dataset") {
		t.Errorf("badge %q for runs on the same data", u.Compare.Badge.Text)
	}

	// p_conv: the order-1 run's change against the order-2 baseline, from
	// the values in the store.
	pconv := func(id string) float64 {
		r, err := u.st.Run(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		m, ok := r.Metric(tracking.KeyPConv)
		if !ok {
			t.Fatalf("run %s has no p_conv", id)
		}
		return m.Value
	}
	p1, p2 := pconv(first.ID), pconv(second.ID)
	row := metricRow(t, c, tracking.KeyPConv)
	change := func(v, base float64) string {
		rel := fmt.Sprintf("%+.1f%%", 100*(v-base)/math.Abs(base))
		if rel == "-0.0%" || rel == "+0.0%" {
			rel = "0.0%" // residue has no sign
		}
		return fmt.Sprintf("%s (%s, %s)", report.Number(v), report.Signed(v-base), rel)
	}
	want := change(p1, p2)
	if got := u.Compare.MetricCell(row, 1); got != want {
		t.Errorf("p_conv cell %q, want %q", got, want)
	}
	if got := u.Compare.MetricCell(row, 0); got != report.Number(p2) {
		t.Errorf("baseline p_conv cell %q", got)
	}
	// The other run as baseline reverses the change.
	u.Compare.Baseline.SetSelectedIndex(1)
	c = u.Compare.Comparison()
	want = change(p2, p1)
	if got := u.Compare.MetricCell(metricRow(t, c, tracking.KeyPConv), 0); c.Baseline != 1 || got != want {
		t.Errorf("baseline %d: p_conv cell %q, want %q", c.Baseline, got, want)
	}

	// Channel credit under markov, from the store's result rows.
	u.Compare.Model.SetSelected(attribution.Markov)
	c = u.Compare.Comparison()
	res, err := u.st.Results(context.Background(), first.ID)
	if err != nil {
		t.Fatal(err)
	}
	var markov []tracking.ResultRow
	for _, r := range res {
		if r.Model == attribution.Markov {
			markov = append(markov, r)
		}
	}
	if c.Model != attribution.Markov || len(c.Channels) != len(markov) {
		t.Fatalf("credit table of %s with %d channels, want markov with %d", c.Model, len(c.Channels), len(markov))
	}
	if rows, cols := u.Compare.Credit.Length(); rows != len(markov) || cols != 2 {
		t.Errorf("credit table %dx%d", rows, cols)
	}
	for i, r := range markov {
		if c.Channels[i] != r.Channel {
			t.Fatalf("channel %d is %s, want %s", i, c.Channels[i], r.Channel)
		}
		prefix := fmt.Sprintf("%.2f (%.1f%%) #", r.Conversions, 100*r.Share)
		if got := u.Compare.CreditCell(i, 1); !strings.HasPrefix(got, prefix) {
			t.Errorf("%s cell %q, want it to begin %q", r.Channel, got, prefix)
		}
	}
	if u.Compare.Chart.Chart() == nil || u.Compare.ExportChart.Disabled() || u.Compare.ExportCSV.Disabled() {
		t.Error("no comparison chart, or its exports are off")
	}

	// The metric table as CSV: p_conv's change against the baseline.
	var b strings.Builder
	if err := u.Compare.writeMetricsCSV(&b); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(b.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(c.Metrics)+1 || len(recs[0]) != 5 || recs[0][3] != u.Compare.labels[0]+" change" {
		t.Fatalf("metrics CSV header %v, %d rows", recs[0], len(recs))
	}
	for _, r := range recs[1:] {
		if r[0] == tracking.KeyPConv && r[3] != strconv.FormatFloat(p2-p1, 'g', -1, 64) {
			t.Errorf("p_conv CSV row %v, want change %v", r, p2-p1)
		}
	}

	// All params: the shared ones show too.
	u.Compare.DiffOnly.SetChecked(false)
	c = u.Compare.Comparison()
	if len(c.Params) <= 1 || !slices.ContainsFunc(c.Params, func(p tracking.ParamRow) bool { return p.Key == tracking.KeyModels }) {
		t.Errorf("all params: %d rows", len(c.Params))
	}
}

// TestCompareDifferentData finds no shared fingerprint between a run on
// the sample and one on another file.
func TestCompareDifferentData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "small.csv")
	data := "journey_id,timestamp,channel,conversion\n" +
		"a,2025-01-01,email,0\n" +
		"a,2025-01-02,paid_search,1\n" +
		"b,2025-01-01,paid_search,0\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	u := newStoreUI(t)
	if err := u.Start(); err != nil {
		t.Fatal(err)
	}
	sample := u.Attribute.LastRun
	done := make(chan error, 1)
	u.Datasets.onImportEnd = func(err error) { done <- err }
	u.Datasets.OpenPath(path)
	test.Tap(u.Datasets.ImportBtn)
	if err := waitFor(t, done); err != nil {
		t.Fatal(err)
	}
	u.Attribute.choose("small.csv")
	small := u.run(t, "1", "Default")
	u.compareTicked(t, sample.ID, small.ID)
	c := u.Compare.Comparison()
	if c.SameDataset || !strings.Contains(u.Compare.Badge.Text, "Different datasets") {
		t.Errorf("badge %q for runs on different data", u.Compare.Badge.Text)
	}
	// The small file has 2 channels, the sample 8: the credit table lists
	// every channel, with a dash where a run has none.
	if len(c.Channels) != 8 {
		t.Errorf("%d channels, want the sample's 8", len(c.Channels))
	}
	dashes := 0
	for i := range c.Channels {
		if u.Compare.CreditCell(i, 0) == "—" {
			dashes++
		}
	}
	if dashes != 6 {
		t.Errorf("%d channels missing from the small run, want 6", dashes)
	}
}

// TestRunLabelsDropSharedParts compares runs with generated names: the
// labels keep what differs (the models and order, the time), so that
// columns and legends stay short and tell the runs apart.
func TestRunLabelsDropSharedParts(t *testing.T) {
	run := func(id, name string) tracking.RunDetail {
		return tracking.RunDetail{Run: &tracking.Run{ID: id + strings.Repeat("0", 32-len(id)), Name: name}}
	}
	for _, c := range []struct {
		runs []tracking.RunDetail
		want []string
	}{
		{[]tracking.RunDetail{run("a1", "markov o1 · journeys.csv · 28 Nov 09:14"), run("b2", "markov o2 · journeys.csv · 28 Nov 09:14")},
			[]string{"markov o1", "markov o2"}},
		{[]tracking.RunDetail{run("a1", "markov o1 · journeys.csv · 28 Nov 09:14"), run("b2", "markov o1 · journeys.csv · 28 Nov 10:02")},
			[]string{"28 Nov 09:14", "28 Nov 10:02"}},
		{[]tracking.RunDetail{run("a1", "spring"), run("b2", "markov o1 · journeys.csv · 28 Nov 09:14")},
			[]string{"spring", "markov o1 · journeys.csv · 28 Nov 09:14"}},
		{[]tracking.RunDetail{run("aaaaaa", "same"), run("bbbbbb", "same")},
			[]string{"same aaaaaa", "same bbbbbb"}},
	} {
		if got := runLabels(c.runs); !slices.Equal(got, c.want) {
			t.Errorf("labels %q, want %q", got, c.want)
		}
	}
}
