package report

import (
	"errors"
	"fmt"
	"image/color"

	"github.com/attrlab/attrlab/attribution"
)

// AttributionChart draws each channel's share of the attributed
// conversions under every model in results: one group of bars per channel
// (in the first result's order), one colour per model, with a legend and
// the share written on each bar when there is room.
func AttributionChart(results []*attribution.Result) (*Chart, error) {
	if len(results) == 0 {
		return nil, errors.New("attribution chart: no model results to draw")
	}
	channels := results[0].Channels
	if len(channels) == 0 {
		return nil, errors.New("attribution chart: the results have no channels")
	}
	s := barSpec{
		kind:      KindAttribution,
		title:     "Attribution by channel",
		subtitle:  fmt.Sprintf("Share of %s attributed conversions, by model", compact(results[0].TotalConversions)),
		valueAxis: "Share of conversions",
		groups:    channels,
		label:     percent,
		tick:      percentTick,
		summable:  true,
	}
	for _, r := range results {
		se := barSeries{name: r.Model, values: make([]float64, len(channels)), color: ModelColor(r.Model)}
		for i, ch := range channels {
			_, _, share, _ := r.Credit(ch)
			se.values[i] = share
		}
		se.low, se.high = shareIntervals(r, channels)
		s.series = append(s.series, se)
	}
	if len(results) == 1 {
		s.subtitle = fmt.Sprintf("Share of %s attributed conversions, %s model", compact(results[0].TotalConversions), results[0].Model)
	}
	return barChart(s), nil
}

// BudgetChart draws each channel's current spend against its proposed
// budget.
func BudgetChart(b *attribution.Budget) (*Chart, error) {
	if len(b.Lines) == 0 {
		return nil, errors.New("budget chart: the budget has no channels")
	}
	s := barSpec{
		kind:      KindBudget,
		title:     "Budget: current against proposed",
		subtitle:  fmt.Sprintf("Proposed in proportion to %s credit; total %s", b.Model, compact(b.Total)),
		valueAxis: "Spend",
		label:     compact,
		tick:      compact,
		summable:  true,
		series: []barSeries{
			{name: "current", color: spendGray},
			{name: "proposed", color: ModelColor(b.Model)},
		},
	}
	if b.Total != b.CurrentTotal {
		s.subtitle = fmt.Sprintf("Proposed in proportion to %s credit; total %s (now %s)", b.Model, compact(b.Total), compact(b.CurrentTotal))
	}
	for _, l := range b.Lines {
		s.groups = append(s.groups, l.Channel)
		s.series[0].values = append(s.series[0].values, l.Spend)
		s.series[1].values = append(s.series[1].values, l.Proposed)
	}
	return barChart(s), nil
}

// RemovalChart draws the Markov removal effect of each channel: the share
// of conversions that would be lost without it.
func RemovalChart(r *attribution.Result) (*Chart, error) {
	if r.RemovalEffect == nil {
		return nil, fmt.Errorf("removal chart: removal effects come from the markov model, and this is a %s result", r.Model)
	}
	s := barSpec{
		kind:      KindRemoval,
		title:     "Removal effect by channel",
		subtitle:  "Share of conversions lost if the channel were removed",
		valueAxis: "Removal effect",
		groups:    r.Channels,
		series:    []barSeries{{name: r.Model, values: r.RemovalEffect, color: ModelColor(r.Model)}},
		label:     percent,
		tick:      percentTick,
	}
	if m := r.Markov; m != nil {
		s.subtitle = fmt.Sprintf("Share of conversions lost if the channel were removed (Markov order %d, P(conv) = %.3g)", m.Order, m.PConv)
	}
	return barChart(s), nil
}

// Comparison is the channel credit of several runs, in plain values so
// that callers need not share a run type: Share[i][j] is the share of
// conversions run Runs[i] gives channel Channels[j].
type Comparison struct {
	Runs     []string
	Channels []string
	Share    [][]float64
	// Model optionally names the model whose credit is compared.
	Model string
	// Low and High optionally give run i's share intervals (nil rows for
	// runs without them), drawn as error bars.
	Low, High [][]float64
}

// check reports a Comparison whose shape does not match its labels.
func (c Comparison) check() error {
	if len(c.Runs) == 0 || len(c.Channels) == 0 {
		return errors.New("comparison: no runs or no channels")
	}
	if len(c.Share) != len(c.Runs) {
		return fmt.Errorf("comparison: %d runs but %d rows of shares", len(c.Runs), len(c.Share))
	}
	for i, row := range c.Share {
		if len(row) != len(c.Channels) {
			return fmt.Errorf("comparison: run %q has %d shares for %d channels", c.Runs[i], len(row), len(c.Channels))
		}
	}
	return nil
}

// CompareChart draws each channel's share of conversions in every run of
// c: one group per channel, one colour per run.
func CompareChart(c Comparison) (*Chart, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	s := barSpec{
		kind:      KindCompare,
		title:     "Channel credit across runs",
		subtitle:  fmt.Sprintf("Share of attributed conversions in each of %d runs", len(c.Runs)),
		valueAxis: "Share of conversions",
		groups:    c.Channels,
		label:     percent,
		tick:      percentTick,
		summable:  true,
	}
	if c.Model != "" {
		s.subtitle = fmt.Sprintf("Share of attributed conversions in each of %d runs, %s model", len(c.Runs), c.Model)
	}
	for i, run := range c.Runs {
		se := barSeries{name: run, values: c.Share[i], color: runColor(c.Model, i, len(c.Runs))}
		if i < len(c.Low) && c.Low[i] != nil && c.High[i] != nil {
			se.low, se.high = c.Low[i], c.High[i]
		}
		s.series = append(s.series, se)
	}
	return barChart(s), nil
}

// runColor is the colour of run i of n in a comparison of model's credit:
// shades of the model's colour (ModelColor), the first run in the colour
// itself, so that a model looks the same here as in its other charts.
// Without a model, runs take the series colours in turn.
func runColor(model string, i, n int) color.Color {
	if model == "" {
		return seriesColor(i)
	}
	c := ModelColor(model)
	if i == 0 || n < 2 {
		return c
	}
	// Alternate lighter and darker shades, further from the colour the
	// more runs there are, within a range that keeps bars visible.
	step := 0.7 / float64((n)/2+1)
	k := float64((i + 1) / 2)
	if i%2 == 1 {
		return tint(c, step*k)
	}
	return tint(c, -min(0.6, step*k))
}
