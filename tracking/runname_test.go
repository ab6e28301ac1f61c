package tracking

import (
	"context"
	"testing"
	"time"

	"github.com/attrlab/attrlab/attribution"
)

// TestRunNamesReadAsWords logs attributions without a name: each is named
// after what it ran, on what, and when, in words.
func TestRunNamesReadAsWords(t *testing.T) {
	ds := importString(t, touchesSrc, attribution.ImportOptions{})
	at := time.Date(2026, 11, 28, 9, 14, 30, 0, time.Local)
	for _, c := range []struct {
		models  []string
		order   int
		dataset *DatasetInfo
		want    string
	}{
		{[]string{attribution.Markov}, 2, &DatasetInfo{Name: "journeys.csv", Fingerprint: "f"}, "markov o2 · journeys.csv · 28 Nov 09:14"},
		{[]string{attribution.Linear}, 2, &DatasetInfo{Name: "journeys.csv", Fingerprint: "f"}, "linear · journeys.csv · 28 Nov 09:14"},
		{[]string{attribution.Linear, attribution.Markov}, 0, &DatasetInfo{Name: "t.csv", Fingerprint: "f"}, "linear + markov o1 · t.csv · 28 Nov 09:14"},
		{[]string{attribution.FirstTouch, attribution.LastTouch, attribution.Linear, attribution.Markov}, 3, nil, "4 models, markov o3 · 28 Nov 09:14"},
		{[]string{attribution.FirstTouch, attribution.LastTouch, attribution.Linear}, 3, nil, "first-touch + last-touch + linear · 28 Nov 09:14"},
	} {
		opts := attribution.Options{Models: c.models, Order: c.order}
		res, err := attribution.Run(context.Background(), ds.Paths, opts)
		if err != nil {
			t.Fatal(err)
		}
		var w memWriter
		if _, err := LogAttribution(context.Background(), &w, RunLog{Dataset: c.dataset,
			Attribution: Attribution{Results: res, Options: opts, Summary: ds.Summary, Time: at}}); err != nil {
			t.Fatal(err)
		}
		if got := w.started[0].Name; got != c.want {
			t.Errorf("%v order %d: name %q, want %q", c.models, c.order, got, c.want)
		}
	}
	// A name given is kept.
	var w memWriter
	res, _ := attribution.Run(context.Background(), ds.Paths, attribution.Options{Models: []string{attribution.Linear}})
	LogAttribution(context.Background(), &w, RunLog{Name: "my run", Attribution: Attribution{Results: res, Summary: ds.Summary, Time: at}})
	if w.started[0].Name != "my run" {
		t.Errorf("the name given became %q", w.started[0].Name)
	}
}
