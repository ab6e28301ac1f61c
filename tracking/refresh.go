package tracking

import (
	"bufio"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/attrlab/attrlab/attribution"
)

// TagRefreshOf is the tag a refreshed run carries: the id of the run (the
// champion) whose parameters it repeats on the grown data.
const TagRefreshOf = "attrlab.refresh_of"

// DatasetVersion is one version of a dataset read from a source file: a
// refresh of a grown file records the version it grew from as its parent.
type DatasetVersion struct {
	Fingerprint string
	// Parent is the fingerprint of the version this one refreshed, or "".
	Parent  string
	Version int
	Created time.Time
}

// LineageStore records and reads dataset versions. Package storage
// implements it.
type LineageStore interface {
	// SetDatasetParent records that dataset fingerprint is a new version
	// of parent (numbered after every version of the parent's source).
	SetDatasetParent(ctx context.Context, fingerprint, parent string) error
	// DatasetVersions lists the datasets read from source, newest version
	// first.
	DatasetVersions(ctx context.Context, source string) ([]DatasetVersion, error)
}

// Refresh is what refreshing a champion on its grown source needs.
type Refresh struct {
	// Champion is the run whose parameters the refresh repeats.
	Champion *Run
	// Parent is the dataset the champion read.
	Parent string
	// Options and Import are the champion's model and import options.
	Options attribution.Options
	Import  attribution.ImportOptions
	// Bootstrap is the champion's bootstrap, nil when it had none; By and
	// Timezone its periods, "" when it had none.
	Bootstrap    *attribution.BootstrapOptions
	By, Timezone string
}

// ErrNotGrown is returned (wrapped) when a source file does not begin
// with the bytes of the dataset it should have grown from.
var ErrNotGrown = errors.New("the file does not begin with the data it is said to have grown from")

// PlanRefresh finds the champion of experiment and checks that it read a
// version of the file source, returning its parameters.
func PlanRefresh(ctx context.Context, st interface {
	Store
	ChampionStore
	LineageStore
}, source, experiment string) (*Refresh, error) {
	id, err := st.Champion(ctx, experiment)
	if errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("experiment %q has no runs, so no champion to refresh: run and promote one first", experiment)
	}
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, fmt.Errorf("experiment %q has no champion to refresh: promote a run first", experiment)
	}
	run, err := st.Run(ctx, id)
	if err != nil {
		return nil, err
	}
	versions, err := st.DatasetVersions(ctx, source)
	if err != nil {
		return nil, err
	}
	found := false
	for _, v := range versions {
		found = found || v.Fingerprint == run.Dataset
	}
	if !found {
		return nil, fmt.Errorf("the champion of %q (run %s) did not read %s: refresh the file its dataset came from", experiment, id, source)
	}
	r := &Refresh{Champion: run, Parent: run.Dataset}
	r.Options, r.Import = RerunOptions(run)
	r.Bootstrap, r.By, r.Timezone = RerunTrust(run)
	return r, nil
}

// RerunTrust returns the bootstrap (nil when none) and the periods (by ""
// when none) a run was made with, from its params.
func RerunTrust(run *Run) (b *attribution.BootstrapOptions, by, timezone string) {
	if p, ok := run.Param(KeyBootstrap); ok {
		n, _ := p.Number()
		b = &attribution.BootstrapOptions{Replicates: int(n)}
		if p, ok := run.Param(KeyBootstrapSeed); ok {
			b.Seed, _ = strconv.ParseUint(p.String(), 10, 64)
		}
		if p, ok := run.Param(KeyBootstrapLevel); ok {
			b.Level, _ = p.Number()
		}
	}
	if p, ok := run.Param(KeyBy); ok {
		by, timezone = p.String(), "UTC"
		if tz, ok := run.Param(KeyByTimezone); ok {
			timezone = tz.String()
		}
	}
	return b, by, timezone
}

// GrownFrom reports whether the file at path begins with the bytes whose
// fingerprint (with settings) is parent, ending at a line end (just
// before or after the newline, so an old file without a final newline
// counts) or at the end of the file, and whether bytes follow them. It
// reads the file once, checking the fingerprint of the bytes so far at
// every line end.
func GrownFrom(path, parent string, settings map[string]string) (prefix, grown bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return false, false, err
	}
	defer f.Close()
	fp := &Fingerprint{h: sha256.New()}
	br := bufio.NewReaderSize(f, 1<<20)
	for {
		line, err := br.ReadSlice('\n')
		if n := len(line); n > 0 {
			if line[n-1] == '\n' {
				fp.Write(line[:n-1])
				if fp.Sum(settings) == parent {
					return true, true, nil // the newline follows
				}
				line = line[n-1:]
			}
			fp.Write(line)
			if fp.Sum(settings) == parent {
				_, more := br.Peek(1)
				return true, more == nil, nil
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if errors.Is(err, io.EOF) {
			return false, false, nil
		}
		if err != nil {
			return false, false, err
		}
	}
}
