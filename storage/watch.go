package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Watcher tells whether anyone (another process such as the command line,
// or this one) has changed the store since it last looked. It holds one
// read-only connection of its own, whose PRAGMA data_version moves with
// every commit made through any other connection: a check is one cheap
// statement that reads no table.
type Watcher struct {
	db      *sql.DB
	version int64
}

// Watch opens a Watcher on the store's file. Close it when done.
func (s *Store) Watch(ctx context.Context) (*Watcher, error) {
	db, err := sql.Open("sqlite", dsn(s.path, 5*time.Second, true))
	if err != nil {
		return nil, fmt.Errorf("watch run store: %w", err)
	}
	// One connection, kept: data_version compares commits against it.
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	w := &Watcher{db: db}
	if w.version, err = w.read(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return w, nil
}

func (w *Watcher) read(ctx context.Context) (int64, error) {
	var v int64
	if err := w.db.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v); err != nil {
		return 0, fmt.Errorf("watch run store: %w", err)
	}
	return v, nil
}

// Changed reports whether the store has changed since the last call (or
// since Watch).
func (w *Watcher) Changed(ctx context.Context) (bool, error) {
	v, err := w.read(ctx)
	if err != nil {
		return false, err
	}
	changed := v != w.version
	w.version = v
	return changed, nil
}

// Close closes the watcher's connection.
func (w *Watcher) Close() error { return w.db.Close() }
