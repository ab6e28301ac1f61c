package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/attrlab/attrlab/attribution"
	charts "github.com/attrlab/attrlab/report"
)

const attributeUsage = `Usage: attrlab attribute FILE [flags]

Reads a path table or touch log (FILE, or - for standard input), runs the
attribution models and prints each channel's credited conversions, value
and share. An import summary goes to standard error (or into --format json).

Flags:
`

// attributeFlags are the options shared by attribute and, later, import.
type attributeFlags struct {
	models, direct, sep, format, layout, label, rejected string
	decimal, dateFormat, timezone, delimiter             string
	experiment, db                                       string
	order                                                int
	halfLife, lookback                                   string
	first, last                                          float64
	noLog, skipBad, progress, force                      bool
	mapping                                              pairsFlag
	trust                                                trustFlags
}

func runAttribute(ctx context.Context, env Env, args []string) error {
	var f attributeFlags
	fs := newFlags("attribute", attributeUsage, env.Stdout)
	f.registerData(fs, "")
	fs.StringVar(&f.format, "format", "table", "output: table, csv or json")
	fs.BoolVar(&f.skipBad, "skip-bad-rows", false, "skip malformed rows, write them to a rejected-rows CSV and report them (default: stop at the first)")
	fs.StringVar(&f.rejected, "rejected", "", "where --skip-bad-rows writes rejected rows (default: FILE.rejected.csv beside the input)")
	fs.BoolVar(&f.force, "force", false, "replace an existing --rejected file (never the input)")
	fs.StringVar(&f.experiment, "experiment", "Default", "experiment to log the run in")
	fs.BoolVar(&f.noLog, "no-log", false, "do not log the run in the run store")
	fs.StringVar(&f.db, "db", "", "run store database (default $ATTRLAB_DB or the user data folder)")
	f.trust.register(fs)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("attribute takes exactly one FILE, got %d (see attrlab attribute --help)", len(pos))
	}
	if !slices.Contains([]string{"table", "csv", "json"}, f.format) {
		return usagef("--format %q: use table, csv or json", f.format)
	}
	opts, err := f.modelOptions()
	if err != nil {
		return err
	}
	iopts, err := f.importOptions()
	if err != nil {
		return err
	}
	if err := f.trust.apply(&iopts); err != nil {
		return err
	}
	if !f.noLog {
		// A wrong --db fails now, not after the models have run.
		if err := precheckStore(ctx, f.db); err != nil {
			return err
		}
	}
	if f.trust.refresh {
		// The champion's parameters replace the model and import flags.
		if opts, iopts, err = f.planRefresh(ctx, env, pos[0]); err != nil {
			if errors.Is(err, errNothingNew) {
				return nil
			}
			return err
		}
	}
	var progress *progressPrinter
	if f.progress || isTerminal(env.Stderr) {
		progress = newProgressPrinter(env.Stderr, fileSize(pos[0]))
		iopts.Progress = progress.importProgress
		opts.Progress = progress.runProgress
		f.trust.progress = progress
	}
	ds, rejectedPath, err := importFile(ctx, env, pos[0], iopts, f.skipBad, f.rejected, f.force)
	if err != nil {
		return err
	}
	if len(opts.Models) > 0 && slices.Contains(opts.Models, attribution.TimeDecay) && ds.Paths.Timed == nil {
		return usagef("%s: %v", iopts.File, attribution.ErrNeedsTimestamps)
	}
	started := time.Now()
	results, err := attribution.Run(ctx, ds.Paths, opts)
	if err != nil {
		return err
	}
	if err := f.trust.bootstrap(ctx, ds.Paths, results, opts); err != nil {
		return err
	}
	periods, err := f.trust.periods(ctx, ds, opts)
	if err != nil {
		return err
	}
	elapsed := time.Since(started)
	rep := report{Dataset: ds, Results: results, Periods: periods, Rejected: rejectedPath, Runtime: elapsed, Direct: opts.Direct}
	if rep.RunID, err = logAttribution(ctx, env, &f, pos[0], iopts, opts, ds, results, elapsed); err != nil {
		return err
	}
	if err := f.trust.finishRefresh(ctx, env, f.db, rep.RunID); err != nil {
		return err
	}
	if f.format != "json" {
		rep.printSummary(env.Stderr)
	}
	switch f.format {
	case "csv":
		return rep.writeCSV(env.Stdout)
	case "json":
		return rep.writeJSON(env.Stdout)
	}
	return rep.writeTable(env.Stdout)
}

