package tracking

import (
	"slices"
	"testing"

	"github.com/attrlab/attrlab/internal/globalcheck"
)

// TestNoExportedMutableGlobals: a caller must not be able to change the
// package's state (see the same test in attribution).
func TestNoExportedMutableGlobals(t *testing.T) {
	vars, err := globalcheck.ExportedVars(".")
	if err != nil {
		t.Fatal(err)
	}
	if len(vars) > 0 {
		t.Fatalf("exported package-level variables a caller could change: %v (return a copy from a function instead)", vars)
	}
}

func TestStatusesReturnsACopy(t *testing.T) {
	want := Statuses()
	got := Statuses()
	got[0] = "BROKEN"
	if again := Statuses(); !slices.Equal(again, want) {
		t.Fatalf("after a caller edited its copy, Statuses() = %v, want %v", again, want)
	}
	// A filter naming an attribute still parses after a caller edits what
	// an error message listed.
	if _, err := Parse("status = 'FINISHED'"); err != nil {
		t.Fatal(err)
	}
}
