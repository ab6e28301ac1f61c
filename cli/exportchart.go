package cli

import (
	"bytes"
	"cmp"
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/attrlab/attrlab/attribution"
	charts "github.com/attrlab/attrlab/report"
)

const exportChartUsage = `Usage: attrlab export chart RUN_ID|FILE... --kind KIND --out FILE.png|.svg|.pdf [flags]

Draws a chart of a logged run (RUN_ID) or of a journey file (FILE, on
which the models run first) and writes it as PNG, SVG or PDF, chosen by
the --out extension, sized for a slide. A chart of a run is also stored
with the run as an artifact (--no-artifact: not). --out is never
replaced without --force, and never when it is an input or the run store.

Kinds:
  attribution   each channel's share of conversions under every model
  budget        current spend against the proposed budget (needs --spend,
                or a touch log with a cost column)
  removal       the Markov removal effect of each channel
  transitions   the Markov transition heat-map (a run keeps its chain)
  compare       each channel's share in two or more runs or files

Flags:
`

const exportResultsUsage = `Usage: attrlab export results RUN_ID|FILE --out FILE.csv [flags]

Writes every model's credit per channel as CSV (model, channel,
conversions, value, share, removal_effect), with cells that a spreadsheet
would run as formulas escaped. Results of a run are also stored with the
run as an artifact (--no-artifact: not). --out is never replaced
without --force, and never when it is an input or the run store.

Flags:
`

// chartFlags are export chart's flags.
type chartFlags struct {
	sourceFlags
	budget    budgetFlags
	kind, out string
	model     string
	top       int
	outputFlags
}

// outputFlags are --force and --no-artifact, shared by export chart and
// export results.
type outputFlags struct {
	force, noArtifact bool
}

func (o *outputFlags) add(fs *flag.FlagSet) {
	fs.BoolVar(&o.force, "force", false, "replace --out if it exists (never an input file or the run store)")
	fs.BoolVar(&o.noArtifact, "no-artifact", false, "do not store the file with the run as an artifact")
}

func runExportChart(ctx context.Context, env Env, args []string) error {
	var f chartFlags
	fs := newFlags("export chart", exportChartUsage, env.Stdout)
	fs.StringVar(&f.kind, "kind", "", "chart to draw: "+kindList())
	fs.StringVar(&f.out, "out", "", "file to write: .png, .svg or .pdf (taken literally)")
	f.outputFlags.add(fs)
	fs.StringVar(&f.model, "model", "", "model of a budget or compare chart (default markov, else the first)")
	fs.IntVar(&f.top, "top", charts.DefaultTopStates, "transitions: show at most this many states, the busiest")
	f.budget.register(fs)
	f.register(fs)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	kind := charts.Kind(f.kind)
	switch {
	case f.kind == "":
		return usagef("export chart needs --kind (%s)", kindList())
	case !slices.Contains(charts.Kinds, kind):
		return usagef("--kind %q: use %s", f.kind, kindList())
	case f.out == "":
		return usagef("export chart needs --out FILE.png, .svg or .pdf")
	case len(pos) == 0:
		return usagef("export chart needs a RUN_ID or FILE (see attrlab export chart --help)")
	case kind == charts.KindCompare && len(pos) < 2:
		return usagef("--kind compare needs two or more runs or files, got %d", len(pos))
	case kind != charts.KindCompare && len(pos) != 1:
		return usagef("--kind %s draws one run or file, got %d", kind, len(pos))
	case f.top < 1:
		return usagef("--top %d: must be at least 1", f.top)
	}
	if _, err := charts.FormatOf(f.out); err != nil {
		return usagef("--out %v", err)
	}
	inputs := f.inputs(pos)
	if err := checkOut("--out", f.out, f.force, inputs...); err != nil {
		return err
	}
	switch kind {
	case charts.KindRemoval, charts.KindTransitions:
		f.models = attribution.Markov
	case charts.KindBudget, charts.KindCompare:
		if f.models == "" {
			f.models = cmp.Or(f.model, attribution.Markov) // a FILE needs only this model run
		}
	}
	srcs, st, err := f.sources(ctx, env, pos)
	if err != nil {
		return err
	}
	if st != nil {
		defer st.Close()
	}
	chart, err := f.chart(ctx, kind, srcs)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	format, _ := charts.FormatOf(f.out)
	if err := chart.Render(&buf, format); err != nil {
		return err
	}
	if err := writeOut(f.out, f.force, buf.Bytes(), inputs...); err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "wrote %s\n", f.out)
	if f.noArtifact {
		return nil
	}
	return storeArtifact(ctx, env, st, srcs, "charts/"+string(kind)+"."+format, mediaType(format), buf.Bytes())
}

