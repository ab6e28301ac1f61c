package app

import (
	"encoding/csv"
	"io"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/attrlab/attrlab/report"
	"github.com/attrlab/attrlab/tracking"
)

// writeRunsCSV writes runs as `attrlab export runs` does: run_id,
// experiment, name, status, start_time, end_time, dataset, then params.*,
// metrics.* and tags.*, text cells escaped against spreadsheet formulas.
func writeRunsCSV(w io.Writer, runs []*tracking.Run) error {
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
	params, metrics, tags := slices.Sorted(maps.Keys(p)), slices.Sorted(maps.Keys(m)), slices.Sorted(maps.Keys(t))
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
	cw.Write(escapeAll(header))
	for _, r := range runs {
		row := []string{r.ID, r.Experiment, r.Name, string(r.Status), csvTime(r.StartTime), csvTime(r.EndTime), runDataset(r)}
		for _, k := range params {
			row = append(row, paramText(r, k))
		}
		for _, k := range metrics {
			v := ""
			if x, ok := r.Metric(k); ok {
				v = strconv.FormatFloat(x.Value, 'g', -1, 64)
			}
			row = append(row, v)
		}
		for _, k := range tags {
			row = append(row, r.Tags[k])
		}
		cw.Write(escapeAll(row))
	}
	cw.Flush()
	return cw.Error()
}

// escapeAll escapes cells against formulas; numbers keep their sign.
func escapeAll(cells []string) []string {
	for i, c := range cells {
		if _, err := strconv.ParseFloat(c, 64); err != nil {
			cells[i] = report.EscapeCell(c)
		}
	}
	return cells
}

func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}
