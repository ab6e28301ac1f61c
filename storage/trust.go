package storage

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/attrlab/attrlab/tracking"
)

// championColumn is 1 for the run promoted last in its experiment, else 0.
const championColumn = `COALESCE(r.seq = (SELECT p.run FROM promotions p WHERE p.experiment_id = r.experiment_id ORDER BY p.id DESC LIMIT 1), 0)`

func boolNum(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// insertTrust writes a run's intervals, bootstrap replicates and period
// rows inside FinishRun's transaction.
func insertTrust(ctx context.Context, tx *sql.Tx, seq int64, d tracking.RunData) error {
	// Rows in primary-key order, many to a statement (see insertResults).
	ivs := d.Intervals
	order := keyOrder(len(ivs), func(i, j int) int {
		return cmp.Or(strings.Compare(ivs[i].Model, ivs[j].Model), strings.Compare(ivs[i].Channel, ivs[j].Channel))
	})
	err := insertRows(ctx, tx, `INSERT INTO result_intervals (run, model, channel, share_low, share_high,
		conversions_low, conversions_high, value_low, value_high) VALUES `, "", 9, len(ivs), func(i int, args []any) []any {
		iv := ivs[order[i]]
		return append(args, seq, iv.Model, iv.Channel, iv.ShareLow, iv.ShareHigh, iv.ConversionsLow, iv.ConversionsHigh, iv.ValueLow, iv.ValueHigh)
	})
	if err != nil {
		return fmt.Errorf("intervals: %w", err)
	}
	for _, r := range d.Replicates {
		if len(r.Shares) != r.Replicates*r.Channels {
			return fmt.Errorf("bootstrap replicates of %s: %d shares for %d replicates of %d channels", r.Model, len(r.Shares), r.Replicates, r.Channels)
		}
		blob := make([]byte, 0, 8*len(r.Shares))
		for _, v := range r.Shares {
			blob = binary.LittleEndian.AppendUint64(blob, math.Float64bits(v))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO bootstrap_replicates (run, model, replicates, channels, level, seed, shares)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, seq, r.Model, r.Replicates, r.Channels, r.Level, strconv.FormatUint(r.Seed, 10), blob); err != nil {
			return fmt.Errorf("bootstrap replicates: %w", err)
		}
	}
	ps := d.Periods
	order = keyOrder(len(ps), func(i, j int) int {
		return cmp.Or(cmp.Compare(ps[i].Index, ps[j].Index), strings.Compare(ps[i].Model, ps[j].Model), strings.Compare(ps[i].Channel, ps[j].Channel))
	})
	err = insertRows(ctx, tx, `INSERT INTO period_results (run, period_index, period, start_ms, end_ms, model, channel,
		position, conversions, value, share, removal_effect, share_low, share_high) VALUES `, "", 14, len(ps), func(i int, args []any) []any {
		p := ps[order[i]]
		var re, lo, hi any
		if p.RemovalEffect != nil && !math.IsNaN(*p.RemovalEffect) {
			re = *p.RemovalEffect
		}
		if p.ShareLow != nil && p.ShareHigh != nil {
			lo, hi = *p.ShareLow, *p.ShareHigh
		}
		return append(args, seq, p.Index, p.Period, ms(p.Start), ms(p.End), p.Model, p.Channel, p.Position, p.Conversions, p.Value, p.Share, re, lo, hi)
	})
	if err != nil {
		return fmt.Errorf("period results: %w", err)
	}
	return nil
}

// Intervals returns a run's bootstrap intervals, by model then channel
// position.
func (s *Store) Intervals(ctx context.Context, runID string) ([]tracking.IntervalRow, error) {
	seq, _, err := runSeq(ctx, s.r, runID)
	if err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, `SELECT i.model, i.channel, i.share_low, i.share_high, i.conversions_low, i.conversions_high,
		i.value_low, i.value_high FROM result_intervals i JOIN results r ON r.run = i.run AND r.model = i.model AND r.channel = i.channel
		WHERE i.run = ? ORDER BY i.model, r.position`, seq)
	if err != nil {
		return nil, fmt.Errorf("read intervals of run %s: %w", runID, err)
	}
	defer rows.Close()
	var out []tracking.IntervalRow
	for rows.Next() {
		var iv tracking.IntervalRow
		if err := rows.Scan(&iv.Model, &iv.Channel, &iv.ShareLow, &iv.ShareHigh, &iv.ConversionsLow, &iv.ConversionsHigh, &iv.ValueLow, &iv.ValueHigh); err != nil {
			return nil, fmt.Errorf("read intervals of run %s: %w", runID, err)
		}
		out = append(out, iv)
	}
	return out, rows.Err()
}

