package cli

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"text/tabwriter"

	"github.com/attrlab/attrlab/attribution"
	charts "github.com/attrlab/attrlab/report"
)

const budgetUsage = `Usage: attrlab budget RUN_ID|FILE --spend SPEND.csv [flags]
       attrlab budget --experiment NAME --spend SPEND.csv [flags]

Compares each channel's spend with the credit one model gives it (CPA =
spend / attributed conversions, ROAS = attributed value / spend) and
proposes a budget that shares the total in proportion to that credit,
within any --min and --max per channel. RUN_ID is a logged run; FILE is
a journey file, on which the models run first (a touch log's cost column
is its spend when --spend is not given). With --experiment and no RUN_ID
or FILE, the experiment's champion run (attrlab runs promote). A run made
with --bootstrap adds each channel's proposed range: the total times the
ends of its credit share's interval.

SPEND.csv has a channel column and a spend column (or cost, or budget).
Channels with spend but no credit, or credit but no spend, are flagged.

Flags:
`

// budgetFlags are the options of a budget proposal, shared by budget and
// export chart --kind budget.
type budgetFlags struct {
	spend    string
	total    totalFlag
	min, max pairsFlag
}

// totalFlag is --total: a number, and whether it was given at all (an
// explicit 0 is a mistake, not "the current total").
type totalFlag struct {
	v   float64
	set bool
}

func (t *totalFlag) String() string { return "" }

func (t *totalFlag) Set(s string) error {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || !(v > 0) || math.IsInf(v, 0) {
		return fmt.Errorf("%q: expected an amount more than 0", s)
	}
	t.v, t.set = v, true
	return nil
}

func (b *budgetFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&b.spend, "spend", "", "CSV of spend per channel (channel,spend); default: a touch log's cost column")
	fs.Var(&b.total, "total", "budget to share out (default: the current total spend)")
	fs.Var(&b.min, "min", "least a channel gets: CHANNEL=AMOUNT (repeatable)")
	fs.Var(&b.max, "max", "most a channel gets: CHANNEL=AMOUNT (repeatable)")
	b.min.what, b.max.what = "CHANNEL=AMOUNT", "CHANNEL=AMOUNT"
}

// options checks the bounds and the total.
func (b *budgetFlags) options() (attribution.BudgetOptions, error) {
	var o attribution.BudgetOptions
	o.Total = b.total.v
	for _, bound := range []struct {
		name  string
		pairs [][2]string
		dst   *map[string]float64
	}{{"--min", b.min.pairs, &o.Min}, {"--max", b.max.pairs, &o.Max}} {
		for _, p := range bound.pairs {
			v, err := strconv.ParseFloat(p[1], 64)
			if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
				return o, usagef("%s %s=%s: the amount must be a number at least 0", bound.name, p[0], p[1])
			}
			if *bound.dst == nil {
				*bound.dst = map[string]float64{}
			}
			(*bound.dst)[p[0]] = v
		}
	}
	return o, nil
}

// readSpend reads --spend, or falls back on the source's cost column.
func (b *budgetFlags) readSpend(s source) ([]attribution.ChannelSpend, error) {
	if b.spend == "" {
		if len(s.spend) > 0 {
			return s.spend, nil
		}
		if s.runID != "" {
			return nil, usagef("a budget for a run needs --spend SPEND.csv (channel,spend)")
		}
		return nil, usagef("%s has no cost column: give --spend SPEND.csv (channel,spend)", s.label)
	}
	file, err := os.Open(b.spend)
	if err != nil {
		return nil, &inputError{fmt.Errorf("open %s: %w", b.spend, unwrapPathError(err))}
	}
	defer file.Close()
	return attribution.ReadSpend(file, b.spend)
}

// allocate proposes a budget from s's result for model (see pickModel).
func (b *budgetFlags) allocate(s source, model string) (*attribution.Budget, error) {
	opts, err := b.options()
	if err != nil {
		return nil, err
	}
	spend, err := b.readSpend(s)
	if err != nil {
		return nil, err
	}
	r, err := pickModel(s, model)
	if err != nil {
		return nil, err
	}
	bud, err := attribution.Allocate(spend, r, opts)
	if err != nil {
		// Bounds and totals come from the command line.
		return nil, usagef("budget: %v", err)
	}
	attribution.AddProposedRange(bud, r)
	return bud, nil
}

