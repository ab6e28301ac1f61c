package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	charts "github.com/attrlab/attrlab/report"
	"github.com/attrlab/attrlab/storage"
	"github.com/attrlab/attrlab/tracking"
)

const runsUsage = `Usage: attrlab runs [flags]
       attrlab runs delete|restore RUN_ID...
       attrlab runs tag RUN_ID KEY=VALUE... [--remove KEY]
       attrlab runs note RUN_ID TEXT|-
       attrlab runs rename RUN_ID NAME
       attrlab runs promote RUN_ID [--note TEXT]
       attrlab runs champion [--experiment NAME]

Lists logged runs, newest first, or edits them. --filter takes the search
language of MLflow with or, not, parentheses, in (...), is null, like and
ilike, e.g.

  metrics.share.markov.email > 0.2 and params.order = 2 and tags.team = 'emea'
  status != 'FAILED' and start_time >= '2024-05-01'

Keys: metrics.NAME, params.NAME, tags.NAME and the attributes status, name,
run_id, start_time, end_time, experiment, dataset, champion (true for
the promoted run of each experiment). Quote names with other
characters in backquotes: metrics.` + "`share.markov.paid search`" + `.
CSV columns: run_id, experiment, name, status, start_time, end_time,
dataset, then params.*, metrics.* and tags.*.

Flags:
`

// listFlags select runs for runs and export.
type listFlags struct {
	experiments stringsFlag
	filter      string
	orderBy     stringsFlag
	deleted     string
	limit       int
	db          string
}

func (l *listFlags) add(fs *flag.FlagSet) {
	fs.Var(&l.experiments, "experiment", "only runs of this experiment (repeatable)")
	fs.StringVar(&l.filter, "filter", "", "search expression, e.g. \"metrics.p_conv > 0.2 and params.order = 2\"")
	fs.Var(&l.orderBy, "order-by", "sort key, e.g. \"metrics.p_conv DESC\" (repeatable; default start_time DESC)")
	fs.StringVar(&l.deleted, "deleted", "no", "deleted runs: no, only or also")
}

func (l *listFlags) search() (tracking.Search, error) {
	s := tracking.Search{Experiments: l.experiments, Filter: l.filter, OrderBy: l.orderBy}
	switch l.deleted {
	case "no":
	case "only":
		s.View = tracking.DeletedOnly
	case "also":
		s.View = tracking.AllRuns
	default:
		return s, usagef("--deleted %q: use no, only or also", l.deleted)
	}
	if _, err := tracking.Parse(l.filter); err != nil {
		return s, storeErr(err)
	}
	for _, o := range l.orderBy {
		if _, err := tracking.ParseOrderBy(o); err != nil {
			return s, storeErr(err)
		}
	}
	return s, nil
}

// stringsFlag collects a repeatable string flag.
type stringsFlag []string

func (s *stringsFlag) String() string     { return strings.Join(*s, ",") }
func (s *stringsFlag) Set(v string) error { *s = append(*s, v); return nil }

func runRuns(ctx context.Context, env Env, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "delete", "restore", "tag", "note", "rename":
			return runRunsEdit(ctx, env, args[0], args[1:])
		case "promote":
			return runPromote(ctx, env, args[1:])
		case "champion":
			return runChampion(ctx, env, args[1:])
		}
	}
	var l listFlags
	var format string
	fs := newFlags("runs", runsUsage, env.Stdout)
	l.add(fs)
	fs.IntVar(&l.limit, "limit", 100, "show at most this many runs; 0 = all")
	fs.StringVar(&format, "format", "table", "output: table, csv or json")
	dbFlag(fs, &l.db)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("runs: unexpected argument %q (subcommands: delete, restore, tag, note, rename, promote, champion)", pos[0])
	}
	if !slices.Contains([]string{"table", "csv", "json"}, format) {
		return usagef("--format %q: use table, csv or json", format)
	}
	if l.limit < 0 {
		return usagef("--limit %d: must be 0 or more", l.limit)
	}
	srch, err := l.search()
	if err != nil {
		return err
	}
	st, err := openStore(ctx, env, l.db)
	if err != nil {
		return err
	}
	defer st.Close()
	runs, more, err := collectRuns(ctx, st, srch, l.limit)
	if err != nil {
		return err
	}
	if err := st.MarkChampions(ctx, runs); err != nil {
		return storeErr(err)
	}
	switch format {
	case "csv":
		return charts.WriteRunsCSV(env.Stdout, runs)
	case "json":
		return writeRunsJSON(env.Stdout, runs)
	}
	if err := writeRunsTable(env.Stdout, runs); err != nil {
		return err
	}
	if more {
		fmt.Fprintf(env.Stderr, "showing the first %d runs; use --limit 0 for all\n", l.limit)
	}
	return nil
}

