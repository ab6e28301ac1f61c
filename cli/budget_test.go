package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attrlab/attrlab/storage"
)

// budgetTouches is a touch log with a cost column: email 3 + 1, search 2.
const budgetTouches = "journey_id,timestamp,channel,conversion,conversion_value,cost\n" +
	"u1,2025-01-01,email,0,,3\nu1,2025-01-02,search,1,100,2\n" +
	"u2,2025-01-01,email,0,,1\nu2,2025-01-03,email,1,50,\n" +
	"u3,2025-01-01,search,0,,\n"

func TestBudgetCommand(t *testing.T) {
	dir := t.TempDir()
	touches := filepath.Join(dir, "touches.csv")
	spend := filepath.Join(dir, "spend.csv")
	badSpend := filepath.Join(dir, "bad.csv")
	for path, data := range map[string]string{
		touches:  budgetTouches,
		spend:    "channel,cost\nemail,10\nsearch,30\ntv,5\n",
		badSpend: "channel,spend\nemail,10\nsearch,lots\n",
	} {
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string // substrings
		stderr []string
	}{
		// Linear: u1 splits 1 conversion ½ email ½ search, u2's email
		// gets 1: email 1.5, search 0.5 of 2. Spend from the cost column:
		// email 4, search 2; proposed 6 × ¾ = 4.5 and 1.5.
		{name: "cost column", args: []string{touches, "--model", "linear"},
			stdout: []string{"Budget by linear credit: total 6", "email", "4.50", "+0.50", "search", "1.50", "-0.50"}},
		// Spend file: 45 in all; tv has no credit. email 45 × ¾ = 33.75.
		{name: "spend file", args: []string{touches, "--model", "linear", "--spend", spend, "--format", "csv"},
			stdout: []string{"model,channel,spend,spend_share", "linear,email,10,", ",33.75,23.75,0,,", "linear,tv,5,", "no-credit,not-in-data"},
			stderr: []string{"channel tv never appears"}},
		// Max 20 for email: search takes the other 25.
		{name: "max", args: []string{touches, "--model", "linear", "--spend", spend, "--max", "email=20", "--format", "json"},
			stdout: []string{`"proposed": 20`, `"at-max"`, `"proposed": 25`}},
		{name: "infeasible minimums", args: []string{touches, "--spend", spend, "--min", "email=40", "--min", "search=10"}, code: ExitUsage,
			stderr: []string{"minimums add up to 50, more than the total budget 45"}},
		{name: "unknown channel bound", args: []string{touches, "--max", "radio=1"}, code: ExitUsage,
			stderr: []string{`maximum for channel "radio": there is no such channel`}},
		{name: "bad bound", args: []string{touches, "--min", "email=-3"}, code: ExitUsage, stderr: []string{"--min email=-3"}},
		{name: "bad spend file", args: []string{touches, "--spend", badSpend}, code: ExitBadInput, stderr: []string{"bad.csv:3: spend \"lots\": not a number"}},
		{name: "missing spend file", args: []string{touches, "--spend", filepath.Join(dir, "nope.csv")}, code: ExitBadInput, stderr: []string{"nope.csv"}},
		{name: "unknown model", args: []string{touches, "--model", "magic"}, code: ExitUsage, stderr: []string{"magic"}},
		{name: "zero total", args: []string{touches, "--total", "0"}, code: ExitUsage, stderr: []string{"-total: \"0\": expected an amount more than 0"}},
		{name: "given total", args: []string{touches, "--model", "linear", "--total", "100", "--format", "csv"}, stdout: []string{"linear,email,4,", ",75,71,0,,"}},
		{name: "bad format", args: []string{touches, "--format", "xml"}, code: ExitUsage, stderr: []string{"--format"}},
		{name: "no source", args: []string{"--spend", spend}, code: ExitUsage, stderr: []string{"budget takes one RUN_ID or FILE"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append([]string{"budget"}, tt.args...)...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout, stderr)
			}
			for _, want := range tt.stdout {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout does not contain %q:\n%s", want, stdout)
				}
			}
			for _, want := range tt.stderr {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr does not contain %q:\n%s", want, stderr)
				}
			}
		})
	}
}

