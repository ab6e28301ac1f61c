package attribution

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"slices"
	"unicode/utf8"
)

// Path tables are read row by row by a fast scanner that takes the rows
// most files are made of — one line, simply quoted or not quoted, the
// header's number of fields, plain numbers, a one-byte separator — and
// hands any other row to the general reader, one record at a time, then
// carries on. The fast scanner never decides anything the general reader
// would decide differently: a row it takes gives the same path and
// numbers, and a row it cannot take (bad, odd, spanning lines) is the
// general reader's, which explains what is wrong with it.

// pathCols are the columns of a path table a chunk reads; -1 when absent.
type pathCols struct{ path, conv, value, nulls int }

// canScanFast reports whether a chunk's rows may go through scanPathRows:
// no joined columns, a one-byte separator, and valid UTF-8 throughout
// (a line of a valid chunk is valid: lines end at '\n', never inside a
// character), which the general reader checks line by line.
func (sh *importShared) canScanFast(sep []byte, data []byte) bool {
	return sh.plan == nil && len(sep) == 1 && utf8.Valid(data)
}

// scanPathRows adds the rows of data from pos on, line being pos's line
// number, until the end of data or a row it leaves to the general
// reader. It returns where it stopped and that line's number.
//
// It reads a row's cells straight from the chunk, and its number cells
// as it finds their end: digits, maybe a '.', then a delimiter or the
// end of the row. Nothing is kept from a row it leaves: its channels are
// interned only once the whole row has been read.
func (pc *pathChunk) scanPathRows(cp *chunkParser, data []byte, pos, line int, cols pathCols, sep byte) (int, int) {
	delim := cp.rr.delim
	numCols := [3]int{cols.conv, cols.value, cols.nulls}
	// numberAt[f] is which number column field f is (0-2), or -1; looked
	// up once, not per field of every row.
	var numberAtBuf [16]int8
	numberAt := numberAtBuf[:0]
	if cp.width > len(numberAtBuf) {
		numberAt = make([]int8, 0, cp.width)
	}
	for f := range cp.width {
		numberAt = append(numberAt, int8(slices.Index(numCols[:], f)))
	}
	for pos < len(data) {
		var path []byte
		var nums [3]float64
		var cells [3][]byte
		var dots [3]int
		i := pos
		for f := 0; f < cp.width; f++ {
			k := int(numberAt[f])
			switch {
			case k >= 0 && i+1 < len(data) && data[i]-'0' < 10 && (data[i+1] == delim || data[i+1] == '\n' || data[i+1] == '\r'):
				// One digit, the usual count: what decimalPrefix would read.
				nums[k], cells[k], dots[k] = float64(data[i]-'0'), data[i:i+1], -1
				i++
			case k >= 0:
				v, n, dot, ok := decimalPrefix(data[i:])
				if n == 0 {
					if k == 0 { // conversions are required
						return pos, line
					}
				} else {
					if !ok || dot >= 0 && cp.numberStyle(f).dot != roleDecimal {
						return pos, line
					}
					nums[k], cells[k], dots[k] = v, data[i:i+n], dot
				}
				i += n
			case i < len(data) && data[i] == '"':
				end := quoteEnd(data[i+1:])
				if end < 0 {
					return pos, line // never closed, or spans lines
				}
				if f == cols.path {
					path = data[i+1 : i+1+end]
				}
				i += end + 2
			default:
				rest := data[i:]
				end := bytes.IndexByte(rest, delim)
				if end < 0 {
					end = len(rest)
				}
				if nl := bytes.IndexByte(rest[:end], '\n'); nl >= 0 {
					end = nl
					if end > 0 && rest[end-1] == '\r' {
						end-- // the row's CRLF
					}
				} else if end == len(rest) && end > 0 && rest[end-1] == '\r' {
					return pos, line // a last row ending in a bare CR
				}
				cell := rest[:end]
				if bytes.IndexByte(cell, '"') >= 0 {
					return pos, line
				}
				if f == cols.path {
					path = cell
				}
				i += end
			}
			// After a cell: the next one, or the end of the row after the
			// last one; anything else is the general reader's.
			switch {
			case f < cp.width-1:
				if i >= len(data) || data[i] != delim {
					return pos, line
				}
				i++
			case i == len(data):
			case data[i] == '\n':
				i++
			case data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n':
				i += 2
			default:
				return pos, line
			}
		}
		if i-pos >= MaxRecordBytes || nums[1] > 0 && nums[0] == 0 {
			return pos, line
		}
		cp.rr.line = line // for the notes of number style evidence
		for k, dot := range dots {
			if cells[k] != nil && dot >= 0 {
				cp.noteDecimalPoint(numCols[k], cells[k], dot)
			}
		}
		pc.touches = appendTokens(pc.touches, &pc.channels, path, sep)
		cp.rows++
		pc.endRow(cp, nums[0], nums[1], nums[2])
		pos, line = i, line+1
	}
	return pos, line
}

// quoteEnd returns the index in b of the quote that closes a quoted cell
// (b starts after the opening quote), or -1 when a newline or the end of
// b comes first. Short cells, the usual, are searched eight bytes at a
// time; longer ones by two vectorised searches.
func quoteEnd(b []byte) int {
	const quotes, newlines = 0x0101010101010101 * '"', 0x0101010101010101 * '\n'
	i := 0
	for ; i+8 <= len(b) && i < 32; i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		if m := zeroBytes(w^quotes) | zeroBytes(w^newlines); m != 0 {
			if j := i + bits.TrailingZeros64(m)/8; b[j] == '"' {
				return j
			}
			return -1
		}
	}
	if i < 32 {
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				return i
			case '\n':
				return -1
			}
		}
		return -1
	}
	end := bytes.IndexByte(b[i:], '"')
	if end < 0 || bytes.IndexByte(b[i:i+end], '\n') >= 0 {
		return -1
	}
	return i + end
}
