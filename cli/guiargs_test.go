package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseGUIArgs(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "journeys")
	if err := os.WriteFile(plain, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	tests := []struct {
		args []string
		want GUIArgs
		ok   bool
		err  string
	}{
		{nil, GUIArgs{}, true, ""},
		{[]string{"--db", "/tmp/a.db"}, GUIArgs{DB: "/tmp/a.db"}, true, ""},
		{[]string{"-db", "a.db"}, GUIArgs{DB: "a.db"}, true, ""},
		{[]string{"--db=/x/y.db"}, GUIArgs{DB: "/x/y.db"}, true, ""},
		{[]string{"touches.csv"}, GUIArgs{File: "touches.csv"}, true, ""},
		{[]string{"/data/touches.csv", "--db", "a.db"}, GUIArgs{DB: "a.db", File: "/data/touches.csv"}, true, ""},
		{[]string{"--db", "a.db", "journeys"}, GUIArgs{DB: "a.db", File: "journeys"}, true, ""}, // exists, no extension
		{[]string{"file:///home/me/My%20touches.csv"}, GUIArgs{File: "/home/me/My touches.csv"}, true, ""},
		// Command lines stay Run's.
		{[]string{"attribute", "x.csv"}, GUIArgs{}, false, ""},
		{[]string{"runs", "--db", "a.db"}, GUIArgs{}, false, ""},
		{[]string{"help"}, GUIArgs{}, false, ""},
		{[]string{"--help"}, GUIArgs{}, false, ""},
		{[]string{"--version"}, GUIArgs{}, false, ""},
		{[]string{"atribute"}, GUIArgs{}, false, ""}, // a typo is an unknown command
		// Wrong uses of --db say what to do.
		{[]string{"--db"}, GUIArgs{}, false, "--db needs the path"},
		{[]string{"--db="}, GUIArgs{}, false, "--db needs the path"},
		{[]string{"--db", "a.db", "runs"}, GUIArgs{}, false, "put the command first"},
		{[]string{"--db", "a.db", "--models", "x"}, GUIArgs{}, false, "unknown flag"},
		{[]string{"a.csv", "b.csv"}, GUIArgs{}, false, "one file at a time"},
		{[]string{"--db", "a.db", "atribute"}, GUIArgs{}, false, "neither a file nor a command"},
	}
	for _, tt := range tests {
		got, ok, err := ParseGUIArgs(tt.args)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q: error %v, want one saying %q", tt.args, err, tt.err)
			}
			continue
		}
		if err != nil || ok != tt.ok || got != tt.want {
			t.Errorf("%q = %+v, %v, %v; want %+v, %v", tt.args, got, ok, err, tt.want, tt.ok)
		}
	}
}
