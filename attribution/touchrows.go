package attribution

import (
	"encoding/binary"
	"math/bits"
)

// Touch logs are read row by row by a scanner that takes the rows most
// logs are made of — one line of ASCII text, no quotes, the header's
// number of fields — and hands any other row to the general reader, one
// record at a time, then carries on, as path tables are read
// (pathrows.go). It only splits the line: the cells go to the same
// touchChunk.row, with the same line number, so a row it takes is
// accepted or rejected exactly as the general reader's would be.

// byteOnes has a 1 in every byte: times a byte, a word of that byte.
const byteOnes = 0x0101010101010101

// scanTouchRows adds the rows of data from pos on, line being pos's line
// number, until the end of data, a row it leaves to the general reader,
// or a bad row that stops the import. It returns where it stopped and
// that line's number.
//
// It looks at eight bytes at a time for the bytes that matter — the
// delimiter, a newline, a quote, a byte of a multi-byte character — and
// visits only those (zeroBytes, as pathtokens.go splits paths), instead of the general reader's several passes
// (line end, UTF-8, quotes, then each delimiter). It leaves to the
// general reader a blank line, a row with a quote or a non-ASCII byte,
// one with another number of fields than the header, and one of more
// than MaxRecordBytes.
func (tc *touchChunk) scanTouchRows(data []byte, pos, line int, eventMode bool) (int, int) {
	cp := tc.cp
	if cp.stop != nil {
		return pos, line // the general reader's last row stopped the import
	}
	delim := cp.rr.delim
	delims, newlines, quotes := byteOnes*uint64(delim), byteOnes*uint64('\n'), byteOnes*uint64('"')
	width := cp.width
	fields := tc.fields[:0]
	start := pos // of the current field
	// row ends the row that runs from pos to end (a newline or the end
	// of data) and adds it; false if the general reader must take it.
	row := func(end int) bool {
		next := min(end+1, len(data))
		if next-pos > MaxRecordBytes || len(fields) != width-1 {
			return false
		}
		// The line's ending, as the general reader trims it: "\n", then
		// one "\r".
		if end > start && data[end-1] == '\r' {
			end--
		}
		if end == pos {
			return false // a blank line, which the general reader skips
		}
		fields = append(fields, data[start:end])
		tc.fields = fields
		cp.rows++
		cp.rr.line = line
		tc.addRow(fields, nil, eventMode)
		pos, line = next, line+1
		fields, start = tc.fields[:0], pos
		return true
	}
	for i := pos; i < len(data); i += 8 {
		var special uint64
		if i+8 <= len(data) {
			w := binary.LittleEndian.Uint64(data[i:])
			special = zeroBytes(w^delims) | zeroBytes(w^newlines) | zeroBytes(w^quotes) | w&^swarLow7
		} else {
			for k, c := range data[i:] {
				if c == delim || c == '\n' || c == '"' || c >= 0x80 {
					special |= 0x80 << (8 * k)
				}
			}
		}
		for special != 0 {
			j := i + bits.TrailingZeros64(special)>>3
			special &= special - 1
			switch data[j] {
			case delim:
				if len(fields) == width-1 {
					return pos, line // more fields than the header
				}
				fields = append(fields, data[start:j])
				start = j + 1
			case '\n':
				if !row(j) || cp.stop != nil {
					return pos, line
				}
			default:
				return pos, line
			}
		}
	}
	if pos < len(data) && cp.stop == nil {
		row(len(data)) // the last row, with no newline
	}
	return pos, line
}
