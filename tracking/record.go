package tracking

import (
	"strings"
	"time"

	"github.com/attrlab/attrlab/attribution"
)

// Attribution is one computation of the engine, as FromAttribution reads
// it.
type Attribution struct {
	Results []*attribution.Result
	// Options are the model options the results were computed with; zero
	// fields are recorded as their defaults.
	Options attribution.Options
	Summary attribution.Summary
	// Runtime is how long the models took.
	Runtime time.Duration
	// Time stamps the metric points.
	Time time.Time
	// Periods are the results per week or month of a run made with --by.
	Periods []attribution.PeriodResult
}

// Metric and param keys recorded by FromAttribution. Per-channel metrics
// are share.<model>.<channel> and removal_effect.<channel> (markov).
const (
	KeyModels           = "models"
	KeyOrder            = "order"
	KeyHalfLifeHours    = "half_life_hours"
	KeyDirect           = "direct"
	KeyFirstWeight      = "first_weight"
	KeyLastWeight       = "last_weight"
	KeyLayout           = "layout"
	KeyLookback         = "lookback"
	KeyTotalConversions = "total_conversions"
	KeyTotalValue       = "total_value"
	KeyUnattributed     = "unattributed_conversions"
	KeyJourneys         = "journeys"
	KeyChannels         = "channels"
	KeyPConv            = "p_conv"
	KeyMarkovStates     = "markov_states"
	KeyRuntimeMS        = "runtime_ms"
)

// ShareKey returns the metric key of a channel's share under a model.
func ShareKey(model, channel string) string { return "share." + model + "." + channel }

// FromAttribution turns an attribution into the params, metrics (all at
// step 0) and result rows a store records for a run.
func FromAttribution(a Attribution) RunData {
	o := a.Options
	models := make([]string, len(a.Results))
	for i, r := range a.Results {
		models[i] = r.Model
	}
	if o.Order == 0 {
		o.Order = attribution.DefaultOrder
	}
	if o.HalfLife == 0 {
		o.HalfLife = attribution.DefaultHalfLife
	}
	if o.Direct == nil {
		o.Direct = attribution.DefaultDirect()
	}
	if o.FirstWeight == 0 && o.LastWeight == 0 {
		o.FirstWeight, o.LastWeight = attribution.DefaultFirst, attribution.DefaultLast
	}
	d := RunData{Params: []Param{
		TextParam(KeyModels, strings.Join(models, ",")),
		NumberParam(KeyOrder, float64(o.Order)),
		NumberParam(KeyHalfLifeHours, o.HalfLife.Hours()),
		TextParam(KeyDirect, strings.Join(o.Direct, ",")),
		NumberParam(KeyFirstWeight, o.FirstWeight),
		NumberParam(KeyLastWeight, o.LastWeight),
	}}
	s := a.Summary
	if s.Layout != "" {
		d.Params = append(d.Params, TextParam(KeyLayout, string(s.Layout)))
	}
	if s.Lookback != "" {
		d.Params = append(d.Params, TextParam(KeyLookback, s.Lookback))
	}
	metric := func(key string, v float64) {
		d.Metrics = append(d.Metrics, Metric{Key: key, Value: v, Time: a.Time})
	}
	var total, value float64
	if len(a.Results) > 0 {
		total, value = a.Results[0].TotalConversions, a.Results[0].TotalValue
	}
	metric(KeyTotalConversions, total)
	metric(KeyTotalValue, value)
	metric(KeyUnattributed, s.UnattributedConversions)
	metric(KeyJourneys, float64(s.Journeys))
	metric(KeyChannels, float64(s.Channels))
	metric(KeyRuntimeMS, float64(a.Runtime.Microseconds())/1000)
	for _, r := range a.Results {
		for i, ch := range r.Channels {
			row := ResultRow{Model: r.Model, Channel: ch, Position: i,
				Conversions: r.Conversions[i], Value: r.Value[i], Share: r.Share[i]}
			if r.RemovalEffect != nil {
				re := r.RemovalEffect[i]
				row.RemovalEffect = &re
				metric("removal_effect."+ch, re)
			}
			d.Results = append(d.Results, row)
			metric(ShareKey(r.Model, ch), r.Share[i])
		}
		if m := r.Markov; m != nil {
			metric(KeyPConv, m.PConv)
			metric(KeyMarkovStates, float64(len(m.States)))
			// Encoding fails only on NaN or Inf, which a chain of finite
			// probabilities cannot hold; the run is then kept without it.
			if data, err := EncodeMarkovChain(m); err == nil {
				d.Artifacts = append(d.Artifacts, Artifact{Path: MarkovChainArtifact, MediaType: "application/gzip", Data: data, Created: a.Time})
			}
		}
	}
	addTrust(&d, a)
	return d
}
