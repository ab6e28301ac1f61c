package storage

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/attrlab/attrlab/attribution"
	"github.com/attrlab/attrlab/tracking"
)

func experimentByID(ctx context.Context, q querier, id int64) (*tracking.Experiment, error) {
	var e tracking.Experiment
	var created, updated int64
	err := q.QueryRowContext(ctx, `SELECT id, name, created_ms, updated_ms, deleted FROM experiments WHERE id = ?`, id).
		Scan(&e.ID, &e.Name, &created, &updated, &e.Deleted)
	if err != nil {
		return nil, err
	}
	e.Created, e.Updated = fromMS(created), fromMS(updated)
	return &e, nil
}

// Experiments lists experiments by name.
func (s *Store) Experiments(ctx context.Context) ([]*tracking.Experiment, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, name, created_ms, updated_ms, deleted FROM experiments ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list experiments: %w", err)
	}
	defer rows.Close()
	var out []*tracking.Experiment
	for rows.Next() {
		var e tracking.Experiment
		var created, updated int64
		if err := rows.Scan(&e.ID, &e.Name, &created, &updated, &e.Deleted); err != nil {
			return nil, fmt.Errorf("list experiments: %w", err)
		}
		e.Created, e.Updated = fromMS(created), fromMS(updated)
		out = append(out, &e)
	}
	return out, rows.Err()
}

