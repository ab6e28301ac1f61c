package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attrlab/attrlab/storage"
)

// TestEmptyImportRefused: a file none of whose rows can be used is bad
// input for import and attribute: nothing is registered or logged.
func TestEmptyImportRefused(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "runs.db")
	allBad := writeFile(t, "all_bad.csv", []byte("journey_id,timestamp,channel,conversion\na,never,email,0\nb,later,search,1\n"))
	headerOnly := writeFile(t, "header_only.csv", []byte("journey_id,timestamp,channel,conversion\n"))
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"import", "--skip-bad-rows", "--force", allBad}, "none of the 2 rows"},
		{[]string{"attribute", "--skip-bad-rows", "--force", allBad}, "none of the 2 rows"},
		{[]string{"import", headerOnly}, "no rows"},
		{[]string{"attribute", headerOnly}, "no rows"},
	} {
		code, _, stderr := trackCLI(t, db, "", c.args...)
		if code != ExitBadInput || !strings.Contains(stderr, c.says) {
			t.Errorf("%v: exit %d, stderr %q; want %d saying %q", c.args, code, stderr, ExitBadInput, c.says)
		}
	}
	if code, _, stderr := trackCLI(t, db, "", "import", "--skip-bad-rows", "--force", allBad); !strings.Contains(stderr, "all_bad.rejected.csv") {
		t.Errorf("exit %d: stderr does not say where the rejected rows are: %q", code, stderr)
	}
	st, err := storage.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if dss, err := st.Datasets(context.Background()); err != nil || len(dss) != 0 {
		t.Errorf("%d datasets registered (%v), want none", len(dss), err)
	}
}
