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
	"sync"
	"time"
)

// MaxCell and MinCell bound every count, value and cost a file may hold
// (besides 0): sums over billions of rows of such cells stay finite, and
// no probability in the Markov chain underflows.
const (
	MaxCell = 1e15
	MinCell = 1e-9
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
	// ConversionLabel lists the values of an event-type conversion column
	// that mark a conversion, comma-separated, matched case-insensitively;
	// "" means DefaultConversionLabels.
	ConversionLabel string
	// Decimal is the decimal mark of every number column, "." or ","; ""
	// decides per column from the column's own cells.
	Decimal string
	// DateFormat reads dates written DD/MM/YYYY or MM/DD/YYYY; "" decides
	// from the column (a part over 12 settles it).
	DateFormat DateOrder
	// Timezone is the IANA zone of times written without one; "" is UTC.
	Timezone string
	// Delimiter forces the field delimiter: "comma", "semicolon" or "tab"
	// (or the character itself); "" detects it from the header line.
	Delimiter string
	// SkipBadRows skips rows that do not parse, reporting each through
	// OnReject and in the summary, instead of stopping at the first.
	SkipBadRows bool
	// OnReject, if set, receives every skipped row with its raw cells.
	OnReject func(row RejectedRow)
	// By, for a touch log, also splits the journeys into weeks or months
	// (Dataset.Periods): conversions by their time, non-converting
	// journeys by their last touch, in Location (nil means UTC).
	By       PeriodKind
	Location *time.Location
	// Progress, if set, is called on the goroutine that called Import (never
	// from two goroutines at once) after each chunk of input, and exactly
	// once with Done set when the import succeeds, with Bytes then equal to
	// the input's size.
	Progress func(p Progress)

	// generalRowsOnly reads every row of a path table or touch log with
	// the general reader: the tests' reference for the fast row scanners.
	generalRowsOnly bool
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
	// ColumnAlternatives names, per field, the other columns that would
	// also have fitted it by name (a lower tier of the vocabulary), as
	// --map names them (ColumnRef: the name, or "#N" when it is shared).
	ColumnAlternatives map[string][]string `json:"column_alternatives,omitempty"`
	// Joins names the fields read from two columns joined, such as the
	// channel from "Session source" and "Session medium" (Columns holds
	// the first).
	Joins map[string]ColumnJoin `json:"joined_columns,omitempty"`
	// Encoding is "UTF-16LE" or "UTF-16BE" for a UTF-16 file, "" for UTF-8.
	Encoding string `json:"encoding,omitempty"`

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
	// ValuesIgnored counts non-conversion rows whose value cell held a
	// number above 0: only conversions carry value, so it was not counted.
	ValuesIgnored int    `json:"values_on_non_conversions,omitempty"`
	Lookback      string `json:"lookback,omitempty"`

	// How cells were read: the conversion labels of an event-type
	// column, the date order and zone of day/month dates, and per number
	// column its decimal mark, thousands separator and currency, when
	// they are not plain digits.
	ConversionLabels []string          `json:"conversion_labels,omitempty"`
	DateOrder        string            `json:"date_order,omitempty"`
	Timezone         string            `json:"timezone,omitempty"`
	NumberFormats    map[string]string `json:"number_formats,omitempty"`
	Currency         string            `json:"currency,omitempty"`

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
	// Periods holds the weeks or months asked for by ImportOptions.By.
	Periods []Period
}