// Datasets lists registered datasets, newest first, without the deleted
// ones (see DeleteDataset).
func (s *Store) Datasets(ctx context.Context) ([]*tracking.DatasetInfo, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT fingerprint, name, source, layout, rows, journeys, channels, conversions, created_ms
		FROM datasets WHERE deleted_ms IS NULL ORDER BY created_ms DESC, name`)
	if err != nil {
		return nil, fmt.Errorf("list datasets: %w", err)
	}
	defer rows.Close()
	var out []*tracking.DatasetInfo
	for rows.Next() {
		var d tracking.DatasetInfo
		var created int64
		if err := rows.Scan(&d.Fingerprint, &d.Name, &d.Source, &d.Layout, &d.Rows, &d.Journeys, &d.Channels, &d.Conversions, &created); err != nil {
			return nil, fmt.Errorf("list datasets: %w", err)
		}
		d.Created = fromMS(created)
		out = append(out, &d)
	}
	return out, rows.Err()
}

// Run returns a run with its params, latest metrics and tags.
func (s *Store) Run(ctx context.Context, runID string) (*tracking.Run, error) {
	var seq int64
	err := s.r.QueryRowContext(ctx, `SELECT seq FROM runs WHERE id = ?`, runID).Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("run %q: %w", runID, tracking.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read run %s: %w", runID, err)
	}
	runs, err := s.loadRuns(ctx, []int64{seq}, nil)
	if err != nil {
		return nil, fmt.Errorf("read run %s: %w", runID, err)
	}
	if len(runs) == 0 {
		return nil, fmt.Errorf("run %q: %w", runID, tracking.ErrNotFound)
	}
	return runs[0], nil
}

// loadRuns reads runs by seq, in the order given, with every param and
// tag and the latest value of the metrics named in metricKeys (nil: of
// every metric).
func (s *Store) loadRuns(ctx context.Context, seqs []int64, metricKeys []string) ([]*tracking.Run, error) {
	if len(seqs) == 0 {
		return nil, nil
	}
	in, args := inList(seqs)
	bySeq := make(map[int64]*tracking.Run, len(seqs))
	rows, err := s.r.QueryContext(ctx, `SELECT r.seq, r.id, r.experiment_id, e.name, r.name, r.status, r.start_ms, r.end_ms,
			r.app_version, r.note, coalesce(r.dataset, ''), coalesce(d.name, ''), r.deleted
		FROM runs r JOIN experiments e ON e.id = r.experiment_id LEFT JOIN datasets d ON d.fingerprint = r.dataset
		WHERE r.seq IN `+in, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r tracking.Run
		var seq, start int64
		var end sql.NullInt64
		var status string
		if err := rows.Scan(&seq, &r.ID, &r.ExperimentID, &r.Experiment, &r.Name, &status, &start, &end,
			&r.AppVersion, &r.Note, &r.Dataset, &r.DatasetName, &r.Deleted); err != nil {
			return nil, err
		}
		r.Status, r.StartTime, r.Tags = tracking.Status(status), fromMS(start), map[string]string{}
		if end.Valid {
			r.EndTime = fromMS(end.Int64)
		}
		bySeq[seq] = &r
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := s.loadParams(ctx, in, args, bySeq); err != nil {
		return nil, fmt.Errorf("params: %w", err)
	}
	if err := s.loadLatestMetrics(ctx, in, args, metricKeys, bySeq); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	if err := s.loadTags(ctx, in, args, bySeq); err != nil {
		return nil, fmt.Errorf("tags: %w", err)
	}
	out := make([]*tracking.Run, 0, len(seqs))
	for _, seq := range seqs {
		if r, ok := bySeq[seq]; ok {
			out = append(out, r)
		}
	}
	return out, nil
}

func (s *Store) loadParams(ctx context.Context, in string, args []any, bySeq map[int64]*tracking.Run) error {
	rows, err := s.r.QueryContext(ctx, `SELECT run, key, type, value FROM params WHERE run IN `+in+` ORDER BY run, key`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var seq int64
		var key, typ, value string
		if err := rows.Scan(&seq, &key, &typ, &value); err != nil {
			return err
		}
		p, err := tracking.ParseParam(key, tracking.ParamType(typ), value)
		if err != nil {
			return err
		}
		bySeq[seq].Params = append(bySeq[seq].Params, p)
	}
	return rows.Err()
}

func (s *Store) loadLatestMetrics(ctx context.Context, in string, args []any, keys []string, bySeq map[int64]*tracking.Run) error {
	only := ""
	if keys != nil {
		// The keys as one JSON array: a list view asks for a few.
		list, err := json.Marshal(keys)
		if err != nil {
			return err
		}
		only = ` AND k.key IN (SELECT value FROM json_each(?))`
		args = append(slices.Clip(args), string(list))
	}
	rows, err := s.r.QueryContext(ctx, `SELECT m.run, k.key, m.value, m.step, m.ts_ms
		FROM latest_metrics m JOIN metric_keys k ON k.id = m.key WHERE m.run IN `+in+only+` ORDER BY m.run, k.key`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var seq, ts int64
		var m tracking.Metric
		var v sql.NullFloat64
		if err := rows.Scan(&seq, &m.Key, &v, &m.Step, &ts); err != nil {
			return err
		}
		m.Value, m.Time = nullToNaN(v), fromMS(ts)
		bySeq[seq].Metrics = append(bySeq[seq].Metrics, m)
	}
	return rows.Err()
}

func (s *Store) loadTags(ctx context.Context, in string, args []any, bySeq map[int64]*tracking.Run) error {
	rows, err := s.r.QueryContext(ctx, `SELECT run, key, value FROM tags WHERE run IN `+in, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var seq int64
		var k, v string
		if err := rows.Scan(&seq, &k, &v); err != nil {
			return err
		}
		bySeq[seq].Tags[k] = v
	}
	return rows.Err()
}

func nullToNaN(v sql.NullFloat64) float64 {
	if !v.Valid {
		return math.NaN()
	}
	return v.Float64
}

// inList returns "(?, ?, ...)" and its arguments.
func inList(seqs []int64) (string, []any) {
	args := make([]any, len(seqs))
	for i, s := range seqs {
		args[i] = s
	}
	return "(" + strings.TrimSuffix(strings.Repeat("?, ", len(seqs)), ", ") + ")", args
}

// Results returns a run's result rows, by model then channel position.
func (s *Store) Results(ctx context.Context, runID string) ([]tracking.ResultRow, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT x.model, x.channel, x.position, x.conversions, x.value, x.share, x.removal_effect
		FROM results x JOIN runs r ON r.seq = x.run WHERE r.id = ? ORDER BY x.model, x.position`, runID)
	if err != nil {
		return nil, fmt.Errorf("read results of run %s: %w", runID, err)
	}
	defer rows.Close()
	var out []tracking.ResultRow
	for rows.Next() {
		var r tracking.ResultRow
		var re sql.NullFloat64
		if err := rows.Scan(&r.Model, &r.Channel, &r.Position, &r.Conversions, &r.Value, &r.Share, &re); err != nil {
			return nil, fmt.Errorf("read results of run %s: %w", runID, err)
		}
		if re.Valid {
			v := re.Float64
			r.RemovalEffect = &v
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read results of run %s: %w", runID, err)
	}
	rank := modelRanks()
	slices.SortStableFunc(out, func(a, b tracking.ResultRow) int {
		return cmp.Or(cmp.Compare(rank(a.Model), rank(b.Model)), cmp.Compare(a.Model, b.Model), cmp.Compare(a.Position, b.Position))
	})
	return out, nil
}

