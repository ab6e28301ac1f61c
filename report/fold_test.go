package report

import (
	"bytes"
	"github.com/attrlab/attrlab/attribution"
	"math"
	"strings"
	"testing"
	"time"
)

// TestThousandsOfChannelsFoldIntoOneBar draws the credit of 10,000
// channels, as a campaign-level run has: the chart keeps the 39 largest
// channels (by their largest share in any model) with one bar for the
// rest, whose share is the rest's sum, says so in its subtitle, and draws
// at slide size in well under the time 10,000 rows would take.
func TestThousandsOfChannelsFoldIntoOneBar(t *testing.T) {
	results := manyChannels(10000)
	start := time.Now()
	ch, err := AttributionChart(results)
	if err != nil {
		t.Fatal(err)
	}
	var png bytes.Buffer
	if err := ch.Render(&png, "png"); err != nil {
		t.Fatal(err)
	}
	if png.Len() == 0 {
		t.Fatal("empty PNG")
	}
	t.Logf("10,000 channels drawn in %v", time.Since(start))
	s := foldGroups(barSpec{groups: results[0].Channels, series: seriesOf(results), summable: true, subtitle: "x"})
	if len(s.groups) != maxChartGroups {
		t.Fatalf("%d groups, want %d", len(s.groups), maxChartGroups)
	}
	if last := s.groups[len(s.groups)-1]; last != "9961 other channels" {
		t.Errorf("last group %q, want the other channels", last)
	}
	if !strings.Contains(s.subtitle, "the 39 largest of 10000 channels") {
		t.Errorf("subtitle %q does not say what is shown", s.subtitle)
	}
	for i, se := range s.series {
		var total, kept float64
		for _, v := range results[i].Share {
			total += v
		}
		for _, v := range se.values[:len(se.values)-1] {
			kept += v
		}
		if other := se.values[len(se.values)-1]; math.Abs(kept+other-total) > 1e-9 {
			t.Errorf("%s: kept %g + other %g != total %g", se.name, kept, other, total)
		}
	}
	// Removal effects do not add up: the rest is left out, not summed.
	r := fixtureMarkov(3)
	n := 500
	r.Channels = make([]string, n)
	r.RemovalEffect = make([]float64, n)
	for i := range r.Channels {
		r.Channels[i] = "c" + strings.Repeat("x", i%7) + string(rune('a'+i%26))
		r.RemovalEffect[i] = float64(i) / float64(n)
	}
	rs := foldGroups(barSpec{groups: r.Channels, series: []barSeries{{values: r.RemovalEffect}}, subtitle: "x"})
	if len(rs.groups) != maxChartGroups || rs.series[0].values[0] != float64(n-maxChartGroups)/float64(n) {
		t.Errorf("removal chart kept %d groups starting at %g; want the %d largest", len(rs.groups), rs.series[0].values[0], maxChartGroups)
	}
}

func seriesOf(results []*attribution.Result) []barSeries {
	var out []barSeries
	for _, r := range results {
		out = append(out, barSeries{name: r.Model, values: r.Share})
	}
	return out
}
