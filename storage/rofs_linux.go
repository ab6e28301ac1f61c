package storage

import (
	"path/filepath"
	"syscall"
)

// stRdOnly is statfs's ST_RDONLY flag: the file system is mounted
// read-only.
const stRdOnly = 1

// onReadOnlyMount reports whether path's folder is on a file system
// mounted read-only, where nobody can write the store.
func onReadOnlyMount(path string) bool {
	var st syscall.Statfs_t
	if err := syscall.Statfs(filepath.Dir(path), &st); err != nil {
		return false
	}
	return int64(st.Flags)&stRdOnly != 0
}
