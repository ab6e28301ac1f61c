package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/attrlab/attrlab/attribution"
	"github.com/attrlab/attrlab/tracking"
)

// errNothingNew ends a refresh of a file that has not grown: not an error,
// nothing to do.
var errNothingNew = errors.New("nothing new")

// planRefresh prepares attribute --refresh: the champion of --experiment
// must have read a version of file, and file must begin with that
// version's bytes (unless --rewritten says it is a new version anyway).
// It returns the champion's model and import options and sets the
// bootstrap, periods and tags of the run to log.
func (f *attributeFlags) planRefresh(ctx context.Context, env Env, file string) (attribution.Options, attribution.ImportOptions, error) {
	var none attribution.Options
	if file == "-" {
		return none, attribution.ImportOptions{}, usagef("--refresh needs the FILE the dataset was read from, not standard input")
	}
	if f.noLog {
		return none, attribution.ImportOptions{}, usagef("--refresh logs a run linked to the champion: leave out --no-log")
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return none, attribution.ImportOptions{}, &inputError{err}
	}
	st, err := openStore(ctx, env, f.db)
	if err != nil {
		return none, attribution.ImportOptions{}, err
	}
	defer st.Close()
	plan, err := tracking.PlanRefresh(ctx, st, abs, f.experiment)
	if err != nil {
		if errors.Is(err, tracking.ErrNotFound) {
			return none, attribution.ImportOptions{}, storeErr(err)
		}
		return none, attribution.ImportOptions{}, usagef("--refresh: %v", err)
	}
	layout := plan.Import.Layout
	prefix, grown, err := tracking.GrownFrom(abs, plan.Parent, tracking.ImportSettings(plan.Import, layout))
	if err != nil {
		return none, attribution.ImportOptions{}, &inputError{fmt.Errorf("read %s: %w", file, unwrapPathError(err))}
	}
	switch {
	case prefix && !grown:
		fmt.Fprintf(env.Stderr, "%s has not grown since the champion (run %s) read it: nothing to refresh\n", file, plan.Champion.ID)
		return none, attribution.ImportOptions{}, errNothingNew
	case !prefix && !f.trust.rewritten:
		return none, attribution.ImportOptions{}, &inputError{fmt.Errorf("--refresh %s: %w (run %s's data); if it is a new version all the same, add --rewritten", file, tracking.ErrNotGrown, plan.Champion.ID)}
	}
	t := &f.trust
	// The champion's bootstrap and periods, in the champion's zone.
	t.replicates, t.by, t.timezone, t.sharedZone = 0, "", "UTC", nil
	if b := plan.Bootstrap; b != nil {
		t.replicates, t.seed, t.level = b.Replicates, b.Seed, b.Level
	}
	if plan.By != "" {
		t.by, t.timezone = plan.By, plan.Timezone
	}
	iopts := plan.Import
	if err := t.apply(&iopts); err != nil {
		return none, attribution.ImportOptions{}, err
	}
	t.refreshOf, t.parent = plan.Champion.ID, plan.Parent
	t.tags = map[string]string{tracking.TagRefreshOf: plan.Champion.ID}
	return plan.Options, iopts, nil
}

// finishRefresh records the refreshed dataset as a new version of the one
// the champion read and says how to compare the two runs.
func (t *trustFlags) finishRefresh(ctx context.Context, env Env, db, runID string) error {
	if t.refreshOf == "" || runID == "" {
		return nil
	}
	st, err := openStore(ctx, env, db)
	if err != nil {
		return err
	}
	defer st.Close()
	run, err := st.Run(ctx, runID)
	if err != nil {
		return storeErr(err)
	}
	if run.Dataset != t.parent {
		if err := st.SetDatasetParent(ctx, run.Dataset, t.parent); err != nil {
			return storeErr(err)
		}
	}
	fmt.Fprintf(env.Stderr, "refreshed champion %s as run %s; compare them: attrlab compare %s %s\n", t.refreshOf, runID, t.refreshOf, runID)
	return nil
}
