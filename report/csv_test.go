package report

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"

	"github.com/attrlab/attrlab/attribution"
)

func TestEscapeCell(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "email", "email"},
		{"empty", "", ""},
		{"formula", "=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"},
		{"plus", "+1", "'+1"},
		{"minus", "-2+3", "'-2+3"},
		{"at", "@SUM(A1)", "'@SUM(A1)"},
		{"tab", "\t=1", "'\t=1"},
		{"carriage return", "\r=1", "'\r=1"},
		{"inside is fine", "a=b", "a=b"},
		{"quote already", "'=1", "'=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EscapeCell(tt.in); got != tt.want {
				t.Errorf("EscapeCell(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// hostile are channel, model and run names a spreadsheet would run.
var hostile = []string{`=HYPERLINK("http://evil","click")`, "+cmd|' /C calc'!A0", "-1+1", "@SUM(1+1)", "\t=1"}

// readCSV parses out and returns its records, failing on bad CSV.
func readCSV(t *testing.T, out []byte) [][]string {
	t.Helper()
	if bytes.HasPrefix(out, []byte{0xEF, 0xBB, 0xBF}) {
		t.Errorf("CSV starts with a byte order mark")
	}
	recs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("exported CSV does not parse: %v\n%s", err, out)
	}
	return recs
}

// assertNoFormula fails if any cell of recs begins like a formula, unless
// it is a number (a negative change is data, not a formula).
func assertNoFormula(t *testing.T, recs [][]string) {
	t.Helper()
	for i, rec := range recs {
		for j, cell := range rec {
			if cell == "" || !strings.ContainsRune(formulaStarts, rune(cell[0])) {
				continue
			}
			if isNumber(cell) {
				continue
			}
			t.Errorf("row %d, column %d: cell %q would run as a formula", i+1, j+1, cell)
		}
	}
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil && s[0] == '-'
}

func TestFormulaInjection(t *testing.T) {
	// Results: every hostile name as a channel and as the model name.
	r := &attribution.Result{Model: hostile[0], Channels: hostile, Conversions: make([]float64, len(hostile)),
		Value: make([]float64, len(hostile)), Share: make([]float64, len(hostile)), RemovalEffect: make([]float64, len(hostile))}
	for i := range hostile {
		r.Conversions[i], r.Value[i], r.Share[i] = float64(i+1), float64(10*(i+1)), float64(i+1)/15
	}
	var buf bytes.Buffer
	if err := WriteResultsCSV(&buf, []*attribution.Result{r}); err != nil {
		t.Fatal(err)
	}
	recs := readCSV(t, buf.Bytes())
	if got := strings.Join(recs[0], ","); got != "model,channel,conversions,value,share,removal_effect" {
		t.Errorf("results header %q", got)
	}
	if len(recs) != 1+len(hostile) {
		t.Fatalf("%d rows, want %d", len(recs), 1+len(hostile))
	}
	for i, name := range hostile {
		if recs[i+1][1] != "'"+name {
			t.Errorf("channel cell %q, want %q", recs[i+1][1], "'"+name)
		}
		if recs[i+1][0] != "'"+hostile[0] {
			t.Errorf("model cell %q not escaped", recs[i+1][0])
		}
	}
	assertNoFormula(t, recs)

	// Budget: hostile channels, negative changes stay numbers.
	var spend []attribution.ChannelSpend
	for i, name := range hostile {
		spend = append(spend, attribution.ChannelSpend{Channel: name, Spend: float64(100 * (len(hostile) - i))})
	}
	b, err := attribution.Allocate(spend, r, attribution.BudgetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if err := WriteBudgetCSV(&buf, b); err != nil {
		t.Fatal(err)
	}
	recs = readCSV(t, buf.Bytes())
	if got := strings.Join(recs[0], ","); got != "model,channel,spend,spend_share,conversions,value,credit_share,cpa,roas,proposed,change,min,max,flags" {
		t.Errorf("budget header %q", got)
	}
	assertNoFormula(t, recs)
	if recs[1][1] != "'"+hostile[0] {
		t.Errorf("budget channel cell %q not escaped", recs[1][1])
	}
	if !strings.HasPrefix(recs[1][10], "-") {
		t.Errorf("change of the first channel is %q, want a negative number (500 now, 1/15 of 1500 proposed)", recs[1][10])
	}

	// Comparison: hostile run labels and channels.
	c := Comparison{Runs: hostile[:2], Channels: hostile[2:], Share: [][]float64{{0.1, 0.2, 0.7}, {0.3, 0.3, 0.4}}}
	buf.Reset()
	if err := WriteComparisonCSV(&buf, c); err != nil {
		t.Fatal(err)
	}
	recs = readCSV(t, buf.Bytes())
	if got := strings.Join(recs[0], ","); got != "run,channel,share" {
		t.Errorf("comparison header %q", got)
	}
	if len(recs) != 7 {
		t.Errorf("%d comparison rows, want 7", len(recs))
	}
	assertNoFormula(t, recs)
}

func TestBudgetCSVValues(t *testing.T) {
	// a: 1 of 1 conversions, no spend; d: spend 10, no credit. Total 10
	// all goes to a. CPA of a = 0/1 = 0, ROAS undefined; CPA of d
	// undefined, ROAS 0/10 = 0.
	r := &attribution.Result{Model: "linear", Channels: []string{"a", "d"}, Conversions: []float64{1, 0},
		Value: []float64{5, 0}, Share: []float64{1, 0}, TotalConversions: 1, TotalValue: 5}
	b, err := attribution.Allocate([]attribution.ChannelSpend{{Channel: "d", Spend: 10}}, r,
		attribution.BudgetOptions{Max: map[string]float64{"a": 20}})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteBudgetCSV(&buf, b); err != nil {
		t.Fatal(err)
	}
	want := "model,channel,spend,spend_share,conversions,value,credit_share,cpa,roas,proposed,change,min,max,flags\n" +
		"linear,a,0,0,1,5,1,0,,10,10,0,20,no-spend\n" +
		"linear,d,10,1,0,0,0,,0,0,-10,0,,no-credit\n"
	if got := buf.String(); got != want {
		t.Errorf("budget CSV:\n%s\nwant:\n%s", got, want)
	}
}

func TestResultsCSVMatchesAttributeOutput(t *testing.T) {
	res := fixtureResults()
	var buf bytes.Buffer
	if err := WriteResultsCSV(&buf, res[2:]); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	want := []string{
		"model,channel,conversions,value,share,removal_effect",
		"linear,email,22.5,1125,0.225,",
		"linear,paid_search,29.5,1475,0.295,",
	}
	for i, w := range want {
		if lines[i] != w {
			t.Errorf("line %d = %q, want %q", i+1, lines[i], w)
		}
	}
	if got := lines[len(lines)-1]; got != `markov,Affiliate Partner Network — Europe (spring),8,400,0.08,0.15` {
		t.Errorf("last line %q", got)
	}
}
