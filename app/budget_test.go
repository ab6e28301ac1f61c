package app

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/attrlab/attrlab/attribution"
)

// budgetCol is the index of a column of the proposal table.
func budgetCol(t *testing.T, name string) int {
	t.Helper()
	for i, c := range budgetColumns {
		if c == name {
			return i
		}
	}
	t.Fatalf("no budget column %q", name)
	return -1
}

// openBudget shows the Budget screen and waits for its first proposal.
func openBudget(t *testing.T, u *UI) (*BudgetScreen, chan error) {
	t.Helper()
	s := u.screens[ScreenBudget].(*budgetView).s
	updated := make(chan error, 8)
	s.onUpdate = func(err error) { updated <- err }
	u.Select(ScreenBudget)
	if err := waitFor(t, updated); err != nil {
		t.Fatalf("first proposal: %v", err)
	}
	return s, updated
}

// typeInto replaces an entry's text as typing would and waits for the
// debounced update.
func typeInto(t *testing.T, updated chan error, e interface{ SetText(string) }, text string) error {
	t.Helper()
	e.SetText(text)
	return waitFor(t, updated)
}

// row returns the table row of a channel.
func (s *BudgetScreen) row(t *testing.T, channel string) int {
	t.Helper()
	for i, l := range s.Budget().Lines {
		if l.Channel == channel {
			return i
		}
	}
	t.Fatalf("no budget line for %q", channel)
	return -1
}

