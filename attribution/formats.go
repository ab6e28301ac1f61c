package attribution

import (
	"bytes"
	"fmt"
	"io"
	"math/bits"
	"strings"
	"time"
)

// sampleBytes is how much of a file after its header decides column-wide
// formats (date order, decimal mark) before the parallel parse starts.
// Every row is still checked against the decision, and a row past the
// sample that contradicts it stops the import with both lines named.
const sampleBytes = 256 << 10

// columnFormats are the per-column reading rules of one import, decided
// once from the options and a sample of rows; chunk workers read them and
// never write them.
type columnFormats struct {
	delim   byte
	numCols []int            // the columns read as numbers
	num     []numberStyle    // per column index
	numEv   []numberEvidence // per column index: the sample's evidence
	forced  bool             // ImportOptions.Decimal was set
	timeCol int              // -1 for a path table
	// timeName names the time column in messages; plan is set when a
	// field is read from joined columns, so the sample reads them too.
	timeName string
	plan     *readPlan
	order    DateOrder
	ordered  bool // order was set by ImportOptions.DateFormat
	// deferred: the sample left the order open, so dates that read both
	// ways are read day first, with the month-first reading kept until
	// the whole column has been seen (finishTouches).
	deferred bool
	dateEv   dateEvidence
	loc      *time.Location
	tzName   string
	labels   [][]byte // conversion labels of an event-type column
	labelSet []string
	// labelLengths has bit n set when a label is n bytes long; 0 when a
	// label is not ASCII (then every cell is compared).
	labelLengths uint64
}

// newColumnFormats sets up the rules from the options; inferSample then
// decides what the options leave open.
func newColumnFormats(opts ImportOptions, layout Layout, header []string, cols map[string]int, delim byte) (*columnFormats, error) {
	f := &columnFormats{delim: delim, timeCol: -1,
		num: make([]numberStyle, len(header)), numEv: make([]numberEvidence, len(header))}
	st, forced, err := styleForDecimal(opts.Decimal)
	if err != nil {
		return nil, err
	}
	f.forced = forced
	numFields := []string{FieldValue, FieldCost}
	if layout == LayoutPaths {
		numFields = []string{FieldConversions, FieldPathValue, FieldNulls}
	} else {
		f.timeCol = cols[FieldTimestamp]
		if f.timeCol >= 0 {
			f.timeName = header[f.timeCol]
		}
	}
	for _, field := range numFields {
		if i := cols[field]; i >= 0 {
			f.numCols = append(f.numCols, i)
			f.num[i] = st
		}
	}
	if f.order, err = ParseDateOrder(string(opts.DateFormat)); err != nil {
		return nil, err
	}
	f.ordered = f.order != DateOrderAuto
	if tz := strings.TrimSpace(opts.Timezone); tz != "" && !strings.EqualFold(tz, "UTC") {
		loc, err := time.LoadLocation(tz)
		if err != nil {
			return nil, fmt.Errorf("time zone %q: not a known zone: use an IANA name such as Europe/Berlin or America/New_York", tz)
		}
		f.loc, f.tzName = loc, loc.String()
	}
	labels := DefaultConversionLabels()
	if strings.TrimSpace(opts.ConversionLabel) != "" {
		labels = nil
		for _, l := range strings.Split(opts.ConversionLabel, ",") {
			if l = strings.TrimSpace(l); l != "" {
				labels = append(labels, l)
			}
		}
	}
	f.labelSet = labels
	for _, l := range labels {
		f.labels = append(f.labels, []byte(l))
	}
	f.labelLengths = lengthsOfASCII(f.labels)
	return f, nil
}

// isLabel reports whether an event cell is one of the conversion labels.
func (f *columnFormats) isLabel(cell []byte) bool {
	// Two ASCII strings of different lengths never fold equal: an ASCII
	// cell of a length no label has, such as the "0" of most rows, is no
	// label, without a comparison per label.
	if f.labelLengths != 0 && len(cell) < 64 && f.labelLengths&(1<<len(cell)) == 0 && isASCII(cell) {
		return false
	}
	for _, l := range f.labels {
		if bytes.EqualFold(cell, l) {
			return true
		}
	}
	return false
}