// registerData adds the flags that say how to read a journey file and
// which models to run on it, each help text after prefix (budget and
// export take a FILE too, and say "for a FILE: ").
func (f *attributeFlags) registerData(fs *flag.FlagSet, prefix string) {
	fs.StringVar(&f.models, "models", "", prefix+"comma-separated models (default: every model the data allows): "+strings.Join(attribution.ModelNames(), ", "))
	fs.IntVar(&f.order, "order", attribution.DefaultOrder, prefix+"Markov chain order, 1 to 4")
	fs.StringVar(&f.halfLife, "half-life", "7d", prefix+"time-decay half-life (e.g. 7d, 36h)")
	fs.StringVar(&f.lookback, "lookback", "30d", prefix+"drop touches older than this before their conversion; 0 = unlimited")
	fs.StringVar(&f.sep, "sep", ">", prefix+"channel separator in a path table's path column")
	fs.StringVar(&f.direct, "direct", strings.Join(attribution.DefaultDirect(), ","), prefix+"comma-separated channels last-non-direct skips (case-insensitive)")
	fs.Float64Var(&f.first, "first-weight", attribution.DefaultFirst, prefix+"position-based share of the first touch")
	fs.Float64Var(&f.last, "last-weight", attribution.DefaultLast, prefix+"position-based share of the last touch")
	fs.StringVar(&f.layout, "layout", "", prefix+"input layout: paths or touches (default: detect from the header)")
	fs.Var(&f.mapping, "map", prefix+"map a column by hand: COLUMN=FIELD (repeatable), COLUMN a header name or #N (1-based position), e.g. --map src=channel or --map \"#3=channel\"")
	f.registerReading(fs, prefix)
	fs.BoolVar(&f.progress, "progress", false, prefix+"report progress on standard error (default: only when it is a terminal)")
	f.mapping.what = "COLUMN=FIELD"
}

func (f *attributeFlags) modelOptions() (attribution.Options, error) {
	var o attribution.Options
	o.Models = splitList(f.models)
	for _, m := range o.Models {
		if !slices.Contains(attribution.ModelNames(), m) {
			return o, usagef("--models: unknown model %q (models: %s)", m, strings.Join(attribution.ModelNames(), ", "))
		}
	}
	if f.order < 1 || f.order > attribution.MaxOrder {
		return o, usagef("--order %d: must be 1 to %d", f.order, attribution.MaxOrder)
	}
	o.Order = f.order
	hl, err := attribution.ParseDuration(f.halfLife)
	if err != nil {
		return o, usagef("--half-life: %v", err)
	}
	if hl <= 0 {
		return o, usagef("--half-life must be more than 0")
	}
	o.HalfLife = hl
	o.Direct = splitList(f.direct)
	if o.Direct == nil {
		o.Direct = []string{}
	}
	if f.first < 0 || f.last < 0 || f.first+f.last > 1 || f.first+f.last == 0 {
		return o, usagef("--first-weight %g --last-weight %g: each at least 0, together more than 0 and at most 1", f.first, f.last)
	}
	o.FirstWeight, o.LastWeight = f.first, f.last
	return o, nil
}