// Import reads a path table or touch log from r. It stops at the first bad
// row with a *ParseError unless opts.SkipBadRows is set; problems with the
// file as a whole (no header, unknown layout) are *ParseError too.
func Import(ctx context.Context, r io.Reader, opts ImportOptions) (*Dataset, error) {
	if opts.File == "" {
		opts.File = "input"
	}
	forcedDelim, err := delimiterOption(opts.Delimiter)
	if err != nil {
		return nil, err
	}
	in, dec, err := decodeInput(r, opts.File)
	if err != nil {
		return nil, err
	}
	br, rr, header, err := readHeaderWith(in, opts.File, forcedDelim)
	if err != nil {
		return nil, err
	}
	delim := rr.delim
	fileErr := func(reason string) error { return &ParseError{File: opts.File, Line: 1, Reason: reason} }
	layout := opts.Layout
	if layout == LayoutAuto {
		layout, err = detectLayout(header, opts.Map)
		if err != nil {
			return nil, fileErr(err.Error())
		}
	} else if layout != LayoutPaths && layout != LayoutTouches {
		return nil, fmt.Errorf("unknown layout %q: use paths or touches", layout)
	}
	if err := checkPeriods(opts.By, layout); err != nil {
		return nil, fileErr(err.Error())
	}
	sample, _ := br.Peek(sampleBytes)
	cm, err := chooseColumns(opts, layout, header, sample, rr.nextLine, delim)
	if err != nil {
		return nil, err
	}
	plan := newReadPlan(header, cm)
	cols, unused := cm.cols, cm.unused
	ds := &Dataset{Paths: NewPathSet()}
	s := &ds.Summary
	s.File, s.Layout, s.Delimiter, s.IgnoredColumns = opts.File, layout, delimName(delim), unused
	s.Encoding = dec.encodingName()
	s.Header = header
	s.Columns = map[string]int{}
	s.ColumnAlternatives = cm.alternatives
	if len(s.ColumnAlternatives) == 0 {
		s.ColumnAlternatives = nil
	}
	for f, i := range cols {
		if i >= 0 {
			s.Columns[f] = i
		}
	}
	s.Joins = summaryJoins(cm)
	formats, err := newColumnFormats(opts, layout, plan.header, plan.cols, delim)
	if err != nil {
		return nil, err
	}
	formats.setPlan(plan)
	if len(sample) > 0 {
		if msg := formats.inferSample(sample, rr.nextLine, plan.header); msg != "" {
			return nil, &ParseError{File: opts.File, Reason: msg}
		}
	}
	if layout == LayoutTouches && (opts.ConversionLabel != "" || slices.Contains(eventColumns, normalizeHeader(header[cols[FieldConversion]]))) {
		s.ConversionLabels = formats.labelSet
	}
	shared := &importShared{opts: opts, header: plan.names, labels: plan.header, width: plan.width, cols: plan.cols, delim: delim, formats: formats, plan: formats.plan}
	merged := &mergeState{ctx: ctx, ds: ds, opts: opts, bytes: rr.bytes, formats: formats, decoded: dec}
	if dec == nil {
		// The size sizes the columns; a UTF-16 file's is twice its text's.
		merged.size = inputSize(r)
	}
	if layout == LayoutPaths {
		err = parseChunks(ctx, br, rr.nextLine, shared.parsePathChunk, merged.mergePaths)
	} else {
		err = parseChunks(ctx, br, rr.nextLine, shared.parseTouchChunk, merged.mergeTouches)
	}
	if err == nil && s.RowsRead == 0 {
		err = &ParseError{File: opts.File, Line: 2, Reason: "the file has a header but no rows"}
	}
	if err == nil && layout == LayoutTouches {
		err = merged.finishTouches()
	}
	if err != nil {
		var pe *ParseError
		if !errors.As(err, &pe) && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("read %s: %w", opts.File, err)
		}
		return nil, err
	}
	if layout == LayoutPaths {
		if j := s.Conversions + s.NonConverting; j <= math.MaxInt32 {
			s.Journeys = int(j)
		}
	}
	formats.describe(s, &merged.evidence, plan.header)
	s.Channels = len(ds.Paths.Channels)
	s.Paths = ds.Paths.Len()
	s.UnattributedConversions = ds.Paths.UnattributedConversions
	s.UnattributedValue = ds.Paths.UnattributedValue
	if opts.Progress != nil {
		opts.Progress(Progress{Rows: s.RowsRead, Bytes: merged.progressBytes(), Done: true})
	}
	return ds, nil
}

// readHeader starts reading a CSV: it strips a UTF-8 byte-order mark,
// detects the delimiter from the first line and reads the header. The
// reader's byte count includes the mark, so progress ends at the file size.
func readHeader(r io.Reader, file string) (*bufio.Reader, *recordReader, []string, error) {
	return readHeaderWith(r, file, 0)
}

