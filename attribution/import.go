package attribution

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// UnlimitedLookback disables the lookback window.
const UnlimitedLookback time.Duration = -1

// DefaultLookback is the lookback window used when ImportOptions.Lookback
// is zero.
const DefaultLookback = 30 * 24 * time.Hour

// ImportOptions controls how a journey CSV is read. The zero value detects
// everything and stops at the first bad row.
type ImportOptions struct {
	// File names the input in error messages.
	File string
	// Layout forces a layout; LayoutAuto detects it from the header.
	Layout Layout
	// Map assigns columns by hand: column name -> field name (e.g.
	// "src" -> "channel"). Other fields are matched by name and alias.
	Map map[string]string
	// Separator splits a path table's path column; "" means ">".
	Separator string
	// Lookback drops touches older than this before their conversion:
	// 0 means DefaultLookback (30 days), UnlimitedLookback keeps them all.
	Lookback time.Duration
	// ConversionLabel is the value of an event-type conversion column that
	// marks a conversion; "" means "conversion".
	ConversionLabel string
	// SkipBadRows skips rows that do not parse, reporting each through
	// OnReject and in the summary, instead of stopping at the first.
	SkipBadRows bool
	// OnReject, if set, receives every skipped row with its raw cells.
	OnReject func(row RejectedRow)
	// Progress, if set, is called from the importing goroutine every so many
	// rows and once at the end.
	Progress func(p Progress)
}

// RejectedRow is a row skipped by an import with SkipBadRows.
type RejectedRow struct {
	Err    *ParseError
	Fields []string
}

// Progress reports how far an import has read.
type Progress struct {
	Rows  int
	Bytes int64
	Done  bool
}

// Summary describes what an import read: the validation report.
type Summary struct {
	File            string         `json:"file"`
	Layout          Layout         `json:"layout"`
	Delimiter       string         `json:"delimiter"`
	TimestampFormat TimeFormat     `json:"timestamp_format,omitempty"`
	Header          []string       `json:"header"`
	Columns         map[string]int `json:"columns"` // field -> 0-based column index
	IgnoredColumns  []string       `json:"ignored_columns,omitempty"`

	RowsRead     int            `json:"rows_read"`
	RowsAccepted int            `json:"rows_accepted"`
	RowsRejected int            `json:"rows_rejected"`
	RejectReason map[string]int `json:"reject_reasons,omitempty"`

	Journeys                int     `json:"journeys"`
	Channels                int     `json:"channels"`
	Paths                   int     `json:"distinct_paths"`
	Conversions             float64 `json:"conversions"`
	Value                   float64 `json:"value"`
	NonConverting           float64 `json:"non_converting"`
	UnattributedConversions float64 `json:"unattributed_conversions"`
	UnattributedValue       float64 `json:"unattributed_value"`
	TouchesOutsideLookback  int     `json:"touches_outside_lookback,omitempty"`
	Lookback                string  `json:"lookback,omitempty"`

	FirstTime time.Time `json:"first_time,omitzero"`
	LastTime  time.Time `json:"last_time,omitzero"`
}

// ChannelSpend is the summed cost of one channel's touches.
type ChannelSpend struct {
	Channel string  `json:"channel"`
	Spend   float64 `json:"spend"`
}

// Dataset is an imported journey file: aggregated paths ready for the
// models, the validation summary, and spend from a cost column.
type Dataset struct {
	Paths   *PathSet
	Summary Summary
	Spend   []ChannelSpend
}

