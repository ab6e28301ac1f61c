package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/attrlab/attrlab/attribution"
	charts "github.com/attrlab/attrlab/report"
)

// report is what attribute prints: the import summary and the results.
type report struct {
	Dataset  *attribution.Dataset
	Results  []*attribution.Result
	Periods  []attribution.PeriodResult // with --by
	Rejected string
	Runtime  time.Duration
	RunID    string
	Direct   []string // the direct set of last-non-direct, for the summary
}

// num formats a float as the shortest text that reads back to the same
// value, so CSV and JSON output is exact and byte-for-byte repeatable.
func num(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// writeCSV writes the results as `attrlab export results` does.
func (r *report) writeCSV(w io.Writer) error {
	if r.Periods != nil {
		return writePeriodCSV(w, r.Periods)
	}
	return charts.WriteResultsCSV(w, r.Results)
}

// csvCell quotes a cell when RFC 4180 needs it and defuses cells a
// spreadsheet would run as a formula.
func csvCell(s string) string {
	s = charts.EscapeCell(s)
	if strings.ContainsAny(s, ",\"\r\n") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

type jsonChannel struct {
	Channel       string   `json:"channel"`
	Conversions   float64  `json:"conversions"`
	Value         float64  `json:"value"`
	Share         float64  `json:"share"`
	RemovalEffect *float64 `json:"removal_effect,omitempty"`
	*jsonInterval
}

type jsonResult struct {
	Model            string        `json:"model"`
	TotalConversions float64       `json:"total_conversions"`
	TotalValue       float64       `json:"total_value"`
	PConv            *float64      `json:"p_conv,omitempty"`
	Order            int           `json:"order,omitempty"`
	States           int           `json:"states,omitempty"`
	Warnings         []string      `json:"warnings,omitempty"`
	Channels         []jsonChannel `json:"channels"`
}

type jsonReport struct {
	RunID        string                     `json:"run_id,omitempty"`
	Summary      jsonSummary                `json:"summary"`
	Spend        []attribution.ChannelSpend `json:"spend,omitempty"`
	RejectedFile string                     `json:"rejected_rows_file,omitempty"`
	RuntimeMS    float64                    `json:"runtime_ms"`
	Results      []jsonResult               `json:"results"`
	Periods      []jsonPeriod               `json:"periods,omitempty"`
}

// jsonSummary is the import summary with its times written by jsonTime
// (its own fields of the same names take their place).
type jsonSummary struct {
	attribution.Summary
	FirstTime jsonTime `json:"first_time,omitzero"`
	LastTime  jsonTime `json:"last_time,omitzero"`
}

// jsonTime writes a time as RFC 3339 in UTC for every year: time.Time's
// own MarshalJSON fails outside years 0 to 9999, which made a finished,
// logged run end in an error.
type jsonTime struct{ time.Time }

// MarshalJSON writes the time as a JSON string.
func (t jsonTime) MarshalJSON() ([]byte, error) {
	return []byte(strconv.Quote(t.UTC().Format(time.RFC3339Nano))), nil
}

func (r *report) writeJSON(w io.Writer) error {
	sum := r.Dataset.Summary
	out := jsonReport{RunID: r.RunID, Summary: jsonSummary{sum, jsonTime{sum.FirstTime}, jsonTime{sum.LastTime}}, Spend: r.Dataset.Spend,
		RejectedFile: r.Rejected, RuntimeMS: float64(r.Runtime.Microseconds()) / 1000}
	out.Results = jsonResults(r.Results)
	for _, pr := range r.Periods {
		out.Periods = append(out.Periods, jsonPeriod{Period: pr.Period.Label, Start: pr.Period.Start, End: pr.Period.End, Results: jsonResults(pr.Results)})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func jsonResults(results []*attribution.Result) []jsonResult {
	out := []jsonResult{}
	for _, res := range results {
		jr := jsonResult{Model: res.Model, TotalConversions: res.TotalConversions, TotalValue: res.TotalValue, Warnings: res.Warnings}
		if m := res.Markov; m != nil {
			p := m.PConv
			jr.PConv, jr.Order, jr.States = &p, m.Order, len(m.States)
		}
		for i, ch := range res.Channels {
			jc := jsonChannel{Channel: ch, Conversions: res.Conversions[i], Value: res.Value[i], Share: res.Share[i], jsonInterval: jsonIntervalOf(res, i)}
			if res.RemovalEffect != nil {
				re := res.RemovalEffect[i]
				jc.RemovalEffect = &re
			}
			jr.Channels = append(jr.Channels, jc)
		}
		out = append(out, jr)
	}
	return out
}

// writeTable prints channels down and models across: credited conversions
// and value, each with its share of the model's total in brackets.
func (r *report) writeTable(w io.Writer) error {
	if len(r.Results) == 0 {
		_, err := fmt.Fprintln(w, "no models ran")
		return err
	}
	if r.Periods != nil {
		return writePeriodTable(w, r.Periods)
	}
	channels := r.Results[0].Channels
	for _, block := range []struct {
		title string
		get   func(*attribution.Result) ([]float64, float64)
	}{
		{"Conversions (share of total)", func(res *attribution.Result) ([]float64, float64) { return res.Conversions, res.TotalConversions }},
		{"Conversion value (share of total)", func(res *attribution.Result) ([]float64, float64) { return res.Value, res.TotalValue }},
	} {
		fmt.Fprintf(w, "%s\n", block.title)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprint(tw, "channel\t")
		for _, res := range r.Results {
			fmt.Fprintf(tw, "%s\t", cellText(res.Model))
		}
		fmt.Fprintln(tw)
		for i, ch := range channels {
			fmt.Fprintf(tw, "%s\t", cellText(ch))
			for _, res := range r.Results {
				vals, total := block.get(res)
				share := 0.0
				if total > 0 {
					share = vals[i] / total
				}
				fmt.Fprintf(tw, "%.2f (%4.1f%%)\t", vals[i], 100*share)
			}
			fmt.Fprintln(tw)
		}
		fmt.Fprint(tw, "total\t")
		for _, res := range r.Results {
			_, total := block.get(res)
			fmt.Fprintf(tw, "%.2f\t", total)
		}
		fmt.Fprintln(tw)
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintln(w)
	}
	if err := writeIntervalTable(w, r.Results); err != nil {
		return err
	}
	for _, res := range r.Results {
		if m := res.Markov; m != nil {
			fmt.Fprintf(w, "markov (order %d): P(conv) = %.6g over %d states; removal effects:", m.Order, m.PConv, len(m.States))
			for i, ch := range res.Channels {
				fmt.Fprintf(w, " %s %.4g", cellText(ch), res.RemovalEffect[i])
				if i < len(res.Channels)-1 {
					fmt.Fprint(w, ",")
				}
			}
			fmt.Fprintln(w)
		}
	}
	return nil
}

// human rounds for reading: two decimals, or none for whole numbers.
func human(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

// printSummary writes the import report and any model warnings.
func (r *report) printSummary(w io.Writer) {
	s := r.Dataset.Summary
	kind := "path table"
	if s.Layout == attribution.LayoutTouches {
		kind = "touch log"
	}
	fmt.Fprintf(w, "%s: %s, %s-delimited", s.File, kind, s.Delimiter)
	if s.Encoding != "" {
		fmt.Fprintf(w, ", %s", s.Encoding)
	}
	if s.TimestampFormat != "" {
		fmt.Fprintf(w, ", timestamps %s", s.TimestampFormat)
	}
	fmt.Fprintf(w, "\n  rows: %d read, %d accepted, %d rejected\n", s.RowsRead, s.RowsAccepted, s.RowsRejected)
	for reason, n := range s.RejectReason {
		fmt.Fprintf(w, "    %d × %s\n", n, reason)
	}
	if r.Rejected != "" {
		fmt.Fprintf(w, "  rejected rows written to %s\n", r.Rejected)
	}
	fmt.Fprintf(w, "  %d journeys, %d channels, %d distinct paths\n", s.Journeys, s.Channels, s.Paths)
	fmt.Fprintf(w, "  conversions: %s worth %s; non-converting journeys: %s\n", human(s.Conversions), human(s.Value), human(s.NonConverting))
	if s.UnattributedConversions > 0 {
		why := "their path has no channel"
		if s.Layout == attribution.LayoutTouches {
			why = "no touch within the " + s.Lookback + " lookback window"
		}
		fmt.Fprintf(w, "  unattributed: %s conversions worth %s (%s)\n", human(s.UnattributedConversions), human(s.UnattributedValue), why)
	}
	if s.TouchesOutsideLookback > 0 {
		fmt.Fprintf(w, "  %d touches fell outside the %s lookback window\n", s.TouchesOutsideLookback, s.Lookback)
	}
	if !s.FirstTime.IsZero() {
		fmt.Fprintf(w, "  time range: %s to %s\n", s.FirstTime.Format(time.RFC3339), s.LastTime.Format(time.RFC3339))
	}
	if len(s.IgnoredColumns) > 0 {
		fmt.Fprintf(w, "  ignored columns: %s\n", strings.Join(s.IgnoredColumns, ", "))
	}
	r.printReading(w)
	for _, res := range r.Results {
		for _, warn := range res.Warnings {
			fmt.Fprintf(w, "  warning (%s): %s\n", res.Model, warn)
		}
	}
}
