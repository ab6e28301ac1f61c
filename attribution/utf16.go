package attribution

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	"sync/atomic"
	"unicode/utf16"
	"unicode/utf8"
)

// Excel's "Unicode text" and some Google Analytics exports are UTF-16,
// usually tab-delimited, with a byte-order mark. The import reads them
// through utf16Reader, which turns them into the UTF-8 every other step
// reads; line ends are kept, so line numbers in errors stay the file's.

// sniffUTF16 reports the byte order of a UTF-16 file from its first bytes:
// a byte-order mark (bom is its length), or, without one, text whose
// every other byte is 0 (ASCII written as UTF-16). nil means not UTF-16.
func sniffUTF16(head []byte) (order binary.ByteOrder, bom int) {
	switch {
	case len(head) >= 2 && head[0] == 0xFF && head[1] == 0xFE:
		return binary.LittleEndian, 2
	case len(head) >= 2 && head[0] == 0xFE && head[1] == 0xFF:
		return binary.BigEndian, 2
	}
	// Without a mark: at least two characters, and in the first few
	// hundred bytes the high byte of most units (ASCII and Latin-1
	// letters; not an emoji) 0 while the low byte is not, and hardly ever
	// the other way round. UTF-8 text has no NUL bytes at all.
	n := min(len(head), 512) &^ 1
	if n < 4 {
		return nil, 0
	}
	evenZero, oddZero := 0, 0
	for i := 0; i < n; i += 2 {
		if head[i] == 0 && head[i+1] != 0 {
			evenZero++
		}
		if head[i+1] == 0 && head[i] != 0 {
			oddZero++
		}
	}
	switch units := n / 2; {
	case oddZero*4 >= units*3 && evenZero*10 < units:
		return binary.LittleEndian, 0
	case evenZero*4 >= units*3 && oddZero*10 < units:
		return binary.BigEndian, 0
	}
	return nil, 0
}

// utf16Reader decodes UTF-16 in the given byte order to UTF-8. A lone
// surrogate or a trailing odd byte becomes U+FFFD, as in any decoder.
type utf16Reader struct {
	r     *bufio.Reader
	order binary.ByteOrder
	// in counts the bytes of the file consumed, for progress; the merge
	// reads it while the chunk splitter's goroutine decodes.
	in  atomic.Int64
	out []byte // decoded bytes not yet returned
	// Name is the encoding, for the summary: "UTF-16LE" or "UTF-16BE".
	name string
}

func newUTF16Reader(r *bufio.Reader, order binary.ByteOrder, bom int) *utf16Reader {
	r.Discard(bom)
	name := "UTF-16LE"
	if order == binary.BigEndian {
		name = "UTF-16BE"
	}
	u := &utf16Reader{r: r, order: order, name: name}
	u.in.Store(int64(bom))
	return u
}

func (u *utf16Reader) Read(p []byte) (int, error) {
	for len(u.out) == 0 {
		if err := u.fill(); err != nil {
			return 0, err
		}
	}
	n := copy(p, u.out)
	u.out = u.out[n:]
	return n, nil
}

// fill decodes the next block of the input into u.out.
func (u *utf16Reader) fill() error {
	block, err := u.r.Peek(16 << 10)
	if len(block) < 2 {
		if len(block) == 1 {
			u.r.Discard(1)
			u.in.Add(1)
			u.out = utf8.AppendRune(u.out[:0], utf8.RuneError)
			return nil
		}
		if err == nil {
			err = io.EOF
		}
		return err
	}
	block = block[:len(block)&^1]
	buf := u.out[:0]
	used := 0
	for used+2 <= len(block) {
		r := rune(u.order.Uint16(block[used:]))
		switch {
		case r < utf8.RuneSelf:
			buf = append(buf, byte(r))
			used += 2
			continue
		case utf16.IsSurrogate(r):
			if used+4 > len(block) {
				if err == nil && len(block) >= 4 {
					// The pair's second half is in the next block.
					goto done
				}
				r = utf8.RuneError
				used += 2
				break
			}
			if d := utf16.DecodeRune(r, rune(u.order.Uint16(block[used+2:]))); d != utf8.RuneError {
				r = d
				used += 4
				break
			}
			r = utf8.RuneError
			used += 2
		default:
			used += 2
		}
		buf = utf8.AppendRune(buf, r)
	}
done:
	u.r.Discard(used)
	u.in.Add(int64(used))
	u.out = buf
	return nil
}

// decodeInput returns a reader of r as UTF-8: r itself, buffered, when it
// is UTF-8 (no copy: readHeaderWith reuses the buffer), or a decoder when
// it is UTF-16 (dec is then non-nil). A file that holds NUL bytes and is
// not UTF-16 is refused here, since no CSV export writes them.
func decodeInput(r io.Reader, file string) (in *bufio.Reader, dec *utf16Reader, err error) {
	br := bufio.NewReaderSize(r, 256<<10)
	head, _ := br.Peek(512)
	order, bom := sniffUTF16(head)
	if order == nil {
		if i := bytes.IndexByte(head, 0); i >= 0 {
			return nil, nil, &ParseError{File: file, Line: 1 + bytes.Count(head[:i], []byte{'\n'}),
				Reason: "the file holds NUL bytes: it is not a CSV text file, or is UTF-16 or UTF-32 text that could not be told from its start; save it as CSV (UTF-8) or as Unicode text (UTF-16 with a byte-order mark)"}
		}
		return br, nil, nil
	}
	dec = newUTF16Reader(br, order, bom)
	return bufio.NewReaderSize(dec, 256<<10), dec, nil
}

// encodingName is the summary's name of the input encoding: "" for UTF-8.
func (u *utf16Reader) encodingName() string {
	if u == nil {
		return ""
	}
	return u.name
}

// progressBytes is how much of the input the import has read: for a
// UTF-16 file, bytes of the file, not of its UTF-8 decoding, so that
// progress ends at the file's size.
func (m *mergeState) progressBytes() int64 {
	if m.decoded != nil {
		return m.decoded.in.Load()
	}
	return m.bytes
}
