package storage

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/attrlab/attrlab/tracking"
)

// Experiment returns the experiment named name, creating it on first use.
func (s *Store) Experiment(ctx context.Context, name string) (*tracking.Experiment, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("experiment %q: %w", name, err)
	}
	defer tx.Rollback()
	id, err := s.ensureExperiment(ctx, tx, name)
	if err != nil {
		return nil, fmt.Errorf("experiment %q: %w", name, err)
	}
	e, err := experimentByID(ctx, tx, id)
	if err != nil {
		return nil, fmt.Errorf("experiment %q: %w", name, err)
	}
	return e, tx.Commit()
}

func (s *Store) ensureExperiment(ctx context.Context, tx *sql.Tx, name string) (int64, error) {
	if name == "" {
		name = tracking.DefaultExperiment
	}
	now := ms(s.now())
	if _, err := tx.ExecContext(ctx, `INSERT INTO experiments (name, created_ms, updated_ms) VALUES (?, ?, ?)
		ON CONFLICT (name) DO NOTHING`, name, now, now); err != nil {
		return 0, err
	}
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM experiments WHERE name = ?`, name).Scan(&id)
	return id, err
}

// PutDataset registers a dataset; a fingerprint already known keeps its
// first record, and is listed again if it was deleted.
func (s *Store) PutDataset(ctx context.Context, d *tracking.DatasetInfo) error {
	tx, err := s.begin(ctx)
	if err != nil {
		return fmt.Errorf("register dataset: %w", err)
	}
	defer tx.Rollback()
	if err := s.putDataset(ctx, tx, d); err != nil {
		return fmt.Errorf("register dataset %s: %w", d.Name, err)
	}
	return tx.Commit()
}

func (s *Store) putDataset(ctx context.Context, tx *sql.Tx, d *tracking.DatasetInfo) error {
	if d.Fingerprint == "" {
		return errors.New("dataset has no fingerprint")
	}
	created := d.Created
	if created.IsZero() {
		created = s.now()
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO datasets (fingerprint, name, source, layout, rows, journeys, channels, conversions, created_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (fingerprint) DO UPDATE SET deleted_ms = NULL WHERE deleted_ms IS NOT NULL`, // registered again: restored
		d.Fingerprint, d.Name, d.Source, d.Layout, d.Rows, d.Journeys, d.Channels, d.Conversions, ms(created))
	return err
}

