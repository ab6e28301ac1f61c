package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

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

export runs never replaces --out without --force. export mlflow writes a
new (or empty) folder, whole or not at all.

export mlflow writes an MLflow "mlruns" folder: DIR/<experiment_id>/meta.yaml
and DIR/<experiment_id>/<run_id>/{meta.yaml,params,metrics,tags,artifacts}.
Recent MLflow releases read it with MLFLOW_ALLOW_FILE_STORE=true
(mlflow ui --backend-store-uri DIR) or after mlflow migrate-filestore.
The Default experiment is MLflow's experiment 0. Names keep Unicode
letters; characters MLflow refuses in a name become _, and the run's
artifact attrlab/name_map.json maps such names back.

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
	var force bool
	fs := newFlags("export "+what, exportUsage, env.Stdout)
	l.add(fs)
	fs.StringVar(&out, "out", "", "output file (runs) or folder (mlflow)")
	if what == "runs" {
		fs.BoolVar(&force, "force", false, "replace --out if it exists (never the run store)")
	}
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
	dbPath, err := storePath(l.db)
	if err != nil {
		return err
	}
	if what == "mlflow" {
		if err := checkMLflowOut(out); err != nil {
			return err
		}
	} else if err := checkOut("--out", out, force, dbPath); err != nil {
		return err
	}
	st, err := openStore(ctx, env, l.db)
	if err != nil {
		return err
	}
	defer st.Close()
	runs, _, err := collectRuns(ctx, st, srch, 0)
	if err != nil {
		return err
	}
	if what == "runs" {
		if err := writeOutFunc("--out", out, force, func(w io.Writer) error { return charts.WriteRunsCSV(w, runs) }, dbPath); err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "%d runs written to %s\n", len(runs), out)
		return nil
	}
	renamed, err := writeMLflow(ctx, st, out, runs, userName())
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "%d runs written to %s as an MLflow mlruns folder\n", len(runs), out)
	if len(renamed) > 0 {
		fmt.Fprintf(env.Stderr, "%d names MLflow refuses were renamed (characters other than letters, digits, _ - . : / and spaces became _); each run's artifact %s maps them back:\n", len(renamed), mlflowNameMapArtifact)
		for i, r := range renamed {
			if i == 10 {
				fmt.Fprintf(env.Stderr, "  … and %d more\n", len(renamed)-i)
				break
			}
			fmt.Fprintf(env.Stderr, "  %s\n", r)
		}
	}
	return nil
}

// checkMLflowOut refuses an export folder that is a file or a folder
// with something in it.
func checkMLflowOut(out string) error {
	fi, err := os.Stat(out)
	switch {
	case err != nil:
		return nil
	case !fi.IsDir():
		return &inputError{fmt.Errorf("export mlflow: %s is a file; give a new or empty folder", out)}
	}
	if entries, err := os.ReadDir(out); err == nil && len(entries) > 0 {
		return usagef("export mlflow: %s is not empty; give a new or empty folder", out)
	}
	return nil
}

// mlflowStatus maps run statuses to MLflow's RunStatus numbers.
var mlflowStatus = map[tracking.Status]int{
	tracking.StatusRunning: 1, tracking.StatusFinished: 3, tracking.StatusFailed: 4, tracking.StatusKilled: 5,
}

// mlflowDefaultExperiment is the id MLflow gives its "Default" experiment;
// attrlab's Default experiment is exported under it, so that MLflow (and
// mlflow migrate-filestore) finds its own Default rather than a second
// experiment of that name.
const mlflowDefaultExperiment = "0"

// mlflowNameMapArtifact is the artifact, in every run whose names had to
// change, that maps each exported name back to attrlab's.
const mlflowNameMapArtifact = "attrlab/name_map.json"

// mlflowMaxName is MLflow's longest param, metric and tag key.
const mlflowMaxName = 250

// mlflowNameChar is what MLflow allows in a param, metric or tag name
// (mlflow/utils/validation.py: ^[/\w.\- :]*$, where Python's \w is
// Unicode letters, digits and _).
func mlflowNameChar(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || strings.ContainsRune("_/.- :", r)
}

// validMLflowName reports whether MLflow accepts k as a name and stores it
// as the same path: no other characters, no empty, . or .. part, no
// leading or trailing slash or space in a part.
func validMLflowName(k string) bool {
	if k == "" || utf8.RuneCountInString(k) > mlflowMaxName || strings.IndexFunc(k, func(r rune) bool { return !mlflowNameChar(r) }) >= 0 {
		return false
	}
	for _, part := range strings.Split(k, "/") {
		if part == "" || part == "." || part == ".." || strings.TrimSpace(part) != part {
			return false
		}
	}
	return true
}