// collectRuns reads runs page by page, up to limit (0 = all), and reports
// whether more match.
func collectRuns(ctx context.Context, st *storage.Store, srch tracking.Search, limit int) ([]*tracking.Run, bool, error) {
	var out []*tracking.Run
	srch.Limit = 500
	if limit > 0 && limit < srch.Limit {
		srch.Limit = limit
	}
	for {
		p, err := st.SearchRuns(ctx, srch)
		if err != nil {
			return nil, false, storeErr(err)
		}
		out = append(out, p.Runs...)
		if limit > 0 && len(out) >= limit {
			return out[:limit], p.More || len(out) > limit, nil
		}
		if !p.More {
			return out, false, nil
		}
		srch.Offset += len(p.Runs)
	}
}

// timeText formats a time for tables and CSV: UTC, to the millisecond.
func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

func datasetText(r *tracking.Run) string {
	if r.DatasetName != "" {
		return r.DatasetName
	}
	return r.Dataset
}

func writeRunsTable(w io.Writer, runs []*tracking.Run) error {
	if len(runs) == 0 {
		_, err := fmt.Fprintln(w, "no runs")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RUN ID\tEXPERIMENT\tNAME\tSTATUS\tSTARTED\tDURATION\tDATASET")
	for _, r := range runs {
		dur := ""
		if !r.EndTime.IsZero() {
			dur = r.EndTime.Sub(r.StartTime).Round(time.Millisecond).String()
		}
		status := string(r.Status)
		if r.Deleted {
			status += " (deleted)"
		}
		if r.Champion {
			status += " ★ champion"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, oneLine(r.Experiment), oneLine(r.Name), status,
			r.StartTime.UTC().Format("2006-01-02 15:04:05"), dur, oneLine(datasetText(r)))
	}
	return tw.Flush()
}

// oneLine keeps a table cell on one line and readable (cellText), cut to
// 60 characters.
func oneLine(s string) string {
	s = cellText(s)
	if len([]rune(s)) > 60 {
		s = string([]rune(s)[:59]) + "…"
	}
	return s
}

// cellText shows control characters in a table cell as escapes (a newline
// as \n, a tab as \t), so that a name holding one stays one row and one
// column, and differs visibly from a name with a space there.
func cellText(s string) string {
	if strings.IndexFunc(s, unicode.IsControl) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if !unicode.IsControl(r) {
			b.WriteRune(r)
			continue
		}
		q := strconv.QuoteRune(r)
		b.WriteString(q[1 : len(q)-1])
	}
	return b.String()
}

func writeCSVRow(b *strings.Builder, cells []string) {
	for i, c := range cells {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(csvCell(c))
	}
	b.WriteByte('\n')
}

type jsonRun struct {
	RunID       string              `json:"run_id"`
	Experiment  string              `json:"experiment"`
	Name        string              `json:"name"`
	Status      string              `json:"status"`
	StartTime   string              `json:"start_time"`
	EndTime     string              `json:"end_time,omitempty"`
	Dataset     string              `json:"dataset,omitempty"`
	Fingerprint string              `json:"dataset_fingerprint,omitempty"`
	AppVersion  string              `json:"app_version,omitempty"`
	Note        string              `json:"note,omitempty"`
	Deleted     bool                `json:"deleted,omitempty"`
	Champion    bool                `json:"champion,omitempty"`
	Params      map[string]any      `json:"params"`
	Metrics     map[string]*float64 `json:"metrics"`
	Tags        map[string]string   `json:"tags"`
}