// readHeaderWith is readHeader with a forced delimiter (0 detects it).
func readHeaderWith(r io.Reader, file string, delim byte) (*bufio.Reader, *recordReader, []string, error) {
	br := bufio.NewReaderSize(r, 256<<10)
	bom := 0
	if b, _ := br.Peek(3); bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
		bom = 3
	}
	head, _ := br.Peek(64 << 10)
	if crOnly(head) {
		// Old Mac line endings: read each CR as a line end.
		br = bufio.NewReaderSize(crToLF{br}, 256<<10)
	}
	// Reports such as Google Analytics' start with "# ..." lines.
	skipped, skippedBytes := 0, 0
	for {
		b, _ := br.Peek(1)
		if len(b) == 0 || b[0] != '#' {
			break
		}
		line, err := br.ReadSlice('\n')
		for errors.Is(err, bufio.ErrBufferFull) {
			skippedBytes += len(line)
			line, err = br.ReadSlice('\n')
		}
		skippedBytes += len(line)
		skipped++
	}
	// Excel writes "sep=;" as a first line to name the delimiter.
	if d, n := excelSepLine(br); n > 0 {
		br.Discard(n)
		skipped++
		skippedBytes += n
		if delim == 0 {
			delim = d
		}
	}
	head, _ = br.Peek(64 << 10)
	if delim == 0 {
		delim = detectDelimiter(head)
	}
	rr := newRecordReader(br, delim)
	rr.bytes = int64(bom + skippedBytes)
	rr.nextLine += skipped
	rec, err := rr.read()
	if errors.Is(err, io.EOF) {
		return nil, nil, nil, &ParseError{File: file, Line: 1, Reason: "the file is empty: expected a header row and data"}
	}
	if err != nil {
		return nil, nil, nil, rowError(file, rr, err)
	}
	header := make([]string, len(rec))
	for i, f := range rec {
		header[i] = string(f)
	}
	return br, rr, header, nil
}

