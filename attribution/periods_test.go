package attribution

import (
	"bytes"
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/attrlab/attrlab/synth"
)

func periodRun(t *testing.T, csv string, opts ImportOptions, models Options) ([]Period, []PeriodResult) {
	t.Helper()
	ds := importBytes(t, "touches.csv", []byte(csv), opts)
	prs, err := RunPeriods(context.Background(), ds.Periods, models)
	if err != nil {
		t.Fatal(err)
	}
	return ds.Periods, prs
}

func periodCredit(t *testing.T, r *Result, channel string) (conv, value float64) {
	t.Helper()
	c, v, _, ok := r.Credit(channel)
	if !ok {
		t.Fatalf("%s: no channel %s", r.Model, channel)
	}
	return c, v
}

func labels(ps []Period) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Label)
	}
	return strings.Join(out, " ")
}

// A conversion a few minutes after midnight on 1 February belongs to
// February in UTC and to January in New York; the touch before midnight
// does not move it.
func TestPeriodsConversionAtMonthBoundary(t *testing.T) {
	const data = `journey_id,timestamp,channel,conversion,value
a,2025-01-31T23:30:00Z,search,0,
a,2025-02-01T00:10:00Z,email,1,100
b,2025-01-31T23:59:59Z,social,1,50
`
	periods, prs := periodRun(t, data, ImportOptions{By: ByMonth}, Options{Models: []string{Linear, LastTouch}})
	if got := labels(periods); got != "2025-01 2025-02" {
		t.Fatalf("periods %q, want 2025-01 2025-02", got)
	}
	jan, feb := prs[0].Results[1], prs[1].Results[1] // last-touch, linear
	// January: b's conversion, path social: 1 conversion worth 50.
	if c, v := periodCredit(t, jan, "social"); c != 1 || v != 50 {
		t.Errorf("January social = %v / %v, want 1 / 50", c, v)
	}
	if c, _ := periodCredit(t, jan, "search"); c != 0 {
		t.Errorf("January search = %v, want 0: a's conversion is in February", c)
	}
	// February: a's conversion, path search > email, linear halves.
	for _, ch := range []string{"search", "email"} {
		if c, v := periodCredit(t, feb, ch); c != 0.5 || v != 50 {
			t.Errorf("February %s = %v / %v, want 0.5 / 50", ch, c, v)
		}
	}
	if c, v := periodCredit(t, prs[1].Results[0], "email"); c != 1 || v != 100 {
		t.Errorf("February last-touch email = %v / %v, want 1 / 100", c, v)
	}
	if len(feb.Channels) != 3 || len(jan.Channels) != 3 {
		t.Errorf("every channel appears in every period: %v, %v", jan.Channels, feb.Channels)
	}

	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	periods, prs = periodRun(t, data, ImportOptions{By: ByMonth, Location: ny}, Options{Models: []string{Linear}})
	if got := labels(periods); got != "2025-01" {
		t.Fatalf("periods in New York %q, want 2025-01 (00:10 UTC is 19:10 the day before)", got)
	}
	if !periods[0].Start.Equal(time.Date(2025, 1, 1, 5, 0, 0, 0, time.UTC)) {
		t.Errorf("January in New York starts %v, want 05:00 UTC", periods[0].Start.UTC())
	}
	if c, _ := periodCredit(t, prs[0].Results[0], "email"); c != 0.5 {
		t.Errorf("New York January email = %v, want 0.5", c)
	}
}

// A journey that spans two months: its first conversion closes a path with
// a January touch in February; its non-converting tail belongs to the
// month of its last touch.
func TestPeriodsJourneySpanningTwoMonths(t *testing.T) {
	const data = `journey_id,timestamp,channel,conversion,value
c,2025-01-20 10:00:00,search,0,
c,2025-01-28 10:00:00,social,0,
c,2025-02-03 10:00:00,email,1,30
c,2025-02-25 10:00:00,display,0,
c,2025-03-02 10:00:00,search,0,
`
	periods, prs := periodRun(t, data, ImportOptions{By: ByMonth}, Options{Models: []string{FirstTouch, Linear, Markov}})
	if got := labels(periods); got != "2025-02 2025-03" {
		t.Fatalf("periods %q, want 2025-02 2025-03 (January holds neither a conversion nor a last touch)", got)
	}
	feb, mar := prs[0], prs[1]
	// February: search > social > email, 1 conversion worth 30.
	if c, v := periodCredit(t, feb.Results[0], "search"); c != 1 || v != 30 {
		t.Errorf("February first-touch search = %v / %v, want 1 / 30", c, v)
	}
	for _, ch := range []string{"search", "social", "email"} {
		if c, v := periodCredit(t, feb.Results[1], ch); math.Abs(c-1.0/3) > 1e-15 || math.Abs(v-10) > 1e-12 {
			t.Errorf("February linear %s = %v / %v, want 1/3 / 10", ch, c, v)
		}
	}
	if _, _, nulls := feb.Period.Paths.Totals(); nulls != 0 {
		t.Errorf("February has %v non-converting journeys, want 0", nulls)
	}
	// March: the tail display > search, last touched 2 March, did not convert.
	conv, _, nulls := mar.Period.Paths.Totals()
	if conv != 0 || nulls != 1 {
		t.Errorf("March: %v conversions, %v non-converting, want 0 and 1", conv, nulls)
	}
	if got := mar.Results[2].TotalConversions; got != 0 {
		t.Errorf("March markov total %v, want 0", got)
	}
	// February's Markov chain has no null: every removal effect is 1 and the
	// three channels share the conversion equally.
	for _, ch := range []string{"search", "social", "email"} {
		if c, _ := periodCredit(t, feb.Results[2], ch); math.Abs(c-1.0/3) > 1e-12 {
			t.Errorf("February markov %s = %v, want 1/3", ch, c)
		}
	}
}

