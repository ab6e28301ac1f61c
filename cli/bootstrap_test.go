package cli

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const sampleTouches = "../assets/sample_touches.csv"

func readCSV(t *testing.T, out string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v\n%s", err, shortText(out))
	}
	return rows
}

// --bootstrap adds the six interval columns after the usual ones; the same
// seed gives the same bytes, another seed other intervals; each interval
// is ordered and the share interval is inside [0, 1].
func TestAttributeBootstrapCSV(t *testing.T) {
	args := []string{"attribute", "--no-log", "--format", "csv", "--models", "linear,markov", "--bootstrap", "60", sampleTouches}
	code, out, stderr := runCLI(t, append(args, "--seed", "7")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rows := readCSV(t, out)
	want := "model,channel,conversions,value,share,removal_effect,share_low,share_high,conversions_low,conversions_high,value_low,value_high"
	if got := strings.Join(rows[0], ","); got != want {
		t.Fatalf("header\n %s\nwant\n %s", got, want)
	}
	for _, row := range rows[1:] {
		var v [12]float64
		for i := 2; i < 12; i++ {
			if i == 5 && row[i] == "" {
				continue
			}
			f, err := strconv.ParseFloat(row[i], 64)
			if err != nil {
				t.Fatalf("row %v: column %s: %v", row, rows[0][i], err)
			}
			v[i] = f
		}
		if !(v[6] <= v[7] && v[8] <= v[9] && v[10] <= v[11] && v[6] >= 0 && v[7] <= 1) {
			t.Errorf("row %v: intervals out of order or share outside [0, 1]", row)
		}
		if v[7]-v[6] <= 0 {
			t.Errorf("row %v: zero-width share interval on varied data", row)
		}
	}
	_, again, _ := runCLI(t, append(args, "--seed", "7")...)
	if again != out {
		t.Error("the same seed gave different bytes")
	}
	_, other, _ := runCLI(t, append(args, "--seed", "8")...)
	if other == out {
		t.Error("seeds 7 and 8 gave the same intervals")
	}
	// Without --bootstrap the output keeps its columns.
	_, plain, _ := runCLI(t, "attribute", "--no-log", "--format", "csv", "--models", "linear", sampleTouches)
	if h := readCSV(t, plain)[0]; len(h) != 6 {
		t.Errorf("plain header %v, want the 6 usual columns", h)
	}
}

func TestAttributeBootstrapJSONAndTable(t *testing.T) {
	code, out, stderr := runCLI(t, "attribute", "--no-log", "--format", "json", "--models", "markov", "--bootstrap", "30", "--level", "0.9", sampleTouches)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep struct {
		Results []struct {
			Channels []struct {
				Share     float64  `json:"share"`
				ShareLow  *float64 `json:"share_low"`
				ShareHigh *float64 `json:"share_high"`
				ValueHigh *float64 `json:"value_high"`
			} `json:"channels"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	for _, ch := range rep.Results[0].Channels {
		if ch.ShareLow == nil || ch.ShareHigh == nil || ch.ValueHigh == nil || *ch.ShareLow > *ch.ShareHigh {
			t.Errorf("JSON channel without ordered intervals: %+v", ch)
		}
	}
	code, out, _ = runCLI(t, "attribute", "--no-log", "--models", "linear", "--bootstrap", "30", sampleTouches)
	if code != 0 || !strings.Contains(out, "Share, 95% interval (30 bootstrap replicates, seed 1)") || !strings.Contains(out, "% ± ") {
		t.Errorf("table without the interval block:\n%s", out)
	}
}

// --by month: the CSV begins period,model,channel; the months' linear
// credits add up to the whole file's.
func TestAttributeByMonth(t *testing.T) {
	code, out, stderr := runCLI(t, "attribute", "--no-log", "--format", "csv", "--models", "linear,markov", "--by", "month", sampleTouches)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rows := readCSV(t, out)
	if got := strings.Join(rows[0][:4], ","); got != "period,model,channel,conversions" {
		t.Fatalf("header %v", rows[0])
	}
	sum := map[string]float64{}
	months := map[string]bool{}
	for _, row := range rows[1:] {
		months[row[0]] = true
		if row[1] == "linear" {
			v, _ := strconv.ParseFloat(row[3], 64)
			sum[row[2]] += v
		}
	}
	var keys []string
	for m := range months {
		keys = append(keys, m)
	}
	slices.Sort(keys)
	if want := []string{"2025-01", "2025-02", "2025-03", "2025-04", "2025-05"}; !slices.Equal(keys, want) {
		t.Errorf("months %v, want %v", keys, want)
	}
	_, whole, _ := runCLI(t, "attribute", "--no-log", "--format", "csv", "--models", "linear", sampleTouches)
	for _, row := range readCSV(t, whole)[1:] {
		v, _ := strconv.ParseFloat(row[2], 64)
		if math.Abs(sum[row[1]]-v) > 1e-9 {
			t.Errorf("linear %s: months sum to %v, whole file %v", row[1], sum[row[1]], v)
		}
	}
	code, out, _ = runCLI(t, "attribute", "--no-log", "--by", "week", "--timezone", "Europe/Berlin", "--models", "linear", sampleTouches)
	if code != 0 || !strings.Contains(out, "Share by period (linear)") || !strings.Contains(out, "2025-W01") {
		t.Errorf("weekly table:\n%s", shortText(out))
	}
}

func TestAttributeTrustUsageErrors(t *testing.T) {
	paths := writeFile(t, "paths.csv", []byte("path,conversions,nulls\na > b,3,4\n"))
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--bootstrap", "-1"}, 1, "--bootstrap -1"},
		{[]string{"--bootstrap", "10", "--level", "1.5"}, 1, "--level 1.5"},
		{[]string{"--by", "year"}, 1, "use week or month"},
		// --timezone alone is the zone of times written without one, so it
		// needs no --by; with --by it also cuts the periods.
		{[]string{"--by", "month", "--timezone", "Mars/Olympus"}, 1, "not a time zone"},
	} {
		code, _, stderr := runCLI(t, append(append([]string{"attribute", "--no-log"}, tc.args...), sampleTouches)...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, %q; want %d and %q", tc.args, code, stderr, tc.code, tc.want)
		}
	}
	code, _, stderr := runCLI(t, "attribute", "--no-log", "--by", "month", paths)
	if code != 2 || !strings.Contains(stderr, "needs timestamps") {
		t.Errorf("--by on a path table: exit %d, %q", code, stderr)
	}
}