// TestBudgetSampleFollowsTyping opens Budget on the bundled sample and
// checks each proposal against the rule of DESIGN 3.2, worked out here
// from the Attribute screen's markov shares rather than by Allocate:
//
//	unbounded: proposed_c = T × share_c, T = the sum of the spend entries;
//	with channel k held at its maximum M: proposed_k = M and, for the
//	others, proposed_j = (T − M) × share_j / (1 − share_k).
func TestBudgetSampleFollowsTyping(t *testing.T) {
	const tol = 1e-9
	u := newTestUI(t)
	if err := u.LoadSample(); err != nil {
		t.Fatal(err)
	}
	s, updated := openBudget(t, u)
	if s.ModelPicker.Selected != attribution.Markov {
		t.Fatalf("model %q, want markov by default", s.ModelPicker.Selected)
	}
	var r *attribution.Result
	for _, res := range u.Attribute.Results() {
		if res.Model == attribution.Markov {
			r = res
		}
	}
	d := u.dataset("sample_touches.csv")
	if len(d.ds.Spend) == 0 {
		t.Fatal("the sample has no cost column")
	}
	// Spend is pre-filled from the cost column.
	spend := map[string]float64{}
	for _, sp := range d.ds.Spend {
		got := s.SpendEntry(sp.Channel).Text
		if want := formatAmount(sp.Spend); got != want {
			t.Errorf("spend entry of %s %q, want %q", sp.Channel, got, want)
		}
		spend[sp.Channel], _ = strconv.ParseFloat(got, 64)
	}
	total := func() float64 {
		var sum float64
		for _, v := range spend {
			sum += v
		}
		return sum
	}
	check := func(when string, want func(c int) float64) {
		t.Helper()
		b := s.Budget()
		if rows, cols := s.Table.Length(); rows != len(r.Channels) || cols != len(budgetColumns) {
			t.Fatalf("%s: table is %dx%d, want %dx%d", when, rows, cols, len(r.Channels), len(budgetColumns))
		}
		var sum float64
		for c, ch := range r.Channels {
			l := b.Lines[c]
			w := want(c)
			if l.Channel != ch || math.Abs(l.Proposed-w) > tol*total() {
				t.Errorf("%s: %s proposed %v, want %v", when, l.Channel, l.Proposed, w)
			}
			if got, wantText := s.CellText(c, budgetCol(t, "proposed")), strconv.FormatFloat(w, 'f', 2, 64); got != wantText {
				t.Errorf("%s: %s proposed cell %q, want %q", when, ch, got, wantText)
			}
			sum += l.Proposed
		}
		if math.Abs(sum-total()) > tol*total() {
			t.Errorf("%s: proposals add up to %v, want the total %v", when, sum, total())
		}
	}
	check("pre-filled", func(c int) float64 { return total() * r.Share[c] })

	// A new spend value for the first channel changes the total.
	first := r.Channels[0]
	spend[first] = 250
	if err := typeInto(t, updated, s.SpendEntry(first), "250"); err != nil {
		t.Fatal(err)
	}
	if got := s.CellText(0, budgetCol(t, "spend")); got != "250.00" {
		t.Errorf("spend cell %q after typing 250", got)
	}
	check("spend of "+first+" = 250", func(c int) float64 { return total() * r.Share[c] })

	// Cap the channel with the most credit at half its proposal.
	k := 0
	for c := range r.Share {
		if r.Share[c] > r.Share[k] {
			k = c
		}
	}
	maxK := math.Round(total() * r.Share[k] / 2)
	if err := typeInto(t, updated, s.MaxEntry(r.Channels[k]), strconv.FormatFloat(maxK, 'f', -1, 64)); err != nil {
		t.Fatal(err)
	}
	check("max of "+r.Channels[k], func(c int) float64 {
		if c == k {
			return maxK
		}
		return (total() - maxK) * r.Share[c] / (1 - r.Share[k])
	})
	if got := s.CellText(k, budgetCol(t, "flags")); !strings.Contains(got, "at-max") {
		t.Errorf("flags of %s %q, want at-max", r.Channels[k], got)
	}
	good := s.Budget()
	goodCell := s.CellText(k, budgetCol(t, "proposed"))

	// A typo is marked on the entry and explained; the table stays.
	entry := s.SpendEntry(first)
	var marked error
	entry.SetOnValidationChanged(func(err error) { marked = err })
	err := typeInto(t, updated, entry, "25O")
	if err == nil {
		t.Fatal("spend 25O accepted")
	}
	if marked == nil {
		t.Error("the entry holding 25O is not marked invalid")
	}
	if st := s.Status.Text; !strings.Contains(st, "Spend of "+first) || !strings.Contains(st, `"25O" is not an amount`) || !strings.Contains(st, "last budget that worked") {
		t.Errorf("status %q does not explain the bad spend", st)
	}
	if s.Budget() != good || s.CellText(k, budgetCol(t, "proposed")) != goodCell {
		t.Error("a bad entry changed the table")
	}

	// Minimums above the total: the reason is shown, the table stays.
	entry.SetText("250")
	if marked != nil {
		t.Errorf("the entry holding 250 is still marked: %v", marked)
	}
	err = typeInto(t, updated, s.MinEntry(first), "1e9")
	if !errors.Is(err, attribution.ErrInfeasibleBudget) {
		t.Fatalf("minimum 1e9: error %v, want infeasible", err)
	}
	if st := s.Status.Text; !strings.Contains(st, "minimums add up to 1e+09, more than the total budget") {
		t.Errorf("status %q does not give the reason", st)
	}
	if s.Budget() != good {
		t.Error("infeasible bounds changed the table")
	}
	// Clearing the minimum brings back the same proposal.
	if err := typeInto(t, updated, s.MinEntry(first), ""); err != nil {
		t.Fatal(err)
	}
	if got := s.CellText(k, budgetCol(t, "proposed")); got != goodCell {
		t.Errorf("proposal after clearing the minimum %q, want %q", got, goodCell)
	}
}

// handTouches is a touch log small enough to work by hand (linear model):
//
//	u1: email, paid_search → converts, value 100: email ½, paid_search ½
//	u2: paid_search        → converts, value 50:  paid_search 1
//	u3: social, paid_search → converts, value 80: social ½, paid_search ½
//	u4: social             → converts, value 40:  social 1
//	u5: display            → no conversion
//
// Credit: email 0.5, paid_search 2, social 1.5, display 0 of 4, so shares
// 12.5%, 50%, 37.5%, 0. Value: email 50, paid_search 140, social 80.
// Cost per touch: email 10, paid_search 20, social 5, display 30, so spend
// is email 10, paid_search 60, social 10, display 30: 110 in all.
const handTouches = `journey_id,timestamp,channel,conversion,conversion_value,cost
u1,2025-03-01T00:00:00Z,email,0,,10
u1,2025-03-02T00:00:00Z,paid_search,0,,20
u1,2025-03-02T01:00:00Z,,1,100,
u2,2025-03-03T00:00:00Z,paid_search,0,,20
u2,2025-03-03T01:00:00Z,,1,50,
u3,2025-03-04T00:00:00Z,social,0,,5
u3,2025-03-05T00:00:00Z,paid_search,0,,20
u3,2025-03-05T01:00:00Z,,1,80,
u4,2025-03-06T00:00:00Z,social,0,,5
u4,2025-03-06T01:00:00Z,,1,40,
u5,2025-03-07T00:00:00Z,display,0,,30
`