// mlflowSafeName maps k to a name MLflow accepts: other characters become
// _, and so do empty, . and .. parts and spaces at a part's ends.
func mlflowSafeName(k string) string {
	k = strings.Map(func(r rune) rune {
		if mlflowNameChar(r) {
			return r
		}
		return '_'
	}, k)
	parts := strings.Split(k, "/")
	for i, p := range parts {
		switch {
		case p == "" || p == ".":
			parts[i] = "_"
		case p == "..":
			parts[i] = "__"
		default:
			t := strings.TrimSpace(p)
			parts[i] = strings.Repeat("_", len(p)-len(strings.TrimLeft(p, " "))) + t + strings.Repeat("_", len(p)-len(strings.TrimRight(p, " ")))
		}
	}
	k = strings.Join(parts, "/")
	if r := []rune(k); len(r) > mlflowMaxName {
		k = strings.TrimRight(string(r[:mlflowMaxName]), "/")
	}
	return k
}

// mlflowNames gives each key of one kind (params, metrics, tags,
// artifacts) of one run its exported name, unique within the kind.
type mlflowNames struct {
	used    map[string]bool
	renamed map[string]string // exported name -> attrlab's
}

func (n *mlflowNames) name(k string) string {
	if n.used == nil {
		n.used, n.renamed = map[string]bool{}, map[string]string{}
	}
	if validMLflowName(k) && !n.used[k] {
		n.used[k] = true
		return k
	}
	base := mlflowSafeName(k)
	name := base
	for i := 2; n.used[name]; i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	n.used[name] = true
	n.renamed[name] = k
	return name
}

