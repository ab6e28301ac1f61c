package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	charts "github.com/attrlab/attrlab/report"
	"github.com/attrlab/attrlab/storage"
	"github.com/attrlab/attrlab/tracking"
)

const exportUsage = `Usage: attrlab export runs --out FILE.csv [flags]
       attrlab export mlflow --out DIR [flags]
       attrlab export chart RUN_ID|FILE... --kind KIND --out FILE.png|.svg|.pdf
       attrlab export results RUN_ID|FILE --out FILE.csv

export runs writes the runs as CSV: run_id, experiment, name, status,
start_time, end_time, dataset, then params.*, metrics.* and tags.*.

export mlflow writes an MLflow "mlruns" folder: DIR/<experiment_id>/meta.yaml
and DIR/<experiment_id>/<run_id>/{meta.yaml,params,metrics,tags,artifacts}.
Recent MLflow releases read it with MLFLOW_ALLOW_FILE_STORE=true
(mlflow ui --backend-store-uri DIR) or after mlflow migrate-filestore.

--experiment, --filter, --order-by and --deleted select runs as in
attrlab runs.

Flags:
`

func runExport(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprint(env.Stdout, exportUsage)
			return nil
		}
		return usagef("export needs what to export: runs, mlflow, chart or results (see attrlab export --help)")
	}
	what, args := args[0], args[1:]
	switch what {
	case "chart":
		return runExportChart(ctx, env, args)
	case "results":
		return runExportResults(ctx, env, args)
	case "runs", "mlflow":
	default:
		return usagef("export %q: use export runs, mlflow, chart or results", what)
	}
	var l listFlags
	var out string
	fs := newFlags("export "+what, exportUsage, env.Stdout)
	l.add(fs)
	fs.StringVar(&out, "out", "", "output file (runs) or folder (mlflow)")
	dbFlag(fs, &l.db)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("export %s: unexpected argument %q", what, pos[0])
	}
	if out == "" {
		return usagef("export %s needs --out", what)
	}
	srch, err := l.search()
	if err != nil {
		return err
	}
	if what == "mlflow" {
		if entries, err := os.ReadDir(out); err == nil && len(entries) > 0 {
			return usagef("export mlflow: %s is not empty; give a new or empty folder", out)
		}
	}
	st, err := openStore(ctx, l.db)
	if err != nil {
		return err
	}
	defer st.Close()
	runs, _, err := collectRuns(ctx, st, srch, 0)
	if err != nil {
		return err
	}
	if what == "runs" {
		var b strings.Builder
		if err := charts.WriteRunsCSV(&b, runs); err != nil {
			return err
		}
		if err := os.WriteFile(out, []byte(b.String()), 0o644); err != nil {
			return &inputError{fmt.Errorf("export runs: %w", err)}
		}
		fmt.Fprintf(env.Stderr, "%d runs written to %s\n", len(runs), out)
		return nil
	}
	skipped, err := writeMLflow(ctx, st, out, runs, userName())
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "%d runs written to %s as an MLflow mlruns folder\n", len(runs), out)
	for _, s := range skipped {
		fmt.Fprintf(env.Stderr, "  skipped %s: MLflow names allow only letters, digits, _ - . : / and spaces\n", s)
	}
	return nil
}

// mlflowStatus maps run statuses to MLflow's RunStatus numbers.
var mlflowStatus = map[tracking.Status]int{
	tracking.StatusRunning: 1, tracking.StatusFinished: 3, tracking.StatusFailed: 4, tracking.StatusKilled: 5,
}

// mlflowName is what MLflow accepts as a param, metric or tag name; names
// that would escape their folder are refused too.
var mlflowName = regexp.MustCompile(`^[\w\-.: /]+$`)

func validMLflowName(k string) bool {
	if !mlflowName.MatchString(k) || strings.HasPrefix(k, "/") || strings.HasSuffix(k, "/") {
		return false
	}
	for _, part := range strings.Split(k, "/") {
		if part == "" || part == "." || part == ".." || strings.TrimSpace(part) != part {
			return false
		}
	}
	return true
}