// TestBudgetHandWorked imports a small touch log through the Datasets
// screen, lets Budget run the models itself (Attribute never ran on it)
// and reads the linear proposal cell by cell against numbers worked by
// hand (see handTouches).
func TestBudgetHandWorked(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "hand.csv")
	if err := os.WriteFile(path, []byte(handTouches), 0o644); err != nil {
		t.Fatal(err)
	}
	u := newTestUI(t)
	imported := make(chan error, 1)
	u.Datasets.onImportEnd = func(err error) { imported <- err }
	u.Datasets.OpenPath(path)
	test.Tap(u.Datasets.ImportBtn)
	if err := waitFor(t, imported); err != nil {
		t.Fatal(err)
	}
	s, updated := openBudget(t, u)
	s.ModelPicker.SetSelected(attribution.Linear)
	if err := waitFor(t, updated); err != nil {
		t.Fatal(err)
	}
	type line struct{ spend, spendShare, conv, share, cpa, roas, proposed, change, flags string }
	table := func(when string, want map[string]line) {
		t.Helper()
		for ch, w := range want {
			i := s.row(t, ch)
			got := line{}
			for c, p := range []*string{&got.spend, &got.spendShare, &got.conv, &got.share, &got.cpa, &got.roas, &got.proposed, &got.change, &got.flags} {
				*p = s.CellText(i, c)
			}
			if got != w {
				t.Errorf("%s: %s\n got %+v\nwant %+v", when, ch, got, w)
			}
		}
	}
	// Total 110 shared by credit: 13.75, 55, 41.25, 0.
	// CPA = spend / credit: 10/0.5, 60/2, 10/1.5; ROAS = value / spend.
	table("cost column", map[string]line{
		"email":       {"10.00", "9.1%", "0.50", "12.5%", "20.00", "5.00", "13.75", "+3.75", ""},
		"paid_search": {"60.00", "54.5%", "2.00", "50.0%", "30.00", "2.33", "55.00", "-5.00", ""},
		"social":      {"10.00", "9.1%", "1.50", "37.5%", "6.67", "8.00", "41.25", "+31.25", ""},
		"display":     {"30.00", "27.3%", "0.00", "0.0%", "n/a", "0.00", "0.00", "-30.00", "no-credit"},
	})

	// Display spend 50: total 130, so 16.25, 65, 48.75, 0.
	if err := typeInto(t, updated, s.SpendEntry("display"), "50"); err != nil {
		t.Fatal(err)
	}
	// paid_search at most 52: the 78 left go to email and social 1:3
	// (12.5% : 37.5%), so 19.5 and 58.5.
	if err := typeInto(t, updated, s.MaxEntry("paid_search"), "52"); err != nil {
		t.Fatal(err)
	}
	table("display 50, paid_search max 52", map[string]line{
		"email":       {"10.00", "7.7%", "0.50", "12.5%", "20.00", "5.00", "19.50", "+9.50", ""},
		"paid_search": {"60.00", "46.2%", "2.00", "50.0%", "30.00", "2.33", "52.00", "-8.00", "at-max"},
		"social":      {"10.00", "7.7%", "1.50", "37.5%", "6.67", "8.00", "58.50", "+48.50", ""},
		"display":     {"50.00", "38.5%", "0.00", "0.0%", "n/a", "0.00", "0.00", "-50.00", "no-credit"},
	})

	// A total of 200: paid_search still 52, email 37 and social 111.
	if err := typeInto(t, updated, s.Total, "200"); err != nil {
		t.Fatal(err)
	}
	if got := [3]string{s.CellText(0, 6), s.CellText(1, 6), s.CellText(2, 6)}; got != [3]string{"37.00", "52.00", "111.00"} {
		t.Errorf("total 200: proposed %v, want [37.00 52.00 111.00]", got)
	}
	if err := typeInto(t, updated, s.Total, ""); err != nil {
		t.Fatal(err)
	}

	// A minimum above the maximum cannot hold.
	err := typeInto(t, updated, s.MinEntry("paid_search"), "60")
	if !errors.Is(err, attribution.ErrInfeasibleBudget) || !strings.Contains(s.Status.Text, `channel "paid_search" has minimum 60 above its maximum 52`) {
		t.Fatalf("min 60 > max 52: error %v, status %q", err, s.Status.Text)
	}
	if err := typeInto(t, updated, s.MinEntry("paid_search"), ""); err != nil {
		t.Fatal(err)
	}

	// A spend file replaces the spend: email 40, paid_search 40, and tv,
	// which is not in the journeys; social and display get 0. Total 100:
	// 12.5, 50 (under its maximum 52), 37.5, 0, and tv 0.
	spendPath := filepath.Join(dir, "spend.csv")
	if err := os.WriteFile(spendPath, []byte("channel,spend\nemail,40\npaid_search,40\ntv,20\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.LoadSpendPath(spendPath)
	if err := waitFor(t, updated); err != nil {
		t.Fatal(err)
	}
	table("spend file", map[string]line{
		"email":       {"40.00", "40.0%", "0.50", "12.5%", "80.00", "1.25", "12.50", "-27.50", ""},
		"paid_search": {"40.00", "40.0%", "2.00", "50.0%", "20.00", "3.50", "50.00", "+10.00", ""},
		"social":      {"0.00", "0.0%", "1.50", "37.5%", "0.00", "n/a", "37.50", "+37.50", "no-spend"},
		"display":     {"0.00", "0.0%", "0.00", "0.0%", "n/a", "n/a", "0.00", "+0.00", "no-credit,no-spend"},
		"tv":          {"20.00", "20.0%", "0.00", "0.0%", "n/a", "0.00", "0.00", "-20.00", "no-credit,not-in-data"},
	})
	if !strings.Contains(s.Status.Text, "tv never appears") {
		t.Errorf("status %q does not warn about tv", s.Status.Text)
	}
	if got := s.MaxEntry("paid_search").Text; got != "52" {
		t.Errorf("loading spend lost the maximum: %q", got)
	}
}

// TestBudgetBadSpendFile shows a spend file's error in a dialog and keeps
// the spend typed before.
func TestBudgetBadSpendFile(t *testing.T) {
	u := newTestUI(t)
	if err := u.LoadSample(); err != nil {
		t.Fatal(err)
	}
	s, _ := openBudget(t, u)
	first := s.Budget().Lines[0].Channel
	before := s.SpendEntry(first).Text
	path := filepath.Join(t.TempDir(), "spend.csv")
	if err := os.WriteFile(path, []byte("channel,spend\nemail,lots\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.LoadSpendPath(path)
	if u.Window.Canvas().Overlays().Top() == nil {
		t.Error("no error dialog for a bad spend file")
	}
	if got := s.SpendEntry(first).Text; got != before {
		t.Errorf("a bad spend file changed spend of %s to %q", first, got)
	}
}

// TestBudgetExportsOffered checks that both exports are offered once there
// is a proposal and that each opens a save dialog.
func TestBudgetExportsOffered(t *testing.T) {
	u := newTestUI(t)
	if s := u.screens[ScreenBudget].(*budgetView).s; !s.ExportCSV.Disabled() || !s.ExportChart.Disabled() {
		t.Fatal("exports offered before there is a budget")
	}
	if err := u.LoadSample(); err != nil {
		t.Fatal(err)
	}
	s, _ := openBudget(t, u)
	for _, b := range []*widget.Button{s.ExportCSV, s.ExportChart} {
		if b.Disabled() {
			t.Errorf("%s is disabled with a budget on show", b.Text)
			continue
		}
		overlays := u.Window.Canvas().Overlays()
		for overlays.Top() != nil {
			overlays.Remove(overlays.Top())
		}
		test.Tap(b)
		if overlays.Top() == nil {
			t.Errorf("%s opened no dialog", b.Text)
		}
	}
}
