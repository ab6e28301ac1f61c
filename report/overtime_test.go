package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/attrlab/attrlab/attribution"
	"github.com/attrlab/attrlab/tracking"
)

func ptr(v float64) *float64 { return &v }

func TestOverTime(t *testing.T) {
	var rows []tracking.PeriodRow
	shares := [3][2]float64{{0.25, 0.75}, {0.5, 0.5}, {0.125, 0.875}}
	for p, label := range []string{"2025-01", "2025-02", "2025-03"} {
		for c, ch := range []string{"email", "search"} {
			share := shares[p][c]
			rows = append(rows, tracking.PeriodRow{Index: p, Period: label, ResultRow: tracking.ResultRow{Model: "linear", Channel: ch, Position: c, Share: share},
				ShareLow: ptr(share / 2), ShareHigh: ptr(share + 0.0625)},
				tracking.PeriodRow{Index: p, Period: label, ResultRow: tracking.ResultRow{Model: "markov", Channel: ch, Position: c, Share: 0.5}})
		}
	}
	o, err := OverTimeFromRows(rows, "linear")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(o.Periods, " ") != "2025-01 2025-02 2025-03" || strings.Join(o.Channels, " ") != "email search" || o.Share[2][1] != 0.875 || o.Low == nil || o.High[0][0] != 0.3125 {
		t.Fatalf("over time %+v", o)
	}
	if m, _ := OverTimeFromRows(rows, "markov"); m.Low != nil {
		t.Error("markov periods were not bootstrapped, yet have intervals")
	}
	if _, err := OverTimeFromRows(rows, "first-touch"); err == nil {
		t.Error("a model without periods gave a chart")
	}
	ch, err := OverTimeChart(o)
	if err != nil {
		t.Fatal(err)
	}
	var svg bytes.Buffer
	if err := ch.Render(&svg, SVG); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"2025-02", "email", "search", "Credit share over time"} {
		if !strings.Contains(svg.String(), want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	var csv bytes.Buffer
	if err := WriteOverTimeCSV(&csv, o); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(csv.String()), "\n")
	if lines[0] != "period,model,channel,share,share_low,share_high" || len(lines) != 7 || lines[6] != "2025-03,linear,search,0.875,0.4375,0.9375" {
		t.Errorf("CSV:\n%s", csv.String())
	}
}

// errorBarSVG is how SVG writes errorBarColor.
const errorBarSVG = `stroke:#303030"`

// A bootstrapped result draws an error bar (three strokes) on every bar.
func TestAttributionChartErrorBars(t *testing.T) {
	r := &attribution.Result{Model: "linear", Channels: []string{"a", "b"}, Conversions: []float64{3, 1}, Share: []float64{0.75, 0.25}, TotalConversions: 4, Value: []float64{0, 0}}
	count := func() int {
		ch, err := AttributionChart([]*attribution.Result{r})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := ch.Render(&b, SVG); err != nil {
			t.Fatal(err)
		}
		return strings.Count(b.String(), errorBarSVG)
	}
	if n := count(); n != 0 {
		t.Fatalf("%d error-bar strokes without intervals", n)
	}
	r.Intervals = &attribution.Intervals{Share: []attribution.Interval{{Low: 0.7, High: 0.8}, {Low: 0.2, High: 0.3}}}
	if got := count(); got != 6 {
		t.Errorf("%d error-bar strokes, want 6 (3 per bar)", got)
	}
}
