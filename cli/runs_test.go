package cli

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// trackCLI runs attrlab with --db pointing at db (appended after the
// command and any subcommand words).
func trackCLI(t *testing.T, db string, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Setenv("ATTRLAB_DB", db)
	var out, errb bytes.Buffer
	code = Run(context.Background(), Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb}, args)
	return code, out.String(), errb.String()
}

const trackPaths = "path,total_conversions,total_conversion_value,total_null\n" +
	"email > search,30,300,10\nsearch,10,100,40\nsocial > email > search,5,50,5\nsocial,2,20,30\n"

var runLine = regexp.MustCompile(`(?m)^run ([0-9a-f]{32})$`)

func trackFixture(t *testing.T) (dir, db, data string) {
	dir = t.TempDir()
	db = filepath.Join(dir, "runs.db")
	data = filepath.Join(dir, "paths.csv")
	if err := os.WriteFile(data, []byte(trackPaths), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, db, data
}

// logged runs attribute and returns the logged run id.
func logged(t *testing.T, db string, args ...string) string {
	t.Helper()
	code, _, stderr := trackCLI(t, db, "", append([]string{"attribute"}, args...)...)
	m := runLine.FindStringSubmatch(stderr)
	if code != 0 || m == nil {
		t.Fatalf("attribute %v: exit %d, no run line:\n%s", args, code, stderr)
	}
	return m[1]
}

func runsJSON(t *testing.T, db string, args ...string) []jsonRun {
	t.Helper()
	code, stdout, stderr := trackCLI(t, db, "", append([]string{"runs", "--format", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("runs %v: exit %d: %s", args, code, stderr)
	}
	var runs []jsonRun
	if err := json.Unmarshal([]byte(stdout), &runs); err != nil {
		t.Fatalf("runs json: %v\n%s", err, stdout)
	}
	return runs
}

func TestAttributeLogsRuns(t *testing.T) {
	_, db, data := trackFixture(t)
	code, stdout, stderr := trackCLI(t, db, "", "attribute", "--format", "json", "--experiment", "emea", "--order", "2", data)
	m := runLine.FindStringSubmatch(stderr)
	if code != 0 || m == nil {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	var rep struct {
		RunID string `json:"run_id"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil || rep.RunID != m[1] {
		t.Fatalf("json run_id %q, stderr says %s (%v)", rep.RunID, m[1], err)
	}
	second := logged(t, db, "--models", "linear,markov", data)
	if code, _, stderr := trackCLI(t, db, "", "attribute", "--no-log", data); code != 0 || runLine.MatchString(stderr) {
		t.Errorf("--no-log: exit %d, stderr %s", code, stderr)
	}
	runs := runsJSON(t, db)
	if len(runs) != 2 || runs[0].RunID != second || runs[1].RunID != rep.RunID {
		t.Fatalf("runs %+v", runs)
	}
	first := runs[1]
	if first.Experiment != "emea" || runs[0].Experiment != "Default" || first.Status != "FINISHED" || first.Params["order"] != 2.0 ||
		first.Dataset != "paths.csv" || len(first.Fingerprint) != 64 || first.Fingerprint != runs[0].Fingerprint {
		t.Errorf("first run %+v", first)
	}
	if v := first.Metrics["total_conversions"]; v == nil || *v != 47 {
		t.Errorf("total_conversions = %v", v)
	}
	if _, ok := runs[0].Metrics["share.markov.email"]; !ok {
		t.Errorf("no share.markov.email metric in %v", runs[0].Metrics)
	}
	// The same file registered by import has the fingerprint the runs
	// recorded.
	code, stdout, stderr = trackCLI(t, db, "", "import", "--name", "paths", data)
	if code != 0 || !strings.HasPrefix(stdout, "dataset "+first.Fingerprint) {
		t.Errorf("import: exit %d, %q, %s", code, stdout, stderr)
	}
	// Another separator is another dataset.
	code, stdout, _ = trackCLI(t, db, "", "import", "--sep", "|", data)
	if code != 0 || strings.Contains(stdout, first.Fingerprint) {
		t.Errorf("import --sep '|': exit %d, %q", code, stdout)
	}
}

func TestRunsListAndEdit(t *testing.T) {
	dir, db, data := trackFixture(t)
	a := logged(t, db, "--order", "1", data)
	b := logged(t, db, "--order", "3", "--experiment", "x", data)

	code, stdout, stderr := trackCLI(t, db, "", "runs", "--format", "csv")
	if code != 0 || !strings.HasPrefix(stdout, "run_id,experiment,name,status,start_time,end_time,dataset,params.") {
		t.Fatalf("csv: exit %d %s\n%s", code, stderr, stdout)
	}
	header := strings.SplitN(stdout, "\n", 2)[0]
	if p, m := strings.Index(header, "params.order"), strings.Index(header, "metrics.p_conv"); p < 0 || m < p {
		t.Errorf("header %s: params before metrics", header)
	}
	for _, tt := range []struct {
		args []string
		want []string
	}{
		{[]string{"--filter", "params.order > 1"}, []string{b}},
		{[]string{"--filter", "params.order >= 1", "--order-by", "params.order"}, []string{a, b}},
		{[]string{"--experiment", "x"}, []string{b}},
		{[]string{"--filter", "metrics.share.markov.email > 0 and experiment = 'Default'"}, []string{a}},
		{[]string{"--limit", "1"}, []string{b}},
	} {
		var got []string
		for _, r := range runsJSON(t, db, tt.args...) {
			got = append(got, r.RunID)
		}
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("runs %v = %v, want %v", tt.args, got, tt.want)
		}
	}
	code, _, stderr = trackCLI(t, db, "", "runs", "--filter", "params.order >> 1")
	if code != ExitUsage || !strings.Contains(stderr, "position 15") || !strings.Contains(stderr, "^") {
		t.Errorf("bad filter: exit %d, %s", code, stderr)
	}
	for _, args := range [][]string{
		{"runs", "tag", a, "team=emea", "x=1"},
		{"runs", "tag", a, "--remove", "x"},
		{"runs", "rename", a, "baseline"},
		{"runs", "delete", b},
	} {
		if code, _, stderr := trackCLI(t, db, "", args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	if code, _, stderr := trackCLI(t, db, "# Why\nfirst try", "runs", "note", a, "-"); code != 0 {
		t.Fatalf("note: %d %s", code, stderr)
	}
	runs := runsJSON(t, db)
	if len(runs) != 1 || runs[0].Name != "baseline" || runs[0].Note != "# Why\nfirst try" || len(runs[0].Tags) != 1 || runs[0].Tags["team"] != "emea" {
		t.Errorf("after edits: %+v", runs)
	}
	if deleted := runsJSON(t, db, "--deleted", "only"); len(deleted) != 1 || deleted[0].RunID != b || !deleted[0].Deleted {
		t.Errorf("deleted runs %+v", deleted)
	}
	if _, _, stderr := trackCLI(t, db, "", "runs", "delete", b); stderr != "run "+b+" deleted\n" {
		t.Errorf("runs delete says %q", stderr)
	}
	if _, _, stderr := trackCLI(t, db, "", "runs", "restore", b); stderr != "run "+b+" restored\n" {
		t.Errorf("runs restore says %q", stderr)
	}
	if len(runsJSON(t, db)) != 2 {
		t.Error("restore did not bring the run back")
	}
	missing := strings.Repeat("0", 32)
	for _, args := range [][]string{{"runs", "delete", missing}, {"runs", "tag", "nothex", "a=b"}, {"runs", "note", a}, {"runs", "bogus"}} {
		if code, _, _ := trackCLI(t, db, "", args...); code != ExitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, ExitUsage)
		}
	}
	out := filepath.Join(dir, "runs.csv")
	if code, _, stderr := trackCLI(t, db, "", "export", "runs", "--out", out); code != 0 {
		t.Fatalf("export runs: %d %s", code, stderr)
	}
	csv, _ := os.ReadFile(out)
	if lines := strings.Count(string(csv), "\n"); lines != 3 || !strings.HasPrefix(string(csv), "run_id,experiment,") {
		t.Errorf("exported %d lines:\n%s", lines, csv)
	}
}

func TestCompareCommand(t *testing.T) {
	_, db, data := trackFixture(t)
	a := logged(t, db, "--models", "linear,markov,first-touch", data)
	b := logged(t, db, "--models", "linear,markov,first-touch", "--order", "2", data)
	code, stdout, stderr := trackCLI(t, db, "", "compare", a, b, "--model", "markov")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"PARAM", "order", "METRIC", "CREDIT (markov)", "Kendall's tau", "same dataset"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "\nmodels ") {
		t.Errorf("models is the same in both runs and shown anyway:\n%s", stdout)
	}
	code, stdout, _ = trackCLI(t, db, "", "compare", "--format", "json", "--baseline", b, a, b)
	var c struct {
		Baseline    string       `json:"baseline"`
		SameDataset bool         `json:"same_dataset"`
		Model       string       `json:"model"`
		KendallTau  [][]*float64 `json:"kendall_tau"`
		Channels    []struct {
			Channel string `json:"channel"`
		} `json:"channels"`
	}
	if err := json.Unmarshal([]byte(stdout), &c); err != nil || code != 0 {
		t.Fatalf("json: %v, exit %d\n%s", err, code, stdout)
	}
	if c.Baseline != b || !c.SameDataset || c.Model != "markov" || len(c.Channels) != 3 || *c.KendallTau[1][1] != 1 {
		t.Errorf("compare json %+v", c)
	}
	code, stdout, _ = trackCLI(t, db, "", "compare", "--format", "csv", a, b)
	if code != 0 || !strings.HasPrefix(stdout, "section,key,"+a+","+b+"\n") || !strings.Contains(stdout, "\nparam,order,1,2\n") {
		t.Errorf("csv: exit %d\n%s", code, stdout)
	}
	for _, args := range [][]string{{"compare", a}, {"compare", a, strings.Repeat("1", 32)}, {"compare", a, b, "--baseline", "x"}, {"compare", a, b, "--model", "nope"}} {
		if code, _, _ := trackCLI(t, db, "", args...); code != ExitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, ExitUsage)
		}
	}
}

func TestStoreErrors(t *testing.T) {
	dir, db, data := trackFixture(t)
	logged(t, db, data)
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	raw.Exec("PRAGMA user_version = 999")
	raw.Close()
	code, _, stderr := trackCLI(t, db, "", "runs")
	if code != ExitStore || !strings.Contains(stderr, "newer version of attrlab") {
		t.Errorf("newer database: exit %d, %s", code, stderr)
	}
	if code, _, _ := trackCLI(t, db, "", "attribute", data); code != ExitStore {
		t.Errorf("attribute into a newer database: exit %d, want %d", code, ExitStore)
	}
	// --db wins over ATTRLAB_DB.
	other := filepath.Join(dir, "other.db")
	if code, _, stderr := trackCLI(t, db, "", "attribute", "--db", other, data); code != 0 {
		t.Errorf("--db: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("--db did not create %s", other)
	}
}
