package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/attrlab/attrlab/tracking"
)

const compareUsage = `Usage: attrlab compare RUN_ID RUN_ID... [flags]

Puts two or more runs side by side: the params that differ (all of them
with --all-params), every metric with its change against the baseline run
(the first unless --baseline), each channel's credit under one model with
its rank and rank change, Kendall's tau between the runs' channel
rankings, and whether the runs read the same dataset.

Flags:
`

func runCompare(ctx context.Context, env Env, args []string) error {
	var db, format, baseline, model string
	var allParams bool
	fs := newFlags("compare", compareUsage, env.Stdout)
	fs.StringVar(&baseline, "baseline", "", "run the others are measured against (default: the first)")
	fs.StringVar(&model, "model", "", "model of the channel credit table (default: the first model every run has)")
	fs.BoolVar(&allParams, "all-params", false, "show params that are the same in every run too")
	fs.StringVar(&format, "format", "table", "output: table, csv or json")
	dbFlag(fs, &db)
	ids, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(ids) < 2 {
		return usagef("compare needs at least two RUN_IDs, got %d", len(ids))
	}
	if !slices.Contains([]string{"table", "csv", "json"}, format) {
		return usagef("--format %q: use table, csv or json", format)
	}
	for _, id := range ids {
		if !tracking.ValidRunID(id) {
			return usagef("compare: %q is not a run id (32 lowercase hex digits)", id)
		}
	}
	if baseline != "" && !slices.Contains(ids, baseline) {
		return usagef("--baseline %s is not one of the compared runs", baseline)
	}
	st, err := openStore(ctx, env, db)
	if err != nil {
		return err
	}
	defer st.Close()
	var details []tracking.RunDetail
	for _, id := range ids {
		run, err := st.Run(ctx, id)
		if err != nil {
			return storeErr(err)
		}
		res, err := st.Results(ctx, id)
		if err != nil {
			return storeErr(err)
		}
		details = append(details, tracking.RunDetail{Run: run, Results: res})
	}
	c, err := tracking.Compare(details, tracking.CompareOptions{Baseline: baseline, AllParams: allParams, Model: model})
	if err != nil {
		return usagef("compare: %v", err)
	}
	sig, err := shareSignificance(ctx, st, c, details)
	if err != nil {
		return err
	}
	switch format {
	case "csv":
		return writeCompareCSV(env.Stdout, c, sig)
	case "json":
		return writeCompareJSON(env.Stdout, c, sig)
	}
	return writeCompareTable(env.Stdout, c, details, sig)
}

// cell formats a number for a comparison table; NaN is blank.
func cell(v float64, format string) string {
	if math.IsNaN(v) {
		return ""
	}
	return fmt.Sprintf(format, v)
}

