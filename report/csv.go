package report

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/attrlab/attrlab/attribution"
	"github.com/gocarina/gocsv"
)

// formulaStarts are the first characters that make a spreadsheet read a
// cell as a formula (=, +, -, @, and tab and carriage return, which some
// spreadsheets skip before looking).
const formulaStarts = "=+-@\t\r"

// EscapeCell returns s prefixed with a single quote if it begins with a
// character that would make a spreadsheet run it as a formula, so that
// the cell shows as text.
func EscapeCell(s string) string {
	if s != "" && strings.ContainsRune(formulaStarts, rune(s[0])) {
		return "'" + s
	}
	return s
}

// textCell is a CSV text cell, escaped against formula injection. Every text
// column of the exports has this type, so none can be forgotten.
type textCell string

// MarshalCSV implements gocsv.TypeMarshaller.
func (t textCell) MarshalCSV() (string, error) { return EscapeCell(string(t)), nil }

// number is a CSV numeric cell: the shortest text that reads back to the
// same float64, as `attrlab attribute --format csv` writes. Numbers are
// written as numbers (a negative change stays -12.5): a number cannot
// carry a formula.
type number float64

// MarshalCSV implements gocsv.TypeMarshaller.
func (n number) MarshalCSV() (string, error) { return numberText(float64(n)), nil }

// numberText is a number cell's text: the shortest that reads back to v.
func numberText(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// maybe is a numeric cell that may be empty: an undefined CPA or ROAS, or
// the removal effect of a heuristic model.
type maybe struct {
	v  float64
	ok bool
}

// MarshalCSV implements gocsv.TypeMarshaller.
func (m maybe) MarshalCSV() (string, error) {
	if !m.ok {
		return "", nil
	}
	return number(m.v).MarshalCSV()
}

// WriteResultsCSV writes results as CSV: a header row
// model,channel,conversions,value,share,removal_effect and one row per
// model and channel (the same columns as `attrlab attribute --format
// csv`); removal_effect is empty for models other than markov. Results
// with bootstrap intervals add share_low, share_high, conversions_low,
// conversions_high, value_low and value_high.
func WriteResultsCSV(w io.Writer, results []*attribution.Result) error {
	if hasIntervals(results) {
		return writeIntervalResultsCSV(w, results)
	}
	// Written cell by cell rather than through gocsv's reflection, which
	// took seconds for the million rows of a campaign-level run; the same
	// cells through the same encoding/csv writer, so the same bytes
	// (TestResultsCSVMatchesGocsv).
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := csv.NewWriter(bw)
	record := []string{"model", "channel", "conversions", "value", "share", "removal_effect"}
	if err := cw.Write(record); err != nil {
		return fmt.Errorf("write results CSV: %w", err)
	}
	for _, r := range results {
		model := EscapeCell(r.Model)
		for i, ch := range r.Channels {
			record[0], record[1] = model, EscapeCell(ch)
			record[2] = numberText(r.Conversions[i])
			record[3] = numberText(r.Value[i])
			record[4] = numberText(r.Share[i])
			record[5] = ""
			if r.RemovalEffect != nil {
				record[5] = numberText(r.RemovalEffect[i])
			}
			if err := cw.Write(record); err != nil {
				return fmt.Errorf("write results CSV: %w", err)
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write results CSV: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write results CSV: %w", err)
	}
	return nil
}

type budgetRow struct {
	Model       textCell `csv:"model"`
	Channel     textCell `csv:"channel"`
	Spend       number   `csv:"spend"`
	SpendShare  number   `csv:"spend_share"`
	Conversions number   `csv:"conversions"`
	Value       number   `csv:"value"`
	CreditShare number   `csv:"credit_share"`
	CPA         maybe    `csv:"cpa"`
	ROAS        maybe    `csv:"roas"`
	Proposed    number   `csv:"proposed"`
	Change      number   `csv:"change"`
	Min         number   `csv:"min"`
	Max         maybe    `csv:"max"`
	Flags       textCell `csv:"flags"`
}

// WriteBudgetCSV writes a budget proposal as CSV, one row per channel:
// model, channel, spend, spend_share, conversions, value, credit_share,
// cpa, roas, proposed, change, min, max, flags. An undefined CPA or ROAS,
// and a missing maximum, are empty cells; flags are names joined by
// commas (no-credit, no-spend, not-in-data, at-min, at-max).
func WriteBudgetCSV(w io.Writer, b *attribution.Budget) error {
	rows := []budgetRow{}
	for _, l := range b.Lines {
		rows = append(rows, budgetRow{
			Model: textCell(b.Model), Channel: textCell(l.Channel),
			Spend: number(l.Spend), SpendShare: number(l.SpendShare),
			Conversions: number(l.Conversions), Value: number(l.Value), CreditShare: number(l.CreditShare),
			CPA: maybe{l.CPA.Value, l.CPA.Defined}, ROAS: maybe{l.ROAS.Value, l.ROAS.Defined},
			Proposed: number(l.Proposed), Change: number(l.Change),
			Min: number(l.Min), Max: maybe{l.Max, l.HasMax}, Flags: textCell(l.Flags.String()),
		})
	}
	return marshal(w, "budget", rows)
}

type comparisonRow struct {
	Run     textCell `csv:"run"`
	Channel textCell `csv:"channel"`
	Share   number   `csv:"share"`
}

// WriteComparisonCSV writes a comparison as CSV in long form: run,
// channel, share, one row per run and channel.
func WriteComparisonCSV(w io.Writer, c Comparison) error {
	if err := c.check(); err != nil {
		return err
	}
	rows := []comparisonRow{}
	for i, run := range c.Runs {
		for j, ch := range c.Channels {
			rows = append(rows, comparisonRow{Run: textCell(run), Channel: textCell(ch), Share: number(c.Share[i][j])})
		}
	}
	return marshal(w, "comparison", rows)
}

func marshal(w io.Writer, what string, rows any) error {
	if err := gocsv.Marshal(rows, w); err != nil {
		return fmt.Errorf("write %s CSV: %w", what, err)
	}
	return nil
}