// excelSepLine reports the delimiter an Excel "sep=X" line at the start of
// br names, and the line's length with its line end (0 when there is none).
func excelSepLine(br *bufio.Reader) (byte, int) {
	b, _ := br.Peek(7)
	if len(b) < 5 || !bytes.EqualFold(b[:4], []byte("sep=")) {
		return 0, 0
	}
	d := b[4]
	if d != ',' && d != ';' && d != '\t' && d != '|' {
		return 0, 0
	}
	switch rest := b[5:]; {
	case len(rest) == 0:
		return d, 5
	case rest[0] == '\n':
		return d, 6
	case len(rest) == 2 && rest[0] == '\r' && rest[1] == '\n':
		return d, 7
	case rest[0] == '\r':
		return d, 6
	}
	return 0, 0
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

// importShared is what every chunk worker reads and none writes.
type importShared struct {
	opts    ImportOptions
	header  []string
	cols    map[string]int
	delim   byte
	formats *columnFormats
	// header names the columns read (joined ones after the file's) and
	// labels names them in messages (ColumnLabel: "Source (#3)" where a
	// name is shared); width is the file's own column count.
	labels []string
	width  int
	plan   *readPlan // nil unless a field is read from joined columns
	// pathChunks recycles parsed chunks once merged, so that a large file
	// parses into the same few buffers instead of fresh ones per chunk.
	pathChunks sync.Pool
	// touchChunks does the same for a touch log.
	touchChunks sync.Pool
}

// chunkParser parses the rows of one chunk; each worker has its own.
type chunkParser struct {
	*importShared
	rr       *recordReader
	rows     int
	accepted int
	rejects  []RejectedRow // skipped rows, in order
	stop     error         // the first bad row, when not skipping
	evidence formatEvidence
	joinBuf  []byte // the joined cells of the current row
}

func (sh *importShared) newChunkParser(c chunk) *chunkParser {
	rr := newRecordReader(&sliceSource{c.data}, sh.delim)
	rr.nextLine = c.firstLine
	return &chunkParser{importShared: sh, rr: rr}
}

// next reads the next row, or returns (nil, nil) at the end of the chunk
// or after a row that stops the import. A bad row is returned with its
// *ParseError; the caller passes it to bad.
func (cp *chunkParser) next() ([][]byte, error) {
	if cp.stop != nil {
		return nil, nil
	}
	rec, err := cp.rr.read()
	if errors.Is(err, io.EOF) {
		return nil, nil
	}
	cp.rows++
	if err != nil {
		var re *errRecord
		if !errors.As(err, &re) {
			return nil, err
		}
		return rec, &ParseError{File: cp.opts.File, Line: cp.rr.line, Reason: re.reason}
	}
	if len(rec) != cp.width {
		return rec, &ParseError{File: cp.opts.File, Line: cp.rr.line,
			Reason: fmt.Sprintf("row has %d fields, the header has %d", len(rec), cp.width)}
	}
	if cp.plan != nil {
		rec = cp.plan.extend(rec, &cp.joinBuf)
	}
	return rec, nil
}

// bad records a bad row: it stops the chunk, or is kept as a rejected row
// when bad rows are skipped.
func (cp *chunkParser) bad(rec [][]byte, err error) {
	var pe *ParseError
	if !errors.As(err, &pe) || !cp.opts.SkipBadRows {
		cp.stop = err
		return
	}
	rec = rec[:min(len(rec), cp.width)] // the file's cells, not the joined ones
	fields := make([]string, len(rec))
	for i, f := range rec {
		fields[i] = string(f)
	}
	cp.rejects = append(cp.rejects, RejectedRow{Err: pe, Fields: fields})
}

// cellError builds the error for one bad cell.
func (cp *chunkParser) cellError(col int, cell []byte, reason string) *ParseError {
	return &ParseError{File: cp.opts.File, Line: cp.rr.line, Column: cp.plan.column(col),
		Field: cp.labels[col], Value: shorten(string(cell)), Reason: reason}
}

// number parses a cell that must be a finite number at least zero. An empty
// cell is zero unless required.
func (cp *chunkParser) number(rec [][]byte, col int, required bool) (float64, error) {
	if col < 0 {
		return 0, nil
	}
	cell := trimSpace(rec[col])
	if len(cell) == 0 {
		if required {
			return 0, cp.cellError(col, cell, "is empty: expected a number")
		}
		return 0, nil
	}
	// Counts and plain decimals, the common case, when the column reads
	// "." as the decimal mark (DESIGN 2.6); a column that groups
	// thousands with "." takes the full parser for anything but digits.
	if cp.numberStyle(col).dot == roleDecimal {
		if v, dot, ok := simpleDecimal(cell); ok {
			if dot >= 0 {
				cp.noteDecimalPoint(col, cell, dot)
			}
			return v, nil
		}
	} else if len(cell) <= 15 && allDigits(cell) {
		n, _ := digits(cell)
		return float64(n), nil
	}
	v, err := cp.numberCell(col, cell)
	if err != nil {
		return 0, err
	}
	switch {
	case v < 0:
		return 0, cp.cellError(col, cell, "is negative: expected a number at least 0")
	case v > MaxCell:
		// Bounded so that sums over any file stay finite.
		return 0, cp.cellError(col, cell, "too large: at most 1e15")
	case v != 0 && v < MinCell:
		return 0, cp.cellError(col, cell, "too small: a count or value other than 0 must be at least 1e-9")
	}
	return v, nil
}

// trimSpace trims ASCII white space, the only kind CSV exports pad with;
// it is much cheaper than bytes.TrimSpace on the hot path.
func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n' || b[0] == '\v' || b[0] == '\f') {
		b = b[1:]
	}
	for len(b) > 0 {
		c := b[len(b)-1]
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '\v' && c != '\f' {
			break
		}
		b = b[:len(b)-1]
	}
	return b
}

// mergeState gathers chunk results, in input order, into the Dataset.
type mergeState struct {
	ctx   context.Context
	ds    *Dataset
	opts  ImportOptions
	bytes int64
	size  int64   // the input's size if known, else 0: sizes the columns
	remap []int32 // chunk channel id -> dataset channel id

	// Touch logs: rows in columnar form, journeys interned across chunks.
	journeys keyInterner
	rows     touchRows
	spend    []float64 // per dataset channel
	hasSpend []bool
	minT     int64
	maxT     int64

	formats  *columnFormats
	decoded  *utf16Reader   // nil unless the file is UTF-16
	evidence formatEvidence // every chunk's so far, in file order
	altRow   []int32        // rows whose date order is deferred (finishTouches)
	altAt    []int64
}

