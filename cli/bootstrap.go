package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"
	_ "time/tzdata" // --timezone works where the system has no zone files

	"github.com/attrlab/attrlab/attribution"
	charts "github.com/attrlab/attrlab/report"
	"github.com/attrlab/attrlab/tracking"
)

// trustFlags are attribute's flags for intervals and periods.
type trustFlags struct {
	replicates int
	seed       uint64
	level      float64
	by         string
	timezone   string
	// sharedZone is another --timezone already on the flag set (the zone
	// of times written without one): periods are then cut in that zone.
	sharedZone *flag.Flag
	// ran holds the periods' results once periods has run them.
	ran []attribution.PeriodResult
	// progress reports replicates as they finish (nil: quiet).
	progress *progressPrinter
	// refresh and rewritten are --refresh and --rewritten; refreshOf,
	// parent and tags are set by planRefresh for the run to log.
	refresh, rewritten bool
	refreshOf, parent  string
	tags               map[string]string
}

func (t *trustFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&t.replicates, "bootstrap", 0, "resample journeys N times and report percentile intervals (0: none)")
	fs.Uint64Var(&t.seed, "seed", 1, "seed of the bootstrap's resampling: the same seed gives the same intervals")
	fs.Float64Var(&t.level, "level", attribution.DefaultLevel, "confidence level of the bootstrap intervals")
	fs.StringVar(&t.by, "by", "", "attribute each week or month on its own: week (ISO) or month")
	if t.sharedZone = fs.Lookup("timezone"); t.sharedZone == nil {
		fs.StringVar(&t.timezone, "timezone", "UTC", "time zone of --by's periods, e.g. Europe/Berlin")
	}
	fs.BoolVar(&t.refresh, "refresh", false, "FILE has grown: import it as a new version of its dataset, rerun the --experiment's champion with its parameters and log the run linked to it")
	fs.BoolVar(&t.rewritten, "rewritten", false, "with --refresh: FILE is a new version even though it does not begin with the old data")
}

// apply checks the flags and sets the import's period split.
func (t *trustFlags) apply(o *attribution.ImportOptions) error {
	if t.replicates < 0 || t.replicates > attribution.MaxReplicates {
		return usagef("--bootstrap %d: must be 0 (none) to %d", t.replicates, attribution.MaxReplicates)
	}
	if !(t.level > 0 && t.level < 1) {
		return usagef("--level %g: must be between 0 and 1, e.g. 0.95", t.level)
	}
	if t.sharedZone != nil {
		t.timezone = t.sharedZone.Value.String()
		if t.timezone == "" {
			t.timezone = "UTC"
		}
	}
	if t.by == "" {
		if t.timezone != "UTC" && t.sharedZone == nil {
			return usagef("--timezone needs --by week or --by month")
		}
		return nil
	}
	kind, err := attribution.ParsePeriodKind(t.by)
	if err != nil {
		return usagef("--by: %v", err)
	}
	loc, err := time.LoadLocation(t.timezone)
	if err != nil {
		return usagef("--timezone %q: not a time zone name (e.g. UTC, Europe/Berlin, America/New_York)", t.timezone)
	}
	o.By, o.Location = kind, loc
	return nil
}

func (t *trustFlags) options() attribution.BootstrapOptions {
	return attribution.BootstrapOptions{Replicates: t.replicates, Seed: t.seed, Level: t.level}
}

// bootstrapProgress reports replicates at most every 200 ms, and the last.
func (p *progressPrinter) bootstrapProgress(done, total int) {
	now := p.now()
	if done < total && now.Sub(p.last) < 200*time.Millisecond {
		return
	}
	p.last = now
	p.print(fmt.Sprintf("bootstrap: %d of %d replicates", done, total), done == total)
}

// bootstrap adds intervals to results when --bootstrap asks for them.
func (t *trustFlags) bootstrap(ctx context.Context, ps *attribution.PathSet, results []*attribution.Result, opts attribution.Options) error {
	if t.replicates == 0 {
		return nil
	}
	b := t.options()
	if t.progress != nil {
		b.Progress = t.progress.bootstrapProgress
	}
	return attribution.Bootstrap(ctx, ps, results, opts, b)
}

