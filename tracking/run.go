package tracking

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"
)

// Status is the state of a run.
type Status string

// Run statuses. A run is RUNNING from its start until it is finished; a run
// whose process died is found RUNNING with a stale heartbeat and marked
// KILLED.
const (
	StatusRunning  Status = "RUNNING"
	StatusFinished Status = "FINISHED"
	StatusFailed   Status = "FAILED"
	StatusKilled   Status = "KILLED"
)

// Statuses returns every status, as a new slice the caller may change.
func Statuses() []Status {
	return []Status{StatusRunning, StatusFinished, StatusFailed, StatusKilled}
}

// Valid reports whether s is one of the four statuses.
func (s Status) Valid() bool {
	switch s {
	case StatusRunning, StatusFinished, StatusFailed, StatusKilled:
		return true
	}
	return false
}

// Terminal reports whether a run in status s has ended.
func (s Status) Terminal() bool { return s.Valid() && s != StatusRunning }

// Experiment groups runs under a name.
type Experiment struct {
	ID      int64
	Name    string
	Created time.Time
	Updated time.Time
	Deleted bool
}

// Run is one attribution computation as stored: its identity and state,
// and (when loaded) its params, latest metric values and tags.
type Run struct {
	// ID is 32 lowercase hex digits.
	ID           string
	ExperimentID int64
	Experiment   string
	Name         string
	Status       Status
	StartTime    time.Time
	// EndTime is zero while the run is RUNNING.
	EndTime    time.Time
	AppVersion string
	// Note is free text (Markdown).
	Note string
	// Dataset is the fingerprint of the dataset the run read, or "".
	Dataset string
	// DatasetName is the dataset's name, or "".
	DatasetName string
	Deleted     bool
	// Champion is set by MarkChampions for the champion of its experiment.
	Champion bool
	Tags     map[string]string
	Params   []Param
	// Metrics holds the latest point of each metric key.
	Metrics []Metric
}

// Param returns the param named key.
func (r *Run) Param(key string) (Param, bool) {
	for _, p := range r.Params {
		if p.Key() == key {
			return p, true
		}
	}
	return Param{}, false
}

// Metric returns the latest point of the metric named key.
func (r *Run) Metric(key string) (Metric, bool) {
	for _, m := range r.Metrics {
		if m.Key == key {
			return m, true
		}
	}
	return Metric{}, false
}

// NewRunID returns a fresh random run id: 32 lowercase hex digits.
func NewRunID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("tracking: crypto/rand failed: %v", err))
	}
	return hex.EncodeToString(b[:])
}

// ValidRunID reports whether id is 32 lowercase hex digits.
func ValidRunID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// Metric is one point of a metric's history.
type Metric struct {
	Key   string
	Value float64
	Step  int64
	Time  time.Time
}

// ResultRow is one model × channel row of a run's attribution.
type ResultRow struct {
	Model   string
	Channel string
	// Position is the channel's index in the model's result (order of first
	// appearance in the data).
	Position    int
	Conversions float64
	Value       float64
	Share       float64
	// RemovalEffect is set for markov rows only.
	RemovalEffect *float64
}

// DatasetInfo describes an imported dataset. The fingerprint identifies
// it: SHA-256 of the source bytes and of the import settings.
type DatasetInfo struct {
	Fingerprint string
	Name        string
	// Source is where it was read from: a file path, or "stdin".
	Source      string
	Layout      string
	Rows        int
	Journeys    int
	Channels    int
	Conversions float64
	Created     time.Time
}

// Artifact is a file produced for a run (a chart, an exported CSV), kept
// in the store so that a project is one file.
type Artifact struct {
	// Path is the artifact's name within the run, e.g. "charts/budget.png".
	Path      string
	MediaType string
	Data      []byte
	Created   time.Time
}

// NewRun is what starting a run records.
type NewRun struct {
	// ID is the run id; "" means a fresh NewRunID.
	ID string
	// Experiment names the experiment, created on first use; "" means
	// DefaultExperiment.
	Experiment string
	// Name is the run's display name; "" means a generated one.
	Name       string
	AppVersion string
	// Dataset, if set, is registered (if new) and linked to the run.
	Dataset *DatasetInfo
	Tags    map[string]string
	// Params are logged when the run starts; they cannot change later.
	Params []Param
}

// DefaultExperiment is the experiment runs go to when none is named.
const DefaultExperiment = "Default"

// RunData is what finishing a run records, atomically with its final
// status: more params, metric points and the result rows.
type RunData struct {
	Params  []Param
	Metrics []Metric
	Results []ResultRow
	// Artifacts are stored with the run in the same transaction, such as
	// the Markov chain behind a markov result.
	Artifacts []Artifact
	// Tags are set (or replaced) with the final status, such as the error
	// of a FAILED run (TagError).
	Tags map[string]string
	// Intervals, Replicates and Periods are set by --bootstrap and --by.
	Intervals  []IntervalRow
	Replicates []ShareReplicates
	Periods    []PeriodRow
}

// TagError is the tag that holds why a FAILED run failed.
const TagError = "error"
