package attribution

import (
	"fmt"
	"testing"
)

// TestEuropeanYesNoFlags imports CRM exports whose conversion flag is in
// German, Dutch, French, Spanish, Italian or Portuguese: each journey
// that says yes converts, each that says no does not, whatever the case.
func TestEuropeanYesNoFlags(t *testing.T) {
	for _, words := range [][2]string{{"ja", "nein"}, {"JA", "Nee"}, {"Wahr", "falsch"}, {"oui", "NON"}, {"vrai", "faux"},
		{"Sí", "no"}, {"si", "No"}, {"verdadero", "falso"}, {"vero", "falso"}, {"sim", "não"}, {"SIM", "NÃO"}} {
		csv := fmt.Sprintf("user_id;event_time;channel;converted\n"+
			"u1;2024-03-01 10:00;email;%[2]s\nu1;2024-03-02 10:00;search;%[1]s\n"+
			"u2;2024-03-01 11:00;social;%[2]s\nu3;2024-03-03 09:00;email;%[1]s\n", words[0], words[1])
		ds := importBytes(t, words[0]+".csv", []byte(csv), ImportOptions{})
		conv, _, nulls := ds.Paths.Totals()
		if conv != 2 || nulls != 1 {
			t.Errorf("%s/%s: %v conversions and %v journeys without, want 2 and 1", words[0], words[1], conv, nulls)
		}
	}
	if got := parseFlag([]byte("maybe")); got != -1 {
		t.Errorf("parseFlag(maybe) = %d, want -1 (not a flag)", got)
	}
}