// SetDatasetName renames a dataset; its runs keep pointing at it by its
// fingerprint.
func (s *Store) SetDatasetName(ctx context.Context, fingerprint, name string) error {
	if strings.TrimSpace(name) == "" {
		return fmt.Errorf("rename dataset %.12s: the name is empty", fingerprint)
	}
	res, err := s.w.ExecContext(ctx, `UPDATE datasets SET name = ? WHERE fingerprint = ?`, name, fingerprint)
	if err != nil {
		return fmt.Errorf("rename dataset %.12s: %w", fingerprint, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("rename dataset %.12s: %w", fingerprint, tracking.ErrNotFound)
	}
	return nil
}

// StartRun records a RUNNING run, with its params and tags, and returns
// it. The experiment is created on first use and the dataset registered.
func (s *Store) StartRun(ctx context.Context, nr tracking.NewRun) (*tracking.Run, error) {
	run, err := s.startRun(ctx, nr)
	if err != nil {
		return nil, fmt.Errorf("start run: %w", err)
	}
	return run, nil
}

func (s *Store) startRun(ctx context.Context, nr tracking.NewRun) (*tracking.Run, error) {
	if nr.ID == "" {
		nr.ID = tracking.NewRunID()
	}
	if !tracking.ValidRunID(nr.ID) {
		return nil, fmt.Errorf("run id %q is not 32 lowercase hex digits", nr.ID)
	}
	if nr.Experiment == "" {
		nr.Experiment = tracking.DefaultExperiment
	}
	now := s.now()
	if nr.Name == "" {
		nr.Name = now.UTC().Format("20060102-150405") + "-" + nr.ID[:6]
	}
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	expID, err := s.ensureExperiment(ctx, tx, nr.Experiment)
	if err != nil {
		return nil, fmt.Errorf("experiment %q: %w", nr.Experiment, err)
	}
	var dataset any
	if nr.Dataset != nil {
		if err := s.putDataset(ctx, tx, nr.Dataset); err != nil {
			return nil, fmt.Errorf("register dataset: %w", err)
		}
		dataset = nr.Dataset.Fingerprint
	}
	var seq int64
	err = tx.QueryRowContext(ctx, `INSERT INTO runs (id, experiment_id, name, status, start_ms, heartbeat_ms, app_version, dataset)
		VALUES (?, ?, ?, 'RUNNING', ?, ?, ?, ?) RETURNING seq`,
		nr.ID, expID, nr.Name, ms(now), ms(now), nr.AppVersion, dataset).Scan(&seq)
	if err != nil {
		return nil, err
	}
	if err := insertParams(ctx, tx, seq, nr.Params); err != nil {
		return nil, err
	}
	for _, k := range slices.Sorted(maps.Keys(nr.Tags)) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO tags (run, key, value) VALUES (?, ?, ?)`, seq, k, nr.Tags[k]); err != nil {
			return nil, fmt.Errorf("tag %q: %w", k, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return s.Run(ctx, nr.ID)
}

// runSeq returns a run's seq and status, inside tx.
func runSeq(ctx context.Context, q querier, id string) (int64, tracking.Status, error) {
	var seq int64
	var status string
	err := q.QueryRowContext(ctx, `SELECT seq, status FROM runs WHERE id = ?`, id).Scan(&seq, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", fmt.Errorf("run %q: %w", id, tracking.ErrNotFound)
	}
	return seq, tracking.Status(status), err
}

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// insertParams logs params; a param logged before must have the same type
// and value.
func insertParams(ctx context.Context, tx *sql.Tx, seq int64, ps []tracking.Param) error {
	for _, p := range ps {
		if p.Key() == "" {
			return errors.New("param with an empty key")
		}
		var num any
		if n, ok := p.Number(); ok && !math.IsNaN(n) {
			num = n
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO params (run, key, type, value, num) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (run, key) DO NOTHING`, seq, p.Key(), string(p.Type()), p.String(), num)
		if err != nil {
			return fmt.Errorf("param %q: %w", p.Key(), err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			continue
		}
		var typ, value string
		if err := tx.QueryRowContext(ctx, `SELECT type, value FROM params WHERE run = ? AND key = ?`, seq, p.Key()).Scan(&typ, &value); err != nil {
			return fmt.Errorf("param %q: %w", p.Key(), err)
		}
		if typ != string(p.Type()) || value != p.String() {
			return fmt.Errorf("param %q = %s %q, logged before as %s %q: %w", p.Key(), p.Type(), p.String(), typ, value, tracking.ErrParamChanged)
		}
	}
	return nil
}

