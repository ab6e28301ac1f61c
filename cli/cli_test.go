package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// runCLI runs attrlab in-process and returns the exit status and output.
// A panic fails the test with its stack rather than killing the binary.
// The run store is a fresh file, so that a run logged by mistake never
// reaches the user's own.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Setenv("ATTRLAB_DB", filepath.Join(t.TempDir(), "runs.db"))
	var out, errb bytes.Buffer
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("attrlab %s panicked: %v\n%s", strings.Join(args, " "), p, debug.Stack())
		}
	}()
	code = Run(context.Background(), Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb}, args)
	return code, out.String(), errb.String()
}

// writeFile writes data to name in a fresh temporary directory.
func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// layout is one input layout with a valid header and row to build
// malformed files around.
type layout struct {
	name   string
	header string
	good   string
}

var (
	pathsLayout   = layout{"paths", "path,total_conversions,total_conversion_value,total_null", "email > search,2,30,5"}
	touchesLayout = layout{"touches", "journey_id,timestamp,channel,conversion,conversion_value", "u1,2024-03-01T10:00:00Z,email,0,"}
	bothLayouts   = []layout{pathsLayout, touchesLayout}
)

// rowsFile joins lines with newlines after the layout's header.
func rowsFile(l layout, rows ...string) string {
	return l.header + "\n" + strings.Join(rows, "\n") + "\n"
}

// bigRow is a single 10 MB row of the layout: one enormous cell.
func bigRow(l layout) string {
	huge := strings.Repeat("email > ", 10<<20/8)
	if l.name == "paths" {
		return huge + ",1,2,3"
	}
	return "u9,2024-03-01,x" + huge + ",0,"
}

