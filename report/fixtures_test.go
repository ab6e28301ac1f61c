package report

import (
	"fmt"

	"github.com/attrlab/attrlab/attribution"
)

// Fixtures: small hand-made results, so the golden images depend on the
// drawing code only, not on the models.

var fixtureChannels = []string{"email", "paid_search", "organic_social", "display", "direct", "Affiliate Partner Network — Europe (spring)"}

// fixtureResults are three models' credit for 100 conversions.
func fixtureResults() []*attribution.Result {
	mk := func(model string, conv []float64) *attribution.Result {
		r := &attribution.Result{Model: model, Channels: fixtureChannels, Conversions: conv,
			Value: make([]float64, len(conv)), Share: make([]float64, len(conv)), TotalConversions: 100, TotalValue: 5000}
		for i, c := range conv {
			r.Share[i] = c / 100
			r.Value[i] = c * 50
		}
		return r
	}
	m := mk(attribution.Markov, []float64{22, 30, 12, 8, 20, 8})
	m.RemovalEffect = []float64{0.41, 0.55, 0.22, 0.15, 0.37, 0.15}
	m.Markov = &attribution.MarkovDetail{Order: 1, PConv: 0.0734}
	return []*attribution.Result{
		mk(attribution.FirstTouch, []float64{30, 25, 15, 5, 20, 5}),
		mk(attribution.LastTouch, []float64{15, 35, 10, 10, 25, 5}),
		mk(attribution.Linear, []float64{22.5, 29.5, 12.5, 8, 20.5, 7}),
		m,
	}
}

// fixtureMarkov returns a markov result whose chain has the given number
// of channel states, with a deterministic pattern of transitions.
func fixtureMarkov(states int) *attribution.Result {
	chans := make([]string, states)
	for i := range chans {
		chans[i] = fmt.Sprintf("channel_%02d", i+1)
		if i < len(fixtureChannels) {
			chans[i] = fixtureChannels[i]
		}
	}
	r := &attribution.Result{Model: attribution.Markov, Channels: chans,
		Conversions: make([]float64, states), Value: make([]float64, states), Share: make([]float64, states),
		RemovalEffect: make([]float64, states)}
	d := &attribution.MarkovDetail{Order: 1, PConv: 0.1}
	d.States = append(append([]string{"(start)"}, chans...), "(conversion)", "(null)")
	conv, null := states+1, states+2
	// (start) → channel i with weight states-i; channel i → i+1, i+2, conv, null.
	var sum float64
	for i := 1; i <= states; i++ {
		sum += float64(states - i + 1)
	}
	for i := 1; i <= states; i++ {
		d.Transitions = append(d.Transitions, attribution.Transition{From: 0, To: i, P: float64(states-i+1) / sum})
	}
	for i := 1; i <= states; i++ {
		next := []int{i%states + 1, (i+1)%states + 1}
		ps := []float64{0.35, 0.2}
		for k, to := range next {
			if to != i {
				d.Transitions = append(d.Transitions, attribution.Transition{From: i, To: to, P: ps[k]})
			}
		}
		d.Transitions = append(d.Transitions, attribution.Transition{From: i, To: conv, P: 0.05 + 0.01*float64(i%5)})
		d.Transitions = append(d.Transitions, attribution.Transition{From: i, To: null, P: 0.4 - 0.01*float64(i%5)})
	}
	r.Markov = d
	return r
}

func fixtureBudget() *attribution.Budget {
	res := fixtureResults()[3]
	spend := []attribution.ChannelSpend{{Channel: "email", Spend: 1200}, {Channel: "paid_search", Spend: 5400}, {Channel: "organic_social", Spend: 800}, {Channel: "display", Spend: 3100}, {Channel: "Affiliate Partner Network — Europe (spring)", Spend: 900}, {Channel: "tv", Spend: 2500}}
	b, err := attribution.Allocate(spend, res, attribution.BudgetOptions{Min: map[string]float64{"display": 1000}})
	if err != nil {
		panic(err)
	}
	return b
}

func fixtureComparison() Comparison {
	return Comparison{
		Runs:     []string{"q1-linear", "q2-linear", "q2-markov-o2"},
		Channels: fixtureChannels,
		Share: [][]float64{
			{0.225, 0.295, 0.125, 0.08, 0.205, 0.07},
			{0.20, 0.33, 0.14, 0.06, 0.19, 0.08},
			{0.18, 0.36, 0.16, 0.05, 0.17, 0.08},
		},
	}
}

// manyChannels builds results over n channels with long-ish names.
func manyChannels(n int) []*attribution.Result {
	chans := make([]string, n)
	for i := range chans {
		chans[i] = fmt.Sprintf("campaign_%02d_%s", i+1, []string{"search_brand", "social_video", "display_retargeting", "email_newsletter"}[i%4])
	}
	var out []*attribution.Result
	for j, model := range []string{attribution.FirstTouch, attribution.LastTouch, attribution.Linear} {
		r := &attribution.Result{Model: model, Channels: chans, Conversions: make([]float64, n), Value: make([]float64, n), Share: make([]float64, n), TotalConversions: 1000}
		var sum float64
		for i := range chans {
			r.Conversions[i] = float64((i*7+j*13)%23 + 1)
			sum += r.Conversions[i]
		}
		for i := range chans {
			r.Conversions[i] *= 1000 / sum
			r.Share[i] = r.Conversions[i] / 1000
		}
		out = append(out, r)
	}
	return out
}
