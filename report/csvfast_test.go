package report

import (
	"bytes"
	"math"
	"testing"

	"github.com/attrlab/attrlab/attribution"
	"github.com/gocarina/gocsv"
)

// resultRow is a results CSV row as gocsv wrote it before
// WriteResultsCSV wrote cells itself: the reference for its bytes.
type resultRow struct {
	Model         textCell `csv:"model"`
	Channel       textCell `csv:"channel"`
	Conversions   number   `csv:"conversions"`
	Value         number   `csv:"value"`
	Share         number   `csv:"share"`
	RemovalEffect maybe    `csv:"removal_effect"`
}

// TestResultsCSVMatchesGocsv checks that WriteResultsCSV's direct writer
// gives the bytes gocsv gave for the same rows: awkward channel names
// (commas, quotes, newlines, formula starts, non-ASCII), numbers of every
// shape, with and without removal effects.
func TestResultsCSVMatchesGocsv(t *testing.T) {
	names := []string{"email", "a,b", `say "hi"`, "two\nlines", "=SUM(A1)", "+1", "-x", "@who", "\ttab", "é / ü", "", " lead space"}
	values := []float64{0, 1, -5.551e-17, 1e21, 123456.789, math.SmallestNonzeroFloat64, 1.0 / 3, -0}
	var results []*attribution.Result
	for m, model := range []string{attribution.Linear, attribution.Markov, "=model"} {
		r := &attribution.Result{Model: model, Channels: names}
		for i := range names {
			v := values[(i+m)%len(values)]
			r.Conversions = append(r.Conversions, v)
			r.Value = append(r.Value, v*3)
			r.Share = append(r.Share, v/7)
		}
		if model == attribution.Markov {
			r.RemovalEffect = append([]float64(nil), r.Share...)
		}
		results = append(results, r)
	}
	var got bytes.Buffer
	if err := WriteResultsCSV(&got, results); err != nil {
		t.Fatal(err)
	}
	rows := []resultRow{}
	for _, r := range results {
		for i, ch := range r.Channels {
			row := resultRow{Model: textCell(r.Model), Channel: textCell(ch), Conversions: number(r.Conversions[i]),
				Value: number(r.Value[i]), Share: number(r.Share[i])}
			if r.RemovalEffect != nil {
				row.RemovalEffect = maybe{r.RemovalEffect[i], true}
			}
			rows = append(rows, row)
		}
	}
	var want bytes.Buffer
	if err := gocsv.Marshal(rows, &want); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Errorf("direct writer:\n%s\ngocsv:\n%s", got.Bytes(), want.Bytes())
	}
}

// TestResultsCSVEmpty: no results is the header alone, as gocsv wrote it.
func TestResultsCSVEmpty(t *testing.T) {
	var got, want bytes.Buffer
	if err := WriteResultsCSV(&got, nil); err != nil {
		t.Fatal(err)
	}
	if err := gocsv.Marshal([]resultRow{}, &want); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Errorf("got %q, gocsv %q", got.String(), want.String())
	}
}
