package report

import (
	"io"

	"github.com/attrlab/attrlab/attribution"
)

// The bootstrap columns follow a row's own; gocsv does not flatten
// embedded structs, so each row type lists them.

type intervalRow struct {
	Model           textCell `csv:"model"`
	Channel         textCell `csv:"channel"`
	Conversions     number   `csv:"conversions"`
	Value           number   `csv:"value"`
	Share           number   `csv:"share"`
	RemovalEffect   maybe    `csv:"removal_effect"`
	ShareLow        number   `csv:"share_low"`
	ShareHigh       number   `csv:"share_high"`
	ConversionsLow  number   `csv:"conversions_low"`
	ConversionsHigh number   `csv:"conversions_high"`
	ValueLow        number   `csv:"value_low"`
	ValueHigh       number   `csv:"value_high"`
}

type periodRow struct {
	Period        textCell `csv:"period"`
	Model         textCell `csv:"model"`
	Channel       textCell `csv:"channel"`
	Conversions   number   `csv:"conversions"`
	Value         number   `csv:"value"`
	Share         number   `csv:"share"`
	RemovalEffect maybe    `csv:"removal_effect"`
}

type periodIntervalRow struct {
	Period          textCell `csv:"period"`
	Model           textCell `csv:"model"`
	Channel         textCell `csv:"channel"`
	Conversions     number   `csv:"conversions"`
	Value           number   `csv:"value"`
	Share           number   `csv:"share"`
	RemovalEffect   maybe    `csv:"removal_effect"`
	ShareLow        number   `csv:"share_low"`
	ShareHigh       number   `csv:"share_high"`
	ConversionsLow  number   `csv:"conversions_low"`
	ConversionsHigh number   `csv:"conversions_high"`
	ValueLow        number   `csv:"value_low"`
	ValueHigh       number   `csv:"value_high"`
}

// intervalCells are a channel's six interval ends.
type intervalCells struct{ shareLow, shareHigh, convLow, convHigh, valueLow, valueHigh number }

// hasIntervals reports whether every result carries bootstrap intervals.
func hasIntervals(results []*attribution.Result) bool {
	for _, r := range results {
		if r.Intervals == nil {
			return false
		}
	}
	return len(results) > 0
}

func intervalsOf(r *attribution.Result, i int) intervalCells {
	iv := r.Intervals
	return intervalCells{number(iv.Share[i].Low), number(iv.Share[i].High), number(iv.Conversions[i].Low),
		number(iv.Conversions[i].High), number(iv.Value[i].Low), number(iv.Value[i].High)}
}

// writeIntervalResultsCSV is WriteResultsCSV for bootstrapped results: the
// same columns, then share_low, share_high, conversions_low,
// conversions_high, value_low, value_high.
func writeIntervalResultsCSV(w io.Writer, results []*attribution.Result) error {
	rows := []intervalRow{}
	for _, r := range results {
		for i, ch := range r.Channels {
			c := intervalsOf(r, i)
			row := intervalRow{Model: textCell(r.Model), Channel: textCell(ch), Conversions: number(r.Conversions[i]),
				Value: number(r.Value[i]), Share: number(r.Share[i]),
				ShareLow: c.shareLow, ShareHigh: c.shareHigh, ConversionsLow: c.convLow, ConversionsHigh: c.convHigh,
				ValueLow: c.valueLow, ValueHigh: c.valueHigh}
			if r.RemovalEffect != nil {
				row.RemovalEffect = maybe{r.RemovalEffect[i], true}
			}
			rows = append(rows, row)
		}
	}
	return marshal(w, "results", rows)
}

// WritePeriodResultsCSV writes credit by period: the columns of
// WriteResultsCSV after a first column period (2025-03, 2025-W09), one row
// per period, model and channel; bootstrapped periods add the interval
// columns at the end.
func WritePeriodResultsCSV(w io.Writer, periods []attribution.PeriodResult) error {
	withIntervals := len(periods) > 0
	for _, p := range periods {
		withIntervals = withIntervals && hasIntervals(p.Results)
	}
	plain, boot := []periodRow{}, []periodIntervalRow{}
	for _, p := range periods {
		for _, r := range p.Results {
			for i, ch := range r.Channels {
				row := periodRow{Period: textCell(p.Period.Label), Model: textCell(r.Model), Channel: textCell(ch),
					Conversions: number(r.Conversions[i]), Value: number(r.Value[i]), Share: number(r.Share[i])}
				if r.RemovalEffect != nil {
					row.RemovalEffect = maybe{r.RemovalEffect[i], true}
				}
				if withIntervals {
					c := intervalsOf(r, i)
					boot = append(boot, periodIntervalRow{row.Period, row.Model, row.Channel, row.Conversions, row.Value,
						row.Share, row.RemovalEffect, c.shareLow, c.shareHigh, c.convLow, c.convHigh, c.valueLow, c.valueHigh})
				} else {
					plain = append(plain, row)
				}
			}
		}
	}
	if withIntervals {
		return marshal(w, "period results", boot)
	}
	return marshal(w, "period results", plain)
}