// lengthsOfASCII returns a mask with bit n set when a label is n bytes
// long, or 0 (no shortcut) when a label is not ASCII or is 64 bytes or
// longer.
func lengthsOfASCII(labels [][]byte) uint64 {
	var mask uint64
	for _, l := range labels {
		if len(l) >= 64 || !isASCII(l) {
			return 0
		}
		mask |= 1 << len(l)
	}
	return mask
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// inferSample gathers evidence from the rows in sample (whole records
// only) and decides each open format. A column the sample shows written
// two ways, or that it cannot settle, is an error naming lines.
func (f *columnFormats) inferSample(sample []byte, firstLine int, header []string) string {
	if i := bytes.LastIndexByte(sample, '\n'); i >= 0 {
		sample = sample[:i+1]
	} else {
		sample = nil
	}
	rr := newRecordReader(&sliceSource{sample}, f.delim)
	rr.nextLine = firstLine
	probe := numberStyle{}
	var joinBuf []byte
	for {
		rec, err := rr.read()
		if err != nil {
			break // io.EOF, or a bad row the import itself will report
		}
		if f.plan != nil {
			if len(rec) != f.plan.width {
				continue
			}
			rec = f.plan.extend(rec, &joinBuf)
		} else if len(rec) != len(header) {
			continue
		}
		for _, col := range f.numCols {
			cell := trimSpace(rec[col])
			if len(cell) == 0 || allDigits(cell) {
				continue
			}
			// Most cells are plain decimals, whose evidence is where the
			// point is: no need for the general parser.
			if _, dot, ok := simpleDecimal(cell); ok && dot >= 0 {
				f.numEv[col].notePoint(cell, dot, rr.line)
				continue
			}
			c, _ := parseNumberCell(cell, probe)
			f.numEv[col].note(c, rr.line, cell)
		}
		if f.timeCol >= 0 {
			cell := trimSpace(rec[f.timeCol])
			if _, _, ev, _ := parseTime(cell, f.order, f.ordered, nil); ev != 0 {
				f.dateEv.note(ev, rr.line, cell)
			}
		}
	}
	for _, col := range f.numCols {
		if !f.forced {
			f.num[col] = f.numEv[col].decideStyle(f.delim)
		}
		if msg := f.numEv[col].check(f.num[col], header[col]); msg != "" {
			return msg
		}
	}
	if f.timeCol >= 0 && !f.ordered {
		if msg := f.dateEv.check(header[f.timeCol]); msg != "" {
			return msg
		}
		f.order = f.dateEv.decide()
		f.deferred = f.order == DateOrderAuto

	}
	return ""
}

// formatEvidence is what one chunk's cells showed; the merge folds chunks
// in file order and checks the whole against the decided formats.
type formatEvidence struct {
	num  []numberEvidence // per column index, nil until a cell shows any
	date dateEvidence
}

func (e *formatEvidence) numberAt(col, nCols int) *numberEvidence {
	if e.num == nil {
		e.num = make([]numberEvidence, nCols)
	}
	return &e.num[col]
}

// fold adds a later chunk's evidence and returns why the file's formats
// are now inconsistent, or "".
func (e *formatEvidence) fold(later *formatEvidence, f *columnFormats, header []string) string {
	if later.num != nil {
		for _, col := range f.numCols {
			e.numberAt(col, len(header)).fold(&later.num[col])
			if msg := e.num[col].check(f.num[col], header[col]); msg != "" {
				return msg
			}
		}
	}
	e.date.fold(&later.date)
	if f.timeCol >= 0 && !f.ordered {
		return e.date.check(header[f.timeCol])
	}
	return ""
}

// numberStyle is column col's number style; a reader without formats
// (none decided) reads "." as the decimal point and "," as a separator.
func (cp *chunkParser) numberStyle(col int) numberStyle {
	if cp.formats != nil {
		return cp.formats.num[col]
	}
	return numberStyle{comma: roleGroup, dot: roleDecimal}
}

// noteDecimalPoint notes what a plain decimal read by the fast path shows
// about its column, as parseNumberCell would: "." is a decimal mark, or
// (1.234) the cell was read by the column's style.
func (cp *chunkParser) noteDecimalPoint(col int, cell []byte, dot int) {
	cp.evidence.numberAt(col, len(cp.header)).notePoint(cell, dot, cp.rr.line)
}

// decimalPointEvidence is what a plain decimal (digits with one '.' at dot,
// as simpleDecimal takes) shows about its column, as parseNumberCell finds
// it: "." is a decimal mark, or (1.234) the cell is ambiguous.
func decimalPointEvidence(cell []byte, dot int) uint8 {
	if frac := len(cell) - dot - 1; frac == 3 && dot >= 1 && dot <= 3 && cell[0] != '0' {
		return evAmbDot
	}
	return evDecDot
}

// notePoint notes a plain decimal's evidence, cheaply once it is known.
func (e *numberEvidence) notePoint(cell []byte, dot, line int) {
	bit := decimalPointEvidence(cell, dot)
	if e.kind[bits.TrailingZeros8(bit)].line == 0 {
		e.note(numCell{ev: bit, currency: -1}, line, cell)
	}
}

// numberCell reads a number cell that is not plain digits under its
// column's style, noting what it shows about the style.
func (cp *chunkParser) numberCell(col int, cell []byte) (float64, error) {
	st := cp.numberStyle(col)
	c, reason := parseNumberCell(cell, st)
	if reason != "" {
		return 0, cp.cellError(col, cell, reason)
	}
	if c.ev != 0 || c.currency >= 0 {
		cp.evidence.numberAt(col, len(cp.header)).note(c, cp.rr.line, cell)
	}
	if c.neg && c.v != 0 {
		return -c.v, nil
	}
	return c.v, nil
}

// timeCell reads a timestamp cell by the column's rules. While the date
// order is deferred, a date that reads both ways is read day first and
// alt is its month-first reading (hasAlt).
func (cp *chunkParser) timeCell(col int, cell []byte) (at int64, format TimeFormat, alt int64, hasAlt bool, err error) {
	f := cp.formats
	order := f.order
	if f.deferred {
		order = DayFirst
	}
	at, format, ev, err := parseTime(cell, order, f.ordered, f.loc)
	if ev != 0 {
		cp.evidence.date.note(ev, cp.rr.line, cell)
	}
	if err != nil {
		return 0, "", 0, false, cp.cellError(col, cell, err.Error())
	}
	if f.deferred && ev&evOrderRead != 0 {
		if alt, _, _, err := parseTime(cell, MonthFirst, false, f.loc); err == nil {
			return at, format, alt, true, nil
		}
		// Valid day first but not month first (a year bound): read so.
	}
	return at, format, 0, false, nil
}

// decidedOrder is the date order the whole column settled, once every
// chunk is merged.
func (f *columnFormats) decidedOrder(ev *formatEvidence) DateOrder {
	if f.order != DateOrderAuto {
		return f.order
	}
	all := f.dateEv
	all.fold(&ev.date)
	return all.decide()
}

// describeFormats fills the summary's account of the rules used.
func (f *columnFormats) describe(s *Summary, ev *formatEvidence, header []string) {
	for _, col := range f.numCols {
		all := f.numEv[col]
		if ev.num != nil {
			all.fold(&ev.num[col])
		}
		if d := f.num[col].describe(&all); d != "" {
			if s.NumberFormats == nil {
				s.NumberFormats = map[string]string{}
			}
			s.NumberFormats[header[col]] = d
			if c := all.currencySymbol(); c != "" && !strings.Contains(s.Currency, c) {
				if s.Currency != "" {
					s.Currency += " "
				}
				s.Currency += c
			}
		}
	}
	if f.timeCol >= 0 {
		all := f.dateEv
		all.fold(&ev.date)
		if f.ordered || all.dayFirst.line+all.monthFirst.line+all.orderRead.line > 0 || f.order != DateOrderAuto {
			order := f.order
			if order == DateOrderAuto {
				order = all.decide()
			}
			s.DateOrder = string(order)
			// Deferred dates were named day first while read.
			if order == MonthFirst && strings.HasPrefix(string(s.TimestampFormat), "DD/MM/YYYY") {
				s.TimestampFormat = TimeFormat("MM/DD/YYYY" + strings.TrimPrefix(string(s.TimestampFormat), "DD/MM/YYYY"))
			}
		}
		s.Timezone = f.tzName
	}
}

// crToLF reads a file with old Mac line endings (CR only) as if they were
// LF: every CR becomes a LF.
type crToLF struct{ r io.Reader }

func (c crToLF) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i := range p[:n] {
		if p[i] == '\r' {
			p[i] = '\n'
		}
	}
	return n, err
}