// periods attributes every period (and bootstraps each when asked).
func (t *trustFlags) periods(ctx context.Context, ds *attribution.Dataset, opts attribution.Options) ([]attribution.PeriodResult, error) {
	if t.by == "" {
		return nil, nil
	}
	opts.Progress = nil
	if len(opts.Models) == 0 {
		// Every period runs the models the whole data set allows.
		opts.Models = attribution.AvailableModels(ds.Paths)
	}
	prs, err := attribution.RunPeriods(ctx, ds.Periods, opts)
	if err != nil {
		return nil, err
	}
	t.progress = nil // one line per period would be noise
	for _, pr := range prs {
		if err := t.bootstrap(ctx, pr.Period.Paths, pr.Results, opts); err != nil {
			return nil, fmt.Errorf("period %s: %w", pr.Period.Label, err)
		}
	}
	t.ran = prs
	return prs, nil
}

// params are the run's parameters for the flags in use.
func (t *trustFlags) params() []tracking.Param {
	b := t.options()
	return tracking.TrustParams(&b, t.by, t.timezone)
}

// writeIntervalTable prints each channel's share with its interval, one
// column per model.
func writeIntervalTable(w io.Writer, results []*attribution.Result) error {
	if len(results) == 0 || results[0].Intervals == nil {
		return nil
	}
	iv := results[0].Intervals
	fmt.Fprintf(w, "Share, %g%% interval (%d bootstrap replicates, seed %d)\n", 100*iv.Level, iv.Replicates, iv.Seed)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "channel\t")
	for _, res := range results {
		fmt.Fprintf(tw, "%s\t", res.Model)
	}
	fmt.Fprintln(tw)
	for i, ch := range results[0].Channels {
		fmt.Fprintf(tw, "%s\t", ch)
		for _, res := range results {
			s := res.Intervals.Share[i]
			fmt.Fprintf(tw, "%4.1f%% ± %.1f [%.1f–%.1f]\t", 100*res.Share[i], 100*halfWidth(res.Share[i], s), 100*s.Low, 100*s.High)
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w)
	return err
}

// halfWidth is the larger distance from the estimate to an end of its
// interval: what a "±" can honestly say of a percentile interval, which
// need not be symmetric.
func halfWidth(point float64, iv attribution.Interval) float64 {
	return max(point-iv.Low, iv.High-point, 0)
}

// writePeriodTable prints, per model, each channel's share in each period.
func writePeriodTable(w io.Writer, prs []attribution.PeriodResult) error {
	if len(prs) == 0 {
		_, err := fmt.Fprintln(w, "no periods: the data holds no journey")
		return err
	}
	for m, first := range prs[0].Results {
		fmt.Fprintf(w, "Share by period (%s)\n", first.Model)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprint(tw, "channel\t")
		for _, pr := range prs {
			fmt.Fprintf(tw, "%s\t", pr.Period.Label)
		}
		fmt.Fprintln(tw)
		for i, ch := range first.Channels {
			fmt.Fprintf(tw, "%s\t", ch)
			for _, pr := range prs {
				res := pr.Results[m]
				cell := fmt.Sprintf("%.1f%%", 100*res.Share[i])
				if res.Intervals != nil {
					cell += fmt.Sprintf(" ± %.1f", 100*halfWidth(res.Share[i], res.Intervals.Share[i]))
				}
				fmt.Fprintf(tw, "%s\t", cell)
			}
			fmt.Fprintln(tw)
		}
		fmt.Fprint(tw, "conversions\t")
		for _, pr := range prs {
			fmt.Fprintf(tw, "%s\t", human(pr.Results[m].TotalConversions))
		}
		fmt.Fprintln(tw)
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintln(w)
	}
	return nil
}

type jsonPeriod struct {
	Period  string       `json:"period"`
	Start   time.Time    `json:"start"`
	End     time.Time    `json:"end"`
	Results []jsonResult `json:"results"`
}

// writePeriodCSV writes credit by period (`period,model,channel,…`).
func writePeriodCSV(w io.Writer, prs []attribution.PeriodResult) error {
	return charts.WritePeriodResultsCSV(w, prs)
}

// jsonInterval is a channel's bootstrap interval in JSON output.
type jsonInterval struct {
	ShareLow        float64 `json:"share_low"`
	ShareHigh       float64 `json:"share_high"`
	ConversionsLow  float64 `json:"conversions_low"`
	ConversionsHigh float64 `json:"conversions_high"`
	ValueLow        float64 `json:"value_low"`
	ValueHigh       float64 `json:"value_high"`
}

func jsonIntervalOf(res *attribution.Result, i int) *jsonInterval {
	iv := res.Intervals
	if iv == nil {
		return nil
	}
	return &jsonInterval{iv.Share[i].Low, iv.Share[i].High, iv.Conversions[i].Low, iv.Conversions[i].High, iv.Value[i].Low, iv.Value[i].High}
}