// TestBadInputFiles runs attribute on malformed files. Each must exit with
// status 2 and a message naming the file and the line of the problem
// (file:LINE:), print no results, and not panic.
func TestBadInputFiles(t *testing.T) {
	type badFile struct {
		content string
		line    int
		mention string // what the message must also name, if anything: a column, a value
	}
	cases := []struct {
		name    string
		layouts []layout // the layouts the case applies to
		args    []string // extra flags; {layout} is replaced by the layout name
		build   func(l layout) badFile
	}{
		{"empty file", bothLayouts, nil, func(l layout) badFile { return badFile{"", 1, ""} }},
		{"empty file with layout", bothLayouts, []string{"--layout", "{layout}"}, func(l layout) badFile { return badFile{"", 1, ""} }},
		{"byte order mark only", bothLayouts, nil, func(l layout) badFile { return badFile{"\xEF\xBB\xBF", 1, ""} }},
		{"header only", bothLayouts, nil, func(l layout) badFile { return badFile{l.header + "\n", 2, ""} }},
		{"header only without newline", bothLayouts, nil, func(l layout) badFile { return badFile{l.header, 2, ""} }},
		{"unknown columns", bothLayouts, nil, func(l layout) badFile { return badFile{"foo,bar,baz\n1,2,3\n", 1, ""} }},
		{"unknown columns with layout", bothLayouts, []string{"--layout", "{layout}"}, func(l layout) badFile { return badFile{"foo,bar,baz\n1,2,3\n", 1, ""} }},
		{"missing required column", []layout{pathsLayout}, nil, func(l layout) badFile { return badFile{"path,total_null\nA,1\n", 1, "total_conversions"} }},
		{"missing required column", []layout{touchesLayout}, nil, func(l layout) badFile {
			return badFile{"journey_id,timestamp,channel\nu1,2024-03-01,email\n", 1, "conversion"}
		}},
		{"bad number", []layout{pathsLayout}, nil, func(l layout) badFile { return badFile{rowsFile(l, l.good, "email,abc,1,0"), 3, "total_conversions"} }},
		{"bad value", []layout{pathsLayout}, nil, func(l layout) badFile {
			return badFile{rowsFile(l, l.good, "email,1,12.50 EUR,0"), 3, "total_conversion_value"}
		}},
		{"empty count", []layout{pathsLayout}, nil, func(l layout) badFile { return badFile{rowsFile(l, l.good, "email,,1,0"), 3, "total_conversions"} }},
		{"negative count", []layout{pathsLayout}, nil, func(l layout) badFile { return badFile{rowsFile(l, l.good, "email,-1,1,0"), 3, "total_conversions"} }},
		{"negative nulls", []layout{pathsLayout}, nil, func(l layout) badFile { return badFile{rowsFile(l, l.good, "email,1,1,-4"), 3, "total_null"} }},
		{"negative value", []layout{pathsLayout}, nil, func(l layout) badFile {
			return badFile{rowsFile(l, l.good, "email,1,-1,0"), 3, "total_conversion_value"}
		}},
		{"NaN", []layout{pathsLayout}, nil, func(l layout) badFile { return badFile{rowsFile(l, l.good, "email,NaN,1,0"), 3, "total_conversions"} }},
		{"NaN value", []layout{pathsLayout}, nil, func(l layout) badFile {
			return badFile{rowsFile(l, l.good, "email,1,nan,0"), 3, "total_conversion_value"}
		}},
		{"infinite count", []layout{pathsLayout}, nil, func(l layout) badFile { return badFile{rowsFile(l, l.good, "email,Inf,1,0"), 3, "total_conversions"} }},
		{"overflowing count", []layout{pathsLayout}, nil, func(l layout) badFile { return badFile{rowsFile(l, l.good, "email,1e999,1,0"), 3, "total_conversions"} }},
		{"NaN value", []layout{touchesLayout}, nil, func(l layout) badFile {
			return badFile{rowsFile(l, l.good, "u1,2024-03-02,,1,NaN"), 3, "conversion_value"}
		}},
		{"negative value", []layout{touchesLayout}, nil, func(l layout) badFile {
			return badFile{rowsFile(l, l.good, "u1,2024-03-02,,1,-20"), 3, "conversion_value"}
		}},
		{"bad timestamp 31/02/2024", []layout{touchesLayout}, nil, func(l layout) badFile { return badFile{rowsFile(l, l.good, "u1,31/02/2024,email,0,"), 3, "31/02/2024"} }},
		{"bad timestamp 2024-02-31", []layout{touchesLayout}, nil, func(l layout) badFile { return badFile{rowsFile(l, l.good, "u1,2024-02-31,email,0,"), 3, "2024-02-31"} }},
		{"bad timestamp 2023-02-29", []layout{touchesLayout}, nil, func(l layout) badFile {
			return badFile{rowsFile(l, l.good, "u1,2023-02-29 10:00:00,email,0,"), 3, "timestamp"}
		}},
		{"bad timestamp month 13", []layout{touchesLayout}, nil, func(l layout) badFile { return badFile{rowsFile(l, l.good, "u1,2024-13-01,email,0,"), 3, "timestamp"} }},
		{"bad timestamp 25 o'clock", []layout{touchesLayout}, nil, func(l layout) badFile {
			return badFile{rowsFile(l, l.good, "u1,2024-03-01 25:00:00,email,0,"), 3, "timestamp"}
		}},
		{"bad timestamp zone", []layout{touchesLayout}, nil, func(l layout) badFile {
			return badFile{rowsFile(l, l.good, "u1,2024-03-01T10:00:00+5,email,0,"), 3, "timestamp"}
		}},
		{"bad timestamp words", []layout{touchesLayout}, nil, func(l layout) badFile { return badFile{rowsFile(l, l.good, "u1,yesterday,email,0,"), 3, "yesterday"} }},
		{"empty timestamp", []layout{touchesLayout}, nil, func(l layout) badFile { return badFile{rowsFile(l, l.good, "u1,,email,0,"), 3, "timestamp"} }},
		{"bad conversion flag", []layout{touchesLayout}, nil, func(l layout) badFile { return badFile{rowsFile(l, l.good, "u1,2024-03-02,email,maybe,"), 3, "maybe"} }},
		{"empty journey id", []layout{touchesLayout}, nil, func(l layout) badFile { return badFile{rowsFile(l, l.good, " ,2024-03-02,email,0,"), 3, "journey_id"} }},
		{"touch without channel", []layout{touchesLayout}, nil, func(l layout) badFile { return badFile{rowsFile(l, l.good, "u1,2024-03-02,,0,"), 3, "channel"} }},
		{"unterminated quote", bothLayouts, nil, func(l layout) badFile {
			return badFile{rowsFile(l, l.good, `"`+l.good, l.good, l.good), 3, ""}
		}},
		{"text after closing quote", bothLayouts, nil, func(l layout) badFile {
			return badFile{rowsFile(l, l.good, `"email"x,`+strings.SplitN(l.good, ",", 2)[1]), 3, ""}
		}},
		{"ragged row, too few fields", bothLayouts, nil, func(l layout) badFile {
			return badFile{rowsFile(l, l.good, l.good[:strings.LastIndexByte(l.good, ',')]), 3, ""}
		}},
		{"ragged row, too many fields", bothLayouts, nil, func(l layout) badFile { return badFile{rowsFile(l, l.good, l.good+",extra"), 3, ""} }},
		{"10 MB line", bothLayouts, nil, func(l layout) badFile { return badFile{rowsFile(l, l.good, bigRow(l), l.good), 3, ""} }},
		{"non-UTF-8 bytes", bothLayouts, nil, func(l layout) badFile {
			return badFile{rowsFile(l, l.good, strings.Replace(l.good, "email", "caf\xe9 \xff\xfe", 1)), 3, "UTF-8"}
		}},
		{"non-UTF-8 bytes in a quoted field", bothLayouts, nil, func(l layout) badFile {
			return badFile{rowsFile(l, l.good, `"`+strings.Replace(l.good, ",", "\n\xc3\x28\",", 1)), 3, "UTF-8"}
		}},
		{"CRLF and BOM", bothLayouts, nil, func(l layout) badFile {
			return badFile{"\xEF\xBB\xBF" + strings.ReplaceAll(rowsFile(l, l.good, l.good, l.good+",extra"), "\n", "\r\n"), 4, ""}
		}},
		{"after blank lines", bothLayouts, nil, func(l layout) badFile {
			return badFile{rowsFile(l, "", l.good, "", l.good+",extra"), 5, ""}
		}},
		{"after a quoted newline", bothLayouts, nil, func(l layout) badFile {
			// Row 2 spans physical lines 2 and 3; the bad row is on line 4.
			return badFile{rowsFile(l, `"`+strings.Replace(l.good, ",", "\n\",", 1), l.good+",extra"), 4, ""}
		}},
		{"deep in a multi-megabyte file", bothLayouts, nil, func(l layout) badFile {
			rows := slices.Repeat([]string{l.good}, 100000)
			return badFile{rowsFile(l, append(rows, l.good+",extra")...), 100002, ""}
		}},
	}
	for _, c := range cases {
		for _, l := range c.layouts {
			t.Run(c.name+"/"+l.name, func(t *testing.T) {
				bf := c.build(l)
				path := writeFile(t, "bad.csv", []byte(bf.content))
				args := []string{"attribute", "--no-log", "--format", "csv"}
				for _, a := range c.args {
					args = append(args, strings.ReplaceAll(a, "{layout}", l.name))
				}
				code, stdout, stderr := runCLI(t, append(args, path)...)
				if code != ExitBadInput {
					t.Errorf("exit status %d, want %d; stderr: %s", code, ExitBadInput, shortText(stderr))
				}
				if want := fmt.Sprintf("%s:%d:", path, bf.line); !strings.Contains(stderr, want) {
					t.Errorf("stderr does not name the file and line %q:\n%s", want, shortText(stderr))
				}
				if bf.mention != "" && !strings.Contains(stderr, bf.mention) {
					t.Errorf("stderr does not mention %q:\n%s", bf.mention, shortText(stderr))
				}
				if stdout != "" {
					t.Errorf("results printed for a bad file:\n%s", shortText(stdout))
				}
				if len(stderr) > 2000 {
					t.Errorf("error message is %d bytes long: a bad cell should be shortened", len(stderr))
				}
			})
		}
	}
}

