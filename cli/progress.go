package cli

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/attrlab/attrlab/attribution"
)

// isTerminal reports whether w is a terminal, where a progress line that
// rewrites itself is welcome; in a pipe or a log file it would be noise.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressPrinter writes an import's progress to w: rows, bytes, rate and
// time left, at most every 200 ms, rewriting one line on a terminal and
// printing a new line per update elsewhere (--progress into a log).
type progressPrinter struct {
	w        io.Writer
	size     int64 // input size in bytes; 0 when unknown (standard input)
	terminal bool
	start    time.Time
	last     time.Time
	now      func() time.Time
}

func newProgressPrinter(w io.Writer, size int64) *progressPrinter {
	return &progressPrinter{w: w, size: size, terminal: isTerminal(w), start: time.Now(), now: time.Now}
}

// importProgress is an attribution.ImportOptions.Progress callback.
func (p *progressPrinter) importProgress(pr attribution.Progress) {
	now := p.now()
	if !pr.Done && now.Sub(p.last) < 200*time.Millisecond {
		return
	}
	p.last = now
	elapsed := now.Sub(p.start).Seconds()
	line := fmt.Sprintf("read %s rows, %s", count(pr.Rows), megabytes(pr.Bytes))
	if p.size > 0 {
		line += fmt.Sprintf(" of %s (%.0f%%)", megabytes(p.size), 100*float64(pr.Bytes)/float64(p.size))
	}
	if elapsed > 0 {
		rate := float64(pr.Bytes) / elapsed
		line += fmt.Sprintf(", %s/s", megabytes(int64(rate)))
		if p.size > 0 && !pr.Done && rate > 0 {
			left := time.Duration(float64(p.size-pr.Bytes) / rate * float64(time.Second))
			line += fmt.Sprintf(", %s left", left.Round(time.Second))
		}
	}
	if pr.Done {
		line += fmt.Sprintf(", done in %s", now.Sub(p.start).Round(time.Millisecond))
	}
	p.print(line, pr.Done)
}

// runProgress is an attribution.Options.Progress callback.
func (p *progressPrinter) runProgress(pr attribution.RunProgress) {
	p.print(fmt.Sprintf("models: %d of %d done (%s)", pr.Done, pr.Total, pr.Model), pr.Done == pr.Total)
}

func (p *progressPrinter) print(line string, final bool) {
	if p.terminal {
		end := ""
		if final {
			end = "\n"
		}
		fmt.Fprintf(p.w, "\r\x1b[K%s%s", line, end)
		return
	}
	fmt.Fprintln(p.w, line)
}

func megabytes(b int64) string {
	return fmt.Sprintf("%.1f MB", float64(b)/1e6)
}

// count writes n with thousands separators.
func count(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
