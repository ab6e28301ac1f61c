package attribution

import (
	"context"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// referenceDir holds independent reference results (see its README.md).
const referenceDir = "../../shared/data/reference"

type expectedRow struct {
	model, channel                string
	conversions, value, share, re float64
	hasRE                         bool
}

func readExpected(t *testing.T, path string) []expectedRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var rows []expectedRow
	for _, r := range recs[1:] {
		num := func(s string) float64 {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatalf("%s: bad number %q", path, s)
			}
			return v
		}
		row := expectedRow{model: r[0], channel: r[1], conversions: num(r[2]), value: num(r[3]), share: num(r[4])}
		if r[5] != "" {
			row.re, row.hasRE = num(r[5]), true
		}
		rows = append(rows, row)
	}
	return rows
}

func importFile(t testing.TB, path string, opts ImportOptions) *Dataset {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	opts.File = filepath.Base(path)
	ds, err := Import(context.Background(), f, opts)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// TestReferenceData matches every *.expected.csv within 1e-9 of the model's
// total, as the reference README asks.
func TestReferenceData(t *testing.T) {
	if _, err := os.Stat(referenceDir); err != nil {
		t.Fatalf("reference data missing at %s: %v", referenceDir, err)
	}
	cases := []struct {
		input, expected string
		order           int
	}{
		{"ex1_three_paths.csv", "ex1_three_paths.o1.expected.csv", 1},
		{"ex1_three_paths.csv", "ex1_three_paths.o2.expected.csv", 2},
		{"ex2_order2.csv", "ex2_order2.o1.expected.csv", 1},
		{"ex2_order2.csv", "ex2_order2.o2.expected.csv", 2},
		{"ex2b_repeats.csv", "ex2b_repeats.o1.expected.csv", 1},
		{"ex2b_repeats.csv", "ex2b_repeats.o2.expected.csv", 2},
		{"pathdata.csv", "pathdata.o1.expected.csv", 1},
		{"pathdata.csv", "pathdata.o2.expected.csv", 2},
		{"pathdata.csv", "pathdata.o3.expected.csv", 3},
		{"touches_small.csv", "touches_small.expected.csv", 1},
	}
	const tol = 1e-9
	for _, c := range cases {
		t.Run(c.expected, func(t *testing.T) {
			ds := importFile(t, filepath.Join(referenceDir, c.input), ImportOptions{})
			results, err := Run(context.Background(), ds.Paths, Options{Order: c.order})
			if err != nil {
				t.Fatal(err)
			}
			byModel := map[string]*Result{}
			for _, r := range results {
				byModel[r.Model] = r
			}
			want := readExpected(t, filepath.Join(referenceDir, c.expected))
			seen := map[string]bool{}
			for _, w := range want {
				seen[w.model] = true
				r := byModel[w.model]
				if r == nil {
					t.Fatalf("model %s missing from results", w.model)
				}
				k := indexOf(r.Channels, w.channel)
				if k < 0 {
					t.Fatalf("%s: channel %s missing", w.model, w.channel)
				}
				check := func(what string, got, want, total float64) {
					if math.Abs(got-want) > tol*math.Max(total, 1) {
						t.Errorf("%s %s %s = %.12g, want %.12g", w.model, w.channel, what, got, want)
					}
				}
				check("conversions", r.Conversions[k], w.conversions, r.TotalConversions)
				check("value", r.Value[k], w.value, r.TotalValue)
				check("share", r.Share[k], w.share, 1)
				if w.hasRE {
					check("removal effect", r.RemovalEffect[k], w.re, 1)
				}
			}
			for name := range byModel {
				if !seen[name] {
					t.Errorf("model %s produced but not in the reference", name)
				}
			}
			// Channel order must be first appearance, the same as the reference.
			var order []string
			for _, w := range want {
				if w.model == want[0].model {
					order = append(order, w.channel)
				}
			}
			if got := strings.Join(byModel[want[0].model].Channels, ","); got != strings.Join(order, ",") {
				t.Errorf("channel order %s, want %s", got, strings.Join(order, ","))
			}
		})
	}
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}
