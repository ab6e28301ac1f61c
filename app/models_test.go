package app

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/attrlab/attrlab/assets"
	"github.com/attrlab/attrlab/attribution"
)

// tapModel clicks the box of model.
func tapModel(t *testing.T, m *ModelChecks, model string) {
	t.Helper()
	c := m.Check(model)
	if c == nil {
		t.Fatalf("no box for model %s", model)
	}
	test.Tap(c)
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
			if slices.Contains(u.Attribute.Models.Selected(), m) != slices.Contains(want, m) {
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
		if got := u.Attribute.Models.Options(); !slices.Equal(got, all) {
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

// TestTimeDecayDisabledForPathTable: on a path table the time-decay box is
// disabled with the reason beside it, rather than ticked and dropped; back
// on a touch log it is enabled and ticked again.
func TestTimeDecayDisabledForPathTable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "paths.csv")
	if err := os.WriteFile(path, []byte("path,conversions,null\nemail>search,3,1\nsearch,1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	u := newStoreUI(t)
	if err := u.LoadSample(); err != nil {
		t.Fatal(err)
	}
	u.settle(t)
	u.importFile(t, path, nil)
	u.Attribute.choose("paths.csv")
	td := u.Attribute.Models.Check(attribution.TimeDecay)
	if !td.Disabled() || !u.Attribute.Models.Note.Visible() || !strings.Contains(u.Attribute.Models.Note.Text, "timestamps") {
		t.Fatalf("time-decay disabled %v, note %q (shown %v)", td.Disabled(), u.Attribute.Models.Note.Text, u.Attribute.Models.Note.Visible())
	}
	if slices.Contains(u.Attribute.Models.Selected(), attribution.TimeDecay) {
		t.Error("time-decay counts as chosen while disabled")
	}
	u.runSettled(t, "1")
	if got := resultModels(u.Attribute.Results()); slices.Contains(got, attribution.TimeDecay) || len(got) != 6 {
		t.Errorf("path table ran %v", got)
	}
	u.Attribute.choose(assets.SampleTouchesName)
	if td.Disabled() || !td.Checked || u.Attribute.Models.Note.Visible() {
		t.Errorf("back on a touch log: time-decay disabled %v, ticked %v, note shown %v", td.Disabled(), td.Checked, u.Attribute.Models.Note.Visible())
	}
}