func runBudget(ctx context.Context, env Env, args []string) error {
	var f sourceFlags
	var b budgetFlags
	var model, format, chart, experiment string
	var force bool
	fs := newFlags("budget", budgetUsage, env.Stdout)
	b.register(fs)
	fs.StringVar(&model, "model", "", "model whose credit shares the budget (default markov, else the first)")
	fs.StringVar(&format, "format", "table", "output: table, csv or json")
	fs.StringVar(&chart, "chart", "", "also draw current against proposed spend to this .png, .svg or .pdf")
	fs.BoolVar(&force, "force", false, "replace the --chart file if it exists")
	fs.StringVar(&experiment, "experiment", "", "with no RUN_ID or FILE: the champion run of this experiment")
	f.register(fs)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 && experiment != "" {
		id, err := championRun(ctx, env, f.db, experiment)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "budget from run %s, the champion of %q\n", id, experiment)
		pos = []string{id}
	} else if experiment != "" {
		return usagef("--experiment picks the champion when no RUN_ID or FILE is given; give one or the other")
	}
	if len(pos) != 1 {
		return usagef("budget takes one RUN_ID or FILE, got %d (see attrlab budget --help)", len(pos))
	}
	if !slices.Contains([]string{"table", "csv", "json"}, format) {
		return usagef("--format %q: use table, csv or json", format)
	}
	inputs := append(f.inputs(pos), b.spend)
	if chart != "" {
		if _, err := charts.FormatOf(chart); err != nil {
			return usagef("--chart %v", err)
		}
		if err := checkOut("--chart", chart, force, inputs...); err != nil {
			return err
		}
	}
	if _, err := b.options(); err != nil {
		return err
	}
	if f.models == "" {
		f.models = cmp.Or(model, attribution.Markov) // a FILE needs only this model run
	}
	srcs, st, err := f.sources(ctx, env, pos)
	if err != nil {
		return err
	}
	if st != nil {
		defer st.Close()
	}
	bud, err := b.allocate(srcs[0], model)
	if err != nil {
		return err
	}
	if chart != "" {
		c, err := charts.BudgetChart(bud)
		if err != nil {
			return err
		}
		format, _ := charts.FormatOf(chart)
		var buf bytes.Buffer
		if err := c.Render(&buf, format); err != nil {
			return err
		}
		if err := writeOutFunc("--chart", chart, force, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err }, inputs...); err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "wrote %s\n", chart)
		if err := storeArtifact(ctx, env, st, srcs, "charts/budget-"+bud.Model+"."+format, mediaType(format), buf.Bytes()); err != nil {
			return err
		}
	}
	for _, w := range bud.Warnings {
		fmt.Fprintln(env.Stderr, "warning:", w)
	}
	switch format {
	case "csv":
		return charts.WriteBudgetCSV(env.Stdout, bud)
	case "json":
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(bud)
	}
	return writeBudgetTable(env.Stdout, bud)
}

// writeBudgetTable prints the budget for reading: one row per channel,
// amounts rounded, undefined ratios as n/a.
func writeBudgetTable(w io.Writer, b *attribution.Budget) error {
	fmt.Fprintf(w, "Budget by %s credit: total %s (current spend %s)\n", b.Model, human(b.Total), human(b.CurrentTotal))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "channel\tspend\tspend share\tcredit share\tconversions\tCPA\tROAS\tproposed\tchange\tflags\t")
	pct := func(v float64) string { return strconv.FormatFloat(100*v, 'f', 1, 64) + "%" }
	for _, l := range b.Lines {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.2f\t%s\t%s\t%s\t%+.2f\t%s\t\n", cellText(l.Channel), human(l.Spend), pct(l.SpendShare),
			pct(l.CreditShare), l.Conversions, l.CPA, l.ROAS, human(l.Proposed), l.Change, l.Flags)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return writeBudgetRange(w, b)
}