func toJSONRun(r *tracking.Run) jsonRun {
	j := jsonRun{RunID: r.ID, Experiment: r.Experiment, Name: r.Name, Status: string(r.Status), StartTime: timeText(r.StartTime),
		EndTime: timeText(r.EndTime), Dataset: r.DatasetName, Fingerprint: r.Dataset, AppVersion: r.AppVersion, Note: r.Note,
		Deleted: r.Deleted, Champion: r.Champion, Params: map[string]any{}, Metrics: map[string]*float64{}, Tags: r.Tags}
	for _, p := range r.Params {
		switch p.Type() {
		case tracking.ParamNumber:
			n, _ := p.Number()
			j.Params[p.Key()] = n
		case tracking.ParamBool:
			b, _ := p.Bool()
			j.Params[p.Key()] = b
		default:
			j.Params[p.Key()] = p.String()
		}
	}
	for _, m := range r.Metrics {
		v := m.Value
		if math.IsNaN(v) || math.IsInf(v, 0) {
			j.Metrics[m.Key] = nil // JSON has no NaN or infinity
			continue
		}
		j.Metrics[m.Key] = &v
	}
	return j
}

func writeRunsJSON(w io.Writer, runs []*tracking.Run) error {
	out := make([]jsonRun, 0, len(runs))
	for _, r := range runs {
		out = append(out, toJSONRun(r))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func runRunsEdit(ctx context.Context, env Env, sub string, args []string) error {
	var db string
	var remove stringsFlag
	fs := newFlags("runs "+sub, runsUsage, env.Stdout)
	dbFlag(fs, &db)
	if sub == "tag" {
		fs.Var(&remove, "remove", "remove this tag key (repeatable)")
	}
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("runs %s needs a RUN_ID (see attrlab runs --help)", sub)
	}
	for _, id := range pos[:1] {
		if !tracking.ValidRunID(id) {
			return usagef("runs %s: %q is not a run id (32 lowercase hex digits)", sub, id)
		}
	}
	var edit func(st *storage.Store) error
	switch sub {
	case "delete", "restore":
		for _, id := range pos {
			if !tracking.ValidRunID(id) {
				return usagef("runs %s: %q is not a run id (32 lowercase hex digits)", sub, id)
			}
		}
		edit = func(st *storage.Store) error {
			for _, id := range pos {
				if err := st.SetDeleted(ctx, id, sub == "delete"); err != nil {
					return err
				}
				fmt.Fprintf(env.Stderr, "run %s %s\n", id, map[string]string{"delete": "deleted", "restore": "restored"}[sub])
			}
			return nil
		}
	case "tag":
		if len(pos) < 2 && len(remove) == 0 {
			return usagef("runs tag RUN_ID KEY=VALUE... [--remove KEY]: nothing to do")
		}
		var pairs [][2]string
		for _, kv := range pos[1:] {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || k == "" {
				return usagef("runs tag: %q: expected KEY=VALUE", kv)
			}
			pairs = append(pairs, [2]string{k, v})
		}
		edit = func(st *storage.Store) error {
			for _, p := range pairs {
				if err := st.SetTag(ctx, pos[0], p[0], p[1]); err != nil {
					return err
				}
			}
			for _, k := range remove {
				if err := st.DeleteTag(ctx, pos[0], k); err != nil {
					return err
				}
			}
			return nil
		}
	case "note":
		if len(pos) != 2 {
			return usagef("runs note RUN_ID TEXT: give the note as one argument, or - to read it from standard input")
		}
		note := pos[1]
		if note == "-" {
			b, err := io.ReadAll(env.Stdin)
			if err != nil {
				return &inputError{fmt.Errorf("read note: %w", err)}
			}
			note = string(b)
		}
		edit = func(st *storage.Store) error { return st.SetNote(ctx, pos[0], note) }
	case "rename":
		if len(pos) != 2 || strings.TrimSpace(pos[1]) == "" {
			return usagef("runs rename RUN_ID NAME: give a non-empty name")
		}
		edit = func(st *storage.Store) error { return st.SetName(ctx, pos[0], pos[1]) }
	}
	st, err := openStore(ctx, env, db)
	if err != nil {
		return err
	}
	defer st.Close()
	return storeErr(edit(st))
}

// userName names the user for exports that record one.
func userName() string {
	for _, k := range []string{"USER", "USERNAME", "LOGNAME"} {
		if u := os.Getenv(k); u != "" {
			return u
		}
	}
	return "attrlab"
}