// Heartbeat records that a RUNNING run is still alive.
func (s *Store) Heartbeat(ctx context.Context, runID string) error {
	tx, err := s.begin(ctx)
	if err != nil {
		return fmt.Errorf("heartbeat of run %s: %w", runID, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE runs SET heartbeat_ms = ? WHERE id = ? AND status = 'RUNNING'`, ms(s.now()), runID)
	if err != nil {
		return fmt.Errorf("heartbeat of run %s: %w", runID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("heartbeat of run %s: no such RUNNING run: %w", runID, tracking.ErrNotFound)
	}
	return tx.Commit()
}

// LogMetrics appends metric points to a RUNNING run. A point without a
// time is stamped now.
func (s *Store) LogMetrics(ctx context.Context, runID string, points []tracking.Metric) error {
	tx, err := s.begin(ctx)
	if err != nil {
		return fmt.Errorf("log metrics of run %s: %w", runID, err)
	}
	defer tx.Rollback()
	seq, status, err := runSeq(ctx, tx, runID)
	if err != nil {
		return fmt.Errorf("log metrics: %w", err)
	}
	if status != tracking.StatusRunning {
		return fmt.Errorf("log metrics of run %s: the run is %s", runID, status)
	}
	keys, err := s.insertMetrics(ctx, tx, seq, points)
	if err != nil {
		return fmt.Errorf("log metrics of run %s: %w", runID, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("log metrics of run %s: %w", runID, err)
	}
	s.rememberKeys(keys)
	return nil
}

// FinishRun records more params, metric points and the result rows, and
// sets the final status and end time, all in one transaction.
func (s *Store) FinishRun(ctx context.Context, runID string, status tracking.Status, d tracking.RunData) error {
	if !status.Terminal() {
		return fmt.Errorf("finish run %s: status %q is not FINISHED, FAILED or KILLED", runID, status)
	}
	tx, err := s.begin(ctx)
	if err != nil {
		return fmt.Errorf("finish run %s: %w", runID, err)
	}
	defer tx.Rollback()
	seq, cur, err := runSeq(ctx, tx, runID)
	if err != nil {
		return fmt.Errorf("finish run: %w", err)
	}
	if cur != tracking.StatusRunning {
		return fmt.Errorf("finish run %s: the run is already %s", runID, cur)
	}
	if err := insertParams(ctx, tx, seq, d.Params); err != nil {
		return fmt.Errorf("finish run %s: %w", runID, err)
	}
	keys, err := s.insertMetrics(ctx, tx, seq, d.Metrics)
	if err != nil {
		return fmt.Errorf("finish run %s: %w", runID, err)
	}
	if err := insertResults(ctx, tx, seq, d.Results); err != nil {
		return fmt.Errorf("finish run %s: %w", runID, err)
	}
	if err := insertTrust(ctx, tx, seq, d); err != nil {
		return fmt.Errorf("finish run %s: %w", runID, err)
	}
	for _, a := range d.Artifacts {
		args, err := s.artifactArgs(a)
		if err != nil {
			return fmt.Errorf("finish run %s: %w", runID, err)
		}
		if _, err := tx.ExecContext(ctx, putArtifactSQL, append(args, seq)...); err != nil {
			return fmt.Errorf("finish run %s: store artifact %s: %w", runID, a.Path, err)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(d.Tags)) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO tags (run, key, value) VALUES (?, ?, ?)
			ON CONFLICT (run, key) DO UPDATE SET value = excluded.value`, seq, k, d.Tags[k]); err != nil {
			return fmt.Errorf("finish run %s: tag %q: %w", runID, k, err)
		}
	}
	now := ms(s.now())
	if _, err := tx.ExecContext(ctx, `UPDATE runs SET status = ?, end_ms = ?, heartbeat_ms = ? WHERE seq = ?`, string(status), now, now, seq); err != nil {
		return fmt.Errorf("finish run %s: %w", runID, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("finish run %s: %w", runID, err)
	}
	s.rememberKeys(keys)
	return nil
}

// insertMetrics appends points to the history and updates the latest
// value of each key. It returns the metric key ids it used, to be cached
// once the transaction commits.
func (s *Store) insertMetrics(ctx context.Context, tx *sql.Tx, seq int64, points []tracking.Metric) (map[string]int64, error) {
	ids := map[string]int64{}
	now := ms(s.now())
	type row struct {
		key      int64
		step, ts int64
		value    any
	}
	rows := make([]row, 0, len(points))
	keys := make([]string, 0, len(points))
	for _, m := range points {
		if m.Key == "" {
			return nil, errors.New("metric with an empty key")
		}
		keys = append(keys, m.Key)
	}
	if err := s.metricKeyIDs(ctx, tx, keys, ids); err != nil {
		return nil, fmt.Errorf("metric keys: %w", err)
	}
	for _, m := range points {
		id := ids[m.Key]
		ts := now
		if !m.Time.IsZero() {
			ts = ms(m.Time)
		}
		var v any = m.Value
		if math.IsNaN(m.Value) {
			v = nil
		}
		rows = append(rows, row{id, m.Step, ts, v})
	}
	// History first, in multi-row INSERTs in key order (stable, so a
	// key's points keep theirs): each run's points then go to the end of
	// the (run, key) indexes instead of all over them. Then the latest
	// values from the new history rows in one statement, which keeps the
	// highest step (then latest time).
	slices.SortStableFunc(rows, func(a, b row) int { return cmp.Compare(a.key, b.key) })
	var first int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(rowid), 0) FROM metrics`).Scan(&first); err != nil {
		return nil, err
	}
	err := insertRows(ctx, tx, `INSERT INTO metrics (run, key, step, ts_ms, value) VALUES `, "", 5, len(rows), func(i int, args []any) []any {
		r := rows[i]
		return append(args, seq, r.key, r.step, r.ts, r.value)
	})
	if err != nil {
		return nil, err
	}
	if len(rows) > 0 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO latest_metrics (run, key, step, ts_ms, value)
			SELECT run, key, step, ts_ms, value FROM metrics WHERE rowid > ? ORDER BY rowid
			ON CONFLICT (run, key) DO UPDATE SET step = excluded.step, ts_ms = excluded.ts_ms, value = excluded.value
			WHERE excluded.step > latest_metrics.step OR (excluded.step = latest_metrics.step AND excluded.ts_ms >= latest_metrics.ts_ms)`, first); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// metricKeyIDs puts the id of every key into local, creating keys that
