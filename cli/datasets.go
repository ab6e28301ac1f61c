package cli

import (
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/attrlab/attrlab/tracking"
)

const datasetsUsage = `Usage: attrlab datasets [--format table|csv] [--db PATH]
       attrlab datasets delete|restore FINGERPRINT... [--db PATH]

Lists the datasets registered in the run store, newest first, as the
desktop app's Datasets screen does. delete takes datasets off the listing
(here and in the app, for every user of the store); their runs stay, with
the dataset's name. restore lists them again, as does importing the same
data again.

Flags:
`

func runDatasets(ctx context.Context, env Env, args []string) error {
	if len(args) > 0 && (args[0] == "delete" || args[0] == "restore") {
		return runDatasetsEdit(ctx, env, args[0], args[1:])
	}
	var db, format string
	fs := newFlags("datasets", datasetsUsage, env.Stdout)
	fs.StringVar(&format, "format", "table", "output: table or csv")
	dbFlag(fs, &db)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("datasets: unexpected argument %q (subcommands: delete, restore)", pos[0])
	}
	if !slices.Contains([]string{"table", "csv"}, format) {
		return usagef("--format %q: use table or csv", format)
	}
	st, err := openStore(ctx, env, db)
	if err != nil {
		return err
	}
	defer st.Close()
	dss, err := st.Datasets(ctx)
	if err != nil {
		return storeErr(err)
	}
	if format == "csv" {
		return writeDatasetsCSV(env, dss)
	}
	if len(dss) == 0 {
		fmt.Fprintln(env.Stdout, "No datasets: attrlab import FILE registers one.")
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tLAYOUT\tROWS\tJOURNEYS\tCHANNELS\tCONVERSIONS\tCREATED\tFINGERPRINT")
	for _, d := range dss {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\t%s\t%s\n", d.Name, d.Layout, d.Rows, d.Journeys, d.Channels,
			num(d.Conversions), d.Created.Local().Format("2006-01-02 15:04"), d.Fingerprint)
	}
	return tw.Flush()
}

func writeDatasetsCSV(env Env, dss []*tracking.DatasetInfo) error {
	w := csv.NewWriter(env.Stdout)
	w.Write([]string{"fingerprint", "name", "source", "layout", "rows", "journeys", "channels", "conversions", "created"})
	for _, d := range dss {
		w.Write([]string{d.Fingerprint, d.Name, d.Source, d.Layout, strconv.Itoa(d.Rows), strconv.Itoa(d.Journeys),
			strconv.Itoa(d.Channels), num(d.Conversions), d.Created.UTC().Format(time.RFC3339)})
	}
	w.Flush()
	return w.Error()
}

func runDatasetsEdit(ctx context.Context, env Env, sub string, args []string) error {
	var db string
	fs := newFlags("datasets "+sub, datasetsUsage, env.Stdout)
	dbFlag(fs, &db)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("datasets %s needs a FINGERPRINT (attrlab datasets lists them)", sub)
	}
	st, err := openStore(ctx, env, db)
	if err != nil {
		return err
	}
	defer st.Close()
	edit, done := st.DeleteDataset, "deleted"
	if sub == "restore" {
		edit, done = st.RestoreDataset, "restored"
	}
	for _, fp := range pos {
		if err := edit(ctx, fp); err != nil {
			return storeErr(err)
		}
		fmt.Fprintf(env.Stdout, "%s %.12s\n", done, fp)
	}
	return nil
}
