package report

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

// dirNames lists the names in dir, to catch temporary files left behind.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

func TestWriteFile(t *testing.T) {
	tests := []struct {
		name     string
		existing string // "" means no file there before
		force    bool
		write    func(io.Writer) error
		wantErr  error
		want     string // file content afterwards
	}{
		{name: "new file", write: writeString("new"), want: "new"},
		{name: "existing file kept", existing: "old", write: writeString("new"), wantErr: fs.ErrExist, want: "old"},
		{name: "existing file forced", existing: "old", force: true, write: writeString("new"), want: "new"},
		{name: "failed write leaves nothing", write: func(w io.Writer) error { io.WriteString(w, "half"); return errors.New("disk on fire") }, wantErr: errFire},
		{name: "failed forced write keeps the old file", existing: "old", force: true, write: func(io.Writer) error { return errFire }, wantErr: errFire, want: "old"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			// A name a shell would expand, to show it is taken literally.
			path := filepath.Join(dir, "~$HOME*.csv")
			if tt.existing != "" {
				if err := os.WriteFile(path, []byte(tt.existing), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			err := WriteFile(path, tt.force, tt.write)
			if tt.wantErr == errFire {
				if err == nil {
					t.Fatal("no error from a failing write")
				}
			} else if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			got, rerr := os.ReadFile(path)
			switch {
			case tt.want == "" && rerr == nil:
				t.Errorf("file exists with %q, want none", got)
			case tt.want != "" && string(got) != tt.want:
				t.Errorf("file holds %q (%v), want %q", got, rerr, tt.want)
			}
			names := dirNames(t, dir)
			if wantN := map[bool]int{true: 1, false: 0}[tt.want != ""]; len(names) != wantN {
				t.Errorf("folder holds %q: a temporary file was left behind", names)
			}
		})
	}
}

var errFire = errors.New("disk on fire")

func TestChartSave(t *testing.T) {
	dir := t.TempDir()
	c, err := RemovalChart(fixtureResults()[3])
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"r.png", "r.SVG", "r.pdf"} {
		if err := c.Save(filepath.Join(dir, name), false); err != nil {
			t.Errorf("save %s: %v", name, err)
		}
	}
	if err := c.Save(filepath.Join(dir, "r.png"), false); !errors.Is(err, fs.ErrExist) {
		t.Errorf("saving over r.png without force: %v, want fs.ErrExist", err)
	}
	if err := c.Save(filepath.Join(dir, "r.png"), true); err != nil {
		t.Errorf("saving over r.png with force: %v", err)
	}
	if err := c.Save(filepath.Join(dir, "r.jpg"), false); err == nil {
		t.Error("saving as .jpg: no error")
	}
	if names := dirNames(t, dir); len(names) != 3 {
		t.Errorf("folder holds %q, want the three charts only", names)
	}
}

// TestWriteFileKeepsPermissions replaces a private file: it stays
// private.
func TestWriteFileKeepsPermissions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "private.csv")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, true, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v after replacing a 0600 file", fi.Mode().Perm())
	}
}
