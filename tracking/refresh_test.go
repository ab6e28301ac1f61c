package tracking

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGrownFrom(t *testing.T) {
	settings := map[string]string{"layout": "touches"}
	fp := func(data string) string {
		f, err := FingerprintReader(strings.NewReader(data), settings)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		name, old, now string
		prefix, grown  bool
	}{
		{"rows appended", "h\na\nb\n", "h\na\nb\nc\n", true, true},
		{"unchanged", "h\na\nb\n", "h\na\nb\n", true, false},
		{"no final newline, then rows", "h\na\nb", "h\na\nb\nc\n", true, true},
		{"CRLF rows appended", "h\r\na\r\n", "h\r\na\r\nb\r\n", true, true},
		{"a row changed", "h\na\nb\n", "h\na\nX\nc\n", false, false},
		{"rows removed", "h\na\nb\n", "h\na\n", false, false},
		{"a row cut short", "h\nabc\n", "h\nab", false, false},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_"))
		if err := os.WriteFile(path, []byte(tc.now), 0o644); err != nil {
			t.Fatal(err)
		}
		prefix, grown, err := GrownFrom(path, fp(tc.old), settings)
		if err != nil || prefix != tc.prefix || grown != tc.grown {
			t.Errorf("%s: prefix %v grown %v (%v), want %v %v", tc.name, prefix, grown, err, tc.prefix, tc.grown)
		}
	}
	// Other settings make another fingerprint: not the same data.
	path := filepath.Join(dir, "settings")
	os.WriteFile(path, []byte("h\na\nb\n"), 0o644)
	if prefix, _, _ := GrownFrom(path, fp("h\na\n"), map[string]string{"layout": "paths"}); prefix {
		t.Error("a prefix read with other settings counted")
	}
}
