package attribution

import (
	"bytes"
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
func (pc *pathChunk) scanPathRows(cp *chunkParser, data []byte, pos, line int, cols pathCols, sep byte) (int, int) {
	rr := cp.rr
	for pos < len(data) {
		rest := data[pos:]
		end := bytes.IndexByte(rest, '\n')
		next := pos + end + 1
		if end < 0 {
			end, next = len(rest), len(data)
		}
		row := rest[:end]
		if len(row) > 0 && row[len(row)-1] == '\r' {
			row = row[:len(row)-1]
		}
		if len(row) == 0 || len(row) > MaxRecordBytes || !rr.splitSimpleQuoted(row) || len(rr.fields) != cp.width {
			return pos, line
		}
		rec := rr.fields
		rr.line = line // for the notes of numberStyle evidence
		conv, ok := pc.plainNumber(cp, rec, cols.conv, true)
		if !ok {
			return pos, line
		}
		value, ok := pc.plainNumber(cp, rec, cols.value, false)
		if !ok || value > 0 && conv == 0 {
			return pos, line
		}
		nulls, ok := pc.plainNumber(cp, rec, cols.nulls, false)
		if !ok {
			return pos, line
		}
		pc.touches = appendTokens(pc.touches, &pc.channels, rec[cols.path], sep)
		pc.offsets = append(pc.offsets, int32(len(pc.touches)))
		pc.conv = append(pc.conv, conv)
		pc.value = append(pc.value, value)
		pc.nulls = append(pc.nulls, nulls)
		cp.rows++
		cp.accepted++
		pos, line = next, line+1
	}
	return pos, line
}

// plainNumber reads a number cell as chunkParser.number does when the cell
// is plain (digits, maybe one '.' between them, no padding) or empty and
// not required; ok is false for anything else, which number decides.
func (pc *pathChunk) plainNumber(cp *chunkParser, rec [][]byte, col int, required bool) (float64, bool) {
	if col < 0 {
		return 0, true
	}
	cell := rec[col]
	if len(cell) == 0 {
		return 0, !required
	}
	v, dot, ok := simpleDecimal(cell)
	if !ok {
		return 0, false
	}
	if dot >= 0 {
		if cp.numberStyle(col).dot != roleDecimal {
			return 0, false
		}
		cp.noteDecimalPoint(col, cell, dot)
	}
	return v, true
}
