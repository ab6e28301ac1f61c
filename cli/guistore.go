package cli

import (
	"context"
	"errors"
	"io"

	"github.com/attrlab/attrlab/storage"
)

// OpenGUIStore opens the run store the desktop app starts on (--db, else
// ATTRLAB_DB, else the default) with the same checks as every command, so
// that the app and the command line give one message and one exit status
// for the same mistake: a folder or an unwritable place is bad input (2),
// a failure of the store itself 3. path is the store tried; code is 0 on
// success. Waits for another writer are reported on stderr.
func OpenGUIStore(ctx context.Context, stderr io.Writer, g GUIArgs) (st *storage.Store, path string, code int, err error) {
	path, err = storePath(g.DB)
	if err == nil {
		st, err = openStore(ctx, Env{Stderr: stderr}, g.DB)
	}
	if err != nil {
		return nil, path, openExit(err), err
	}
	return st, path, ExitOK, nil
}

// openExit is the exit status of an error from openStore or storePath.
func openExit(err error) int {
	var ie *inputError
	if errors.As(err, &ie) {
		return ExitBadInput
	}
	return ExitStore
}