// do not exist yet. Committed ids are cached in the store; the others are
// looked up and created in batches (a run over many channels has hundreds
// of thousands of keys, and a statement per key was most of its cost).
func (s *Store) metricKeyIDs(ctx context.Context, tx *sql.Tx, keys []string, local map[string]int64) error {
	var missing []string
	seen := map[string]bool{}
	s.mu.Lock()
	for _, k := range keys {
		if _, ok := local[k]; ok || seen[k] {
			continue
		}
		if id, ok := s.keyIDs[k]; ok {
			local[k] = id
			continue
		}
		seen[k] = true
		missing = append(missing, k)
	}
	s.mu.Unlock()
	placeholders := func(n int, one string) string { return strings.TrimSuffix(strings.Repeat(one+", ", n), ", ") }
	scan := func(rows *sql.Rows) error {
		defer rows.Close()
		for rows.Next() {
			var id int64
			var k string
			if err := rows.Scan(&id, &k); err != nil {
				return err
			}
			local[k] = id
		}
		return rows.Err()
	}
	args := func(chunk []string) []any {
		out := make([]any, len(chunk))
		for i, k := range chunk {
			out[i] = k
		}
		return out
	}
	// Sorted keys probe the key index in its order; each statement takes
	// its keys as one JSON array and answers with (array index, id), so no
	// key text comes back.
	slices.Sort(missing)
	for chunk := range slices.Chunk(missing, keyBatch) {
		list, err := json.Marshal(chunk)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT j.key, k.id FROM json_each(?) j JOIN metric_keys k ON k.key = j.value`, string(list))
		if err != nil {
			return err
		}
		err = func() error {
			defer rows.Close()
			for rows.Next() {
				var at, id int64
				if err := rows.Scan(&at, &id); err != nil {
					return err
				}
				local[chunk[at]] = id
			}
			return rows.Err()
		}()
		if err != nil {
			return err
		}
	}
	missing = slices.DeleteFunc(missing, func(k string) bool { _, ok := local[k]; return ok })
	for chunk := range slices.Chunk(missing, keyBatch) {
		rows, err := tx.QueryContext(ctx, `INSERT INTO metric_keys (key) VALUES `+placeholders(len(chunk), "(?)")+` RETURNING id, key`, args(chunk)...)
		if err != nil {
			return err
		}
		if err := scan(rows); err != nil {
			return err
		}
	}
	return nil
}

// keyBatch is how many metric keys one statement looks up or creates.
const keyBatch = 5000

// metricKeyID returns the id of one metric key, creating it if needed.
func (s *Store) metricKeyID(ctx context.Context, tx *sql.Tx, key string, local map[string]int64) (int64, error) {
	if err := s.metricKeyIDs(ctx, tx, []string{key}, local); err != nil {
		return 0, err
	}
	return local[key], nil
}

func (s *Store) rememberKeys(ids map[string]int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	maps.Copy(s.keyIDs, ids)
}

// insertResults writes result rows in primary-key order (model, then
// channel), so that a run's rows go to the end of the table instead of
// all over it.
func insertResults(ctx context.Context, tx *sql.Tx, seq int64, rows []tracking.ResultRow) error {
	order := keyOrder(len(rows), func(i, j int) int {
		return cmp.Or(strings.Compare(rows[i].Model, rows[j].Model), strings.Compare(rows[i].Channel, rows[j].Channel))
	})
	err := insertRows(ctx, tx, `INSERT INTO results (run, model, channel, position, conversions, value, share, removal_effect) VALUES `, "", 8, len(rows),
		func(i int, args []any) []any {
			r := rows[order[i]]
			var re any
			if r.RemovalEffect != nil && !math.IsNaN(*r.RemovalEffect) {
				re = *r.RemovalEffect
			}
			return append(args, seq, r.Model, r.Channel, r.Position, r.Conversions, r.Value, r.Share, re)
		})
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	return nil
}

// keyOrder returns the indexes 0..n-1 sorted by compare (stable): the
// order to insert rows in so that they arrive in primary-key order. SQLite
// compares text with memcmp, as strings.Compare does.
func keyOrder(n int, compare func(i, j int) int) []int {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, compare)
	return order
}

// SetName renames a run.
func (s *Store) SetName(ctx context.Context, runID, name string) error {
	if strings.TrimSpace(name) == "" {
		return fmt.Errorf("rename run %s: the name is empty", runID)
	}
	return s.updateRun(ctx, "rename run", runID, `UPDATE runs SET name = ? WHERE seq = ?`, name)
}

// SetNote replaces a run's note.
func (s *Store) SetNote(ctx context.Context, runID, note string) error {
	return s.updateRun(ctx, "set note of run", runID, `UPDATE runs SET note = ? WHERE seq = ?`, note)
}

// SetDeleted soft-deletes (true) or restores (false) a run.
func (s *Store) SetDeleted(ctx context.Context, runID string, deleted bool) error {
	return s.updateRun(ctx, "delete or restore run", runID, `UPDATE runs SET deleted = ? WHERE seq = ?`, deleted)
}

// SetTag sets a run's tag key to value.
func (s *Store) SetTag(ctx context.Context, runID, key, value string) error {
	if key == "" {
		return fmt.Errorf("tag run %s: the tag key is empty", runID)
	}
	return s.updateRun(ctx, "tag run", runID, `INSERT INTO tags (key, value, run) VALUES (?, ?, ?)
		ON CONFLICT (run, key) DO UPDATE SET value = excluded.value`, key, value)
}

// DeleteTag removes a run's tag key, if set.
func (s *Store) DeleteTag(ctx context.Context, runID, key string) error {
	return s.updateRun(ctx, "untag run", runID, `DELETE FROM tags WHERE key = ? AND run = ?`, key)
}

// updateRun runs one statement whose last parameter is the run's seq.
func (s *Store) updateRun(ctx context.Context, what, runID, query string, args ...any) error {
	tx, err := s.begin(ctx)
	if err != nil {
		return fmt.Errorf("%s %s: %w", what, runID, err)
	}
	defer tx.Rollback()
	seq, _, err := runSeq(ctx, tx, runID)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if _, err := tx.ExecContext(ctx, query, append(args, seq)...); err != nil {
		return fmt.Errorf("%s %s: %w", what, runID, err)
	}
	return tx.Commit()
}

// PutArtifact stores a file for a run, replacing one at the same path.
func (s *Store) PutArtifact(ctx context.Context, runID string, a tracking.Artifact) error {
	args, err := s.artifactArgs(a)
	if err != nil {
		return fmt.Errorf("store artifact of run %s: %w", runID, err)
	}
	return s.updateRun(ctx, "store artifact of run", runID, putArtifactSQL, args...)
}

// putArtifactSQL stores or replaces an artifact; its last parameter is
// the run's seq, after artifactArgs.
const putArtifactSQL = `INSERT INTO artifacts (path, media_type, data, created_ms, run) VALUES (?, ?, ?, ?, ?)
	ON CONFLICT (run, path) DO UPDATE SET media_type = excluded.media_type, data = excluded.data, created_ms = excluded.created_ms`

// artifactArgs checks an artifact and returns its putArtifactSQL values
// but the run: path, media type, data and creation time (now if unset).
func (s *Store) artifactArgs(a tracking.Artifact) ([]any, error) {
	if err := checkArtifactPath(a.Path); err != nil {
		return nil, err
	}
	created := a.Created
	if created.IsZero() {
		created = s.now()
	}
	data := a.Data
	if data == nil {
		data = []byte{}
	}
	return []any{a.Path, a.MediaType, data, ms(created)}, nil
}

// checkArtifactPath keeps artifact names relative, so an export to a
// folder (MLflow's) cannot write outside it.
func checkArtifactPath(path string) error {
	if path == "" || strings.HasPrefix(path, "/") || slices.Contains(strings.Split(path, "/"), "..") {
		return fmt.Errorf("artifact path %q must be relative, without ..", path)
	}
	return nil
}