func kindList() string {
	var ks []string
	for _, k := range charts.Kinds {
		ks = append(ks, string(k))
	}
	return strings.Join(ks, ", ")
}

// chart builds the chart of kind from the loaded sources.
func (f *chartFlags) chart(ctx context.Context, kind charts.Kind, srcs []source) (*charts.Chart, error) {
	s := srcs[0]
	switch kind {
	case charts.KindAttribution:
		return charts.AttributionChart(s.results)
	case charts.KindRemoval:
		r, err := pickModel(s, attribution.Markov)
		if err != nil {
			return nil, err
		}
		return charts.RemovalChart(r)
	case charts.KindTransitions:
		r, err := pickModel(s, attribution.Markov)
		if err != nil {
			return nil, err
		}
		if r.Markov == nil {
			return nil, usagef("run %s keeps no Markov chain (it was logged by an older attrlab): export the transitions chart from the journey FILE", s.runID)
		}
		return charts.TransitionsChart(r, f.top)
	case charts.KindBudget:
		b, err := f.budget.allocate(s, f.model)
		if err != nil {
			return nil, err
		}
		return charts.BudgetChart(b)
	case charts.KindCompare:
		c, err := comparison(srcs, f.model)
		if err != nil {
			return nil, err
		}
		return charts.CompareChart(c)
	}
	return nil, fmt.Errorf("unknown chart kind %q", kind)
}

// comparison lines up one model's shares across sources: channels in
// order of first appearance, 0 where a source lacks a channel.
func comparison(srcs []source, model string) (charts.Comparison, error) {
	var c charts.Comparison
	if model == "" {
		// The default: markov if every source has it, else the first
		// model of the first source.
		model = attribution.Markov
		for _, s := range srcs {
			if r, _ := pickModel(s, ""); r == nil || r.Model != attribution.Markov {
				model = srcs[0].results[0].Model
				break
			}
		}
	}
	index := map[string]int{}
	var picked []*attribution.Result
	for _, s := range srcs {
		r, err := pickModel(s, model)
		if err != nil {
			return c, err
		}
		picked = append(picked, r)
		for _, ch := range r.Channels {
			if _, ok := index[ch]; !ok {
				index[ch] = len(c.Channels)
				c.Channels = append(c.Channels, ch)
			}
		}
	}
	c.Model = model
	for i, r := range picked {
		row := make([]float64, len(c.Channels))
		for j, ch := range r.Channels {
			row[index[ch]] = r.Share[j]
		}
		label := srcs[i].label
		if slices.Contains(c.Runs, label) {
			label = fmt.Sprintf("%s (%d)", label, i+1)
		}
		c.Runs = append(c.Runs, label)
		c.Share = append(c.Share, row)
	}
	c.Low, c.High = comparisonIntervals(picked, c.Channels)
	return c, nil
}

func runExportResults(ctx context.Context, env Env, args []string) error {
	var f sourceFlags
	var out string
	var o outputFlags
	fs := newFlags("export results", exportResultsUsage, env.Stdout)
	fs.StringVar(&out, "out", "", "CSV file to write (taken literally)")
	o.add(fs)
	f.register(fs)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) != 1:
		return usagef("export results takes one RUN_ID or FILE, got %d (see attrlab export results --help)", len(pos))
	case out == "":
		return usagef("export results needs --out FILE.csv")
	}
	inputs := f.inputs(pos)
	if err := checkOut("--out", out, o.force, inputs...); err != nil {
		return err
	}
	srcs, st, err := f.sources(ctx, env, pos)
	if err != nil {
		return err
	}
	if st != nil {
		defer st.Close()
	}
	var buf bytes.Buffer
	if err := charts.WriteResultsCSV(&buf, srcs[0].results); err != nil {
		return err
	}
	if err := writeOut(out, o.force, buf.Bytes(), inputs...); err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "wrote %s\n", out)
	if o.noArtifact {
		return nil
	}
	return storeArtifact(ctx, env, st, srcs, "results.csv", "text/csv", buf.Bytes())
}

// mediaType is the MIME type an artifact of format is stored with.
func mediaType(format string) string {
	switch format {
	case charts.PNG:
		return "image/png"
	case charts.SVG:
		return "image/svg+xml"
	case charts.PDF:
		return "application/pdf"
	}
	return "application/octet-stream"
}
