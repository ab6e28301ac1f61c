package tracking

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"

	"github.com/attrlab/attrlab/attribution"
)

// MarkovChainArtifact is where a run keeps the Markov chain behind its
// markov result (states, transition probabilities, P(conv)), so that the
// transition heat-map can be drawn from the run alone.
const MarkovChainArtifact = "markov/chain.json.gz"

// markovChainJSON is the stored form; transitions are [from, to, p].
type markovChainJSON struct {
	Order              int          `json:"order"`
	PConv              float64      `json:"p_conv"`
	States             []string     `json:"states"`
	Transitions        [][3]float64 `json:"transitions"`
	ValueRemovalEffect []float64    `json:"value_removal_effect,omitempty"`
}

// EncodeMarkovChain writes a chain as gzip-compressed JSON, at gzip's
// fastest level: a chain over 10,000 channels has hundreds of thousands of
// transitions, and the default level took a second to log them.
func EncodeMarkovChain(m *attribution.MarkovDetail) ([]byte, error) {
	j := markovChainJSON{Order: m.Order, PConv: m.PConv, States: m.States, ValueRemovalEffect: m.ValueRemovalEffect}
	j.Transitions = make([][3]float64, len(m.Transitions))
	for i, t := range m.Transitions {
		j.Transitions[i] = [3]float64{float64(t.From), float64(t.To), t.P}
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err != nil {
		return nil, fmt.Errorf("encode markov chain: %w", err)
	}
	if err := json.NewEncoder(zw).Encode(j); err != nil {
		return nil, fmt.Errorf("encode markov chain: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("encode markov chain: %w", err)
	}
	return buf.Bytes(), nil
}

// DecodeMarkovChain reads what EncodeMarkovChain wrote, checking that every
// transition names a state.
func DecodeMarkovChain(data []byte) (*attribution.MarkovDetail, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("read markov chain: %w", err)
	}
	raw, err := io.ReadAll(io.LimitReader(zr, 1<<30))
	if err != nil {
		return nil, fmt.Errorf("read markov chain: %w", err)
	}
	var j markovChainJSON
	if err := json.Unmarshal(raw, &j); err != nil {
		return nil, fmt.Errorf("read markov chain: %w", err)
	}
	m := &attribution.MarkovDetail{Order: j.Order, PConv: j.PConv, States: j.States, ValueRemovalEffect: j.ValueRemovalEffect}
	for _, t := range j.Transitions {
		from, to := int(t[0]), int(t[1])
		if from < 0 || to < 0 || from >= len(j.States) || to >= len(j.States) || float64(from) != t[0] || float64(to) != t[1] {
			return nil, fmt.Errorf("read markov chain: transition %v names no state (%d states)", t, len(j.States))
		}
		m.Transitions = append(m.Transitions, attribution.Transition{From: from, To: to, P: t[2]})
	}
	return m, nil
}
