package tracking

import (
	"context"
	"errors"
)

// ErrNotFound is returned (wrapped) when a run, experiment or dataset does
// not exist.
var ErrNotFound = errors.New("not found")

// ErrParamChanged is returned (wrapped) when a param is logged again with
// a different value: params are immutable.
var ErrParamChanged = errors.New("params are immutable: already logged with a different value")

// Store records and finds runs. Package storage implements it on SQLite.
type Store interface {
	// Experiment returns the experiment named name, creating it if needed.
	Experiment(ctx context.Context, name string) (*Experiment, error)
	// Experiments lists experiments by name.
	Experiments(ctx context.Context) ([]*Experiment, error)
	// PutDataset registers a dataset; registering the same fingerprint
	// again keeps the first record (and lists it again if deleted).
	PutDataset(ctx context.Context, d *DatasetInfo) error
	// Datasets lists registered datasets, newest first, except deleted
	// ones.
	Datasets(ctx context.Context) ([]*DatasetInfo, error)

	// StartRun records a RUNNING run and returns it.
	StartRun(ctx context.Context, nr NewRun) (*Run, error)
	// Heartbeat tells the store that a RUNNING run is still alive.
	Heartbeat(ctx context.Context, runID string) error
	// LogMetrics appends metric points to a run's history.
	LogMetrics(ctx context.Context, runID string, ms []Metric) error
	// FinishRun records data and the final status in one transaction.
	FinishRun(ctx context.Context, runID string, status Status, data RunData) error

	// Run returns a run with its params, latest metrics and tags.
	Run(ctx context.Context, runID string) (*Run, error)
	// Results returns a run's result rows, by model then channel position.
	Results(ctx context.Context, runID string) ([]ResultRow, error)
	// MetricHistory returns every point of one metric, by step then time.
	MetricHistory(ctx context.Context, runID, key string) ([]Metric, error)
	// SearchRuns returns one page of the runs matching s.
	SearchRuns(ctx context.Context, s Search) (*RunPage, error)

	// SetName, SetNote, SetTag, DeleteTag and SetDeleted edit a run.
	SetName(ctx context.Context, runID, name string) error
	SetNote(ctx context.Context, runID, note string) error
	SetTag(ctx context.Context, runID, key, value string) error
	DeleteTag(ctx context.Context, runID, key string) error
	SetDeleted(ctx context.Context, runID string, deleted bool) error

	// PutArtifact stores a file for a run, replacing one at the same path.
	PutArtifact(ctx context.Context, runID string, a Artifact) error
	// Artifacts returns a run's artifacts, with their data, by path.
	Artifacts(ctx context.Context, runID string) ([]Artifact, error)
}

// ViewType selects runs by their deleted flag.
type ViewType int

// View types, as in MLflow.
const (
	ActiveOnly ViewType = iota
	DeletedOnly
	AllRuns
)

// Search selects and orders runs. The zero value lists the active runs of
// every experiment, newest first, DefaultPageSize at a time.
type Search struct {
	// Experiments restricts the search to these experiment names.
	Experiments []string
	// Filter is parsed with Parse; "" matches every run.
	Filter string
	// OrderBy lists sort keys, each parsed with ParseOrderBy, e.g.
	// "metrics.p_conv DESC". Ties (and the end of the list) sort by start
	// time, newest first. Runs without a sorted key come last.
	OrderBy []string
	View    ViewType
	// MetricKeys, when not nil, limits the metrics loaded with each run
	// to the latest values of these keys; nil loads every metric. A list
	// of runs shows a few, and a run over 10,000 channels has 80,000.
	// Filter and OrderBy may use any metric either way.
	MetricKeys []string
	// Limit is the page size; 0 means DefaultPageSize.
	Limit int
	// Offset skips that many runs.
	Offset int
}

// DefaultPageSize is the page size of a Search with no Limit.
const DefaultPageSize = 100

// RunPage is one page of search results.
type RunPage struct {
	Runs []*Run
	// More reports whether runs follow this page.
	More bool
}
