package tracking

import "github.com/attrlab/attrlab/attribution"

// ResultsFromRows rebuilds per-model results from a run's stored rows
// (ordered by model, then channel position, as a store returns them).
// Totals are the sums of the rows; the Markov chain is not in the rows
// (it is the MarkovChainArtifact).
func ResultsFromRows(rows []ResultRow) []*attribution.Result {
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
	return out
}