// An empty month between two busy ones is reported, with zero credit for
// every channel; ISO weeks cross the year as ISO 8601 says.
func TestPeriodsEmptyPeriodAndISOWeeks(t *testing.T) {
	const data = `journey_id,timestamp,channel,conversion,value
a,2025-01-10 09:00:00,search,1,10
b,2025-03-05 09:00:00,email,1,20
`
	periods, prs := periodRun(t, data, ImportOptions{By: ByMonth}, Options{})
	if got := labels(periods); got != "2025-01 2025-02 2025-03" {
		t.Fatalf("periods %q, want 2025-01 2025-02 2025-03", got)
	}
	for _, r := range prs[1].Results {
		if r.TotalConversions != 0 || len(r.Channels) != 2 {
			t.Errorf("February %s: total %v over %v, want 0 over both channels", r.Model, r.TotalConversions, r.Channels)
		}
		for i, c := range r.Conversions {
			if c != 0 || r.Value[i] != 0 || r.Share[i] != 0 {
				t.Errorf("February %s %s = %v, want 0", r.Model, r.Channels[i], c)
			}
		}
	}
	if len(prs[1].Results) != len(prs[0].Results) {
		t.Errorf("February ran %d models, January %d: every period reports the same models", len(prs[1].Results), len(prs[0].Results))
	}

	const weeks = `journey_id,timestamp,channel,conversion,value
a,2024-12-30 08:00:00,search,1,1
b,2025-01-05 23:00:00,email,1,1
c,2025-01-06 00:00:00,email,1,1
`
	periods, prs = periodRun(t, weeks, ImportOptions{By: ByWeek}, Options{Models: []string{LastTouch}})
	if got := labels(periods); got != "2025-W01 2025-W02" {
		t.Fatalf("weeks %q, want 2025-W01 2025-W02 (Monday 30 December 2024 opens ISO week 1 of 2025)", got)
	}
	if got := prs[0].Results[0].TotalConversions; got != 2 {
		t.Errorf("2025-W01 holds %v conversions, want 2", got)
	}
	if !periods[0].Start.Equal(time.Date(2024, 12, 30, 0, 0, 0, 0, time.UTC)) || !periods[0].End.Equal(time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("2025-W01 = [%v, %v)", periods[0].Start, periods[0].End)
	}
}

// The periods' heuristic credits add up to the whole data set's, channel
// by channel, for every heuristic model, by week and by month.
func TestPeriodsHeuristicCreditsAddUp(t *testing.T) {
	var buf bytes.Buffer
	if err := synth.WriteTouches(&buf, synth.Options{Channels: 6, Seed: 12, Journeys: 4000}); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []PeriodKind{ByWeek, ByMonth} {
		ds := importBytes(t, "touches.csv", buf.Bytes(), ImportOptions{By: kind})
		if len(ds.Periods) < 2 {
			t.Fatalf("%s: %d periods, want several", kind, len(ds.Periods))
		}
		whole := runModels(t, ds.Paths, Options{})
		prs, err := RunPeriods(context.Background(), ds.Periods, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for m, w := range whole {
			if w.Model == Markov {
				continue // removal effects are not additive
			}
			for c, ch := range w.Channels {
				var conv, value float64
				for _, pr := range prs {
					conv += pr.Results[m].Conversions[c]
					value += pr.Results[m].Value[c]
				}
				if math.Abs(conv-w.Conversions[c]) > 1e-9*w.TotalConversions || math.Abs(value-w.Value[c]) > 1e-9*w.TotalValue {
					t.Errorf("%s %s %s: periods sum to %v / %v, whole %v / %v", kind, w.Model, ch, conv, value, w.Conversions[c], w.Value[c])
				}
			}
		}
		var unatt float64
		for _, p := range ds.Periods {
			unatt += p.Paths.UnattributedConversions
		}
		if unatt != ds.Paths.UnattributedConversions {
			t.Errorf("%s: unattributed %v over periods, %v whole", kind, unatt, ds.Paths.UnattributedConversions)
		}
	}
}

func TestPeriodsNeedATouchLog(t *testing.T) {
	_, err := Import(context.Background(), strings.NewReader("path,conversions\na>b,3\n"), ImportOptions{By: ByMonth})
	if !errors.Is(err, ErrPeriodsNeedTimes) && (err == nil || !strings.Contains(err.Error(), "needs timestamps")) {
		t.Errorf("a path table by month: %v, want an error saying it needs timestamps", err)
	}
	if _, err := Import(context.Background(), strings.NewReader("journey_id,timestamp,channel,conversion\na,2025-01-01,x,1\n"), ImportOptions{By: "fortnight"}); err == nil {
		t.Error("--by fortnight accepted")
	}
}
