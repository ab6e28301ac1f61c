package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/attrlab/attrlab/storage"
	"github.com/attrlab/attrlab/tracking"
)

// ExitStore is the exit status when the run store cannot be opened, read
// or written (a database from a newer attrlab, a locked or unwritable
// file). 1 and 2 are usage and bad input.
const ExitStore = 3

// storeError marks a failure of the run store.
type storeError struct{ err error }

func (e *storeError) Error() string { return e.err.Error() }
func (e *storeError) Unwrap() error { return e.err }

// storeErr classifies an error from the store: an unknown run or a bad
// filter is the caller's mistake (a usage error), anything else is the
// store's.
func storeErr(err error) error {
	if err == nil {
		return nil
	}
	var fe *tracking.FilterError
	switch {
	case errors.As(err, &fe):
		return usagef("%v\n%s", fe, indent(fe.Caret()))
	case errors.Is(err, tracking.ErrNotFound):
		return usagef("%v", err)
	case errors.Is(err, storage.ErrReadOnly):
		return &inputError{err}
	case strings.Contains(err.Error(), "database or disk is full"):
		return &storeError{fmt.Errorf("%w: the disk holding the run store has no space left; free some space and try again (the store was left as it was): %w", storage.ErrDiskFull, err)}
	}
	return &storeError{err}
}

func indent(s string) string {
	out := "  "
	for _, r := range s {
		out += string(r)
		if r == '\n' {
			out += "  "
		}
	}
	return out
}

// dbFlag adds --db to fs.
func dbFlag(fs *flag.FlagSet, p *string) {
	fs.StringVar(p, "db", "", "run store database (default $ATTRLAB_DB, else attrlab/attrlab.db in the user data folder)")
}

// storePath resolves the run store: --db, then $ATTRLAB_DB, then the
// user's data folder.
func storePath(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if env := os.Getenv("ATTRLAB_DB"); env != "" {
		return env, nil
	}
	p, err := storage.DefaultPath()
	if err != nil {
		return "", &storeError{err}
	}
	return p, nil
}

// precheckStore refuses, before any long work, a --db that openStore would
// refuse (a folder, another program's file, a newer store), with the same
// error and exit status; it creates and changes nothing.
func precheckStore(ctx context.Context, flagValue string) error {
	path, err := storePath(flagValue)
	if err != nil {
		return err
	}
	return classifyOpenError(storage.Precheck(ctx, path))
}

// classifyOpenError gives an error opening the store its exit status: a
// folder or an unwritable place is bad input (2), anything else the
// store's (3).
func classifyOpenError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, storage.ErrNotAFile), errors.Is(err, storage.ErrReadOnly):
		return &inputError{err}
	}
	return &storeError{err}
}

// openStore opens the run store named by --db, $ATTRLAB_DB or the
// default. A folder or an unwritable place given as the store is bad input
// (exit 2); a file that is not an attrlab store, or any other failure of
// the store, is a store error (exit 3). A write that has to wait for
// another process says so on env.Stderr every few seconds and keeps
// waiting, so a finished computation is not lost to a busy store.
func openStore(ctx context.Context, env Env, flagValue string) (*storage.Store, error) {
	path, err := storePath(flagValue)
	if err != nil {
		return nil, err
	}
	var next time.Duration
	s, err := storage.OpenWith(ctx, path, storage.Options{OnWait: func(waited time.Duration) {
		if waited < next {
			return
		}
		next = waited + 5*time.Second
		fmt.Fprintf(env.Stderr, "waiting for the run store %s: another process is writing to it (%s so far; Ctrl+C stops)\n", path, waited.Round(time.Second))
	}})
	if err != nil {
		return nil, classifyOpenError(err)
	}
	return s, nil
}
