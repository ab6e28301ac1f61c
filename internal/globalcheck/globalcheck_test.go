package globalcheck

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestExportedVarsFindsMutableGlobals checks the checker on a package that
// has the kinds of globals it must catch and those it must let through.
func TestExportedVarsFindsMutableGlobals(t *testing.T) {
	dir := t.TempDir()
	src := `package p

import "errors"

var Names = []string{"a"}
var Table = map[string]int{}
var Fixed = [...]string{"x"}
var (
	ErrGone = errors.New("gone")
	count   int
	Limit   = 3
)
var hidden = []string{"b"}
`
	if err := os.WriteFile(filepath.Join(dir, "p.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "p_test.go"), []byte("package p\nvar TestOnly = []int{1}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ExportedVars(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"p.go:5 Names", "p.go:6 Table", "p.go:7 Fixed", "p.go:11 Limit"}
	if !slices.Equal(got, want) {
		t.Fatalf("found %q, want %q", got, want)
	}
}
