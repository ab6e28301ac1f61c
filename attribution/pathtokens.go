package attribution

import (
	"encoding/binary"
	"math/bits"
)

// swarLow7 masks the low seven bits of every byte of a word.
const swarLow7 = 0x7f7f7f7f7f7f7f7f

// zeroBytes returns a word with the high bit set in exactly the bytes of x
// that are zero. Unlike the shorter (x-0x01..)&^x&0x80.. it has no borrow
// from one byte into the next, so every marked byte is a zero.
func zeroBytes(x uint64) uint64 {
	return ^((x&swarLow7 + swarLow7) | x | swarLow7)
}

// appendTokens interns each token of a path cell split at sep, trimmed of
// ASCII white space, empty ones skipped, and appends the ids to touches.
// It finds the separators eight bytes at a time: a path cell of the
// usual kind is tens of bytes of names and " > ".
func appendTokens(touches []int32, channels *interner, cell []byte, sep byte) []int32 {
	seps := 0x0101010101010101 * uint64(sep)
	start, i := 0, 0
	for ; i+8 <= len(cell); i += 8 {
		m := zeroBytes(binary.LittleEndian.Uint64(cell[i:]) ^ seps)
		for m != 0 {
			j := i + bits.TrailingZeros64(m)/8
			touches = appendToken(touches, channels, cell, start, j)
			start = j + 1
			m &= m - 1
		}
	}
	for ; i < len(cell); i++ {
		if cell[i] == sep {
			touches = appendToken(touches, channels, cell, start, i)
			start = i + 1
		}
	}
	return appendToken(touches, channels, cell, start, len(cell))
}

// appendToken appends the id of the token cell[a:b], trimmed, unless it is
// empty. The usual token — a name with a space on either side — is found
// in the interner's cache right here, as intern finds it, without the
// calls of the general trimToken and intern.
func appendToken(touches []int32, channels *interner, cell []byte, a, b int) []int32 {
	if a < b && cell[a] == ' ' {
		a++
	}
	if a < b && cell[b-1] == ' ' {
		b--
	}
	if n := b - a; n > 0 && a+8 <= cap(cell) && cell[a] > ' ' && cell[b-1] > ' ' {
		w := binary.LittleEndian.Uint64(cell[a:a+8]) & (1<<(8*min(n, 8)) - 1)
		if e := &channels.recent[((w^uint64(n))*0x9e3779b97f4a7c15)>>56]; e.word == w && e.n == int32(n) && e.id1 != 0 &&
			(n <= 8 || channels.names[e.id1-1] == string(cell[a:b])) {
			return append(touches, e.id1-1)
		}
	}
	if tok, ok := trimToken(cell[a:b]); ok {
		touches = append(touches, channels.intern(tok))
	}
	return touches
}

// trimToken is trimSpace for a token, quick for the usual " name ", and
// reports whether anything is left.
func trimToken(tok []byte) ([]byte, bool) {
	if len(tok) > 0 && tok[0] == ' ' {
		tok = tok[1:]
	}
	if len(tok) > 0 && tok[len(tok)-1] == ' ' {
		tok = tok[:len(tok)-1]
	}
	// Only bytes up to ' ' can be white space.
	if len(tok) == 0 || tok[0] <= ' ' || tok[len(tok)-1] <= ' ' {
		tok = trimSpace(tok)
	}
	return tok, len(tok) > 0
}