func writeCompareTable(w io.Writer, c *tracking.Comparison, runs []tracking.RunDetail, sig [][]*tracking.ShareChange) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := func(first string) {
		fmt.Fprint(tw, first)
		for i, r := range runs {
			name := oneLine(r.Run.Name)
			if i == c.Baseline {
				name += " (baseline)"
			}
			fmt.Fprintf(tw, "\t%s", name)
		}
		fmt.Fprintln(tw)
	}
	head("run")
	fmt.Fprint(tw, "id")
	for _, id := range c.RunIDs {
		fmt.Fprintf(tw, "\t%s", id)
	}
	fmt.Fprintln(tw)
	fmt.Fprint(tw, "dataset")
	for _, r := range runs {
		fmt.Fprintf(tw, "\t%s", oneLine(datasetText(r.Run)))
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw)
	if len(c.Params) > 0 {
		head("PARAM")
		for _, p := range c.Params {
			fmt.Fprint(tw, oneLine(p.Key))
			for _, v := range p.Values {
				s := "-"
				if v != nil {
					s = oneLine(v.String())
				}
				fmt.Fprintf(tw, "\t%s", s)
			}
			fmt.Fprintln(tw)
		}
		fmt.Fprintln(tw)
	}
	if len(c.Metrics) > 0 {
		head("METRIC")
		for _, m := range c.Metrics {
			fmt.Fprint(tw, oneLine(m.Key))
			for i, v := range m.Values {
				s := cell(v, "%.6g")
				if i != c.Baseline && s != "" && !math.IsNaN(m.Abs[i]) {
					s += " (" + cell(m.Abs[i], "%+.4g")
					if r := cell(100*m.Rel[i], "%+.1f%%"); r != "" {
						s += ", " + r
					}
					s += ")"
				}
				fmt.Fprintf(tw, "\t%s", s)
			}
			fmt.Fprintln(tw)
		}
		fmt.Fprintln(tw)
	}
	if c.Model != "" {
		head("CREDIT (" + c.Model + ")")
		for ci, ch := range c.Channels {
			fmt.Fprint(tw, oneLine(ch))
			for j := range runs {
				s := cell(c.Credit[ci][j], "%.2f")
				if s != "" {
					s += fmt.Sprintf(" %s #%d", cell(100*c.Share[ci][j], "%.1f%%"), c.Rank[ci][j])
					if d := c.RankChange[ci][j]; j != c.Baseline && d != 0 {
						s += fmt.Sprintf(" (%+d)", d)
					}
					s += significanceMark(sig[ci][j])
				}
				fmt.Fprintf(tw, "\t%s", s)
			}
			fmt.Fprintln(tw)
		}
		fmt.Fprint(tw, "Kendall's tau vs baseline")
		for j := range runs {
			fmt.Fprintf(tw, "\t%s", cell(c.KendallTau[c.Baseline][j], "%.3f"))
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	writeSignificanceNote(w, sig)
	if c.SameDataset {
		_, err := fmt.Fprintln(w, "\nsame dataset: every run read the same data (same fingerprint)")
		return err
	}
	_, err := fmt.Fprintln(w, "\ndifferent datasets: the runs did not all read the same data")
	return err
}

// writeCompareCSV writes one row per compared quantity: section, key,
// then one column per run.
func writeCompareCSV(w io.Writer, c *tracking.Comparison, sig [][]*tracking.ShareChange) error {
	var b strings.Builder
	writeCSVRow(&b, append([]string{"section", "key"}, c.RunIDs...))
	row := func(section, key string, vals []string) { writeCSVRow(&b, append([]string{section, key}, vals...)) }
	nums := func(v []float64) []string {
		out := make([]string, len(v))
		for i, x := range v {
			if !math.IsNaN(x) {
				out[i] = num(x)
			}
		}
		return out
	}
	ints := func(v []int) []string {
		out := make([]string, len(v))
		for i, x := range v {
			out[i] = strconv.Itoa(x)
		}
		return out
	}
	row("baseline", "", func() []string {
		out := make([]string, len(c.RunIDs))
		out[c.Baseline] = "true"
		return out
	}())
	row("dataset", "fingerprint", c.Fingerprints)
	for _, p := range c.Params {
		vals := make([]string, len(p.Values))
		for i, v := range p.Values {
			if v != nil {
				vals[i] = v.String()
			}
		}
		row("param", p.Key, vals)
	}
	for _, m := range c.Metrics {
		row("metric", m.Key, nums(m.Values))
		row("metric_abs_change", m.Key, nums(m.Abs))
		row("metric_rel_change", m.Key, nums(m.Rel))
	}
	for ci, ch := range c.Channels {
		row("credit."+c.Model, ch, nums(c.Credit[ci]))
		row("share."+c.Model, ch, nums(c.Share[ci]))
		row("rank."+c.Model, ch, ints(c.Rank[ci]))
		row("rank_change."+c.Model, ch, ints(c.RankChange[ci]))
		for _, r := range significanceRows(c.Model, sig[ci]) {
			row(r[0], ch, r[1:])
		}
	}
	for i, id := range c.RunIDs {
		row("kendall_tau."+c.Model, id, nums(c.KendallTau[i]))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeCompareJSON(w io.Writer, c *tracking.Comparison, sig [][]*tracking.ShareChange) error {
	f := func(v float64) *float64 {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
		return &v
	}
	fs := func(v []float64) []*float64 {
		out := make([]*float64, len(v))
		for i, x := range v {
			out[i] = f(x)
		}
		return out
	}
	type metric struct {
		Key       string     `json:"key"`
		Values    []*float64 `json:"values"`
		AbsChange []*float64 `json:"abs_change"`
		RelChange []*float64 `json:"rel_change"`
	}
	type channel struct {
		Channel    string     `json:"channel"`
		Credit     []*float64 `json:"conversions"`
		Share      []*float64 `json:"share"`
		Rank       []int      `json:"rank"`
		RankChange []int      `json:"rank_change"`
		// ShareChange[r] is the bootstrap of the change against the
		// baseline; null where a run was not bootstrapped.
		ShareChange []*tracking.ShareChange `json:"share_change"`
	}
	out := struct {
		RunIDs      []string             `json:"run_ids"`
		Baseline    string               `json:"baseline"`
		SameDataset bool                 `json:"same_dataset"`
		Datasets    []string             `json:"dataset_fingerprints"`
		Params      map[string][]*string `json:"params"`
		Metrics     []metric             `json:"metrics"`
		Model       string               `json:"model"`
		Channels    []channel            `json:"channels"`
		KendallTau  [][]*float64         `json:"kendall_tau"`
	}{RunIDs: c.RunIDs, Baseline: c.RunIDs[c.Baseline], SameDataset: c.SameDataset, Datasets: c.Fingerprints,
		Params: map[string][]*string{}, Metrics: []metric{}, Model: c.Model, Channels: []channel{}}
	for _, p := range c.Params {
		vals := make([]*string, len(p.Values))
		for i, v := range p.Values {
			if v != nil {
				s := v.String()
				vals[i] = &s
			}
		}
		out.Params[p.Key] = vals
	}
	for _, m := range c.Metrics {
		out.Metrics = append(out.Metrics, metric{m.Key, fs(m.Values), fs(m.Abs), fs(m.Rel)})
	}
	for ci, ch := range c.Channels {
		out.Channels = append(out.Channels, channel{ch, fs(c.Credit[ci]), fs(c.Share[ci]), c.Rank[ci], c.RankChange[ci], sig[ci]})
	}
	for _, row := range c.KendallTau {
		out.KendallTau = append(out.KendallTau, fs(row))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
