package attribution

import (
	"slices"
	"testing"

	"github.com/attrlab/attrlab/internal/globalcheck"
)

// TestNoExportedMutableGlobals: a caller must not be able to change the
// package's state. The app once handed ModelNames to a widget that edited
// it in place, and every later run repeated markov.
func TestNoExportedMutableGlobals(t *testing.T) {
	vars, err := globalcheck.ExportedVars(".")
	if err != nil {
		t.Fatal(err)
	}
	if len(vars) > 0 {
		t.Fatalf("exported package-level variables a caller could change: %v (return a copy from a function instead)", vars)
	}
}

func TestModelNamesReturnsACopy(t *testing.T) {
	want := ModelNames()
	got := ModelNames()
	got[0] = Markov
	got = append(got[:1], got[2:]...)
	if again := ModelNames(); !slices.Equal(again, want) {
		t.Fatalf("after a caller edited its copy, ModelNames() = %v, want %v", again, want)
	}
	if len(want) != 7 || want[len(want)-1] != Markov {
		t.Fatalf("ModelNames() = %v", want)
	}
}

func TestFieldNamesAndAvailableModelsReturnCopies(t *testing.T) {
	for _, l := range []Layout{LayoutPaths, LayoutTouches} {
		want := FieldNames(l)
		got := FieldNames(l)
		for i := range got {
			got[i] = "changed"
		}
		if again := FieldNames(l); !slices.Equal(again, want) {
			t.Fatalf("FieldNames(%s) after editing a copy = %v, want %v", l, again, want)
		}
	}
	ps := &PathSet{}
	want := AvailableModels(ps)
	got := AvailableModels(ps)
	got[0] = "changed"
	if again := AvailableModels(ps); !slices.Equal(again, want) {
		t.Fatalf("AvailableModels after editing a copy = %v, want %v", again, want)
	}
}
