package attribution

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Some exports write one field in two columns: GA4 the channel as
// "Session source" and "Session medium", CRMs the time as "Date" and
// "Time". The import joins such a pair into one cell per row — source
// and medium as GA's own "source / medium", date and time with a space —
// and reads that cell as it would a single column (DESIGN section 2.5).
// Joined cells are extra, virtual columns after the file's own, so the
// parsers and format rules see one column as always; a file without a
// join reads exactly as before, at no cost per row.

// joinSeparator is what goes between the parts of a joined field, and
// whether the field can be joined at all.
func joinSeparator(field string) (string, bool) {
	switch field {
	case FieldChannel:
		return " / ", true
	case FieldTimestamp:
		return " ", true
	}
	return "", false
}

// matchManual applies the --map choices (column -> field) in a fixed
// order. Two columns mapped to the channel or the timestamp are joined,
// in header order; to another field, they are a problem.
func (cm *columnMatch) matchManual(header []string, manual map[string]string, used []bool) {
	keys := make([]string, 0, len(manual))
	for k := range manual {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, col := range keys {
		field := manual[col]
		i, why := resolveColumn(header, col, field)
		if i < 0 {
			cm.addProblem(fmt.Sprintf("--map %s: %s", shellWord(col+"="+field), why))
			continue
		}
		if used[i] {
			cm.addProblem(fmt.Sprintf("--map %s: column %q is mapped twice", shellWord(col+"="+field), ColumnLabel(header, i)))
			continue
		}
		if _, ok := cm.cols[field]; !ok {
			continue // not a field of this layout: Import says so
		}
		used[i] = true
		first := cm.cols[field]
		if first < 0 {
			cm.cols[field] = i
			continue
		}
		if _, ok := joinSeparator(field); !ok {
			cm.addProblem(fmt.Sprintf("--map maps both %q and %q to %s: a %s is read from one column (only %s and %s can join two)", ColumnLabel(header, first), ColumnLabel(header, i), field, field, FieldChannel, FieldTimestamp))
			continue
		}
		if cm.joins == nil {
			cm.joins = map[string][]int{}
		}
		parts := cm.joins[field]
		if len(parts) == 0 {
			parts = []int{first}
		}
		parts = append(parts, i)
		slices.Sort(parts)
		cm.joins[field], cm.cols[field] = parts, parts[0]
	}
}

func (cm *columnMatch) addProblem(p string) {
	if cm.problem == "" {
		cm.problem = p
	}
}

// sourceMediumPairs are the source names whose medium column completes
// them into GA's "source / medium": the same name with "medium".
var sourceMediumPairs = map[string]string{
	"source":                "medium",
	"utm_source":            "utm_medium",
	"session_source":        "session_medium",
	"first_user_source":     "first_user_medium",
	"traffic_source_source": "traffic_source_medium",
}

// joinSourceMedium joins the channel, matched by a source column found[0],
// with its medium column when the header has one (no combined column
// was found, or it would have matched first). It returns found without
// the medium column.
func (cm *columnMatch) joinSourceMedium(norm []string, found []int, used []bool) []int {
	medium, ok := sourceMediumPairs[norm[found[0]]]
	if !ok {
		return found
	}
	for k, i := range found[1:] {
		if norm[i] == medium && !used[i] {
			used[i] = true
			if cm.joins == nil {
				cm.joins = map[string][]int{}
			}
			cm.joins[FieldChannel] = []int{found[0], i}
			return slices.Delete(slices.Clone(found), k+1, k+2)
		}
	}
	return found
}

// Words that name a date column and a time-of-day column; a time column
// also must not name a duration ("Time on page", "Engagement time").
var (
	dateWords     = []string{"date", "day", "datum", "tag", "fecha", "jour"}
	timeWords     = []string{"time", "uhrzeit", "zeit", "hora", "heure"}
	durationWords = []string{"on", "spent", "duration", "engagement", "avg", "average", "total", "elapsed", "dauer"}
)

// joinDateTime looks at the sample rows for a date and a time of day in
// two columns: a timestamp column that holds times of day (17:20:05) is
// joined to the date column that holds dates with no time, and one that
// holds dates alone is joined to a time column that holds times of day.
// A time of day with no date column cannot be read, and the returned
// message says so and what to map. Choices made by hand are kept.
func (cm *columnMatch) joinDateTime(header []string, manual map[string]string, sample []byte, firstLine int, delim byte) string {
	tCol := cm.cols[FieldTimestamp]
	if tCol < 0 || cm.joins[FieldTimestamp] != nil || slices.Contains(valuesOf(manual), FieldTimestamp) {
		return ""
	}
	rows := sampleRows(sample, firstLine, delim, len(header), 50)
	mapped := slices.Collect(maps.Values(cm.cols))
	partner := func(fits func(words []string) bool, is, isNot func([]byte) bool) int {
		for i, h := range header {
			if i != tCol && !slices.Contains(mapped, i) && fits(strings.Split(normalizeHeader(h), "_")) && columnHolds(rows, i, is, isNot) {
				return i
			}
		}
		return -1
	}
	isDateName := func(w []string) bool {
		return slices.ContainsFunc(w, func(x string) bool { return slices.Contains(dateWords, x) })
	}
	isTimeName := func(w []string) bool {
		return slices.Contains(timeWords, w[len(w)-1]) && !slices.ContainsFunc(w, func(x string) bool { return slices.Contains(durationWords, x) })
	}
	switch {
	case columnHolds(rows, tCol, isClockTime, isTimestamp):
		if d := partner(isDateName, isDateOnly, hasClock); d >= 0 {
			cm.joinTimestamp(header, d, tCol)
			return ""
		}
		cell, line := "", 0
		for _, r := range rows {
			if c := strings.TrimSpace(r.cells[tCol]); c != "" {
				cell, line = c, r.line
				break
			}
		}
		return fmt.Sprintf("column %q holds times of day without a date (line %d %q), and no column of the header holds the dates to join them to: map the date and the time together, e.g. --map %s --map %s, or map a column with whole timestamps with --map COLUMN=timestamp", ColumnLabel(header, tCol), line, cell, shellWord("DATE="+FieldTimestamp), MapArg(header, tCol, FieldTimestamp))
	case columnHolds(rows, tCol, isDateOnly, hasClock):
		if tm := partner(isTimeName, isClockTime, isTimestamp); tm >= 0 {
			cm.joinTimestamp(header, tCol, tm)
		}
	}
	return ""
}

// joinTimestamp reads the timestamp as the date column's cell, a space
// and the time column's; neither is an alternative or unused any more.
func (cm *columnMatch) joinTimestamp(header []string, date, tm int) {
	if cm.joins == nil {
		cm.joins = map[string][]int{}
	}
	cm.joins[FieldTimestamp] = []int{date, tm}
	cm.cols[FieldTimestamp] = date
	for _, i := range []int{date, tm} {
		cm.alternatives[FieldTimestamp] = slices.DeleteFunc(cm.alternatives[FieldTimestamp], func(ref string) bool { return ref == ColumnRef(header, i) })
		cm.unused = slices.DeleteFunc(cm.unused, func(name string) bool { return name == ColumnLabel(header, i) })
	}
	if len(cm.alternatives[FieldTimestamp]) == 0 {
		delete(cm.alternatives, FieldTimestamp)
	}
}

func valuesOf[K comparable, V any](m map[K]V) []V {
	out := make([]V, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// sampleRow is one whole row of a sample, with the line it starts on.
type sampleRow struct {
	line  int
	cells []string
}

// sampleRows reads up to n rows of width cells from the sample.
func sampleRows(sample []byte, firstLine int, delim byte, width, n int) []sampleRow {
	if i := bytes.LastIndexByte(sample, '\n'); i >= 0 {
		sample = sample[:i+1]
	} else {
		sample = nil
	}
	rr := newRecordReader(&sliceSource{sample}, delim)
	rr.nextLine = firstLine
	var out []sampleRow
	for len(out) < n {
		rec, err := rr.read()
		if err != nil {
			break
		}
		if len(rec) != width {
			continue
		}
		r := sampleRow{line: rr.line, cells: make([]string, width)}
		for i, c := range rec {
			r.cells[i] = string(c)
		}
		out = append(out, r)
	}
	return out
}

// columnHolds reports whether column col's cells in rows are of the kind
// is, judged by the cells that can be told: at least one is, and none is
// of the kind it is not (a cell that is neither is a bad row the import
// will name).
func columnHolds(rows []sampleRow, col int, is, isNot func([]byte) bool) bool {
	seen := false
	for _, r := range rows {
		c := trimSpace([]byte(r.cells[col]))
		switch {
		case len(c) == 0:
		case is(c):
			seen = true
		case isNot(c):
			return false
		}
	}
	return seen
}

// isTimestamp reports whether a cell is a whole timestamp, with a date.
func isTimestamp(b []byte) bool {
	_, _, _, err := parseTime(b, DayFirst, false, nil)
	if err != nil {
		_, _, _, err = parseTime(b, MonthFirst, false, nil)
	}
	return err == nil
}

func hasClock(b []byte) bool { return bytes.IndexByte(b, ':') >= 0 }

// isClockTime reports whether a cell is a time of day alone: H:MM,
// HH:MM:SS, with an optional fraction of a second and AM/PM.
func isClockTime(b []byte) bool {
	h, i, ok := num12(b, 0)
	if !ok || h > 23 || i+3 > len(b) || b[i] != ':' {
		return false
	}
	if m, ok := digits(b[i+1 : i+3]); !ok || m > 59 {
		return false
	}
	i += 3
	if i+3 <= len(b) && b[i] == ':' {
		if s, ok := digits(b[i+1 : i+3]); !ok || s > 60 {
			return false
		}
		i += 3
		if i < len(b) && b[i] == '.' {
			i++
			for i < len(b) && b[i] >= '0' && b[i] <= '9' {
				i++
			}
		}
	}
	rest := bytes.TrimSpace(b[i:])
	return len(rest) == 0 || bytes.EqualFold(rest, []byte("AM")) || bytes.EqualFold(rest, []byte("PM"))
}

// isDateOnly reports whether a cell is a date the timestamp parser reads,
// with no time: 2024-03-01, 01.03.2024, 03/01/2024.
func isDateOnly(b []byte) bool {
	return !hasClock(b) && !allDigits(b) && isTimestamp(b)
}

// readPlan is how rows are read: the file's columns, then one virtual
// column per joined field.
type readPlan struct {
	width int // the file's columns
	// header labels the columns for messages (ColumnLabel), names holds
	// the header's own names; both go on with the virtual columns.
	header []string
	names  []string
	cols   map[string]int
	joins  []columnJoin // nil when nothing is joined
}

// columnJoin is one virtual column: parts joined with sep.
type columnJoin struct {
	parts []int
	sep   []byte
}

// newReadPlan lays out the columns read for cm's choices.
func newReadPlan(header []string, cm columnMatch) *readPlan {
	p := &readPlan{width: len(header), header: displayHeader(header), names: header, cols: cm.cols}
	fields := make([]string, 0, len(cm.joins))
	for f := range cm.joins {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	for _, f := range fields {
		parts := cm.joins[f]
		sep, _ := joinSeparator(f)
		if p.joins == nil {
			p.header = append([]string(nil), p.header...)
			p.names = append([]string(nil), p.names...)
			p.cols = maps.Clone(cm.cols)
		}
		names := make([]string, len(parts))
		for k, i := range parts {
			names[k] = ColumnLabel(header, i)
		}
		p.cols[f] = len(p.header)
		p.header = append(p.header, strings.Join(names, " + "))
		p.names = append(p.names, p.header[len(p.header)-1])
		p.joins = append(p.joins, columnJoin{parts: parts, sep: []byte(sep)})
	}
	return p
}

// extend appends the joined cells to a row of the file's width; they
// alias buf, which the next row reuses. Empty parts are left out, so a
// row without a medium reads as its source alone.
func (p *readPlan) extend(rec [][]byte, buf *[]byte) [][]byte {
	b := (*buf)[:0]
	var ends [2]int // two fields at most join: channel and timestamp
	for k, j := range p.joins {
		start := len(b)
		for _, i := range j.parts {
			cell := trimSpace(rec[i])
			if len(cell) == 0 {
				continue
			}
			if len(b) > start {
				b = append(b, j.sep...)
			}
			b = append(b, cell...)
		}
		ends[k] = len(b)
	}
	*buf = b
	start := 0
	for k := range p.joins {
		rec = append(rec, b[start:ends[k]:ends[k]])
		start = ends[k]
	}
	return rec
}

// column is the 1-based file column that errors name for column col: a
// joined cell's first part.
func (p *readPlan) column(col int) int {
	if p != nil && col >= p.width {
		return p.joins[col-p.width].parts[0] + 1
	}
	return col + 1
}

// joinedCell is the joined cell of virtual column col for a preview row.
func (p *readPlan) joinedCell(row []string, col int) string {
	if col < p.width {
		if col < len(row) {
			return row[col]
		}
		return ""
	}
	rec := make([][]byte, len(row))
	for i, c := range row {
		rec[i] = []byte(c)
	}
	if len(rec) != p.width {
		return ""
	}
	var buf []byte
	return string(p.extend(rec, &buf)[col])
}

// ColumnJoin describes a field read from two columns joined.
type ColumnJoin struct {
	Columns   []int  `json:"columns"` // 0-based, in the order joined
	Separator string `json:"separator"`
}

// summaryJoins is the summary's account of the joins, nil when none.
func summaryJoins(cm columnMatch) map[string]ColumnJoin {
	if len(cm.joins) == 0 {
		return nil
	}
	out := map[string]ColumnJoin{}
	for f, parts := range cm.joins {
		sep, _ := joinSeparator(f)
		out[f] = ColumnJoin{Columns: slices.Clone(parts), Separator: sep}
	}
	return out
}

// setPlan has the format rules read the sample through plan when it
// joins columns.
func (f *columnFormats) setPlan(p *readPlan) {
	if p != nil && p.joins != nil {
		f.plan = p
	}
}

// joinNames are the names of a join's columns, and the join in words:
// "Session source" + " / " + "Session medium".
func joinNames(header []string, field string, parts []int) ([]string, string) {
	sep, _ := joinSeparator(field)
	names := make([]string, len(parts))
	quoted := make([]string, len(parts))
	for k, i := range parts {
		names[k] = ColumnLabel(header, i)
		quoted[k] = fmt.Sprintf("%q", names[k])
	}
	return names, strings.Join(quoted, fmt.Sprintf(" + %q + ", sep))
}

// JoinedDescription describes a field the summary says was joined, as
// `"Session source" + " / " + "Session medium"`.
func JoinedDescription(s Summary, field string) string {
	j, ok := s.Joins[field]
	if !ok {
		return ""
	}
	for _, i := range j.Columns {
		if i < 0 || i >= len(s.Header) {
			return ""
		}
	}
	_, d := joinNames(s.Header, field, j.Columns)
	return d
}