// mergeCommon folds a chunk's row counts and rejects into the summary and
// returns the error that stops the import, if any.
func (m *mergeState) mergeCommon(c chunk, cp *chunkParser) error {
	s := &m.ds.Summary
	s.RowsRead += cp.rows
	s.RowsAccepted += cp.accepted
	s.RowsRejected += len(cp.rejects)
	m.bytes += int64(len(c.data))
	for _, r := range cp.rejects {
		if s.RejectReason == nil {
			s.RejectReason = map[string]int{}
		}
		s.RejectReason[r.Err.Reason]++
		if m.opts.OnReject != nil {
			m.opts.OnReject(r)
		}
	}
	if msg := m.evidence.fold(&cp.evidence, m.formats, cp.labels); msg != "" {
		return &ParseError{File: m.opts.File, Reason: msg}
	}
	if cp.stop != nil {
		return cp.stop
	}
	if m.opts.Progress != nil {
		m.opts.Progress(Progress{Rows: s.RowsRead, Bytes: m.progressBytes()})
	}
	return m.ctx.Err()
}

// remapChannels maps a chunk's channel ids to the dataset's, interning new
// channels in the chunk's order of first appearance so that the dataset's
// order is the file's.
func (m *mergeState) remapChannels(local *interner) {
	m.remap = m.remap[:0]
	for _, name := range local.names {
		m.remap = append(m.remap, m.ds.Paths.channelBytes([]byte(name)))
	}
}

// pathChunk is one chunk of a path table, parsed.
type pathChunk struct {
	pool     *sync.Pool // where it goes back once merged
	cp       *chunkParser
	channels interner
	offsets  []int32
	touches  []int32
	conv     []float64
	value    []float64
	nulls    []float64
}

func (sh *importShared) parsePathChunk(c chunk) *pathChunk {
	cp := sh.newChunkParser(c)
	pc, _ := sh.pathChunks.Get().(*pathChunk)
	if pc == nil {
		pc = &pathChunk{pool: &sh.pathChunks}
	}
	pc.cp = cp
	pc.channels.reset()
	sep := []byte(sh.opts.Separator)
	if len(sep) == 0 {
		sep = []byte(">")
	}
	// Size the columns of a new chunk from counts (cheap, vectorised)
	// instead of growing them row by row; a recycled one keeps the room
	// its last chunk needed, which chunks of a file alike mostly fit.
	if cap(pc.conv) == 0 {
		rows := bytes.Count(c.data, []byte{'\n'}) + 1
		pc.offsets = growRoom(pc.offsets, rows+1)
		pc.touches = growRoom(pc.touches, rows+bytes.Count(c.data, sep))
		pc.conv, pc.value, pc.nulls = growRoom(pc.conv, rows), growRoom(pc.value, rows), growRoom(pc.nulls, rows)
	}
	pc.offsets = append(pc.offsets[:0], 0)
	pc.touches, pc.conv, pc.value, pc.nulls = pc.touches[:0], pc.conv[:0], pc.value[:0], pc.nulls[:0]
	// The map holds -1 for a field the file lacks.
	cols := pathCols{path: sh.cols[FieldPath], conv: sh.cols[FieldConversions],
		value: sh.cols[FieldPathValue], nulls: sh.cols[FieldNulls]}
	fast := !sh.opts.generalRowsOnly && sh.canScanFast(sep, c.data)
	src := cp.rr.r.(*sliceSource)
	pos, line := 0, c.firstLine
	for {
		if fast {
			// Fast rows up to one the general reader takes, which then
			// reads on from there.
			pos, line = pc.scanPathRows(cp, c.data, pos, line, cols, sep[0])
			src.b, cp.rr.nextLine = c.data[pos:], line
		}
		rec, err := cp.next()
		if err == nil && rec == nil {
			return pc
		}
		pc.addRow(cp, rec, err, cols, sep)
		pos, line = len(c.data)-len(src.b), cp.rr.nextLine
	}
}

