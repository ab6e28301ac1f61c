package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	charts "github.com/attrlab/attrlab/report"
)

// Every file a command writes goes through here: an output that is one of
// the command's inputs (a data file, the run store) is refused even with
// --force, an existing file is replaced only with --force, and the data
// goes through a temporary file that is renamed into place
// (charts.WriteFile), so a failure leaves the old file as it was.

// checkOut refuses out before any work is done: when it is one of inputs,
// a folder, or (without force) an existing file. flag names the option
// that gave it, for the message.
func checkOut(flag, out string, force bool, inputs ...string) error {
	for _, in := range inputs {
		if in != "" && in != "-" && charts.SameFile(out, in) {
			return usagef("%s %s is an input of this command: attrlab never writes onto its input; choose another file name", flag, out)
		}
	}
	fi, err := os.Stat(out)
	switch {
	case err != nil:
		return nil
	case fi.IsDir():
		return &inputError{fmt.Errorf("%s %s is a folder: give the name of a file to write", flag, out)}
	case charts.IsSQLite(out):
		// A run store (any store, not only this command's) or another
		// program's database: never worth losing to an export.
		return usagef("%s %s is an SQLite database: attrlab never replaces one, even with --force; choose another file name", flag, out)
	case !force:
		return usagef("%s %s already exists: choose another name, or add --force to replace it", flag, out)
	}
	return nil
}

// writeOut writes data to path after checkOut's checks.
func writeOut(path string, force bool, data []byte, inputs ...string) error {
	return writeOutFunc("--out", path, force, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}, inputs...)
}

// writeOutFunc writes path with write, after checkOut's checks, through a
// temporary file; a file that appeared meanwhile is still not replaced
// without force.
func writeOutFunc(flag, path string, force bool, write func(io.Writer) error, inputs ...string) error {
	if err := checkOut(flag, path, force, inputs...); err != nil {
		return err
	}
	err := charts.WriteFile(path, force, write)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrExist):
		return usagef("%s %s already exists: choose another name, or add --force to replace it", flag, path)
	}
	return fileSystemError(path, err)
}

// fileSystemError explains a write that the file system refused: a
// read-only folder or mount, or a full disk. Nothing was changed: the
// temporary file is gone and any old file is as it was. These are exit 2,
// like other trouble with the user's files.
func fileSystemError(path string, err error) error {
	dir := filepath.Dir(path)
	switch {
	case errors.Is(err, syscall.EROFS):
		return &inputError{fmt.Errorf("cannot write %s: the folder %s is on a read-only file system; choose another folder (nothing was changed)", path, dir)}
	case errors.Is(err, fs.ErrPermission):
		return &inputError{fmt.Errorf("cannot write %s: no permission to write in the folder %s; choose another folder (nothing was changed)", path, dir)}
	case errors.Is(err, fs.ErrNotExist):
		return &inputError{fmt.Errorf("cannot write %s: the folder %s does not exist; create it or choose another (nothing was changed)", path, dir)}
	case errors.Is(err, syscall.ENOSPC):
		return &inputError{fmt.Errorf("cannot write %s: the disk is full; free some space or choose another folder (nothing was changed)", path)}
	}
	return &inputError{err}
}