// Import reads a path table or touch log from r. It stops at the first bad
// row with a *ParseError unless opts.SkipBadRows is set; problems with the
// file as a whole (no header, unknown layout) are *ParseError too.
func Import(ctx context.Context, r io.Reader, opts ImportOptions) (*Dataset, error) {
	if opts.File == "" {
		opts.File = "input"
	}
	br := bufio.NewReaderSize(r, 256<<10)
	// Strip a UTF-8 byte order mark.
	if b, _ := br.Peek(3); bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	head, _ := br.Peek(64 << 10)
	delim := detectDelimiter(head)
	rr := newRecordReader(br, delim)
	fileErr := func(reason string) error { return &ParseError{File: opts.File, Line: 1, Reason: reason} }

	rec, err := rr.read()
	if errors.Is(err, io.EOF) {
		return nil, &ParseError{File: opts.File, Reason: "the file is empty: expected a header row and data"}
	}
	if err != nil {
		return nil, rowError(opts.File, rr, err)
	}
	header := make([]string, len(rec))
	for i, f := range rec {
		header[i] = string(f)
	}
	layout := opts.Layout
	if layout == LayoutAuto {
		layout, err = DetectLayout(header)
		if err != nil {
			return nil, fileErr(err.Error())
		}
	} else if layout != LayoutPaths && layout != LayoutTouches {
		return nil, fmt.Errorf("unknown layout %q: use paths or touches", layout)
	}
	for col, field := range opts.Map {
		if !slices.Contains(FieldNames(layout), field) {
			return nil, fmt.Errorf("--map %s=%s: %q is not a field of a %s file (fields: %s)", col, field, field, layout, strings.Join(FieldNames(layout), ", "))
		}
		if !slices.ContainsFunc(header, func(h string) bool { return normalizeHeader(h) == normalizeHeader(col) }) {
			return nil, fileErr(fmt.Sprintf("--map %s=%s: the header has no column %q (columns: %s)", col, field, col, strings.Join(header, ", ")))
		}
	}
	cols, unused := matchColumns(header, layout, opts.Map)
	var missing []string
	for _, f := range fieldsOf(layout) {
		if f.required && cols[f.name] < 0 {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return nil, fileErr(fmt.Sprintf("a %s file needs the column(s) %s, and the header has only %s: rename the columns or map them by hand", layoutNoun(layout), strings.Join(missing, ", "), strings.Join(header, ", ")))
	}
	ds := &Dataset{Paths: NewPathSet()}
	s := &ds.Summary
	s.File, s.Layout, s.Delimiter, s.IgnoredColumns = opts.File, layout, delimName(delim), unused
	s.Header = header
	s.Columns = map[string]int{}
	for f, i := range cols {
		if i >= 0 {
			s.Columns[f] = i
		}
	}
	imp := &importer{ctx: ctx, opts: opts, rr: rr, header: header, cols: cols, ds: ds}
	if layout == LayoutPaths {
		err = imp.readPaths()
	} else {
		err = imp.readTouches()
	}
	if err != nil {
		return nil, err
	}
	s.Channels = len(ds.Paths.Channels)
	s.Paths = ds.Paths.Len()
	s.UnattributedConversions = ds.Paths.UnattributedConversions
	s.UnattributedValue = ds.Paths.UnattributedValue
	if opts.Progress != nil {
		opts.Progress(Progress{Rows: s.RowsRead, Bytes: rr.bytes, Done: true})
	}
	return ds, nil
}

func layoutNoun(l Layout) string {
	if l == LayoutPaths {
		return "path table"
	}
	return "touch log"
}

func delimName(d byte) string {
	switch d {
	case '\t':
		return "tab"
	case ';':
		return "semicolon"
	}
	return "comma"
}

// rowError turns a record-level error into a ParseError at the reader's line.
func rowError(file string, rr *recordReader, err error) error {
	var re *errRecord
	if errors.As(err, &re) {
		return &ParseError{File: file, Line: rr.line, Reason: re.reason}
	}
	return fmt.Errorf("read %s: %w", file, err)
}

// importer holds the state shared by both layouts' row loops.
type importer struct {
	ctx    context.Context
	opts   ImportOptions
	rr     *recordReader
	header []string
	cols   map[string]int
	ds     *Dataset
}

// next reads the next row. It returns (nil, nil) at the end. A row-level
// problem is returned as a *ParseError; whether to skip it is the caller's
// call (through reject).
func (im *importer) next() ([][]byte, error) {
	rec, err := im.rr.read()
	if errors.Is(err, io.EOF) {
		return nil, nil
	}
	s := &im.ds.Summary
	s.RowsRead++
	if s.RowsRead&0xFFFF == 0 {
		if err := im.ctx.Err(); err != nil {
			return nil, err
		}
		if im.opts.Progress != nil {
			im.opts.Progress(Progress{Rows: s.RowsRead, Bytes: im.rr.bytes})
		}
	}
	if err != nil {
		var re *errRecord
		if !errors.As(err, &re) {
			return nil, fmt.Errorf("read %s: %w", im.opts.File, err)
		}
		return rec, &ParseError{File: im.opts.File, Line: im.rr.line, Reason: re.reason}
	}
	if len(rec) != len(im.header) {
		return rec, &ParseError{File: im.opts.File, Line: im.rr.line,
			Reason: fmt.Sprintf("row has %d fields, the header has %d", len(rec), len(im.header))}
	}
	return rec, nil
}

// reject handles a bad row: it returns the error to stop the import, or
// records the row and returns nil when bad rows are skipped.
func (im *importer) reject(rec [][]byte, err error) error {
	var pe *ParseError
	if !errors.As(err, &pe) || !im.opts.SkipBadRows {
		return err
	}
	s := &im.ds.Summary
	s.RowsRejected++
	if s.RejectReason == nil {
		s.RejectReason = map[string]int{}
	}
	s.RejectReason[pe.Reason]++
	if im.opts.OnReject != nil {
		fields := make([]string, len(rec))
		for i, f := range rec {
			fields[i] = string(f)
		}
		im.opts.OnReject(RejectedRow{Err: pe, Fields: fields})
	}
	return nil
}

// cellError builds the error for one bad cell.
func (im *importer) cellError(col int, cell []byte, reason string) *ParseError {
	return &ParseError{File: im.opts.File, Line: im.rr.line, Column: col + 1,
		Field: im.header[col], Value: shorten(string(cell)), Reason: reason}
}

// number parses a cell that must be a finite number at least zero. An empty
// cell is zero unless required.
func (im *importer) number(rec [][]byte, col int, required bool) (float64, error) {
	if col < 0 {
		return 0, nil
	}
	cell := bytes.TrimSpace(rec[col])
	if len(cell) == 0 {
		if required {
			return 0, im.cellError(col, cell, "is empty: expected a number")
		}
		return 0, nil
	}
	v, err := strconv.ParseFloat(string(cell), 64)
	switch {
	case err != nil && !errors.Is(err, strconv.ErrRange):
		return 0, im.cellError(col, cell, "not a number")
	case math.IsNaN(v):
		return 0, im.cellError(col, cell, "not a number (NaN)")
	case math.IsInf(v, 0) || err != nil:
		return 0, im.cellError(col, cell, "too large: expected a finite number")
	case v < 0:
		return 0, im.cellError(col, cell, "is negative: expected a number at least 0")
	}
	return v, nil
}

// readPaths reads the rows of a path table.
func (im *importer) readPaths() error {
	ps := im.ds.Paths
	s := &im.ds.Summary
	sep := []byte(im.opts.Separator)
	if len(sep) == 0 {
		sep = []byte(">")
	}
	pathCol, convCol := im.cols[FieldPath], im.cols[FieldConversions]
	valueCol, nullCol := im.cols[FieldPathValue], im.cols[FieldNulls]
	ps.HasNulls = nullCol >= 0
	var touches []int32
	for {
		rec, err := im.next()
		if err == nil && rec == nil {
			break
		}
		if err != nil {
			if err = im.reject(rec, err); err != nil {
				return err
			}
			continue
		}
		conv, err := im.number(rec, convCol, true)
		var value, nulls float64
		if err == nil {
			value, err = im.number(rec, valueCol, false)
		}
		if err == nil {
			nulls, err = im.number(rec, nullCol, false)
		}
		if err != nil {
			if err = im.reject(rec, err); err != nil {
				return err
			}
			continue
		}
		touches = touches[:0]
		rest := rec[pathCol]
		for len(rest) > 0 {
			i := bytes.Index(rest, sep)
			tok := rest
			if i >= 0 {
				tok, rest = rest[:i], rest[i+len(sep):]
			} else {
				rest = nil
			}
			if tok = bytes.TrimSpace(tok); len(tok) > 0 {
				touches = append(touches, ps.channelBytes(tok))
			}
		}
		ps.AddPath(touches, conv, value, nulls)
		s.RowsAccepted++
		s.Conversions += conv
		s.Value += value
		s.NonConverting += nulls
	}
	if s.RowsRead == 0 {
		return &ParseError{File: im.opts.File, Line: 2, Reason: "the file has a header but no rows"}
	}
	j := s.Conversions + s.NonConverting
	if j <= math.MaxInt32 {
		s.Journeys = int(j)
	}
	return nil
}
