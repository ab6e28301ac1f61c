package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
)

// longMessage is as long as the app's longest status lines, such as the
// import preview's "cannot tell what this file holds" explanation.
var longMessage = "Cannot tell what this file holds: its header has none of the columns of a path table (path, total_conversions, total_null) nor of a touch log (journey_id, timestamp, channel, conversion); map the columns below by hand, or export the file again with those headers. " +
	strings.Repeat("Every word of this is one long line. ", 8)

// maxMinWidth is the widest a screen may ask the window to be: a
// 1024-pixel-wide screen with room for the window frame.
const maxMinWidth = 1000

// maxMinHeight is the highest a screen may ask the window to be: a
// 700-pixel-high screen with room for the title and menu bars.
const maxMinHeight = 620

// TestLongLinesKeepWindowNarrow: no status, note or error line sets the
// window's minimum width, on any screen (a long line once made it 2035
// pixels wide and pushed the mapping pickers off-screen).
func TestLongLinesKeepWindowNarrow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "odd name that is rather long for a journey file, exported from somewhere.csv")
	if err := os.WriteFile(path, []byte("who,what,when,"+strings.Repeat("another_column_with_a_long_name,", 12)+"x\na,b,c,"+strings.Repeat("1,", 12)+"2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	u := newStoreUI(t)
	if err := u.LoadSample(); err != nil {
		t.Fatal(err)
	}
	u.settle(t)
	u.Window.Resize(fyne.NewSize(1000, 680))
	u.OpenFile(path)
	u.Datasets.layout.SetSelected("touches") // the column pickers, one per field, with long names
	if len(u.Datasets.mapping) == 0 {
		t.Fatal("no column pickers shown")
	}
	u.Datasets.SetMapping("journey_id", "another_column_with_a_long_name")
	for _, set := range []func(string){
		u.Datasets.Status.SetText,
		u.Attribute.Status.SetText,
		u.Attribute.LookbackNote.SetText,
		u.Runs.Status.SetText,
		u.Compare.Status.SetText,
		u.screens[ScreenBudget].(*budgetView).s.Status.SetText,
	} {
		set(longMessage)
	}
	u.Attribute.LookbackNote.Show()
	for _, name := range screenOrder {
		u.Select(name)
		min := u.Window.Content().MinSize()
		if min.Width > maxMinWidth {
			t.Errorf("%s: the window must be at least %.0f px wide, want at most %d", name, min.Width, maxMinWidth)
		}
		// The Datasets side scrolls, so Import stays reachable on a low
		// screen. (Attribute, Budget and the rest stack a form over a
		// table and a chart; their height is left to the chart sizing.)
		if name == ScreenDatasets && min.Height > maxMinHeight {
			t.Errorf("%s: the window must be at least %.0f px high, want at most %d", name, min.Height, maxMinHeight)
		}
	}
}
