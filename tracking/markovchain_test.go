package tracking

import (
	"reflect"
	"testing"

	"github.com/attrlab/attrlab/attribution"
)

func TestMarkovChainRoundTrip(t *testing.T) {
	m := &attribution.MarkovDetail{Order: 2, PConv: 1.0 / 3, States: []string{"(start)", "A > B", "(conversion)", "(null)"},
		Transitions:        []attribution.Transition{{From: 0, To: 1, P: 1}, {From: 1, To: 2, P: 1.0 / 3}, {From: 1, To: 3, P: 2.0 / 3}},
		ValueRemovalEffect: []float64{1, 0.25}}
	data, err := EncodeMarkovChain(m)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeMarkovChain(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, m) {
		t.Errorf("round trip changed the chain:\n got %+v\nwant %+v", got, m)
	}
	bad := &attribution.MarkovDetail{States: []string{"(start)"}, Transitions: []attribution.Transition{{From: 0, To: 5, P: 1}}}
	data, _ = EncodeMarkovChain(bad)
	if _, err := DecodeMarkovChain(data); err == nil {
		t.Error("a transition to a state that does not exist was accepted")
	}
	if _, err := DecodeMarkovChain([]byte("not gzip")); err == nil {
		t.Error("garbage was accepted")
	}
}
