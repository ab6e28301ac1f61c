package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"

	"github.com/attrlab/attrlab/attribution"
	"github.com/attrlab/attrlab/storage"
	"github.com/attrlab/attrlab/tracking"
)

const promoteUsage = `Usage: attrlab runs promote RUN_ID [--note TEXT]

Makes RUN_ID the champion of its experiment: the run the team acts on.
One run at a time is champion; every promotion is kept with its time, the
champion it replaced and the note. Budget (attrlab budget --experiment
NAME) uses the champion when given no run, and --filter "champion = true"
finds it.

Flags:
`

const championUsage = `Usage: attrlab runs champion [--experiment NAME] [--format table|json]

Shows the champion of an experiment and the history of its promotions,
newest first.

Flags:
`

func runPromote(ctx context.Context, env Env, args []string) error {
	var note, db string
	fs := newFlags("runs promote", promoteUsage, env.Stdout)
	fs.StringVar(&note, "note", "", "why this run is the champion")
	dbFlag(fs, &db)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("runs promote takes one RUN_ID, got %d", len(pos))
	}
	st, err := openStore(ctx, env, db)
	if err != nil {
		return err
	}
	defer st.Close()
	p, err := st.Promote(ctx, pos[0], note)
	if err != nil {
		if errorsIsNotPromotable(err) {
			return usagef("%v", err)
		}
		return storeErr(err)
	}
	was := "it had none"
	if p.Previous != "" {
		was = "was " + p.Previous
	}
	fmt.Fprintf(env.Stdout, "run %s is now the champion of experiment %q (%s)\n", p.RunID, p.Experiment, was)
	return nil
}

func runChampion(ctx context.Context, env Env, args []string) error {
	var experiment, format, db string
	fs := newFlags("runs champion", championUsage, env.Stdout)
	fs.StringVar(&experiment, "experiment", tracking.DefaultExperiment, "experiment whose champion to show")
	fs.StringVar(&format, "format", "table", "output: table or json")
	dbFlag(fs, &db)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("runs champion: unexpected argument %q", pos[0])
	}
	if !slices.Contains([]string{"table", "json"}, format) {
		return usagef("--format %q: use table or json", format)
	}
	st, err := openStore(ctx, env, db)
	if err != nil {
		return err
	}
	defer st.Close()
	ps, err := st.Promotions(ctx, experiment)
	if err != nil {
		return storeErr(err)
	}
	if format == "json" {
		type jsonPromotion struct {
			RunID    string `json:"run_id"`
			RunName  string `json:"run_name"`
			Previous string `json:"previous,omitempty"`
			Time     string `json:"time"`
			Note     string `json:"note,omitempty"`
		}
		out := struct {
			Experiment string          `json:"experiment"`
			Champion   string          `json:"champion,omitempty"`
			History    []jsonPromotion `json:"history"`
		}{Experiment: experiment, History: []jsonPromotion{}}
		for i, p := range ps {
			if i == 0 {
				out.Champion = p.RunID
			}
			out.History = append(out.History, jsonPromotion{p.RunID, p.RunName, p.Previous, timeText(p.Time), p.Note})
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if len(ps) == 0 {
		fmt.Fprintf(env.Stdout, "experiment %q has no champion: promote a run with attrlab runs promote RUN_ID\n", experiment)
		return nil
	}
	fmt.Fprintf(env.Stdout, "champion of %q: %s (%s)\n\n", experiment, ps[0].RunID, oneLine(ps[0].RunName))
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PROMOTED\tRUN ID\tNAME\tPREVIOUS\tNOTE")
	for _, p := range ps {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", timeText(p.Time), p.RunID, oneLine(p.RunName), p.Previous, oneLine(p.Note))
	}
	return tw.Flush()
}

// writeBudgetRange prints each channel's proposed range when the budget's
// result was bootstrapped.
func writeBudgetRange(w io.Writer, b *attribution.Budget) error {
	if !slices.ContainsFunc(b.Lines, func(l attribution.BudgetLine) bool { return l.ProposedRange != nil }) {
		return nil
	}
	fmt.Fprintln(w, "\nProposed range (the total times the ends of each credit share's bootstrap interval)")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "channel\tproposed\tlow\thigh\t")
	for _, l := range b.Lines {
		if r := l.ProposedRange; r != nil {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", l.Channel, human(l.Proposed), human(r.Low), human(r.High))
		}
	}
	return tw.Flush()
}

// TagChampion marks the champion run of its experiment in an MLflow
// export.
const TagChampion = "attrlab.champion"

// addChampionTag tags r as champion when it is its experiment's.
func addChampionTag(ctx context.Context, st *storage.Store, r *tracking.Run, tags map[string]string) error {
	id, err := st.Champion(ctx, r.Experiment)
	if err != nil {
		return storeErr(err)
	}
	if id == r.ID {
		tags[TagChampion] = "true"
	}
	return nil
}

// errorsIsNotPromotable reports a promotion the user asked for in vain.
func errorsIsNotPromotable(err error) bool {
	return errors.Is(err, tracking.ErrNotPromotable) || errors.Is(err, tracking.ErrAlreadyChampion)
}

// championRun returns the champion of experiment, as budget uses it when
// given no run.
func championRun(ctx context.Context, env Env, db, experiment string) (string, error) {
	st, err := openStore(ctx, env, db)
	if err != nil {
		return "", err
	}
	defer st.Close()
	id, err := st.Champion(ctx, experiment)
	if err != nil {
		return "", storeErr(err)
	}
	if id == "" {
		return "", usagef("experiment %q has no champion: give a RUN_ID or FILE, or promote a run (attrlab runs promote RUN_ID)", experiment)
	}
	return id, nil
}

// attachIntervals gives a run's results the bootstrap intervals and
// replicates stored with it; a run made without --bootstrap has none.
func attachIntervals(ctx context.Context, st *storage.Store, runID string, results []*attribution.Result) error {
	rows, err := st.Intervals(ctx, runID)
	if err != nil {
		return storeErr(err)
	}
	reps, err := st.Replicates(ctx, runID)
	if err != nil {
		return storeErr(err)
	}
	tracking.AttachIntervals(results, rows)
	for _, r := range results {
		iv := r.Intervals
		if iv == nil {
			continue
		}
		for _, rep := range reps {
			if rep.Model != r.Model || rep.Channels != len(r.Channels) {
				continue
			}
			iv.Level, iv.Replicates, iv.Seed = rep.Level, rep.Replicates, rep.Seed
			for k := range rep.Replicates {
				iv.ShareReplicates = append(iv.ShareReplicates, rep.Shares[k*rep.Channels:(k+1)*rep.Channels])
			}
		}
	}
	return nil
}