// shortText keeps failure messages readable when output is huge.
func shortText(s string) string {
	if len(s) > 600 {
		return s[:600] + "…"
	}
	return s
}

// TestBadInputStdin reads a bad file from standard input: the message names
// "stdin" and the line.
func TestBadInputStdin(t *testing.T) {
	var out, errb bytes.Buffer
	in := strings.NewReader(rowsFile(pathsLayout, pathsLayout.good, "email,-3,0,0"))
	code := Run(context.Background(), Env{Stdin: in, Stdout: &out, Stderr: &errb}, []string{"attribute", "--no-log", "-"})
	if code != ExitBadInput || !strings.Contains(errb.String(), "stdin:3:") {
		t.Errorf("exit %d, stderr %q; want %d and stdin:3:", code, errb.String(), ExitBadInput)
	}
}

// TestMissingInputFile: a file that does not exist is bad input (2) that
// names the file, not a usage error.
func TestMissingInputFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.csv")
	code, _, stderr := runCLI(t, "attribute", "--no-log", path)
	if code != ExitBadInput || !strings.Contains(stderr, path) {
		t.Errorf("exit %d, stderr %q; want %d naming %s", code, stderr, ExitBadInput, path)
	}
}

// TestUsageErrors: mistakes in how attrlab is called exit with status 1
// and say what is wrong on standard error, with nothing on standard output.
func TestUsageErrors(t *testing.T) {
	paths := writeFile(t, "paths.csv", []byte(rowsFile(pathsLayout, pathsLayout.good, "search,1,10,2")))
	cases := []struct {
		name string
		args []string
	}{
		{"unknown command", []string{"frobnicate"}},
		{"unknown flag", []string{"attribute", "--bogus", paths}},
		{"bad --format", []string{"attribute", "--format", "xml", paths}},
		{"empty --format", []string{"attribute", "--format=", paths}},
		{"--order 0", []string{"attribute", "--order", "0", paths}},
		{"--order 5", []string{"attribute", "--order", "5", paths}},
		{"--order not a number", []string{"attribute", "--order", "two", paths}},
		{"unknown model", []string{"attribute", "--models", "linear,magic", paths}},
		{"time-decay on a path table", []string{"attribute", "--models", "time-decay", paths}},
		{"time-decay among others on a path table", []string{"attribute", "--models", "linear,time-decay", paths}},
		{"bad --half-life", []string{"attribute", "--half-life", "a week", paths}},
		{"zero --half-life", []string{"attribute", "--half-life", "0", paths}},
		{"negative --half-life", []string{"attribute", "--half-life", "-7d", paths}},
		{"bad --lookback", []string{"attribute", "--lookback", "30", paths}},
		{"bad --layout", []string{"attribute", "--layout", "spreadsheet", paths}},
		{"position weights over 1", []string{"attribute", "--first-weight", "0.8", "--last-weight", "0.4", paths}},
		{"empty --sep", []string{"attribute", "--sep", "", paths}},
		{"missing file argument", []string{"attribute"}},
		{"missing file argument, flags only", []string{"attribute", "--no-log", "--format", "csv"}},
		{"two files", []string{"attribute", paths, paths}},
		{"gen --channels 0", []string{"gen", "--channels", "0"}},
		{"gen --rows for a path table", []string{"gen", "--layout", "paths", "--rows", "10"}},
		{"gen --paths for a touch log", []string{"gen", "--layout", "touches", "--paths", "10"}},
		{"gen bad --layout", []string{"gen", "--layout", "both"}},
		{"gen negative --rows", []string{"gen", "--rows", "-1"}},
		{"gen positional argument", []string{"gen", "out.csv"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, c.args...)
			if code != ExitUsage {
				t.Errorf("attrlab %s: exit status %d, want %d; stderr: %s", strings.Join(c.args, " "), code, ExitUsage, stderr)
			}
			if !strings.Contains(stderr, "attrlab") {
				t.Errorf("stderr %q does not explain the usage error", stderr)
			}
			if c.args[0] != "frobnicate" && stdout != "" {
				t.Errorf("stdout not empty on a usage error: %s", shortText(stdout))
			}
		})
	}
}