// crOnly reports whether the start of a file ends its lines with CR alone.
func crOnly(head []byte) bool {
	i := bytes.IndexByte(head, '\r')
	return i >= 0 && bytes.IndexByte(head, '\n') < 0 && i+1 < len(head)
}

// delimiterOption reads ImportOptions.Delimiter: 0 for "" (detect).
func delimiterOption(s string) (byte, error) {
	switch strings.ToLower(s) {
	case "":
		return 0, nil
	case "comma", ",":
		return ',', nil
	case "semicolon", ";":
		return ';', nil
	case "tab", "\t":
		return '\t', nil
	}
	return 0, fmt.Errorf("delimiter %q: use comma, semicolon or tab", s)
}

// parseFlag reads a yes/no cell as exports write it: 1 if it says yes
// (1, true, yes, y, or ja, oui, sí, sim, wahr, vrai, verdadero, vero), 0
// if no (0, false, no, n, empty, or nein, nee, non, não, falsch, faux,
// falso), -1 if neither. Case does not matter.
func parseFlag(cell []byte) int {
	if len(cell) == 0 {
		return 0
	}
	if len(cell) == 1 && (cell[0] == '0' || cell[0] == '1') {
		// Most flag cells, and no other word folds to either.
		return int(cell[0] - '0')
	}
	// By index: ranging over the array by value copied all of it on
	// every call, most of the time a touch log's flag cells took.
	for i := range flagWords {
		if w := &flagWords[i]; bytes.EqualFold(cell, w.word) {
			return w.flag
		}
	}
	return -1
}

var flagWords = [...]struct {
	word []byte
	flag int
}{
	{[]byte("1"), 1}, {[]byte("0"), 0}, {[]byte("true"), 1}, {[]byte("false"), 0},
	{[]byte("yes"), 1}, {[]byte("no"), 0}, {[]byte("y"), 1}, {[]byte("n"), 0},
	// European CRMs export their own language's words: German, Dutch,
	// French, Spanish, Italian and Portuguese.
	{[]byte("ja"), 1}, {[]byte("nein"), 0}, {[]byte("nee"), 0}, {[]byte("wahr"), 1}, {[]byte("falsch"), 0},
	{[]byte("oui"), 1}, {[]byte("non"), 0}, {[]byte("vrai"), 1}, {[]byte("faux"), 0},
	{[]byte("sí"), 1}, {[]byte("si"), 1}, {[]byte("verdadero"), 1}, {[]byte("falso"), 0}, {[]byte("vero"), 1},
	{[]byte("sim"), 1}, {[]byte("não"), 0}, {[]byte("nao"), 0},
}
