package cli

import (
	"context"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attrlab/attrlab/storage"
	"github.com/attrlab/attrlab/tracking"
)

var updateMLflow = flag.Bool("update-mlflow", false, "rewrite testdata/mlflow from the current export")

// TestExportMLflowGolden exports a small store (two experiments, a
// finished run with a metric history, params, tags, a note, results and
// an artifact, a deleted failed run, a run still running and a skipped
// key) and compares the folder with testdata/mlflow, where $DIR stands
// for the export folder.
func TestExportMLflowGolden(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	st, err := storage.OpenWith(ctx, filepath.Join(t.TempDir(), "runs.db"), storage.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	re := 0.5
	a, err := st.StartRun(ctx, tracking.NewRun{ID: strings.Repeat("a", 32), Experiment: "Default", Name: "markov order 2", AppVersion: "0.1.0",
		Dataset: &tracking.DatasetInfo{Fingerprint: strings.Repeat("f", 64), Name: "paths.csv", Source: "/data/paths.csv", Layout: "paths"},
		Tags:    map[string]string{"team": "emea", "bad\nkey": "x", "équipe": "Köln"},
		Params:  []tracking.Param{tracking.NumberParam("order", 2), tracking.TextParam("models", "linear,markov"), tracking.BoolParam("cumulative", true)}})
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.LogMetrics(ctx, a.ID, []tracking.Metric{{Key: "loss", Value: 0.9, Step: 0, Time: now.Add(time.Second)}, {Key: "loss", Value: 0.25, Step: 1, Time: now.Add(2 * time.Second)}}))
	must(st.SetNote(ctx, a.ID, "Order 2 on *all* paths"))
	must(st.PutArtifact(ctx, a.ID, tracking.Artifact{Path: "charts/attribution.svg", MediaType: "image/svg+xml", Data: []byte("<svg/>")}))
	now = now.Add(time.Minute)
	must(st.FinishRun(ctx, a.ID, tracking.StatusFinished, tracking.RunData{
		Metrics: []tracking.Metric{{Key: "p_conv", Value: 0.375, Time: now}, {Key: "share.markov.email", Value: 0.6, Time: now},
			{Key: "share.markov.Télé", Value: 0.1, Time: now}, {Key: "share.markov.(direct)", Value: 0.2, Time: now},
			{Key: "share.markov.[direct]", Value: 0.3, Time: now}, {Key: "runtime_ms", Value: 12, Time: now.Add(-2 * time.Minute)}},
		Results: []tracking.ResultRow{
			{Model: "linear", Channel: "email", Conversions: 3, Value: 30, Share: 0.6},
			{Model: "linear", Channel: "=search", Position: 1, Conversions: 2, Value: 20, Share: 0.4},
			{Model: "markov", Channel: "email", Conversions: 3, Value: 30, Share: 0.6, RemovalEffect: &re},
			{Model: "markov", Channel: "=search", Position: 1, Conversions: 2, Value: 20, Share: 0.4, RemovalEffect: &re},
		}}))
	b, err := st.StartRun(ctx, tracking.NewRun{ID: strings.Repeat("b", 32), Experiment: "emea: q2", Name: "failed"})
	must(err)
	must(st.FinishRun(ctx, b.ID, tracking.StatusFailed, tracking.RunData{}))
	must(st.SetDeleted(ctx, b.ID, true))
	_, err = st.StartRun(ctx, tracking.NewRun{ID: strings.Repeat("c", 32), Experiment: "emea: q2", Name: "true"})
	must(err)

	runs, _, err := collectRuns(ctx, st, tracking.Search{View: tracking.AllRuns}, 0)
	must(err)
	out := filepath.Join(t.TempDir(), "mlruns")
	renamed, err := writeMLflow(ctx, st, out, runs, "tester")
	must(err)
	want := []string{
		`metric "share.markov.(direct)" of run ` + a.ID + ` exported as "share.markov._direct_"`,
		`metric "share.markov.[direct]" of run ` + a.ID + ` exported as "share.markov._direct__2"`,
		`tag "bad\nkey" of run ` + a.ID + ` exported as "bad_key"`,
	}
	if strings.Join(renamed, "\n") != strings.Join(want, "\n") {
		t.Errorf("renamed:\n%s\nwant:\n%s", strings.Join(renamed, "\n"), strings.Join(want, "\n"))
	}
	for _, run := range []string{"0/" + a.ID, "2/" + b.ID, "2/" + strings.Repeat("c", 32)} {
		for _, sub := range []string{"params", "metrics", "tags", "artifacts"} {
			if fi, err := os.Stat(filepath.Join(out, run, sub)); err != nil || !fi.IsDir() {
				t.Errorf("run folder %s has no %s folder", run, sub)
			}
		}
	}
	if fi, err := os.Stat(filepath.Join(out, ".trash")); err != nil || !fi.IsDir() {
		t.Error("no .trash folder")
	}
	got := readTree(t, out, out)
	golden := filepath.Join("testdata", "mlflow")
	if *updateMLflow {
		os.RemoveAll(golden)
		for name, data := range got {
			p := filepath.Join(golden, filepath.FromSlash(name))
			must(os.MkdirAll(filepath.Dir(p), 0o755))
			must(os.WriteFile(p, []byte(data), 0o644))
		}
	}
	wantTree := readTree(t, golden, "")
	for name, data := range wantTree {
		if got[name] != data {
			t.Errorf("%s:\n got %q\nwant %q", name, got[name], data)
		}
	}
	for name := range got {
		if _, ok := wantTree[name]; !ok {
			t.Errorf("unexpected file %s (run with -update-mlflow to accept)", name)
		}
	}
}

// readTree maps every file under root (slash paths) to its content, with
// dir replaced by $DIR.
func readTree(t *testing.T, root, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == root {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			return nil // git keeps no empty folders: checked apart
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		s := string(b)
		if dir != "" {
			s = strings.ReplaceAll(s, filepath.ToSlash(dir), "$DIR")
		}
		out[rel] = s
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