// TestHelp: --help is not an error, and prints its usage once.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{}, {"--help"}, {"attribute", "--help"}, {"gen", "-h"}, {"help", "attribute"}} {
		code, stdout, _ := runCLI(t, args...)
		if code != ExitOK || strings.Count(stdout, "Usage:") != 1 {
			t.Errorf("attrlab %s: exit %d, %d usage texts; want 0 and one usage:\n%s", strings.Join(args, " "), code, strings.Count(stdout, "Usage:"), stdout)
		}
	}
}

// TestSkipBadRows: --skip-bad-rows writes the rejected rows, with line and
// reason, to FILE.rejected.csv beside the input; the summary counts them;
// and the results are those of the file without them.
func TestSkipBadRows(t *testing.T) {
	cases := []struct {
		name      string
		l         layout
		rows      []string
		bad       map[int]string // line -> text the reason must contain
		extraArgs []string
	}{
		{
			name: "paths",
			l:    pathsLayout,
			rows: []string{
				pathsLayout.good,      // line 2
				"email,abc,1,0",       // 3: bad number
				"search,1,10,1",       // 4
				"search,-1,0,0",       // 5: negative
				"display > email,1,2", // 6: ragged (and display is seen nowhere else)
				"display,NaN,0,0",     // 7: NaN
				"email > search,1,5,0",
			},
			bad: map[int]string{3: "total_conversions", 5: "negative", 6: "fields", 7: "NaN"},
		},
		{
			name: "touches",
			l:    touchesLayout,
			rows: []string{
				touchesLayout.good,                    // 2
				"u1,31/02/2024,search,0,",             // 3: bad timestamp
				"u1,2024-03-02T10:00:00Z,search,0,",   // 4
				"u1,2024-03-02T11:00:00Z,,1,45",       // 5
				"u2,2024-02-31,display,0,",            // 6: bad date
				"u2,2024-03-03T10:00:00Z,sms,maybe,",  // 7: bad flag
				"u2,2024-03-03T10:00:00Z,email,1,12",  // 8
				"u3,2024-03-04T10:00:00Z,search,0,",   // 9
				"u3,2024-03-04T11:00:00Z,email,0,,9",  // 10: ragged
				"\"u3\",2024-03-05T10:00:00Z,,1,\xff", // 11: not UTF-8
				"u3,2024-03-05T10:00:00Z,,1,8",        // 12
			},
			bad: map[int]string{3: "timestamp", 6: "timestamp", 7: "conversion", 10: "fields", 11: "UTF-8"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "journeys.csv")
			if err := os.WriteFile(path, []byte(rowsFile(c.l, c.rows...)), 0o644); err != nil {
				t.Fatal(err)
			}
			var good []string
			for i, r := range c.rows {
				if _, isBad := c.bad[i+2]; !isBad {
					good = append(good, r)
				}
			}
			clean := writeFile(t, "clean.csv", []byte(rowsFile(c.l, good...)))

			code, stdout, stderr := runCLI(t, "attribute", "--no-log", "--skip-bad-rows", "--format", "csv", path)
			if code != ExitOK {
				t.Fatalf("exit %d with --skip-bad-rows; stderr: %s", code, stderr)
			}
			rejected := filepath.Join(dir, "journeys.rejected.csv")
			if !strings.Contains(stderr, fmt.Sprintf("%d rejected", len(c.bad))) {
				t.Errorf("summary does not report %d rejected rows:\n%s", len(c.bad), stderr)
			}
			if !strings.Contains(stderr, rejected) {
				t.Errorf("summary does not say where the rejected rows went (%s):\n%s", rejected, stderr)
			}
			f, err := os.Open(rejected)
			if err != nil {
				t.Fatalf("rejected-rows file: %v", err)
			}
			r := csv.NewReader(f)
			r.FieldsPerRecord = -1
			recs, err := r.ReadAll()
			f.Close()
			if err != nil {
				t.Fatalf("rejected-rows file is not valid CSV: %v", err)
			}
			wantHeader := append([]string{"line", "reason"}, strings.Split(c.l.header, ",")...)
			if len(recs) == 0 || !slices.Equal(recs[0], wantHeader) {
				t.Fatalf("rejected-rows header %q, want %q", recs[0], wantHeader)
			}
			var lines []int
			for _, rec := range recs[1:] {
				line, err := strconv.Atoi(rec[0])
				if err != nil {
					t.Errorf("rejected row %q: line %q is not a number", rec, rec[0])
					continue
				}
				lines = append(lines, line)
				if want, ok := c.bad[line]; !ok || !strings.Contains(rec[1], want) {
					t.Errorf("rejected line %d: reason %q, want one mentioning %q", line, rec[1], want)
				}
			}
			var wantLines []int
			for line := range c.bad {
				wantLines = append(wantLines, line)
			}
			slices.Sort(wantLines)
			if !slices.Equal(lines, wantLines) {
				t.Errorf("rejected lines %v, want %v in file order", lines, wantLines)
			}

			// The results are exactly those of the file without the bad rows.
			code, cleanOut, cleanErr := runCLI(t, "attribute", "--no-log", "--format", "csv", clean)
			if code != ExitOK {
				t.Fatalf("clean file: exit %d: %s", code, cleanErr)
			}
			if stdout != cleanOut {
				t.Errorf("results with skipped rows differ from results without them:\n%s\nwant\n%s", stdout, cleanOut)
			}

			// JSON carries the same counts, and --rejected picks the file.
			other := filepath.Join(dir, "dead-letter.csv")
			code, js, stderr := runCLI(t, "attribute", "--no-log", "--skip-bad-rows", "--rejected", other, "--format", "json", path)
			if code != ExitOK {
				t.Fatalf("json: exit %d: %s", code, stderr)
			}
			var rep struct {
				Summary struct {
					RowsRead     int `json:"rows_read"`
					RowsAccepted int `json:"rows_accepted"`
					RowsRejected int `json:"rows_rejected"`
				} `json:"summary"`
				RejectedFile string `json:"rejected_rows_file"`
			}
			if err := json.Unmarshal([]byte(js), &rep); err != nil {
				t.Fatalf("json output: %v", err)
			}
			s := rep.Summary
			if s.RowsRead != len(c.rows) || s.RowsRejected != len(c.bad) || s.RowsAccepted != len(c.rows)-len(c.bad) {
				t.Errorf("json summary: %d read, %d accepted, %d rejected; want %d, %d, %d",
					s.RowsRead, s.RowsAccepted, s.RowsRejected, len(c.rows), len(c.rows)-len(c.bad), len(c.bad))
			}
			if rep.RejectedFile != other {
				t.Errorf("json rejected_rows_file %q, want %q", rep.RejectedFile, other)
			}
			if _, err := os.Stat(other); err != nil {
				t.Errorf("--rejected %s: %v", other, err)
			}
		})
	}
}

