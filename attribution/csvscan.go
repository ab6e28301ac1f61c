package attribution

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// MaxRecordBytes is the longest record (one row, quoted newlines included)
// the importers accept. A longer one is almost always a broken file, such
// as an unterminated quote swallowing the rest of it.
const MaxRecordBytes = 1 << 20

// recordReader reads RFC 4180 records from a stream without allocating per
// field: the fields it returns alias an internal buffer and are valid only
// until the next call to read.
type recordReader struct {
	r     lineSource
	delim byte
	// line is the number of the first line of the last record read;
	// nextLine is the number of the next physical line.
	line, nextLine int
	bytes          int64 // bytes consumed so far

	rec    []byte // unquoted bytes of the current record
	ends   []int  // end offset in rec of each field
	fields [][]byte
	long   []byte // accumulates a physical line longer than r's buffer
}

// lineSource is what recordReader reads from: a *bufio.Reader, or a
// sliceSource over a chunk already in memory.
type lineSource interface {
	ReadSlice(delim byte) ([]byte, error)
}

func newRecordReader(r lineSource, delim byte) *recordReader {
	return &recordReader{r: r, delim: delim, nextLine: 1}
}

// errRecord is a problem with the record's syntax; the caller adds the file
// name and line.
type errRecord struct{ reason string }

func (e *errRecord) Error() string { return e.reason }

// readLine returns the next physical line without its line ending, or
// io.EOF. The slice is valid until the next call.
func (rr *recordReader) readLine(recordSoFar int) ([]byte, error) {
	line, err := rr.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		rr.long = append(rr.long[:0], line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			if recordSoFar+len(rr.long) > MaxRecordBytes {
				// Skip the rest of the line so that reading can go on after it.
				for errors.Is(err, bufio.ErrBufferFull) {
					line, err = rr.r.ReadSlice('\n')
					rr.bytes += int64(len(line))
				}
				rr.nextLine++
				return nil, &errRecord{fmt.Sprintf("row is longer than %d bytes: is a quote left open?", MaxRecordBytes)}
			}
			line, err = rr.r.ReadSlice('\n')
			rr.long = append(rr.long, line...)
		}
		line = rr.long
	}
	if len(line) == 0 && err != nil {
		return nil, err
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	rr.bytes += int64(len(line))
	rr.nextLine++
	if recordSoFar+len(line) > MaxRecordBytes {
		return nil, &errRecord{fmt.Sprintf("row is longer than %d bytes: is a quote left open?", MaxRecordBytes)}
	}
	line = bytes.TrimSuffix(line, []byte{'\n'})
	line = bytes.TrimSuffix(line, []byte{'\r'})
	return line, nil
}

// read returns the fields of the next non-blank record, or io.EOF.
func (rr *recordReader) read() ([][]byte, error) {
	var line []byte
	var err error
	for {
		rr.line = rr.nextLine
		line, err = rr.readLine(0)
		if err != nil {
			return nil, err
		}
		if len(line) > 0 {
			break
		}
	}
	if !utf8.Valid(line) {
		return nil, &errRecord{"row is not valid UTF-8 text: save the file as UTF-8"}
	}
	rr.fields = rr.fields[:0]
	if bytes.IndexByte(line, '"') < 0 {
		// Fast path: no quoting, fields alias the line itself.
		for {
			i := bytes.IndexByte(line, rr.delim)
			if i < 0 {
				rr.fields = append(rr.fields, line)
				return rr.fields, nil
			}
			rr.fields = append(rr.fields, line[:i])
			line = line[i+1:]
		}
	}
	if rr.splitSimpleQuoted(line) {
		return rr.fields, nil
	}
	return rr.readQuoted(line)
}