// writeMLflow writes runs as an MLflow file store at dir: into a
// temporary folder beside it, renamed to dir at the end, so that a failure
// leaves nothing half-written. It returns a line for each name it had to
// change.
func writeMLflow(ctx context.Context, st *storage.Store, dir string, runs []*tracking.Run, user string) ([]string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	exps, err := st.Experiments(ctx)
	if err != nil {
		return nil, storeErr(err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return nil, fileSystemError(abs, err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(abs), "."+filepath.Base(abs)+".*.tmp")
	if err != nil {
		return nil, fileSystemError(abs, err)
	}
	defer os.RemoveAll(tmp)
	// Paths inside the export (artifact locations) name the final folder.
	w := &mlflowWriter{root: tmp, final: abs}
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
	// MLflow's file store makes experiment 0 only in a new folder, and
	// its client and UI expect it: write it even when no run of attrlab's
	// Default is exported.
	if !w.wroteDefault {
		def := &tracking.Experiment{Name: tracking.DefaultExperiment, Created: time.Now(), Updated: time.Now()}
		if i := slices.IndexFunc(exps, func(e *tracking.Experiment) bool { return e.Name == tracking.DefaultExperiment }); i >= 0 {
			def = exps[i]
		}
		w.experiment(def)
	}
	w.mkdir(filepath.Join(tmp, ".trash"))
	if w.err != nil {
		return nil, fileSystemError(abs, fmt.Errorf("export mlflow: %w", w.err))
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, fileSystemError(abs, err)
	}
	// Renaming onto an empty folder replaces it (POSIX); elsewhere remove
	// it first.
	if err := os.Rename(tmp, abs); err != nil {
		if rerr := os.Remove(abs); rerr != nil {
			return nil, fileSystemError(abs, err)
		}
		if err := os.Rename(tmp, abs); err != nil {
			return nil, fileSystemError(abs, err)
		}
	}
	return w.renamed, nil
}

// mlflowWriter writes files, keeping the first error.
type mlflowWriter struct {
	root, final string
	err         error
	renamed     []string
	made        map[string]bool // folders made so far
	// wroteDefault says experiment 0 (attrlab's Default) is written.
	wroteDefault bool
}

func (w *mlflowWriter) mkdir(dir string) {
	if w.err == nil && !w.made[dir] {
		w.err = os.MkdirAll(dir, 0o755)
		if w.made == nil {
			w.made = map[string]bool{}
		}
		w.made[dir] = true
	}
}

func (w *mlflowWriter) file(path string, data []byte) {
	w.mkdir(filepath.Dir(path))
	if w.err == nil {
		w.err = os.WriteFile(path, data, 0o644)
	}
}

// finalPath is where path inside the temporary folder will be.
func (w *mlflowWriter) finalPath(path string) string {
	rel, _ := filepath.Rel(w.root, path)
	return filepath.Join(w.final, rel)
}

func fileURI(path string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
}

// mlflowExperimentID is the id an experiment is exported under.
func mlflowExperimentID(id int64, name string) string {
	if name == tracking.DefaultExperiment {
		return mlflowDefaultExperiment
	}
	return strconv.FormatInt(id, 10)
}

func (w *mlflowWriter) experiment(e *tracking.Experiment) {
	id := mlflowExperimentID(e.ID, e.Name)
	w.wroteDefault = w.wroteDefault || id == mlflowDefaultExperiment
	stage := "active"
	if e.Deleted {
		stage = "deleted"
	}
	dir := filepath.Join(w.root, id)
	w.file(filepath.Join(dir, "meta.yaml"), yamlMap([][2]string{
		{"artifact_location", yamlString(fileURI(w.finalPath(dir)))},
		{"creation_time", strconv.FormatInt(e.Created.UnixMilli(), 10)},
		{"experiment_id", yamlQuoted(id)},
		{"last_update_time", strconv.FormatInt(e.Updated.UnixMilli(), 10)},
		{"lifecycle_stage", stage},
		{"name", yamlString(e.Name)},
	}))
}

func (w *mlflowWriter) run(ctx context.Context, st *storage.Store, r *tracking.Run, user string) error {
	expID := mlflowExperimentID(r.ExperimentID, r.Experiment)
	dir := filepath.Join(w.root, expID, r.ID)
	end := "null"
	if !r.EndTime.IsZero() {
		end = strconv.FormatInt(r.EndTime.UnixMilli(), 10)
	}
	stage := "active"
	if r.Deleted {
		stage = "deleted"
	}
	start := r.StartTime.UnixMilli()
	w.file(filepath.Join(dir, "meta.yaml"), yamlMap([][2]string{
		{"artifact_uri", yamlString(fileURI(w.finalPath(filepath.Join(dir, "artifacts"))))},
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
		{"start_time", strconv.FormatInt(start, 10)},
		{"status", strconv.Itoa(mlflowStatus[r.Status])},
		{"tags", "[]"},
		{"user_id", yamlString(user)},
	}))
	var names struct{ params, metrics, tags, artifacts mlflowNames }
	w.mkdir(filepath.Join(dir, "params"))
	for _, p := range r.Params {
		w.file(filepath.Join(dir, "params", filepath.FromSlash(names.params.name(p.Key()))), []byte(p.String()))
	}
	w.mkdir(filepath.Join(dir, "metrics"))
	hists, err := st.MetricHistories(ctx, r.ID)
	if err != nil {
		return storeErr(err)
	}
	for _, m := range r.Metrics {
		hist := hists[m.Key]
		var b strings.Builder
		for _, p := range hist {
			// A point stamped before the run started (computed just before
			// it was logged) is shown at the start; a period's share keeps
			// its period's start (metric history over time).
			at := max(p.Time.UnixMilli(), start)
			if tracking.IsPeriodMetric(m.Key) {
				at = p.Time.UnixMilli()
			}
			fmt.Fprintf(&b, "%d %s %d\n", at, mlflowFloat(p.Value), p.Step)
		}
		w.file(filepath.Join(dir, "metrics", filepath.FromSlash(names.metrics.name(m.Key))), []byte(b.String()))
	}
	tags := map[string]string{
		"mlflow.runName":     r.Name,
		"mlflow.source.type": "LOCAL",
		"mlflow.user":        user,
	}
	if r.Note != "" {
		tags["mlflow.note.content"] = r.Note
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
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		w.file(filepath.Join(dir, "tags", filepath.FromSlash(names.tags.name(k))), []byte(tags[k]))
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
		w.file(filepath.Join(arts, names.artifacts.name("results.csv")), []byte(b.String()))
	}
	stored, err := st.Artifacts(ctx, r.ID)
	if err != nil {
		return storeErr(err)
	}
	names.artifacts.name(mlflowNameMapArtifact) // reserved for the name map
	delete(names.artifacts.renamed, mlflowNameMapArtifact)
	for _, a := range stored {
		w.file(filepath.Join(arts, filepath.FromSlash(names.artifacts.name(a.Path))), a.Data)
	}
	nameMap := map[string]map[string]string{}
	for _, k := range []struct {
		kind string
		n    *mlflowNames
	}{{"params", &names.params}, {"metrics", &names.metrics}, {"tags", &names.tags}, {"artifacts", &names.artifacts}} {
		kind, n := k.kind, k.n
		if len(n.renamed) == 0 {
			continue
		}
		nameMap[kind] = n.renamed
		for _, to := range slices.Sorted(maps.Keys(n.renamed)) {
			w.renamed = append(w.renamed, fmt.Sprintf("%s %q of run %s exported as %q", strings.TrimSuffix(kind, "s"), n.renamed[to], r.ID, to))
		}
	}
	if len(nameMap) > 0 {
		b, _ := json.MarshalIndent(nameMap, "", "  ")
		w.file(filepath.Join(arts, filepath.FromSlash(mlflowNameMapArtifact)), append(b, '\n'))
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
