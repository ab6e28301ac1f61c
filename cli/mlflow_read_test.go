package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/attrlab/attrlab/storage"
	"github.com/attrlab/attrlab/tracking"
)

// mlflowValidName is MLflow's own rule for param, metric and tag names
// (mlflow/utils/validation.py: _VALID_PARAM_AND_METRIC_NAMES =
// ^[/\w.\- :]*$ with Python's Unicode \w, and path_not_unique: the name
// must be its own normalised relative path).
var mlflowValidName = regexp.MustCompile(`^[/\p{L}\p{N}_.\- :]*$`)

func mlflowAccepts(name string) bool {
	norm := path.Clean(name)
	return mlflowValidName.MatchString(name) && norm == name && norm != "." && !strings.HasPrefix(norm, "..") && !strings.HasPrefix(norm, "/")
}

// readYAML reads the flat "key: value" files MLflow's FileStore writes,
// unquoting '...' and "..." values.
func readYAML(t *testing.T, p string) map[string]string {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ": ")
		if !ok {
			t.Fatalf("%s: line %q is not key: value", p, sc.Text())
		}
		switch {
		case strings.HasPrefix(v, "'"):
			v = strings.ReplaceAll(strings.Trim(v, "'"), "''", "'")
		case strings.HasPrefix(v, `"`):
			u, err := strconv.Unquote(v)
			if err != nil {
				t.Fatalf("%s: %s: %v", p, k, err)
			}
			v = u
		}
		out[k] = v
	}
	return out
}

// namesUnder returns the slash names of the files under dir, as MLflow's
// FileStore lists params, metrics and tags.
func namesUnder(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b, _ := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = string(b)
		return nil
	})
	return out
}

