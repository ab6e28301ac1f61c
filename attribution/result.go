package attribution

// Result is one model's attribution: per channel, the credited conversions,
// value and share. Slices are indexed like Channels, which lists every
// channel seen in the data in order of first appearance.
type Result struct {
	// Model is the model name, e.g. "linear" or "markov".
	Model string
	// Channels names the channels; every channel of the data is present.
	Channels []string
	// Conversions holds the attributed conversions per channel. They sum to
	// TotalConversions up to floating-point error.
	Conversions []float64
	// Value holds the attributed conversion value per channel. It sums to
	// TotalValue up to floating-point error.
	Value []float64
	// Share is Conversions[i] / TotalConversions (zero when there are none).
	Share []float64
	// RemovalEffect is the Markov removal effect per channel; nil for the
	// heuristic models.
	RemovalEffect []float64
	// TotalConversions and TotalValue are the attributed totals: every
	// conversion that has at least one touch.
	TotalConversions float64
	TotalValue       float64
	// Markov holds the chain behind a markov result; nil otherwise.
	Markov *MarkovDetail
	// Intervals holds bootstrap intervals when Bootstrap was asked for
	// them; nil otherwise.
	Intervals *Intervals
	// Warnings are facts the user should know about this result, such as a
	// Markov model run on data without non-converting paths.
	Warnings []string
}

// MarkovDetail describes the absorbing Markov chain behind a markov result.
type MarkovDetail struct {
	// Order is the chain order k (states are k-grams of channels).
	Order int
	// PConv is the probability of reaching (conversion) from (start).
	PConv float64
	// States names the chain's states. States[0] is "(start)", the last two
	// are "(conversion)" and "(null)"; the others are k-grams joined by " > ".
	States []string
	// Transitions lists the non-zero transition probabilities.
	Transitions []Transition
	// ValueRemovalEffect is the removal effect on conversion value per
	// channel, used to share out value.
	ValueRemovalEffect []float64
}

// Transition is one edge of a Markov chain: the probability of moving from
// state From to state To (indices into MarkovDetail.States).
type Transition struct {
	From, To int
	P        float64
}

// Credit returns the row for channel name, and false if the channel is
// not in the result.
func (r *Result) Credit(channel string) (conversions, value, share float64, ok bool) {
	for i, c := range r.Channels {
		if c == channel {
			return r.Conversions[i], r.Value[i], r.Share[i], true
		}
	}
	return 0, 0, 0, false
}
