package report

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// WriteFile writes an export to path, taken literally (no shell expansion
// of ~ or wildcards). The data goes to a temporary file in the same folder,
// which then takes path's place, so a failure or a crash never leaves a
// half-written file behind. Unless force is set, an existing file at path
// is left alone and the error wraps fs.ErrExist.
func WriteFile(path string, force bool, write func(w io.Writer) error) (err error) {
	exists := func() error {
		return fmt.Errorf("write %s: %w: choose another name, or force it to be replaced", path, fs.ErrExist)
	}
	if !force {
		if _, err := os.Lstat(path); err == nil {
			return exists()
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriter(tmp)
	if err := write(bw); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	// A replaced file keeps its permissions (a private export stays
	// private); a new one is readable by all, as os.WriteFile would make it.
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
		mode = fi.Mode().Perm()
	}
	if err := tmp.Chmod(mode); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	// The folder is flushed too, so that after a crash the new name
	// points at the whole new file.
	defer syncDir(filepath.Dir(path))
	if force {
		if err := os.Rename(tmp.Name(), path); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		return nil
	}
	// A hard link fails if path appeared meanwhile, where a rename would
	// replace it.
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return exists()
		}
		// The file system has no hard links: check, then rename.
		if _, err := os.Lstat(path); err == nil {
			return exists()
		}
		if err := os.Rename(tmp.Name(), path); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		return nil
	}
	return os.Remove(tmp.Name())
}

// syncDir flushes a folder's entries to disk, where the system allows it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// SameFile reports whether a and b name the same existing file.
func SameFile(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	if err != nil {
		return false
	}
	return os.SameFile(fa, fb)
}

// IsSQLite reports whether path begins with SQLite's file header: an
// export must never replace a database, ours or another program's.
func IsSQLite(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var hdr [16]byte
	n, _ := io.ReadFull(f, hdr[:])
	return n == len(hdr) && string(hdr[:]) == "SQLite format 3\x00"
}
