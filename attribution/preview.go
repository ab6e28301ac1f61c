package attribution

import (
	"bytes"
	"errors"
	"io"
)

// Preview is what the import dialog shows before importing: the first rows
// and what was detected about the file.
type Preview struct {
	Header          []string
	Rows            [][]string
	Delimiter       string
	Encoding        string // "UTF-16LE" or "UTF-16BE"; "" for UTF-8
	Layout          Layout // LayoutAuto when it could not be detected
	LayoutError     string // why the layout could not be detected
	Columns         map[string]string
	TimestampFormat TimeFormat

	// The raw rows after the header (up to the import's sample size), so
	// that Rules decides formats exactly as Import will.
	sample    []byte
	firstLine int
	delim     byte
	whole     bool // the sample is the whole file
}

// ReadPreview reads the header and up to n rows of r and detects the
// delimiter, layout, column mapping and timestamp format. A file that
// cannot be read as CSV at all returns a *ParseError.
func ReadPreview(r io.Reader, file string, n int) (*Preview, error) {
	return ReadPreviewDelimited(r, file, n, "")
}

// ReadPreviewDelimited is ReadPreview with the delimiter forced as
// ImportOptions.Delimiter does ("" detects it).
func ReadPreviewDelimited(r io.Reader, file string, n int, delimiter string) (*Preview, error) {
	forced, err := delimiterOption(delimiter)
	if err != nil {
		return nil, err
	}
	in, dec, err := decodeInput(r, file)
	if err != nil {
		return nil, err
	}
	br, rr, header, err := readHeaderWith(in, file, forced)
	if err != nil {
		return nil, err
	}
	p := &Preview{Header: header, Delimiter: delimName(rr.delim), Encoding: dec.encodingName(), Columns: map[string]string{}}
	sample, peekErr := br.Peek(sampleBytes)
	p.sample, p.firstLine, p.delim, p.whole = bytes.Clone(sample), rr.nextLine, rr.delim, peekErr != nil
	for len(p.Rows) < n {
		rec, err := rr.read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, rowError(file, rr, err)
		}
		row := make([]string, len(rec))
		for i, f := range rec {
			row[i] = string(f)
		}
		p.Rows = append(p.Rows, row)
	}
	layout, err := DetectLayout(p.Header)
	if err != nil {
		p.LayoutError = err.Error()
		return p, nil
	}
	p.Layout = layout
	p.Columns = p.Mapping(layout, nil)
	if tf := p.Rules(ImportOptions{}).TimestampFormat; tf != "" {
		p.TimestampFormat = tf
	} else if col, ok := p.Columns[FieldTimestamp]; ok {
		i := ColumnIndex(p.Header, col)
		for _, row := range p.Rows {
			if i < len(row) {
				if _, f, err := parseTimestamp(trimSpace([]byte(row[i]))); err == nil {
					p.TimestampFormat = f
					break
				}
			}
		}
	}
	return p, nil
}

// Mapping returns the column chosen for each field of layout l (field ->
// column, as ColumnLabel names it), with manual choices (column -> field)
// taking precedence. A field read from joined columns names the first.
func (p *Preview) Mapping(l Layout, manual map[string]string) map[string]string {
	cols, _ := matchColumns(p.Header, l, manual)
	out := map[string]string{}
	for f, i := range cols {
		if i >= 0 {
			out[f] = ColumnLabel(p.Header, i)
		}
	}
	return out
}

// ColumnLabels returns ColumnLabel of every column of the preview's
// header: the names a column picker offers, each naming one column.
func (p *Preview) ColumnLabels() []string {
	out := make([]string, len(p.Header))
	for i := range p.Header {
		out[i] = ColumnLabel(p.Header, i)
	}
	return out
}
