package app

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestBudgetSwitchToDatasetWithoutSpend: switching Budget from the sample
// (which has a cost column) to a dataset without spend shows the new
// dataset's channels only, and nothing of the sample's spend.
func TestBudgetSwitchToDatasetWithoutSpend(t *testing.T) {
	path := filepath.Join(t.TempDir(), "paths.csv")
	if err := os.WriteFile(path, []byte("path,conversions,null\nemail>search,3,1\nsearch,1,2\nsocial>email,2,5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	u := newStoreUI(t)
	if err := u.LoadSample(); err != nil {
		t.Fatal(err)
	}
	u.settle(t)
	s, updated := openBudget(t, u.UI)
	old := s.Total.PlaceHolder
	if !strings.HasPrefix(old, "current: ") || s.Budget() == nil {
		t.Fatalf("sample budget: placeholder %q, budget %v", old, s.Budget())
	}
	u.importFile(t, path, nil)
	u.Select(ScreenBudget)
	drain(updated)
	s.DatasetPicker.SetSelected("paths.csv")
	waitFor(t, updated) // the models run on the new data, then it updates

	var channels []string
	for _, r := range s.rows {
		channels = append(channels, r.channel)
	}
	slices.Sort(channels)
	if want := []string{"email", "search", "social"}; !slices.Equal(channels, want) {
		t.Errorf("spend rows %v after switching, want %v", channels, want)
	}
	if s.Total.PlaceHolder == old {
		t.Errorf("Total still says %q, the sample's spend", old)
	}
	if b := s.Budget(); b != nil {
		for _, l := range b.Lines {
			if !slices.Contains(channels, l.Channel) {
				t.Errorf("the proposal still shows %s", l.Channel)
			}
		}
	}
	if rows, _ := s.Table.Length(); s.Budget() == nil && rows != 0 {
		t.Errorf("table has %d rows without a proposal", rows)
	}
	if s.Chart.Chart() != nil && s.Budget() == nil {
		t.Error("the sample's chart is still on show")
	}
	if !strings.Contains(strings.ToLower(s.Status.Text), "spend") {
		t.Errorf("status %q does not say spend is needed", s.Status.Text)
	}
}