// writeMLflow writes runs as an MLflow file store under dir and returns
// the names it had to skip.
func writeMLflow(ctx context.Context, st *storage.Store, dir string, runs []*tracking.Run, user string) ([]string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	exps, err := st.Experiments(ctx)
	if err != nil {
		return nil, storeErr(err)
	}
	w := &mlflowWriter{root: abs}
	written := map[int64]bool{}
	for _, r := range runs {
		if !written[r.ExperimentID] {
			i := slices.IndexFunc(exps, func(e *tracking.Experiment) bool { return e.ID == r.ExperimentID })
			if i < 0 {
				return nil, &storeError{fmt.Errorf("experiment %d of run %s is missing", r.ExperimentID, r.ID)}
			}
			w.experiment(exps[i])
			written[r.ExperimentID] = true
		}
		if err := w.run(ctx, st, r, user); err != nil {
			return nil, err
		}
	}
	w.mkdir(filepath.Join(abs, ".trash"))
	if w.err != nil {
		return nil, &inputError{fmt.Errorf("export mlflow: %w", w.err)}
	}
	return w.skipped, nil
}

// mlflowWriter writes files, keeping the first error.
type mlflowWriter struct {
	root    string
	err     error
	skipped []string
}

func (w *mlflowWriter) mkdir(dir string) {
	if w.err == nil {
		w.err = os.MkdirAll(dir, 0o755)
	}
}

func (w *mlflowWriter) file(path string, data []byte) {
	w.mkdir(filepath.Dir(path))
	if w.err == nil {
		w.err = os.WriteFile(path, data, 0o644)
	}
}

// keyed writes one file per key under dir, skipping names MLflow refuses.
func (w *mlflowWriter) keyed(dir, what, runID, key string, data []byte) {
	if !validMLflowName(key) {
		w.skipped = append(w.skipped, fmt.Sprintf("%s %q of run %s", what, key, runID))
		return
	}
	w.file(filepath.Join(dir, filepath.FromSlash(key)), data)
}

func fileURI(path string) string {
	return "file://" + filepath.ToSlash(path)
}

func (w *mlflowWriter) experiment(e *tracking.Experiment) {
	id := strconv.FormatInt(e.ID, 10)
	stage := "active"
	if e.Deleted {
		stage = "deleted"
	}
	w.file(filepath.Join(w.root, id, "meta.yaml"), yamlMap([][2]string{
		{"artifact_location", yamlString(fileURI(filepath.Join(w.root, id)))},
		{"creation_time", strconv.FormatInt(e.Created.UnixMilli(), 10)},
		{"experiment_id", yamlQuoted(id)},
		{"last_update_time", strconv.FormatInt(e.Updated.UnixMilli(), 10)},
		{"lifecycle_stage", stage},
		{"name", yamlString(e.Name)},
	}))
}

