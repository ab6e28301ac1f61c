package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGUIStoreFolderExitsLikeCLI: --db naming a folder is the same mistake
// for the app as for a command: the same message and exit status 2 (the
// app used to exit 3, a store failure).
func TestGUIStoreFolderExitsLikeCLI(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("ATTRLAB_DB", "")
	var cliErr bytes.Buffer
	cliCode := Run(context.Background(), Env{Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &cliErr}, []string{"runs", "--db", dir})
	if cliCode != ExitBadInput {
		t.Fatalf("attrlab runs --db FOLDER exits %d, want %d; stderr %s", cliCode, ExitBadInput, cliErr.String())
	}
	g, gui, err := ParseGUIArgs([]string{"--db", dir})
	if err != nil || !gui {
		t.Fatalf("ParseGUIArgs(--db FOLDER) = %v, %v", gui, err)
	}
	st, path, code, err := OpenGUIStore(context.Background(), &bytes.Buffer{}, g)
	if st != nil {
		st.Close()
		t.Fatal("the app opened a folder as its run store")
	}
	if code != cliCode {
		t.Errorf("the app exits %d for --db FOLDER, the command line %d", code, cliCode)
	}
	if path != dir {
		t.Errorf("path %q, want %q", path, dir)
	}
	if err == nil || !strings.Contains(cliErr.String(), err.Error()) {
		t.Errorf("the app says %v; the command line says %q: want the same message", err, cliErr.String())
	}
	if !strings.Contains(err.Error(), "folder") {
		t.Errorf("message %q does not say the path is a folder", err)
	}
}

// TestGUIStoreOpensFile: a new file under an existing folder becomes the
// app's run store, exit status 0.
func TestGUIStoreOpensFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "runs.db")
	st, got, code, err := OpenGUIStore(context.Background(), &bytes.Buffer{}, GUIArgs{DB: path})
	if err != nil || code != ExitOK || got != path {
		t.Fatalf("OpenGUIStore(%s) = %q, %d, %v", path, got, code, err)
	}
	st.Close()
	if _, err := os.Stat(path); err != nil {
		t.Errorf("no store file created: %v", err)
	}
}
