package app

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/attrlab/attrlab/attribution"
)

// headerButton makes the results header of col as the table does and
// returns its button.
func headerButton(s *AttributeScreen, col int) *widget.Button {
	o := s.Table.CreateHeader()
	s.Table.UpdateHeader(widget.TableCellID{Row: -1, Col: col}, o)
	return o.(*fyne.Container).Objects[1].(*widget.Button)
}

// rowChannel is the channel name the table shows on row.
func rowChannel(s *AttributeScreen, row int) string {
	o := s.Table.CreateHeader()
	s.Table.UpdateHeader(widget.TableCellID{Row: row, Col: -1}, o)
	return o.(*fyne.Container).Objects[0].(*widget.Label).Text
}

// TestSortResultsByHeader: clicking a model's header sorts the channels by
// its credit, largest first, a second click smallest first; the corner
// header sorts by channel name; cells follow their rows.
func TestSortResultsByHeader(t *testing.T) {
	u := newTestUI(t)
	if err := u.LoadSample(); err != nil {
		t.Fatal(err)
	}
	s := u.Attribute
	res := s.Results()
	col := slices.IndexFunc(res, func(r *attribution.Result) bool { return r.Model == attribution.Markov })
	markov := res[col]
	n := len(markov.Channels)
	// The expected orders, worked out here from the results.
	byCredit := make([]int, n)
	for i := range byCredit {
		byCredit[i] = i
	}
	sort.SliceStable(byCredit, func(a, b int) bool { return markov.Conversions[byCredit[a]] > markov.Conversions[byCredit[b]] })

	test.Tap(headerButton(s, col))
	if got := headerButton(s, col).Text; got != "markov ▼" {
		t.Errorf("sorted header says %q", got)
	}
	for row, ch := range byCredit {
		if got := rowChannel(s, row); got != markov.Channels[ch] {
			t.Fatalf("row %d shows %s, want %s (markov credit, largest first)", row, got, markov.Channels[ch])
		}
		if got, want := creditOf(t, s, row, col), markov.Conversions[ch]; math.Abs(got-want) > 0.005 {
			t.Fatalf("row %d shows %g for %s, its credit is %g", row, got, markov.Channels[ch], want)
		}
	}
	for row := 1; row < n; row++ {
		if a, b := creditOf(t, s, row-1, col), creditOf(t, s, row, col); a < b {
			t.Fatalf("rows %d and %d: %g before %g, not largest first", row-1, row, a, b)
		}
	}
	test.Tap(headerButton(s, col))
	if a, b := creditOf(t, s, 0, col), creditOf(t, s, n-1, col); a > b {
		t.Errorf("second click: first row %g, last %g; want smallest first", a, b)
	}
	test.Tap(headerButton(s, -1))
	var names []string
	for row := 0; row < n; row++ {
		names = append(names, rowChannel(s, row))
	}
	if !slices.IsSorted(names) {
		t.Errorf("sorted by channel: %v", names)
	}
}

// creditOf reads the conversions a cell shows.
func creditOf(t *testing.T, s *AttributeScreen, row, col int) float64 {
	t.Helper()
	var v float64
	text := s.CellText(row, col)
	if _, err := fmtSscan(text, &v); err != nil {
		t.Fatalf("cell %q: %v", text, err)
	}
	return v
}

func fmtSscan(s string, v *float64) (int, error) {
	return fmt.Sscan(strings.ReplaceAll(strings.Fields(s)[0], ",", ""), v)
}