func (w *mlflowWriter) run(ctx context.Context, st *storage.Store, r *tracking.Run, user string) error {
	expID := strconv.FormatInt(r.ExperimentID, 10)
	dir := filepath.Join(w.root, expID, r.ID)
	end := "null"
	if !r.EndTime.IsZero() {
		end = strconv.FormatInt(r.EndTime.UnixMilli(), 10)
	}
	stage := "active"
	if r.Deleted {
		stage = "deleted"
	}
	w.file(filepath.Join(dir, "meta.yaml"), yamlMap([][2]string{
		{"artifact_uri", yamlString(fileURI(filepath.Join(dir, "artifacts")))},
		{"end_time", end},
		{"entry_point_name", "''"},
		{"experiment_id", yamlQuoted(expID)},
		{"lifecycle_stage", stage},
		{"run_id", r.ID},
		{"run_name", yamlString(r.Name)},
		{"run_uuid", r.ID},
		{"source_name", "''"},
		{"source_type", "4"},
		{"source_version", "''"},
		{"start_time", strconv.FormatInt(r.StartTime.UnixMilli(), 10)},
		{"status", strconv.Itoa(mlflowStatus[r.Status])},
		{"tags", "[]"},
		{"user_id", yamlString(user)},
	}))
	w.mkdir(filepath.Join(dir, "params"))
	for _, p := range r.Params {
		w.keyed(filepath.Join(dir, "params"), "param", r.ID, p.Key(), []byte(p.String()))
	}
	w.mkdir(filepath.Join(dir, "metrics"))
	for _, m := range r.Metrics {
		hist, err := st.MetricHistory(ctx, r.ID, m.Key)
		if err != nil {
			return storeErr(err)
		}
		var b strings.Builder
		for _, p := range hist {
			fmt.Fprintf(&b, "%d %s %d\n", p.Time.UnixMilli(), mlflowFloat(p.Value), p.Step)
		}
		w.keyed(filepath.Join(dir, "metrics"), "metric", r.ID, m.Key, []byte(b.String()))
	}
	tags := map[string]string{
		"mlflow.runName":      r.Name,
		"mlflow.note.content": r.Note,
		"mlflow.source.type":  "LOCAL",
		"mlflow.user":         user,
	}
	if r.AppVersion != "" {
		tags["attrlab.app_version"] = r.AppVersion
	}
	if r.Dataset != "" {
		tags["attrlab.dataset.fingerprint"] = r.Dataset
		tags["attrlab.dataset.name"] = r.DatasetName
	}
	for k, v := range r.Tags {
		tags[k] = v
	}
	if err := addChampionTag(ctx, st, r, tags); err != nil {
		return err
	}
	w.mkdir(filepath.Join(dir, "tags"))
	for k, v := range tags {
		w.keyed(filepath.Join(dir, "tags"), "tag", r.ID, k, []byte(v))
	}
	arts := filepath.Join(dir, "artifacts")
	w.mkdir(arts)
	res, err := st.Results(ctx, r.ID)
	if err != nil {
		return storeErr(err)
	}
	if len(res) > 0 {
		var b strings.Builder
		b.WriteString("model,channel,conversions,value,share,removal_effect\n")
		for _, x := range res {
			re := ""
			if x.RemovalEffect != nil {
				re = num(*x.RemovalEffect)
			}
			writeCSVRow(&b, []string{x.Model, x.Channel, num(x.Conversions), num(x.Value), num(x.Share), re})
		}
		w.file(filepath.Join(arts, "results.csv"), []byte(b.String()))
	}
	stored, err := st.Artifacts(ctx, r.ID)
	if err != nil {
		return storeErr(err)
	}
	for _, a := range stored {
		w.keyed(arts, "artifact", r.ID, a.Path, a.Data)
	}
	return nil
}

// mlflowFloat formats a metric value as Python's float() reads it.
func mlflowFloat(v float64) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	return num(v)
}

// yamlMap writes "key: value" lines, keys sorted, values already YAML.
func yamlMap(kv [][2]string) []byte {
	slices.SortFunc(kv, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	var b strings.Builder
	for _, p := range kv {
		b.WriteString(p[0] + ": " + p[1] + "\n")
	}
	return []byte(b.String())
}

// plainYAML is text YAML reads back as the same string without quotes.
var plainYAML = regexp.MustCompile(`^[A-Za-z_/][A-Za-z0-9_./:\-]*$`)

// yamlString writes s as a YAML string: plain when that reads back as the
// same string, else double-quoted (JSON's escapes are YAML's).
func yamlString(s string) string {
	switch strings.ToLower(s) {
	case "", "null", "true", "false", "yes", "no", "on", "off", "y", "n", "~":
		return yamlQuoted(s)
	}
	if plainYAML.MatchString(s) {
		return s
	}
	b, _ := json.Marshal(s)
	return string(b)
}

// yamlQuoted writes s single-quoted, as MLflow writes ids.
func yamlQuoted(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
