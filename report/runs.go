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
	for _, r := range runs {
		dataset := r.DatasetName
		if dataset == "" {
			dataset = r.Dataset
		}
		row := []string{r.ID, r.Experiment, r.Name, string(r.Status), runTime(r.StartTime), runTime(r.EndTime), dataset}
		for _, k := range params {
			p, _ := r.Param(k)
			row = append(row, p.String())
		}
		for _, k := range metrics {
			v := ""
			if m, ok := r.Metric(k); ok {
				v = strconv.FormatFloat(m.Value, 'g', -1, 64)
			}
			row = append(row, v)
		}
		for _, k := range tags {
			row = append(row, r.Tags[k])
		}
		cw.Write(EscapeText(row))
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
