package tracking

import (
	"context"
	"errors"
	"time"
)

// Promotion records one run made champion of its experiment: the run the
// team has agreed to act on. The latest promotion of an experiment names
// its champion.
type Promotion struct {
	Experiment string
	RunID      string
	RunName    string
	// Previous is the champion the promotion replaced, or "".
	Previous string
	Time     time.Time
	Note     string
}

// ErrNotPromotable is returned (wrapped) when a run cannot become
// champion: it did not finish, or it is deleted.
var ErrNotPromotable = errors.New("only a finished, not deleted run can be champion")

// ErrAlreadyChampion is returned (wrapped) when the champion is promoted
// again.
var ErrAlreadyChampion = errors.New("it is already the champion")

// ChampionStore promotes runs and reads champions. Package storage
// implements it.
type ChampionStore interface {
	// Promote makes runID the champion of its experiment, recording when,
	// the previous champion and note.
	Promote(ctx context.Context, runID, note string) (*Promotion, error)
	// Champion returns the champion run's id of the experiment named
	// experiment, or "" when it has none.
	Champion(ctx context.Context, experiment string) (string, error)
	// Promotions lists an experiment's promotions, newest first.
	Promotions(ctx context.Context, experiment string) ([]Promotion, error)
}

// TrustReader reads what --bootstrap and --by stored with a run.
type TrustReader interface {
	// Intervals returns a run's bootstrap intervals, by model then channel
	// position; none for a run made without --bootstrap.
	Intervals(ctx context.Context, runID string) ([]IntervalRow, error)
	// Replicates returns a run's bootstrap shares per model.
	Replicates(ctx context.Context, runID string) ([]ShareReplicates, error)
	// PeriodResults returns a run's rows per period, by period, model and
	// channel position; none for a run made without --by.
	PeriodResults(ctx context.Context, runID string) ([]PeriodRow, error)
}
