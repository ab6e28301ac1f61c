package report

import (
	"encoding/csv"
	"io"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/attrlab/attrlab/tracking"
)

// RunColumns returns the sorted param, metric and tag keys of runs: the
// columns of a runs table after the fixed ones.
func RunColumns(runs []*tracking.Run) (params, metrics, tags []string) {
	p, m, t := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, r := range runs {
		for _, x := range r.Params {
			p[x.Key()] = true
		}
		for _, x := range r.Metrics {
			m[x.Key] = true
		}
		for k := range r.Tags {
			t[k] = true
		}
	}
	return slices.Sorted(maps.Keys(p)), slices.Sorted(maps.Keys(m)), slices.Sorted(maps.Keys(t))
}

// WriteRunsCSV writes runs as DESIGN section 5 lays out: run_id,
// experiment, name, status, start_time, end_time, dataset, then params.*,
// metrics.* and tags.*, sorted by key. Times are UTC RFC 3339 with
// milliseconds. Text cells are escaped against spreadsheet formulas;
// numbers keep their sign.
func WriteRunsCSV(w io.Writer, runs []*tracking.Run) error {
	params, metrics, tags := RunColumns(runs)
	cw := csv.NewWriter(w)
	header := []string{"run_id", "experiment", "name", "status", "start_time", "end_time", "dataset"}
	for _, k := range params {
		header = append(header, "params."+k)
	}
	for _, k := range metrics {
		header = append(header, "metrics."+k)
	}
	for _, k := range tags {
		header = append(header, "tags."+k)
	}
	cw.Write(EscapeText(header))
	// One lookup table per run, so that a run with M metrics costs O(M),
	// not O(M²) (Run.Metric and Run.Param scan).
	metricAt := make(map[string]int, len(metrics))
	for i, k := range metrics {
		metricAt[k] = i
	}
	paramAt := make(map[string]int, len(params))
	for i, k := range params {
		paramAt[k] = i
	}
	var row []string
	for _, r := range runs {
		dataset := r.DatasetName
		if dataset == "" {
			dataset = r.Dataset
		}
		row = append(row[:0], r.ID, r.Experiment, r.Name, string(r.Status), runTime(r.StartTime), runTime(r.EndTime), dataset)
		fixed := len(row)
		row = append(row, make([]string, len(params)+len(metrics))...)
		for _, p := range r.Params {
			row[fixed+paramAt[p.Key()]] = p.String()
		}
		for _, m := range r.Metrics {
			row[fixed+len(params)+metricAt[m.Key]] = strconv.FormatFloat(m.Value, 'g', -1, 64)
		}
		for _, k := range tags {
			row = append(row, r.Tags[k])
		}
		if err := cw.Write(EscapeText(row)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// EscapeText escapes, in place, every cell that is not a number against
// spreadsheet formulas, and returns cells.
func EscapeText(cells []string) []string {
	for i, c := range cells {
		if _, err := strconv.ParseFloat(c, 64); err != nil {
			cells[i] = EscapeCell(c)
		}
	}
	return cells
}

func runTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}