// Replicates returns a run's bootstrap shares per model, by model.
func (s *Store) Replicates(ctx context.Context, runID string) ([]tracking.ShareReplicates, error) {
	seq, _, err := runSeq(ctx, s.r, runID)
	if err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, `SELECT model, replicates, channels, level, seed, shares FROM bootstrap_replicates WHERE run = ? ORDER BY model`, seq)
	if err != nil {
		return nil, fmt.Errorf("read bootstrap of run %s: %w", runID, err)
	}
	defer rows.Close()
	var out []tracking.ShareReplicates
	for rows.Next() {
		var r tracking.ShareReplicates
		var seed string
		var blob []byte
		if err := rows.Scan(&r.Model, &r.Replicates, &r.Channels, &r.Level, &seed, &blob); err != nil {
			return nil, fmt.Errorf("read bootstrap of run %s: %w", runID, err)
		}
		if r.Seed, err = strconv.ParseUint(seed, 10, 64); err != nil || len(blob) != 8*r.Replicates*r.Channels {
			return nil, fmt.Errorf("read bootstrap of run %s: %s: damaged record", runID, r.Model)
		}
		r.Shares = make([]float64, len(blob)/8)
		for i := range r.Shares {
			r.Shares[i] = math.Float64frombits(binary.LittleEndian.Uint64(blob[8*i:]))
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// PeriodResults returns a run's rows per period, by period, model and
// channel position.
func (s *Store) PeriodResults(ctx context.Context, runID string) ([]tracking.PeriodRow, error) {
	seq, _, err := runSeq(ctx, s.r, runID)
	if err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, `SELECT period_index, period, start_ms, end_ms, model, channel, position, conversions, value, share,
		removal_effect, share_low, share_high FROM period_results WHERE run = ? ORDER BY period_index, model, position`, seq)
	if err != nil {
		return nil, fmt.Errorf("read periods of run %s: %w", runID, err)
	}
	defer rows.Close()
	var out []tracking.PeriodRow
	for rows.Next() {
		var p tracking.PeriodRow
		var start, end int64
		var re, lo, hi sql.NullFloat64
		if err := rows.Scan(&p.Index, &p.Period, &start, &end, &p.Model, &p.Channel, &p.Position, &p.Conversions, &p.Value, &p.Share, &re, &lo, &hi); err != nil {
			return nil, fmt.Errorf("read periods of run %s: %w", runID, err)
		}
		p.Start, p.End = fromMS(start), fromMS(end)
		if re.Valid {
			p.RemovalEffect = &re.Float64
		}
		if lo.Valid && hi.Valid {
			p.ShareLow, p.ShareHigh = &lo.Float64, &hi.Float64
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Promote makes runID the champion of its experiment. The run must be
// FINISHED and not deleted; promoting the current champion again is an
// error, so the history never repeats itself.
func (s *Store) Promote(ctx context.Context, runID, note string) (*tracking.Promotion, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("promote run %s: %w", runID, err)
	}
	defer tx.Rollback()
	var seq, expID int64
	var status, expName, runName string
	var deleted bool
	err = tx.QueryRowContext(ctx, `SELECT r.seq, r.experiment_id, r.status, r.deleted, r.name, e.name FROM runs r
		JOIN experiments e ON e.id = r.experiment_id WHERE r.id = ?`, runID).Scan(&seq, &expID, &status, &deleted, &runName, &expName)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("promote run %q: %w", runID, tracking.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("promote run %s: %w", runID, err)
	}
	if status != string(tracking.StatusFinished) || deleted {
		why := "it is " + status
		if deleted {
			why = "it is deleted (restore it first)"
		}
		return nil, fmt.Errorf("promote run %s: %w; %s", runID, tracking.ErrNotPromotable, why)
	}
	p := &tracking.Promotion{Experiment: expName, RunID: runID, RunName: runName, Time: s.now(), Note: note}
	var prevSeq sql.NullInt64
	var prevID sql.NullString
	err = tx.QueryRowContext(ctx, `SELECT p.run, r.id FROM promotions p LEFT JOIN runs r ON r.seq = p.run
		WHERE p.experiment_id = ? ORDER BY p.id DESC LIMIT 1`, expID).Scan(&prevSeq, &prevID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("promote run %s: %w", runID, err)
	}
	if prevSeq.Valid && prevSeq.Int64 == seq {
		return nil, fmt.Errorf("promote run %s: %w of experiment %q", runID, tracking.ErrAlreadyChampion, expName)
	}
	p.Previous = prevID.String
	var prev any
	if prevSeq.Valid {
		prev = prevSeq.Int64
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO promotions (experiment_id, run, previous, promoted_ms, note) VALUES (?, ?, ?, ?, ?)`,
		expID, seq, prev, ms(p.Time), note); err != nil {
		return nil, fmt.Errorf("promote run %s: %w", runID, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("promote run %s: %w", runID, err)
	}
	p.Time = fromMS(ms(p.Time))
	return p, nil
}

// Champion returns the id of the experiment's champion run, or "" when it
// has none. An unknown experiment is tracking.ErrNotFound.
func (s *Store) Champion(ctx context.Context, experiment string) (string, error) {
	ps, err := s.promotions(ctx, experiment, 1)
	if err != nil || len(ps) == 0 {
		return "", err
	}
	return ps[0].RunID, nil
}

// Promotions lists an experiment's promotions, newest first.
func (s *Store) Promotions(ctx context.Context, experiment string) ([]tracking.Promotion, error) {
	return s.promotions(ctx, experiment, -1)
}

func (s *Store) promotions(ctx context.Context, experiment string, limit int) ([]tracking.Promotion, error) {
	var expID int64
	err := s.r.QueryRowContext(ctx, `SELECT id FROM experiments WHERE name = ?`, experiment).Scan(&expID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("experiment %q: %w", experiment, tracking.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read champion of %q: %w", experiment, err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT r.id, r.name, COALESCE(pr.id, ''), p.promoted_ms, p.note FROM promotions p
		JOIN runs r ON r.seq = p.run LEFT JOIN runs pr ON pr.seq = p.previous
		WHERE p.experiment_id = ? ORDER BY p.id DESC LIMIT ?`, expID, limit)
	if err != nil {
		return nil, fmt.Errorf("read champion of %q: %w", experiment, err)
	}
	defer rows.Close()
	var out []tracking.Promotion
	for rows.Next() {
		p := tracking.Promotion{Experiment: experiment}
		var at int64
		if err := rows.Scan(&p.RunID, &p.RunName, &p.Previous, &at, &p.Note); err != nil {
			return nil, fmt.Errorf("read champion of %q: %w", experiment, err)
		}
		p.Time = fromMS(at)
		out = append(out, p)
	}
	return out, rows.Err()
}

// compile-time checks: the SQLite store is a champion store and reads
// what --bootstrap and --by stored.
var (
	_ tracking.ChampionStore = (*Store)(nil)
	_ tracking.TrustReader   = (*Store)(nil)
)

// SetDatasetParent records that dataset fingerprint is a new version of
// parent: its version becomes one more than the highest of the datasets
// read from the parent's source, so that refreshing the same parent twice
// still numbers the versions in order.
func (s *Store) SetDatasetParent(ctx context.Context, fingerprint, parent string) error {
	if fingerprint == parent {
		return fmt.Errorf("dataset %.12s cannot be a version of itself", fingerprint)
	}
	tx, err := s.begin(ctx)
	if err != nil {
		return fmt.Errorf("record dataset version: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE datasets SET parent = ?1,
		version = (SELECT MAX(d.version) + 1 FROM datasets d WHERE d.source = (SELECT p.source FROM datasets p WHERE p.fingerprint = ?1)
			AND d.fingerprint != ?2)
		WHERE fingerprint = ?2 AND EXISTS (SELECT 1 FROM datasets WHERE fingerprint = ?1)`, parent, fingerprint)
	if err != nil {
		return fmt.Errorf("record dataset version: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("record dataset version: dataset %.12s or %.12s: %w", fingerprint, parent, tracking.ErrNotFound)
	}
	return tx.Commit()
}

// DatasetVersions lists the datasets read from source, newest version
// first.
func (s *Store) DatasetVersions(ctx context.Context, source string) ([]tracking.DatasetVersion, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT fingerprint, COALESCE(parent, ''), version, created_ms AS created FROM datasets
		WHERE source = ? ORDER BY version DESC, created DESC`, source)
	if err != nil {
		return nil, fmt.Errorf("read versions of %s: %w", source, err)
	}
	defer rows.Close()
	var out []tracking.DatasetVersion
	for rows.Next() {
		var v tracking.DatasetVersion
		var created int64
		if err := rows.Scan(&v.Fingerprint, &v.Parent, &v.Version, &created); err != nil {
			return nil, fmt.Errorf("read versions of %s: %w", source, err)
		}
		v.Created = fromMS(created)
		out = append(out, v)
	}
	return out, rows.Err()
}

var _ tracking.LineageStore = (*Store)(nil)

// MarkChampions sets Champion on the runs that are their experiment's
// champion.
func (s *Store) MarkChampions(ctx context.Context, runs []*tracking.Run) error {
	rows, err := s.r.QueryContext(ctx, `SELECT r.id FROM runs r WHERE r.seq IN (SELECT (SELECT p.run FROM promotions p
		WHERE p.experiment_id = e.id ORDER BY p.id DESC LIMIT 1) FROM experiments e)`)
	if err != nil {
		return fmt.Errorf("read champions: %w", err)
	}
	defer rows.Close()
	champs := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return fmt.Errorf("read champions: %w", err)
		}
		champs[id] = true
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read champions: %w", err)
	}
	for _, r := range runs {
		r.Champion = champs[r.ID]
	}
	return nil
}