// mixedPaths is a path table whose totals are known: 7 conversions worth
// 100 over channels with awkward names for CSV output.
const mixedPaths = "path,total_conversions,total_conversion_value,total_null\n" +
	"\"email > tv, radio\",2,40,3\n" +
	"=cmd > email > search,1,10,0\n" +
	"search,4,50,6\n" +
	"\"say \"\"hi\"\" > search\",0,0,2\n"

var mixedChannels = []string{"email", "tv, radio", "=cmd", "search", `say "hi"`}

// TestCSVOutput: the header begins model,channel,conversions,value,share;
// one row per model and channel; conversions and value sum to the input's
// totals; channel cells survive CSV quoting and are not formulas.
func TestCSVOutput(t *testing.T) {
	path := writeFile(t, "mixed.csv", []byte(mixedPaths))
	for _, order := range []string{"1", "2", "3"} {
		code, stdout, stderr := runCLI(t, "attribute", "--no-log", "--format", "csv", "--order", order, path)
		if code != ExitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if !strings.HasPrefix(stdout, "model,channel,conversions,value,share") {
			t.Fatalf("csv header: %q", strings.SplitN(stdout, "\n", 2)[0])
		}
		recs, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
		if err != nil {
			t.Fatalf("output is not valid CSV: %v\n%s", err, stdout)
		}
		models := []string{"first-touch", "last-touch", "last-non-direct", "linear", "position-based", "markov"}
		if len(recs)-1 != len(models)*len(mixedChannels) {
			t.Fatalf("%d rows, want %d models × %d channels", len(recs)-1, len(models), len(mixedChannels))
		}
		sums := map[string][2]float64{}
		seen := map[string][]string{}
		for _, rec := range recs[1:] {
			model, channel := rec[0], rec[1]
			if strings.ContainsAny(channel[:1], "=+-@") {
				t.Errorf("%s: channel cell %q would run as a spreadsheet formula", model, channel)
			}
			seen[model] = append(seen[model], strings.TrimPrefix(channel, "'"))
			conv, err1 := strconv.ParseFloat(rec[2], 64)
			value, err2 := strconv.ParseFloat(rec[3], 64)
			if err1 != nil || err2 != nil {
				t.Fatalf("row %q: numbers do not parse", rec)
			}
			s := sums[model]
			sums[model] = [2]float64{s[0] + conv, s[1] + value}
		}
		const tol = 1e-9
		for _, m := range models {
			if !slices.Equal(seen[m], mixedChannels) {
				t.Errorf("order %s, %s: channels %q, want %q", order, m, seen[m], mixedChannels)
			}
			if s := sums[m]; math.Abs(s[0]-7) > tol*7 || math.Abs(s[1]-100) > tol*100 {
				t.Errorf("order %s, %s: credits sum to %g conversions worth %g, want 7 worth 100", order, m, s[0], s[1])
			}
		}
	}
}