// TestMLflowReadsTheExport exports a store the way a user has one (runs
// in attrlab's Default experiment and in another, Unicode and
// parenthesised channel names, a run with a note and one without, metrics
// stamped before their run's start) and reads the folder as MLflow's
// FileStore does: experiment 0 is Default and no other experiment has that
// name; every name is one MLflow accepts; renamed names map back through
// attrlab/name_map.json; the note tag is there only for the run with a
// note; no metric point is before its run's start.
func TestMLflowReadsTheExport(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	st, err := storage.OpenWith(ctx, filepath.Join(t.TempDir(), "runs.db"), storage.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	originals := map[string]bool{}
	logRun := func(exp, note string, channels ...string) string {
		run, err := st.StartRun(ctx, tracking.NewRun{Experiment: exp, Tags: map[string]string{"équipe": "Köln"}})
		if err != nil {
			t.Fatal(err)
		}
		var d tracking.RunData
		for _, ch := range channels {
			k := tracking.ShareKey("markov", ch)
			originals[k] = true
			// Stamped a second before the run started, as a computation
			// finished just before it was logged.
			d.Metrics = append(d.Metrics, tracking.Metric{Key: k, Value: 0.5, Time: now.Add(-time.Second)})
		}
		if err := st.FinishRun(ctx, run.ID, tracking.StatusFinished, d); err != nil {
			t.Fatal(err)
		}
		if note != "" {
			if err := st.SetNote(ctx, run.ID, note); err != nil {
				t.Fatal(err)
			}
		}
		return run.ID
	}
	withNote := logRun("Default", "looks right", "Télé", "(direct)", "email")
	without := logRun("Q2 — Köln", "", "Radio (lokal)", "直接")
	runs, _, err := collectRuns(ctx, st, tracking.Search{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "mlruns")
	if _, err := writeMLflow(ctx, st, out, runs, "tester"); err != nil {
		t.Fatal(err)
	}

	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	expNames := map[string]string{}
	runDirs := map[string]string{}
	for _, e := range entries {
		if e.Name() == ".trash" {
			continue
		}
		meta := readYAML(t, filepath.Join(out, e.Name(), "meta.yaml"))
		if meta["experiment_id"] != e.Name() {
			t.Errorf("experiment folder %s says id %q", e.Name(), meta["experiment_id"])
		}
		for id, name := range expNames {
			if name == meta["name"] {
				t.Errorf("experiments %s and %s are both named %q", id, e.Name(), name)
			}
		}
		expNames[e.Name()] = meta["name"]
		runs, _ := os.ReadDir(filepath.Join(out, e.Name()))
		for _, r := range runs {
			if r.IsDir() {
				runDirs[r.Name()] = filepath.Join(out, e.Name(), r.Name())
			}
		}
	}
	if expNames["0"] != "Default" {
		t.Errorf("experiment 0 is %q, want attrlab's Default (MLflow's default experiment)", expNames["0"])
	}
	if len(runDirs) != 2 {
		t.Fatalf("%d run folders, want 2", len(runDirs))
	}
	exported, ownName := map[string]bool{}, map[string]bool{}
	for id, dir := range runDirs {
		meta := readYAML(t, filepath.Join(dir, "meta.yaml"))
		start, _ := strconv.ParseInt(meta["start_time"], 10, 64)
		if meta["run_id"] != id || start == 0 {
			t.Errorf("run %s: meta run_id %q start_time %q", id, meta["run_id"], meta["start_time"])
		}
		var renamed map[string]map[string]string
		if b, err := os.ReadFile(filepath.Join(dir, "artifacts", "attrlab", "name_map.json")); err == nil {
			if err := json.Unmarshal(b, &renamed); err != nil {
				t.Fatal(err)
			}
		}
		for _, kind := range []string{"params", "metrics", "tags"} {
			for name, content := range namesUnder(t, filepath.Join(dir, kind)) {
				if !mlflowAccepts(name) {
					t.Errorf("run %s: MLflow refuses the %s name %q", id, kind, name)
				}
				if kind != "metrics" {
					continue
				}
				orig := name
				if o, ok := renamed["metrics"][name]; ok {
					orig = o
				}
				exported[orig] = true
				ownName[name] = orig == name
				for _, line := range strings.Split(strings.TrimSpace(content), "\n") {
					f := strings.Fields(line)
					ts, err := strconv.ParseInt(f[0], 10, 64)
					if len(f) != 3 || err != nil || ts < start {
						t.Errorf("run %s metric %s: line %q (start %d)", id, name, line, start)
					}
				}
			}
		}
		tags := namesUnder(t, filepath.Join(dir, "tags"))
		note, hasNote := tags["mlflow.note.content"]
		switch id {
		case withNote:
			if note != "looks right" {
				t.Errorf("run with a note: note tag %q", note)
			}
		case without:
			if hasNote {
				t.Errorf("run without a note has a note tag %q", note)
			}
		}
		if tags["équipe"] != "Köln" {
			t.Errorf("run %s: Unicode tag équipe = %q", id, tags["équipe"])
		}
	}
	for k := range originals {
		if !exported[k] {
			t.Errorf("metric %q is missing from the export", k)
		}
	}
	if !ownName["share.markov.Télé"] || !ownName["share.markov.直接"] {
		t.Error("the Unicode name share.markov.Télé was not exported under its own name")
	}

	// Without a run of Default, experiment 0 is still there: MLflow's file
	// store makes it only in a new folder, and its client expects it.
	q2, _, err := collectRuns(ctx, st, tracking.Search{Experiments: []string{"Q2 — Köln"}}, 0)
	if err != nil || len(q2) != 1 {
		t.Fatalf("Q2 runs: %v %d", err, len(q2))
	}
	out2 := filepath.Join(t.TempDir(), "mlruns")
	if _, err := writeMLflow(ctx, st, out2, q2, "tester"); err != nil {
		t.Fatal(err)
	}
	if meta := readYAML(t, filepath.Join(out2, "0", "meta.yaml")); meta["name"] != "Default" || meta["experiment_id"] != "0" {
		t.Errorf("experiment 0 of an export without Default runs: %v", meta)
	}
}