// modelRanks returns a function that orders models as the engine reports
// them, unknown ones last. (Built once per sort: a run over 10,000
// channels has 70,000 rows to sort.)
func modelRanks() func(model string) int {
	names := attribution.ModelNames()
	at := make(map[string]int, len(names))
	for i, m := range names {
		at[m] = i
	}
	return func(m string) int {
		if i, ok := at[m]; ok {
			return i
		}
		return len(names)
	}
}

// MetricHistory returns every point of one metric of a run, by step then
// time.
func (s *Store) MetricHistory(ctx context.Context, runID, key string) ([]tracking.Metric, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT m.value, m.step, m.ts_ms FROM metrics m JOIN runs r ON r.seq = m.run
		WHERE r.id = ? AND m.key = (SELECT id FROM metric_keys WHERE key = ?) ORDER BY m.step, m.ts_ms, m.rowid`, runID, key)
	if err != nil {
		return nil, fmt.Errorf("read metric %q of run %s: %w", key, runID, err)
	}
	defer rows.Close()
	var out []tracking.Metric
	for rows.Next() {
		m := tracking.Metric{Key: key}
		var v sql.NullFloat64
		var ts int64
		if err := rows.Scan(&v, &m.Step, &ts); err != nil {
			return nil, fmt.Errorf("read metric %q of run %s: %w", key, runID, err)
		}
		m.Value, m.Time = nullToNaN(v), fromMS(ts)
		out = append(out, m)
	}
	return out, rows.Err()
}

// Artifacts returns a run's artifacts, with their data, by path.
func (s *Store) Artifacts(ctx context.Context, runID string) ([]tracking.Artifact, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT a.path, a.media_type, a.data, a.created_ms FROM artifacts a JOIN runs r ON r.seq = a.run
		WHERE r.id = ? ORDER BY a.path`, runID)
	if err != nil {
		return nil, fmt.Errorf("read artifacts of run %s: %w", runID, err)
	}
	defer rows.Close()
	var out []tracking.Artifact
	for rows.Next() {
		var a tracking.Artifact
		var created int64
		if err := rows.Scan(&a.Path, &a.MediaType, &a.Data, &created); err != nil {
			return nil, fmt.Errorf("read artifacts of run %s: %w", runID, err)
		}
		a.Created = fromMS(created)
		out = append(out, a)
	}
	return out, rows.Err()
}

// MetricHistories returns every point of every metric of a run, by key,
// each key's points by step then time: one query for a run's whole
// history (an export of a run with 100,000 metrics would otherwise ask
// 100,000 times).
func (s *Store) MetricHistories(ctx context.Context, runID string) (map[string][]tracking.Metric, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT k.key, m.value, m.step, m.ts_ms FROM metrics m JOIN runs r ON r.seq = m.run
		JOIN metric_keys k ON k.id = m.key WHERE r.id = ? ORDER BY m.key, m.step, m.ts_ms, m.rowid`, runID)
	if err != nil {
		return nil, fmt.Errorf("read metrics of run %s: %w", runID, err)
	}
	defer rows.Close()
	out := map[string][]tracking.Metric{}
	for rows.Next() {
		var m tracking.Metric
		var v sql.NullFloat64
		var ts int64
		if err := rows.Scan(&m.Key, &v, &m.Step, &ts); err != nil {
			return nil, fmt.Errorf("read metrics of run %s: %w", runID, err)
		}
		m.Value, m.Time = nullToNaN(v), fromMS(ts)
		out[m.Key] = append(out[m.Key], m)
	}
	return out, rows.Err()
}
