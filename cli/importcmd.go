package cli

import (
	"context"
	"fmt"
	"strings"
)

const importUsage = `Usage: attrlab import FILE [flags]

Reads a path table or touch log, prints the validation report and
registers the file as a dataset in the run store, under its fingerprint
(SHA-256 of the file and of the import settings). Importing the same file
with the same settings again changes nothing.

Flags:
`

func runImport(ctx context.Context, env Env, args []string) error {
	var f attributeFlags
	var name string
	fs := newFlags("import", importUsage, env.Stdout)
	fs.StringVar(&name, "name", "", "dataset name (default: the file name)")
	fs.StringVar(&f.layout, "layout", "", "input layout: paths or touches (default: detect from the header)")
	fs.Var(&f.mapping, "map", "map a column by hand: COLUMN=FIELD (repeatable), COLUMN a header name or #N (1-based position), e.g. --map src=channel or --map \"#3=channel\"")
	fs.StringVar(&f.sep, "sep", ">", "channel separator in a path table's path column")
	fs.StringVar(&f.lookback, "lookback", "30d", "drop touches older than this before their conversion; 0 = unlimited")
	f.registerReading(fs, "")
	fs.BoolVar(&f.skipBad, "skip-bad-rows", false, "skip malformed rows, write them to a rejected-rows CSV and report them (default: stop at the first)")
	fs.StringVar(&f.rejected, "rejected", "", "where --skip-bad-rows writes rejected rows (default: FILE.rejected.csv beside the input)")
	fs.BoolVar(&f.force, "force", false, "replace an existing --rejected file (never the input)")
	fs.BoolVar(&f.progress, "progress", false, "report progress on standard error (default: only when it is a terminal)")
	dbFlag(fs, &f.db)
	f.mapping.what = "COLUMN=FIELD"
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("import takes exactly one FILE, got %d (see attrlab import --help)", len(pos))
	}
	iopts, err := f.importOptions()
	if err != nil {
		return err
	}
	if err := precheckStore(ctx, f.db); err != nil {
		return err
	}
	if f.progress || isTerminal(env.Stderr) {
		iopts.Progress = newProgressPrinter(env.Stderr, fileSize(pos[0])).importProgress
	}
	ds, rejectedPath, err := importFile(ctx, env, pos[0], iopts, f.skipBad, f.rejected, f.force)
	if err != nil {
		return err
	}
	rep := report{Dataset: ds, Rejected: rejectedPath}
	rep.printSummary(env.Stderr)
	info, err := datasetInfo(pos[0], strings.TrimSpace(name), iopts, ds)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, env, f.db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.PutDataset(ctx, info); err != nil {
		return storeErr(err)
	}
	fmt.Fprintf(env.Stdout, "dataset %s %s\n", info.Fingerprint, info.Name)
	return nil
}
