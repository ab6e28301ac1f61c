package tracking

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/attrlab/attrlab/attribution"
)

// Keys of the params a bootstrapped or periodic run records.
const (
	KeyBootstrap      = "bootstrap"
	KeyBootstrapSeed  = "bootstrap_seed"
	KeyBootstrapLevel = "bootstrap_level"
	KeyBy             = "by"
	// KeyByTimezone is the zone the periods were cut in (KeyTimezone,
	// when set, is the zone times without one were read in).
	KeyByTimezone = "by_timezone"
)

// TrustParams are the params of a run made with bootstrap b (nil: none)
// and periods by (""; none) in timezone. The seed is text: a uint64 above
// 2^53 has no exact float64.
func TrustParams(b *attribution.BootstrapOptions, by, timezone string) []Param {
	var ps []Param
	if b != nil && b.Replicates > 0 {
		level := b.Level
		if level == 0 {
			level = attribution.DefaultLevel
		}
		ps = append(ps, NumberParam(KeyBootstrap, float64(b.Replicates)),
			TextParam(KeyBootstrapSeed, strconv.FormatUint(b.Seed, 10)),
			NumberParam(KeyBootstrapLevel, level))
	}
	if by != "" {
		ps = append(ps, TextParam(KeyBy, by), TextParam(KeyByTimezone, timezone))
	}
	return ps
}

// IntervalRow is one result row's bootstrap intervals.
type IntervalRow struct {
	Model, Channel                  string
	ShareLow, ShareHigh             float64
	ConversionsLow, ConversionsHigh float64
	ValueLow, ValueHigh             float64
}

// ShareReplicates holds one model's share of every channel in every
// bootstrap replicate: Shares[r*Channels+c].
type ShareReplicates struct {
	Model      string
	Replicates int
	Channels   int
	Level      float64
	Seed       uint64
	Shares     []float64
}

// Share returns channel c's share in replicate r.
func (s *ShareReplicates) Share(r, c int) float64 { return s.Shares[r*s.Channels+c] }

// PeriodRow is one result row of one period of a run made with --by.
type PeriodRow struct {
	// Index counts periods from 0 in time order; Period is the label
	// (2025-03, 2025-W09); [Start, End) bounds the period.
	Index      int
	Period     string
	Start, End time.Time
	ResultRow
	// ShareLow and ShareHigh are set when the period was bootstrapped.
	ShareLow, ShareHigh *float64
}

// PeriodShareKey returns the metric key under which a channel's share in
// each period is logged, with step = period index and time = period start.
func PeriodShareKey(model, channel string) string { return "period_share." + model + "." + channel }

// IsPeriodMetric reports whether key is a period share's metric, whose
// points are stamped with their period's start rather than a wall-clock
// time.
func IsPeriodMetric(key string) bool { return strings.HasPrefix(key, "period_share.") }

// addTrust adds a's intervals, bootstrap replicates and periods to d.
func addTrust(d *RunData, a Attribution) {
	for _, r := range a.Results {
		iv := r.Intervals
		if iv == nil {
			continue
		}
		for i, ch := range r.Channels {
			d.Intervals = append(d.Intervals, IntervalRow{Model: r.Model, Channel: ch,
				ShareLow: iv.Share[i].Low, ShareHigh: iv.Share[i].High,
				ConversionsLow: iv.Conversions[i].Low, ConversionsHigh: iv.Conversions[i].High,
				ValueLow: iv.Value[i].Low, ValueHigh: iv.Value[i].High})
		}
		if len(iv.ShareReplicates) == 0 {
			continue // intervals read back from a store keep no replicates
		}
		rep := ShareReplicates{Model: r.Model, Replicates: len(iv.ShareReplicates), Channels: len(r.Channels), Level: iv.Level, Seed: iv.Seed,
			Shares: make([]float64, 0, len(iv.ShareReplicates)*len(r.Channels))}
		for _, shares := range iv.ShareReplicates {
			rep.Shares = append(rep.Shares, shares...)
		}
		d.Replicates = append(d.Replicates, rep)
	}
	for p, pr := range a.Periods {
		for _, r := range pr.Results {
			for i, ch := range r.Channels {
				row := PeriodRow{Index: p, Period: pr.Period.Label, Start: pr.Period.Start, End: pr.Period.End,
					ResultRow: ResultRow{Model: r.Model, Channel: ch, Position: i, Conversions: r.Conversions[i], Value: r.Value[i], Share: r.Share[i]}}
				if r.RemovalEffect != nil {
					re := r.RemovalEffect[i]
					row.RemovalEffect = &re
				}
				if r.Intervals != nil {
					lo, hi := r.Intervals.Share[i].Low, r.Intervals.Share[i].High
					row.ShareLow, row.ShareHigh = &lo, &hi
				}
				d.Periods = append(d.Periods, row)
				d.Metrics = append(d.Metrics, Metric{Key: PeriodShareKey(r.Model, ch), Value: r.Share[i], Step: int64(p), Time: pr.Period.Start})
			}
		}
	}
}

// ResultsFromRows rebuilds per-model results from a run's stored rows
// (ordered by model, then channel position) and its bootstrap intervals
// (none for a run made without --bootstrap).
func ResultsFromRows(rows []ResultRow, intervals []IntervalRow) []*attribution.Result {
	var out []*attribution.Result
	var r *attribution.Result
	for _, row := range rows {
		if r == nil || r.Model != row.Model {
			r = &attribution.Result{Model: row.Model}
			out = append(out, r)
		}
		r.Channels = append(r.Channels, row.Channel)
		r.Conversions = append(r.Conversions, row.Conversions)
		r.Value = append(r.Value, row.Value)
		r.Share = append(r.Share, row.Share)
		r.TotalConversions += row.Conversions
		r.TotalValue += row.Value
		if row.RemovalEffect != nil {
			if r.RemovalEffect == nil {
				r.RemovalEffect = make([]float64, len(r.Channels)-1)
			}
			r.RemovalEffect = append(r.RemovalEffect, *row.RemovalEffect)
		}
	}
	AttachIntervals(out, intervals)
	return out
}

// AttachIntervals gives each result the bootstrap intervals of its model
// in rows (a result without any keeps Intervals nil).
func AttachIntervals(results []*attribution.Result, rows []IntervalRow) {
	for _, r := range results {
		var iv *attribution.Intervals
		for _, row := range rows {
			if row.Model != r.Model {
				continue
			}
			i := slices.Index(r.Channels, row.Channel)
			if i < 0 {
				continue
			}
			if iv == nil {
				n := len(r.Channels)
				iv = &attribution.Intervals{Share: make([]attribution.Interval, n), Conversions: make([]attribution.Interval, n), Value: make([]attribution.Interval, n)}
			}
			iv.Share[i] = attribution.Interval{Low: row.ShareLow, High: row.ShareHigh}
			iv.Conversions[i] = attribution.Interval{Low: row.ConversionsLow, High: row.ConversionsHigh}
			iv.Value[i] = attribution.Interval{Low: row.ValueLow, High: row.ValueHigh}
		}
		r.Intervals = iv
	}
}