// addRow adds one row read by the general reader, or records it as bad.
func (pc *pathChunk) addRow(cp *chunkParser, rec [][]byte, err error, cols pathCols, sep []byte) {
	var conv, value, nulls float64
	if err == nil {
		conv, err = cp.number(rec, cols.conv, true)
	}
	if err == nil {
		value, err = cp.number(rec, cols.value, false)
	}
	if err == nil {
		nulls, err = cp.number(rec, cols.nulls, false)
	}
	if err == nil && value > 0 && conv == 0 {
		err = cp.cellError(cols.value, rec[cols.value], "is more than 0 on a path with no conversions: conversion value needs a conversion")
	}
	if err != nil {
		cp.bad(rec, err)
		return
	}
	if len(sep) == 1 {
		// The usual one-byte separator: one pass over the cell, eight
		// bytes at a time, no search call per token.
		pc.touches = appendTokens(pc.touches, &pc.channels, rec[cols.path], sep[0])
	} else {
		for rest := rec[cols.path]; len(rest) > 0; {
			tok := rest
			if i := bytes.Index(rest, sep); i >= 0 {
				tok, rest = rest[:i], rest[i+len(sep):]
			} else {
				rest = nil
			}
			if tok = trimSpace(tok); len(tok) > 0 {
				pc.touches = append(pc.touches, pc.channels.intern(tok))
			}
		}
	}
	pc.endRow(cp, conv, value, nulls)
}

// endRow closes an accepted row whose touches are appended: its path's
// end and its sums.
func (pc *pathChunk) endRow(cp *chunkParser, conv, value, nulls float64) {
	pc.offsets = append(pc.offsets, int32(len(pc.touches)))
	pc.conv = append(pc.conv, conv)
	pc.value = append(pc.value, value)
	pc.nulls = append(pc.nulls, nulls)
	cp.accepted++
}

func (m *mergeState) mergePaths(c chunk, pc *pathChunk) error {
	ps := m.ds.Paths
	ps.HasNulls = hasField(m.ds.Summary.Columns, FieldNulls)
	if c.seq == 0 {
		ps.reservePaths(estimateRows(m.size, len(pc.conv), len(c.data)), len(pc.touches), len(pc.conv))
	}
	m.remapChannels(&pc.channels)
	s := &m.ds.Summary
	// In batches: the batch's paths are hashed with the dataset's ids,
	// their index slots warmed together, then added in order.
	const batch = 32
	var hashes [batch]uint64
	// The summary's sums in locals, the same additions in the same order.
	conv, value, nonConverting := s.Conversions, s.Value, s.NonConverting
	for lo := 0; lo < len(pc.conv); lo += batch {
		hi := min(lo+batch, len(pc.conv))
		for i := lo; i < hi; i++ {
			local := pc.touches[pc.offsets[i]:pc.offsets[i+1]]
			h := pathHashSeed
			for _, t := range local {
				h = pathHashStep(h, m.remap[t])
			}
			hashes[i-lo] = pathHashEnd(h, len(local))
		}
		ps.makeRoom(hi - lo)
		ps.index.warm(hashes[:hi-lo])
		for i := lo; i < hi; i++ {
			if local := pc.touches[pc.offsets[i]:pc.offsets[i+1]]; len(local) == 0 {
				ps.UnattributedConversions += pc.conv[i]
				ps.UnattributedValue += pc.value[i]
			} else {
				ps.addHashed(local, m.remap, hashes[i-lo], pc.conv[i], pc.value[i], pc.nulls[i])
			}
			conv += pc.conv[i]
			value += pc.value[i]
			nonConverting += pc.nulls[i]
		}
	}
	s.Conversions, s.Value, s.NonConverting = conv, value, nonConverting
	err := m.mergeCommon(c, pc.cp)
	pc.cp = nil
	pc.pool.Put(pc)
	return err
}

func hasField(cols map[string]int, field string) bool {
	_, ok := cols[field]
	return ok
}