// TestJSONOutput: --format json is one valid JSON document with the
// import summary and every model's results.
func TestJSONOutput(t *testing.T) {
	path := writeFile(t, "mixed.csv", []byte(mixedPaths))
	code, stdout, stderr := runCLI(t, "attribute", "--no-log", "--format", "json", path)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !json.Valid([]byte(stdout)) {
		t.Fatalf("not valid JSON:\n%s", stdout)
	}
	var rep struct {
		Summary *struct {
			File        string   `json:"file"`
			Layout      string   `json:"layout"`
			RowsRead    int      `json:"rows_read"`
			Channels    int      `json:"channels"`
			Conversions float64  `json:"conversions"`
			Value       float64  `json:"value"`
			Header      []string `json:"header"`
		} `json:"summary"`
		Results []struct {
			Model            string  `json:"model"`
			TotalConversions float64 `json:"total_conversions"`
			Channels         []struct {
				Channel     string  `json:"channel"`
				Conversions float64 `json:"conversions"`
			} `json:"channels"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Summary == nil {
		t.Fatal("no summary in the JSON output")
	}
	s := rep.Summary
	if s.File != path || s.Layout != "paths" || s.RowsRead != 4 || s.Channels != len(mixedChannels) || s.Conversions != 7 || s.Value != 100 {
		t.Errorf("summary %+v: want file %s, layout paths, 4 rows, %d channels, 7 conversions worth 100", *s, path, len(mixedChannels))
	}
	if len(rep.Results) != 6 {
		t.Fatalf("%d results, want 6 (every model but time-decay)", len(rep.Results))
	}
	for _, r := range rep.Results {
		var names []string
		var sum float64
		for _, c := range r.Channels {
			names = append(names, c.Channel)
			sum += c.Conversions
		}
		if !slices.Equal(names, mixedChannels) || r.TotalConversions != 7 || math.Abs(sum-7) > 1e-9*7 {
			t.Errorf("%s: channels %q summing to %g, total %g; want %q, 7, 7", r.Model, names, sum, r.TotalConversions, mixedChannels)
		}
	}
}

// TestTableOutput: the default table names every channel and model.
func TestTableOutput(t *testing.T) {
	path := writeFile(t, "mixed.csv", []byte(mixedPaths))
	code, stdout, stderr := runCLI(t, "attribute", "--no-log", path)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range append([]string{"markov", "position-based", "total"}, mixedChannels...) {
		if !strings.Contains(stdout, want) {
			t.Errorf("table does not mention %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "7 worth 100") {
		t.Errorf("import summary on stderr does not give 7 conversions worth 100:\n%s", stderr)
	}
}

// TestTouchLogAllModels: a touch log gets time-decay too, and the summary
// reports the unattributed conversion (45 days after its only touch).
func TestTouchLogAllModels(t *testing.T) {
	data := touchesLayout.header + "\n" +
		"u1,2025-03-01T00:00:00Z,email,0,\n" +
		"u1,2025-03-08T00:00:00Z,social,0,\n" +
		"u1,2025-03-15T00:00:00Z,,1,70\n" +
		"u4,2025-01-01T00:00:00Z,social,0,\n" +
		"u4,2025-02-15T00:00:00Z,,1,25\n"
	path := writeFile(t, "touches.csv", []byte(data))
	code, stdout, stderr := runCLI(t, "attribute", "--no-log", "--format", "csv", path)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "\ntime-decay,") {
		t.Errorf("no time-decay rows for a touch log:\n%s", stdout)
	}
	if !strings.Contains(stderr, "unattributed: 1 conversions worth 25") {
		t.Errorf("summary does not report 1 unattributed conversion worth 25:\n%s", stderr)
	}
	// time-decay, half-life 7 days: email 14 days old weighs 1/4, social
	// 7 days old 1/2 → email 1/3, social 2/3 of the one attributed conversion.
	code, stdout, _ = runCLI(t, "attribute", "--no-log", "--format", "csv", "--models", "time-decay", path)
	recs, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if code != ExitOK || err != nil || len(recs) != 3 {
		t.Fatalf("time-decay only: exit %d, %v, %d records", code, err, len(recs))
	}
	for _, rec := range recs[1:] {
		want := map[string]float64{"email": 1.0 / 3, "social": 2.0 / 3}[rec[1]]
		if got, _ := strconv.ParseFloat(rec[2], 64); math.Abs(got-want) > 1e-9 {
			t.Errorf("time-decay %s: %s conversions, want %.12g", rec[1], rec[2], want)
		}
	}
}

// TestAttributeByteIdentical: the same input gives byte-identical CSV
// output, run after run, on files large enough to be read in several
// chunks.
func TestAttributeByteIdentical(t *testing.T) {
	dir := t.TempDir()
	paths := filepath.Join(dir, "paths.csv")
	touches := filepath.Join(dir, "touches.csv")
	for _, args := range [][]string{
		{"gen", "--layout", "paths", "--paths", "40000", "--channels", "9", "--seed", "11", "--out", paths},
		{"gen", "--layout", "touches", "--rows", "60000", "--channels", "7", "--seed", "12", "--out", touches},
	} {
		if code, _, stderr := runCLI(t, args...); code != ExitOK {
			t.Fatalf("attrlab %s: exit %d: %s", strings.Join(args, " "), code, stderr)
		}
	}
	if fi, err := os.Stat(paths); err != nil || fi.Size() < 2<<20 {
		t.Fatalf("generated path table should span several 1 MB chunks: %v", err)
	}
	for _, c := range []struct {
		file, order string
	}{{paths, "1"}, {paths, "3"}, {touches, "2"}} {
		var first string
		for rep := 0; rep < 3; rep++ {
			code, stdout, stderr := runCLI(t, "attribute", "--no-log", "--format", "csv", "--order", c.order, c.file)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if rep == 0 {
				first = stdout
				continue
			}
			if stdout != first {
				t.Errorf("%s order %s: run %d output differs from run 1", filepath.Base(c.file), c.order, rep+1)
			}
		}
	}
}

// TestGen: gen writes the same bytes for the same seed, other bytes for
// another seed, exactly --rows rows or --paths distinct paths, and the
// same data to --out as to standard output.
func TestGen(t *testing.T) {
	gen := func(args ...string) string {
		t.Helper()
		code, stdout, stderr := runCLI(t, append([]string{"gen"}, args...)...)
		if code != ExitOK {
			t.Fatalf("gen %s: exit %d: %s", strings.Join(args, " "), code, stderr)
		}
		return stdout
	}
	for _, l := range []string{"paths", "touches"} {
		a := gen("--layout", l, "--journeys", "3000", "--seed", "7")
		b := gen("--layout", l, "--journeys", "3000", "--seed", "7")
		c := gen("--layout", l, "--journeys", "3000", "--seed", "8")
		if a != b {
			t.Errorf("%s: the same seed wrote different data", l)
		}
		if a == c {
			t.Errorf("%s: seeds 7 and 8 wrote the same data", l)
		}
		if len(a) < 1000 {
			t.Errorf("%s: only %d bytes for 3000 journeys", l, len(a))
		}
	}

	for _, n := range []int{1, 999, 5003} {
		out := gen("--layout", "touches", "--rows", strconv.Itoa(n), "--seed", "3", "--channels", "5")
		recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatalf("--rows %d: not valid CSV: %v", n, err)
		}
		if len(recs)-1 != n {
			t.Errorf("--rows %d wrote %d data rows", n, len(recs)-1)
		}
		if got := strings.Count(out, "\n"); got != n+1 {
			t.Errorf("--rows %d wrote %d lines, want %d", n, got, n+1)
		}
	}

	for _, n := range []int{1, 777, 4000} {
		out := gen("--layout", "paths", "--paths", strconv.Itoa(n), "--seed", "3", "--channels", "8")
		recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatalf("--paths %d: not valid CSV: %v", n, err)
		}
		distinct := map[string]bool{}
		channels := map[string]bool{}
		for _, rec := range recs[1:] {
			distinct[rec[0]] = true
			for _, ch := range strings.Split(rec[0], ">") {
				channels[strings.TrimSpace(ch)] = true
			}
		}
		if len(recs)-1 != n || len(distinct) != n {
			t.Errorf("--paths %d wrote %d rows with %d distinct paths", n, len(recs)-1, len(distinct))
		}
		if n >= 777 && len(channels) != 8 {
			t.Errorf("--paths %d --channels 8 uses %d channels", n, len(channels))
		}
	}

	// --out writes the same bytes as standard output, and attribute reads it.
	out := filepath.Join(t.TempDir(), "gen.csv")
	stdout := gen("--layout", "touches", "--rows", "2500", "--seed", "5")
	gen("--layout", "touches", "--rows", "2500", "--seed", "5", "--out", out)
	data, err := os.ReadFile(out)
	if err != nil || string(data) != stdout {
		t.Fatalf("--out %s differs from standard output (%v)", out, err)
	}
	code, js, stderr := runCLI(t, "attribute", "--no-log", "--format", "json", out)
	if code != ExitOK {
		t.Fatalf("attribute on gen output: exit %d: %s", code, stderr)
	}
	var rep struct {
		Summary struct {
			RowsRead     int `json:"rows_read"`
			RowsAccepted int `json:"rows_accepted"`
		} `json:"summary"`
		Results []json.RawMessage `json:"results"`
	}
	if err := json.Unmarshal([]byte(js), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Summary.RowsRead != 2500 || rep.Summary.RowsAccepted != 2500 || len(rep.Results) != 7 {
		t.Errorf("gen output: %d rows read, %d accepted, %d models; want 2500, 2500, 7", rep.Summary.RowsRead, rep.Summary.RowsAccepted, len(rep.Results))
	}
}
