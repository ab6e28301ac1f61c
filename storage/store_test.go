package storage

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attrlab/attrlab/tracking"
)

// clock is an injectable time source.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

var t0 = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

func openTest(t *testing.T) (*Store, *clock) {
	t.Helper()
	c := &clock{t: t0}
	s, err := OpenWith(context.Background(), filepath.Join(t.TempDir(), "runs.db"), Options{Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, c
}

// logRun starts and finishes a run with the given params, metrics (step 0)
// and results, one second after the previous one.
func logRun(t *testing.T, s *Store, c *clock, nr tracking.NewRun, metrics map[string]float64, results []tracking.ResultRow) *tracking.Run {
	t.Helper()
	ctx := context.Background()
	c.t = c.t.Add(time.Second)
	run, err := s.StartRun(ctx, nr)
	if err != nil {
		t.Fatal(err)
	}
	var d tracking.RunData
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range metrics {
			if !yield(k) {
				return
			}
		}
	}) {
		d.Metrics = append(d.Metrics, tracking.Metric{Key: k, Value: metrics[k]})
	}
	d.Results = results
	if err := s.FinishRun(ctx, run.ID, tracking.StatusFinished, d); err != nil {
		t.Fatal(err)
	}
	return run
}

func TestLogAndReadRun(t *testing.T) {
	s, c := openTest(t)
	ctx := context.Background()
	re := 0.25
	ds := &tracking.DatasetInfo{Fingerprint: strings.Repeat("ab", 32), Name: "journeys", Source: "/data/j.csv", Layout: "touches", Rows: 10, Journeys: 4, Channels: 2, Conversions: 3}
	run, err := s.StartRun(ctx, tracking.NewRun{Experiment: "emea", Name: "first", AppVersion: "0.1.0", Dataset: ds,
		Tags: map[string]string{"team": "emea"}, Params: []tracking.Param{tracking.NumberParam("order", 2), tracking.TextParam("models", "markov")}})
	if err != nil {
		t.Fatal(err)
	}
	if !tracking.ValidRunID(run.ID) || run.Status != tracking.StatusRunning || !run.StartTime.Equal(t0) || run.Experiment != "emea" || !run.EndTime.IsZero() {
		t.Fatalf("started run %+v", run)
	}
	c.t = t0.Add(time.Minute)
	if err := s.LogMetrics(ctx, run.ID, []tracking.Metric{{Key: "loss", Value: 3, Step: 0}, {Key: "loss", Value: 2, Step: 1}}); err != nil {
		t.Fatal(err)
	}
	c.t = t0.Add(2 * time.Minute)
	err = s.FinishRun(ctx, run.ID, tracking.StatusFinished, tracking.RunData{
		Params:  []tracking.Param{tracking.BoolParam("cumulative", true)},
		Metrics: []tracking.Metric{{Key: "loss", Value: 1.5, Step: 2}, {Key: "loss", Value: 9, Step: 1}, {Key: "nan", Value: math.NaN()}},
		Results: []tracking.ResultRow{
			{Model: "markov", Channel: "b", Position: 1, Conversions: 1, Value: 10, Share: 1.0 / 3, RemovalEffect: &re},
			{Model: "markov", Channel: "a", Position: 0, Conversions: 2, Value: 20, Share: 2.0 / 3, RemovalEffect: &re},
			{Model: "linear", Channel: "a", Position: 0, Conversions: 3, Value: 30, Share: 1},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Run(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != tracking.StatusFinished || !got.EndTime.Equal(t0.Add(2*time.Minute)) || got.Name != "first" || got.AppVersion != "0.1.0" ||
		got.Dataset != ds.Fingerprint || got.DatasetName != "journeys" || got.Tags["team"] != "emea" {
		t.Errorf("finished run %+v", got)
	}
	if p, ok := got.Param("order"); !ok || p.Type() != tracking.ParamNumber || p.String() != "2" {
		t.Errorf("param order = %v, %v", p, ok)
	}
	if p, ok := got.Param("cumulative"); !ok || p.Type() != tracking.ParamBool {
		t.Errorf("param cumulative = %v, %v", p, ok)
	}
	// The latest point is the highest step, whatever the logging order.
	if m, ok := got.Metric("loss"); !ok || m.Value != 1.5 || m.Step != 2 {
		t.Errorf("latest loss = %+v", m)
	}
	if m, ok := got.Metric("nan"); !ok || !math.IsNaN(m.Value) {
		t.Errorf("NaN metric read back as %+v", m)
	}
	hist, err := s.MetricHistory(ctx, run.ID, "loss")
	if err != nil {
		t.Fatal(err)
	}
	var steps []float64
	for _, m := range hist {
		steps = append(steps, m.Value)
	}
	if !slices.Equal(steps, []float64{3, 2, 9, 1.5}) || !hist[0].Time.Equal(t0.Add(time.Minute)) {
		t.Errorf("loss history %v (%+v)", steps, hist)
	}
	res, err := s.Results(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Engine order of models (linear before markov), then channel position.
	if len(res) != 3 || res[0].Model != "linear" || res[1].Channel != "a" || res[2].Channel != "b" || *res[2].RemovalEffect != re || res[0].RemovalEffect != nil {
		t.Errorf("results %+v", res)
	}
	dss, err := s.Datasets(ctx)
	if err != nil || len(dss) != 1 || dss[0].Journeys != 4 || !dss[0].Created.Equal(t0) {
		t.Errorf("datasets %+v, %v", dss, err)
	}
	if err := s.FinishRun(ctx, run.ID, tracking.StatusFailed, tracking.RunData{}); err == nil || !strings.Contains(err.Error(), "already FINISHED") {
		t.Errorf("finishing twice: %v", err)
	}
	if err := s.LogMetrics(ctx, run.ID, []tracking.Metric{{Key: "x"}}); err == nil {
		t.Error("logged metrics to a finished run")
	}
	if _, err := s.Run(ctx, tracking.NewRunID()); !errors.Is(err, tracking.ErrNotFound) {
		t.Errorf("unknown run: %v", err)
	}
}

func TestParamsAreImmutable(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	run, err := s.StartRun(ctx, tracking.NewRun{Params: []tracking.Param{tracking.NumberParam("order", 2)}})
	if err != nil {
		t.Fatal(err)
	}
	err = s.FinishRun(ctx, run.ID, tracking.StatusFinished, tracking.RunData{
		Params:  []tracking.Param{tracking.TextParam("order", "2")},
		Results: []tracking.ResultRow{{Model: "linear", Channel: "a"}}})
	if !errors.Is(err, tracking.ErrParamChanged) {
		t.Fatalf("changing a param's type: %v", err)
	}
	// The failed finish left nothing behind: the run is still RUNNING,
	// without results.
	got, _ := s.Run(ctx, run.ID)
	res, _ := s.Results(ctx, run.ID)
	if got.Status != tracking.StatusRunning || len(res) != 0 {
		t.Errorf("after a failed finish: status %s, %d results", got.Status, len(res))
	}
	// The same value again is fine.
	if err := s.FinishRun(ctx, run.ID, tracking.StatusFinished, tracking.RunData{Params: []tracking.Param{tracking.NumberParam("order", 2)}}); err != nil {
		t.Errorf("logging a param again with the same value: %v", err)
	}
}

func TestEditRuns(t *testing.T) {
	s, c := openTest(t)
	ctx := context.Background()
	a := logRun(t, s, c, tracking.NewRun{Name: "a"}, nil, nil)
	b := logRun(t, s, c, tracking.NewRun{Name: "b"}, nil, nil)
	if err := s.SetDeleted(ctx, a.ID, true); err != nil {
		t.Fatal(err)
	}
	names := func(v tracking.ViewType) string {
		p, err := s.SearchRuns(ctx, tracking.Search{View: v})
		if err != nil {
			t.Fatal(err)
		}
		var n []string
		for _, r := range p.Runs {
			n = append(n, r.Name)
		}
		return strings.Join(n, ",")
	}
	if got := names(tracking.ActiveOnly) + "|" + names(tracking.DeletedOnly) + "|" + names(tracking.AllRuns); got != "b|a|b,a" {
		t.Errorf("views after delete: %s", got)
	}
	if err := s.SetDeleted(ctx, a.ID, false); err != nil {
		t.Fatal(err)
	}
	if got := names(tracking.ActiveOnly); got != "b,a" {
		t.Errorf("after restore: %s", got)
	}
	for _, err := range []error{
		s.SetName(ctx, b.ID, "renamed"), s.SetNote(ctx, b.ID, "# Note\nwith *markdown*"),
		s.SetTag(ctx, b.ID, "team", "emea"), s.SetTag(ctx, b.ID, "team", "apac"), s.SetTag(ctx, b.ID, "gone", "x"),
		s.DeleteTag(ctx, b.ID, "gone"),
		s.PutArtifact(ctx, b.ID, tracking.Artifact{Path: "charts/a.svg", MediaType: "image/svg+xml", Data: []byte("<svg/>")}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, _ := s.Run(ctx, b.ID)
	if got.Name != "renamed" || got.Note != "# Note\nwith *markdown*" || len(got.Tags) != 1 || got.Tags["team"] != "apac" {
		t.Errorf("edited run %+v", got)
	}
	arts, err := s.Artifacts(ctx, b.ID)
	if err != nil || len(arts) != 1 || string(arts[0].Data) != "<svg/>" || !arts[0].Created.Equal(c.t) {
		t.Errorf("artifacts %+v, %v", arts, err)
	}
	for name, err := range map[string]error{
		"empty name":     s.SetName(ctx, b.ID, " "),
		"empty tag key":  s.SetTag(ctx, b.ID, "", "x"),
		"unknown run":    s.SetNote(ctx, tracking.NewRunID(), "x"),
		"escaping path":  s.PutArtifact(ctx, b.ID, tracking.Artifact{Path: "../x"}),
		"absolute path":  s.PutArtifact(ctx, b.ID, tracking.Artifact{Path: "/etc/x"}),
		"bad run id":     func() error { _, err := s.StartRun(ctx, tracking.NewRun{ID: "XYZ"}); return err }(),
		"running finish": s.FinishRun(ctx, b.ID, tracking.StatusRunning, tracking.RunData{}),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestStaleRunsAreKilled(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "runs.db")
	ctx := context.Background()
	c := &clock{t: t0}
	s, err := OpenWith(ctx, path, Options{Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	stale, _ := s.StartRun(ctx, tracking.NewRun{Name: "crashed"})
	c.t = t0.Add(90 * time.Second)
	alive, _ := s.StartRun(ctx, tracking.NewRun{Name: "alive"})
	s.Close()

	// Two and a half minutes later: the first run's heartbeat is stale
	// (older than two minutes), the second one's is not.
	c.t = t0.Add(150 * time.Second)
	s, err = OpenWith(ctx, path, Options{Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	a, _ := s.Run(ctx, stale.ID)
	b, _ := s.Run(ctx, alive.ID)
	if a.Status != tracking.StatusKilled || !a.EndTime.Equal(t0) {
		t.Errorf("stale run: %s ending %v, want KILLED at its last heartbeat", a.Status, a.EndTime)
	}
	if b.Status != tracking.StatusRunning {
		t.Errorf("live run: %s, want RUNNING", b.Status)
	}
	if err := s.Heartbeat(ctx, alive.ID); err != nil {
		t.Errorf("heartbeat: %v", err)
	}
	if err := s.Heartbeat(ctx, stale.ID); !errors.Is(err, tracking.ErrNotFound) {
		t.Errorf("heartbeat of a killed run: %v", err)
	}
}

func TestOpenChecks(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", "dir", "runs.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var mode string
	var fk, version int
	s.r.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode)
	s.w.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk)
	s.r.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version)
	if mode != "wal" || fk != 1 || version != s.SchemaVersion() || version < 1 {
		t.Errorf("journal_mode %s, foreign_keys %d, user_version %d", mode, fk, version)
	}
	// Reads cannot write.
	if _, err := s.r.ExecContext(ctx, "DELETE FROM runs"); err == nil {
		t.Error("the read pool accepted a write")
	}
	s.Close()
	// Opening again migrates nothing and keeps the version.
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s.w.ExecContext(ctx, "PRAGMA user_version = 99")
	s.Close()

	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(path)
	if !errors.Is(err, ErrNewerSchema) || !strings.Contains(err.Error(), "schema version is 99") || !strings.Contains(err.Error(), "upgrade attrlab") {
		t.Fatalf("opening a newer database: %v", err)
	}
	after, _ := os.ReadFile(path)
	if string(before) != string(after) {
		t.Error("opening a newer database changed the file")
	}
	for _, bad := range []string{"", ":memory:", "file:x.db"} {
		if _, err := Open(bad); err == nil {
			t.Errorf("Open(%q) succeeded", bad)
		}
	}
}

func TestDefaultPath(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/xdg/data")
	p, err := DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	if p != filepath.Join("/xdg/data", "attrlab", "attrlab.db") {
		t.Errorf("DefaultPath() = %s", p)
	}
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", "/home/u")
	if p, _ := DefaultPath(); p != "/home/u/.local/share/attrlab/attrlab.db" {
		t.Errorf("DefaultPath() without XDG_DATA_HOME = %s", p)
	}
}

func TestSetDatasetName(t *testing.T) {
	st, err := Open(filepath.Join(t.TempDir(), "runs.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	d := &tracking.DatasetInfo{Fingerprint: strings.Repeat("c", 64), Name: "old.csv", Source: "/x/old.csv", Layout: "touches"}
	if _, err := st.StartRun(ctx, tracking.NewRun{Dataset: d}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetDatasetName(ctx, d.Fingerprint, "Spring campaign"); err != nil {
		t.Fatal(err)
	}
	dss, err := st.Datasets(ctx)
	if err != nil || len(dss) != 1 || dss[0].Name != "Spring campaign" || dss[0].Source != "/x/old.csv" {
		t.Fatalf("datasets %+v, %v", dss, err)
	}
	if err := st.SetDatasetName(ctx, d.Fingerprint, "  "); err == nil {
		t.Error("an empty name was accepted")
	}
	if err := st.SetDatasetName(ctx, strings.Repeat("d", 64), "x"); !errors.Is(err, tracking.ErrNotFound) {
		t.Errorf("unknown dataset: %v", err)
	}
}