func TestBudgetJSONIsValid(t *testing.T) {
	path := writeFile(t, "touches.csv", []byte(budgetTouches))
	code, stdout, stderr := runCLI(t, "budget", path, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var out struct {
		Model    string `json:"model"`
		Total    float64
		Channels []struct {
			Channel  string
			Proposed float64
			CPA      *float64 `json:"cpa"`
			Flags    []string
		}
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("budget JSON does not parse: %v\n%s", err, stdout)
	}
	if out.Model != "markov" || out.Total != 6 || len(out.Channels) != 2 {
		t.Errorf("got %+v, want the markov model, total 6, two channels", out)
	}
}

func TestExportChartAndResults(t *testing.T) {
	dir := t.TempDir()
	touches := filepath.Join(dir, "touches.csv")
	if err := os.WriteFile(touches, []byte(budgetTouches), 0o644); err != nil {
		t.Fatal(err)
	}
	out := func(name string) string { return filepath.Join(dir, name) }
	tests := []struct {
		name   string
		args   []string
		code   int
		file   string // written file
		magic  string // its first bytes
		stderr string
	}{
		{name: "attribution png", args: []string{touches, "--kind", "attribution", "--out", out("a.png")}, file: out("a.png"), magic: "\x89PNG"},
		{name: "budget svg", args: []string{touches, "--kind", "budget", "--out", out("b.svg")}, file: out("b.svg"), magic: "<?xml"},
		{name: "removal pdf", args: []string{touches, "--kind", "removal", "--out", out("r.pdf")}, file: out("r.pdf"), magic: "%PDF"},
		{name: "transitions", args: []string{touches, "--kind", "transitions", "--out", out("t.png")}, file: out("t.png"), magic: "\x89PNG"},
		{name: "compare", args: []string{touches, touches, "--kind", "compare", "--model", "linear", "--out", out("c.png")}, file: out("c.png"), magic: "\x89PNG"},
		{name: "no overwrite", args: []string{touches, "--kind", "attribution", "--out", out("a.png")}, code: ExitUsage, stderr: "already exists: choose another name, or add --force"},
		{name: "force", args: []string{touches, "--kind", "removal", "--out", out("a.png"), "--force"}, file: out("a.png"), magic: "\x89PNG"},
		{name: "unknown kind", args: []string{touches, "--kind", "pie", "--out", out("p.png")}, code: ExitUsage, stderr: "--kind \"pie\""},
		{name: "unknown format", args: []string{touches, "--kind", "attribution", "--out", out("a.jpg")}, code: ExitUsage, stderr: ".jpg"},
		{name: "compare needs two", args: []string{touches, "--kind", "compare", "--out", out("c2.png")}, code: ExitUsage, stderr: "two or more"},
		{name: "unknown run", args: []string{strings.Repeat("ab", 16), "--kind", "attribution", "--out", out("u.png")}, code: ExitUsage, stderr: "not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, append([]string{"export", "chart"}, tt.args...)...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d: %s", code, tt.code, stderr)
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr does not contain %q: %s", tt.stderr, stderr)
			}
			if tt.file != "" {
				data, err := os.ReadFile(tt.file)
				if err != nil || !bytes.HasPrefix(data, []byte(tt.magic)) {
					t.Errorf("%s: %v, starts %q, want %q", tt.file, err, data[:min(len(data), 8)], tt.magic)
				}
			}
		})
	}

	// export results writes what attribute --format csv prints.
	code, want, stderr := runCLI(t, "attribute", touches, "--format", "csv", "--no-log")
	if code != 0 {
		t.Fatalf("attribute: %s", stderr)
	}
	if code, _, stderr := runCLI(t, "export", "results", touches, "--out", out("r.csv")); code != 0 {
		t.Fatalf("export results: exit %d: %s", code, stderr)
	}
	got, err := os.ReadFile(out("r.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("export results:\n%s\nattribute --format csv:\n%s", got, want)
	}
	if code, _, stderr := runCLI(t, "export", "results", touches, "--out", out("r.csv")); code != ExitUsage || !strings.Contains(stderr, "--force") {
		t.Errorf("export results over an existing file: exit %d: %s", code, stderr)
	}
}

// TestExportFromRun exports from a logged run and checks that the charts
// and results are kept with it as artifacts.
func TestExportFromRun(t *testing.T) {
	dir, db, data := trackFixture(t)
	id := logged(t, db, data)
	spend := filepath.Join(dir, "spend.csv")
	if err := os.WriteFile(spend, []byte("channel,spend\nemail,50\nsearch,30\nsocial,20\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	steps := [][]string{
		{"export", "chart", id, "--kind", "attribution", "--out", filepath.Join(dir, "a.svg")},
		{"export", "chart", id, "--kind", "removal", "--out", filepath.Join(dir, "r.png")},
		{"export", "results", id, "--out", filepath.Join(dir, "res.csv")},
		{"budget", id, "--spend", spend, "--model", "linear", "--chart", filepath.Join(dir, "b.pdf"), "--format", "csv"},
	}
	for _, args := range steps {
		if code, _, stderr := trackCLI(t, db, "", args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	if code, _, stderr := trackCLI(t, db, "", "budget", id); code != ExitUsage || !strings.Contains(stderr, "--spend") {
		t.Errorf("budget of a run without --spend: exit %d: %s", code, stderr)
	}
	st, err := storage.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	arts, err := st.Artifacts(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"charts/attribution.svg": "image/svg+xml", "charts/removal.png": "image/png",
		"results.csv": "text/csv", "charts/budget-linear.pdf": "application/pdf"}
	for _, a := range arts {
		if mt, ok := want[a.Path]; ok && mt == a.MediaType && len(a.Data) > 0 {
			delete(want, a.Path)
		}
	}
	if len(want) > 0 {
		t.Errorf("artifacts missing or wrong: %v (have %d)", want, len(arts))
	}
	// The stored results CSV is the exported file.
	res, _ := os.ReadFile(filepath.Join(dir, "res.csv"))
	recs, err := csv.NewReader(bytes.NewReader(res)).ReadAll()
	if err != nil || len(recs) < 2 || strings.Join(recs[0], ",") != "model,channel,conversions,value,share,removal_effect" {
		t.Errorf("results CSV of the run: %v\n%s", err, res)
	}
}