// splitSimpleQuoted splits a line whose quoted fields hold no doubled
// quote and end on the same line — the usual quoting, of a path with a
// delimiter-free separator or a name with a comma — into fields that
// alias the line, as the unquoted fast path does. Anything else reports
// false and is left to readQuoted, which copies, unescapes and explains.
func (rr *recordReader) splitSimpleQuoted(line []byte) bool {
	rr.fields = rr.fields[:0]
	for {
		if len(line) > 0 && line[0] == '"' {
			end := bytes.IndexByte(line[1:], '"') + 1
			if end == 0 || end+1 < len(line) && line[end+1] == '"' {
				return false // spans lines, or holds an escaped quote
			}
			rr.fields = append(rr.fields, line[1:end])
			line = line[end+1:]
			if len(line) == 0 {
				return true
			}
			if line[0] != rr.delim {
				return false
			}
			line = line[1:]
			if len(line) == 0 { // trailing delimiter: one more empty field
				rr.fields = append(rr.fields, line)
				return true
			}
			continue
		}
		i := bytes.IndexByte(line, rr.delim)
		field := line
		if i >= 0 {
			field = line[:i]
		}
		if bytes.IndexByte(field, '"') >= 0 {
			return false
		}
		rr.fields = append(rr.fields, field)
		if i < 0 {
			return true
		}
		line = line[i+1:]
	}
}

// readQuoted parses a record that contains quotes, reading further lines
// while a quoted field spans them.
func (rr *recordReader) readQuoted(line []byte) ([][]byte, error) {
	rr.rec = rr.rec[:0]
	rr.ends = rr.ends[:0]
	for {
		// At the start of a field.
		if len(line) == 0 || line[0] != '"' {
			// Unquoted field: up to the next delimiter. RFC 4180 allows no
			// quote inside it; holding to that is what lets the file be cut
			// into chunks at newlines outside quotes.
			i := bytes.IndexByte(line, rr.delim)
			field := line
			if i >= 0 {
				field = line[:i]
			}
			if bytes.IndexByte(field, '"') >= 0 {
				return nil, &errRecord{fmt.Sprintf("field %d: a quote inside an unquoted field: quote the whole field and double the quote, e.g. \"5\"\" screen\"", len(rr.ends)+1)}
			}
			if i < 0 {
				rr.rec = append(rr.rec, line...)
				rr.ends = append(rr.ends, len(rr.rec))
				break
			}
			rr.rec = append(rr.rec, line[:i]...)
			rr.ends = append(rr.ends, len(rr.rec))
			line = line[i+1:]
			continue
		}
		// Quoted field.
		line = line[1:]
		for {
			i := bytes.IndexByte(line, '"')
			if i < 0 {
				// The field goes on past the end of this line.
				rr.rec = append(rr.rec, line...)
				rr.rec = append(rr.rec, '\n')
				next, err := rr.readLine(len(rr.rec))
				if errors.Is(err, io.EOF) {
					return nil, &errRecord{"a quoted field is never closed: add the missing \""}
				}
				if err != nil {
					return nil, err
				}
				if !utf8.Valid(next) {
					return nil, &errRecord{"row is not valid UTF-8 text: save the file as UTF-8"}
				}
				line = next
				continue
			}
			rr.rec = append(rr.rec, line[:i]...)
			line = line[i+1:]
			if len(line) > 0 && line[0] == '"' { // "" is an escaped quote
				rr.rec = append(rr.rec, '"')
				line = line[1:]
				continue
			}
			break
		}
		rr.ends = append(rr.ends, len(rr.rec))
		if len(line) == 0 {
			break
		}
		if line[0] != rr.delim {
			return nil, &errRecord{fmt.Sprintf("field %d: text after a closing quote: a quote inside a quoted field must be doubled (\"\")", len(rr.ends))}
		}
		line = line[1:]
		if len(line) == 0 { // trailing delimiter: one more empty field
			rr.ends = append(rr.ends, len(rr.rec))
			break
		}
	}
	start := 0
	for _, end := range rr.ends {
		rr.fields = append(rr.fields, rr.rec[start:end])
		start = end
	}
	return rr.fields, nil
}

// detectDelimiter picks comma, semicolon or tab: whichever occurs most
// often outside quotes in the header line. Ties go to the comma.
func detectDelimiter(header []byte) byte {
	var comma, semi, tab int
	inQuote := false
	for _, c := range header {
		switch {
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == ',':
			comma++
		case c == ';':
			semi++
		case c == '\t':
			tab++
		case c == '\n':
			return pick(comma, semi, tab)
		}
	}
	return pick(comma, semi, tab)
}

func pick(comma, semi, tab int) byte {
	switch {
	case semi > comma && semi >= tab:
		return ';'
	case tab > comma && tab > semi:
		return '\t'
	}
	return ','
}
