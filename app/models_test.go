package app

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/attrlab/attrlab/assets"
	"github.com/attrlab/attrlab/attribution"
)

// tapModel clicks the box of model in the check group.
func tapModel(t *testing.T, g *widget.CheckGroup, model string) {
	t.Helper()
	for _, o := range test.TempWidgetRenderer(t, g).Objects() {
		if c, ok := o.(*widget.Check); ok && c.Text == model {
			test.Tap(c)
			return
		}
	}
	t.Fatalf("no box for model %s", model)
}

func resultModels(rs []*attribution.Result) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Model)
	}
	return out
}

// TestUntickModelAndRunTwice: unticking a model then running twice, and
// running again after ticking it back, runs exactly the ticked models and
// logs each run (the check group once edited the engine's model list in
// place: markov came out twice and logging failed on a duplicate row).
func TestUntickModelAndRunTwice(t *testing.T) {
	u := newStoreUI(t)
	if err := u.loadSampleDataset(); err != nil {
		t.Fatal(err)
	}
	u.Attribute.choose(assets.SampleTouchesName)
	all := attribution.ModelNames()
	without := slices.DeleteFunc(attribution.ModelNames(), func(m string) bool { return m == attribution.Linear })
	for i, want := range [][]string{without, without, all, without[:2]} {
		// Tick and untick the boxes, as clicks do.
		for _, m := range all {
			if slices.Contains(u.Attribute.Models.Selected, m) != slices.Contains(want, m) {
				tapModel(t, u.Attribute.Models, m)
			}
		}
		drain(u.ran)
		test.Tap(u.Attribute.RunBtn)
		if err := waitFor(t, u.ran); err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
		if got := resultModels(u.Attribute.Results()); !slices.Equal(got, want) {
			t.Fatalf("run %d gave models %v, want %v", i+1, got, want)
		}
		if u.Attribute.LastRun == nil {
			t.Fatalf("run %d was not logged: %s", i+1, u.Attribute.Status.Text)
		}
		if got := attribution.ModelNames(); !slices.Equal(got, all) {
			t.Fatalf("after run %d the engine's models are %v", i+1, got)
		}
		if got := u.Attribute.Models.Options; !slices.Equal(got, all) {
			t.Fatalf("after run %d the model boxes are %v", i+1, got)
		}
		u.settle(t)
	}
}

// TestOpenFileShowsPreview: "attrlab FILE" opens the app with the file in
// the import preview on Datasets, after the start on the store.
func TestOpenFileShowsPreview(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journeys.csv")
	if err := os.WriteFile(path, assets.SampleTouches, 0o644); err != nil {
		t.Fatal(err)
	}
	u := newStoreUI(t)
	if err := u.Start(); err != nil {
		t.Fatal(err)
	}
	u.settle(t)
	u.OpenFile(path)
	if u.Current() != ScreenDatasets || u.Datasets.preview == nil || u.Datasets.path != path || u.Datasets.ImportBtn.Disabled() {
		t.Fatalf("screen %s, preview of %q, Import disabled %v", u.Current(), u.Datasets.path, u.Datasets.ImportBtn.Disabled())
	}
	if !strings.Contains(objectText(u.Datasets.previewBox), "journeys.csv") {
		t.Errorf("preview does not name the file: %q", objectText(u.Datasets.previewBox))
	}
}