func (f *attributeFlags) importOptions() (attribution.ImportOptions, error) {
	var o attribution.ImportOptions
	switch f.layout {
	case "", "auto":
	case "paths", "touches":
		o.Layout = attribution.Layout(f.layout)
	default:
		return o, usagef("--layout %q: use paths or touches", f.layout)
	}
	lb, err := attribution.ParseDuration(f.lookback)
	if err != nil {
		return o, usagef("--lookback: %v", err)
	}
	o.Lookback = lb
	if lb == 0 {
		o.Lookback = attribution.UnlimitedLookback
	}
	if f.sep == "" {
		return o, usagef("--sep must not be empty")
	}
	o.Separator = f.sep
	o.ConversionLabel = f.label
	if err := f.readingOptions(&o); err != nil {
		return o, err
	}
	if len(f.mapping.pairs) > 0 {
		o.Map = map[string]string{}
		for _, p := range f.mapping.pairs {
			o.Map[p[0]] = p[1]
		}
	}
	return o, nil
}

// importFile reads path ("-" for standard input). With skipBad it writes
// rejected rows to a CSV and returns its path; that file is checked before
// the import (never the input, and not replaced without force).
func importFile(ctx context.Context, env Env, path string, o attribution.ImportOptions, skipBad bool, rejectedPath string, force bool) (*attribution.Dataset, string, error) {
	var in io.Reader = env.Stdin
	o.File = "stdin"
	if path != "-" {
		if fi, err := os.Stat(path); err == nil && fi.IsDir() {
			return nil, "", &inputError{fmt.Errorf("%s is a folder: give a CSV file", path)}
		}
		file, err := os.Open(path)
		if err != nil {
			return nil, "", &inputError{fmt.Errorf("open %s: %w", path, unwrapPathError(err))}
		}
		defer file.Close()
		in = file
		o.File = path
	}
	var rejected *rejectWriter
	if skipBad {
		o.SkipBadRows = true
		if rejectedPath == "" {
			base := path
			if path == "-" {
				base = "stdin.csv"
			}
			rejectedPath = strings.TrimSuffix(base, filepath.Ext(base)) + ".rejected.csv"
		}
		if err := checkOut("--rejected", rejectedPath, force, path); err != nil {
			return nil, "", err
		}
		rejected = &rejectWriter{path: rejectedPath, input: path, force: force}
		o.OnReject = rejected.add
	}
	ds, err := attribution.Import(ctx, in, o)
	if err != nil {
		return nil, "", err
	}
	if rejected != nil && len(rejected.rows) > 0 {
		if err := rejected.write(ds.Summary.Header); err != nil {
			return nil, "", err
		}
	} else {
		rejectedPath = ""
	}
	if err := notEmpty(o.File, ds.Summary, rejectedPath); err != nil {
		return nil, "", err
	}
	return ds, rejectedPath, nil
}

// notEmpty refuses an import that accepted no row: there is nothing to
// attribute, and it is no dataset to register (the app refuses it too).
func notEmpty(file string, s attribution.Summary, rejectedPath string) error {
	switch {
	case s.RowsAccepted > 0:
		return nil
	case s.RowsRead == 0:
		return &inputError{fmt.Errorf("%s has a header but no rows of data: there is nothing to attribute", file)}
	case rejectedPath != "":
		return &inputError{fmt.Errorf("none of the %d rows of %s could be used (%d rejected, written to %s with the reason for each): there is nothing to attribute", s.RowsRead, file, s.RowsRejected, rejectedPath)}
	}
	return &inputError{fmt.Errorf("none of the %d rows of %s could be used: there is nothing to attribute", s.RowsRead, file)}
}

// fileSize returns the size of path, or 0 for standard input or when it
// cannot be known.
func fileSize(path string) int64 {
	if path == "-" {
		return 0
	}
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// rejectWriter keeps rejected rows and writes them as a dead-letter CSV:
// line, reason, then the row's own cells.
type rejectWriter struct {
	path, input string
	force       bool
	rows        []attribution.RejectedRow
}

func (r *rejectWriter) add(row attribution.RejectedRow) { r.rows = append(r.rows, row) }

func (r *rejectWriter) write(header []string) error {
	return writeOutFunc("--rejected", r.path, r.force, func(w io.Writer) error {
		return charts.WriteRejectedCSV(w, header, r.rows)
	}, r.input)
}
