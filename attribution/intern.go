package attribution

import (
	"encoding/binary"
	"math/bits"
)

// interner maps names to dense int32 ids in order of first appearance. It
// is an open-addressing table probed with the name's bytes, so a lookup of
// a known name neither allocates nor hashes through the runtime map; the
// importers call it once per touch.
type interner struct {
	names []string
	slots []int32 // id+1 per slot, 0 when empty
	mask  uint64
	// recent caches names by their first eight bytes as one word and
	// their length: a hit on a name of up to eight bytes (most channel
	// names in a path) costs one load and one comparison, on a longer one
	// a string comparison, and neither hashes the name or probes slots.
	recent [256]recentName
}

// recentName is one entry of interner.recent: a name's first eight bytes,
// its length and its id+1 (0: empty).
type recentName struct {
	word uint64
	n    int32
	id1  int32
}

// nameWord returns the bytes of a name of one to eight bytes as a
// little-endian word, zero above the name.
func nameWord(b []byte) uint64 {
	n := len(b)
	if cap(b) >= 8 {
		// The bytes after the name are in the same buffer: load eight
		// and keep the name's (a shift by 64 is 0, so 8 keeps all).
		return binary.LittleEndian.Uint64(b[:8]) & (1<<(8*n) - 1)
	}
	var w uint64
	for i, c := range b {
		w |= uint64(c) << (8 * i)
	}
	return w
}

// hashName hashes a name eight bytes at a time: names are interned once per
// touch, so a byte-at-a-time hash was a good part of an import. The hash
// only places names in the table; ids follow first appearance, so the
// choice of hash never shows in any output.
func hashName(b []byte) uint64 {
	const k = 0xbf58476d1ce4e5b9
	h := uint64(len(b)) * 0x9e3779b97f4a7c15
	for len(b) >= 8 {
		h = bits.RotateLeft64((h^binary.LittleEndian.Uint64(b))*k, 29)
		b = b[8:]
	}
	if n := len(b); n > 0 {
		var w uint64
		if cap(b) >= 8 {
			// The bytes after the name are in the same buffer: load eight
			// and keep the name's.
			w = binary.LittleEndian.Uint64(b[:8]) & (1<<(8*n) - 1)
		} else {
			for i, c := range b {
				w |= uint64(c) << (8 * i)
			}
		}
		h = bits.RotateLeft64((h^w)*k, 29)
	}
	h *= k
	return h ^ h>>32
}

// find returns the id of name and whether it is known.
func (t *interner) find(name []byte) (int32, bool) {
	if len(t.slots) == 0 {
		return 0, false
	}
	for i := hashName(name) & t.mask; ; i = (i + 1) & t.mask {
		s := t.slots[i]
		if s == 0 {
			return 0, false
		}
		if t.names[s-1] == string(name) {
			return s - 1, true
		}
	}
}

// reset empties the table and keeps its memory.
func (t *interner) reset() {
	clear(t.names)
	t.names = t.names[:0]
	clear(t.slots)
	t.recent = [256]recentName{}
}

// intern returns the id of name, adding it if new.
func (t *interner) intern(name []byte) int32 {
	n := len(name)
	if n == 0 {
		return t.internSlow(name)
	}
	w := nameWord(name[:min(n, 8)])
	e := &t.recent[((w^uint64(n))*0x9e3779b97f4a7c15)>>56]
	// The word and length are the whole of a name up to eight bytes; a
	// longer one is compared in full.
	if e.word == w && e.n == int32(n) && e.id1 != 0 && (n <= 8 || t.names[e.id1-1] == string(name)) {
		return e.id1 - 1
	}
	id := t.internSlow(name)
	*e = recentName{word: w, n: int32(n), id1: id + 1}
	return id
}

func (t *interner) internSlow(name []byte) int32 {
	if id, ok := t.find(name); ok {
		return id
	}
	id := int32(len(t.names))
	t.names = append(t.names, string(name))
	if 2*len(t.names) > len(t.slots) {
		t.grow()
	} else {
		t.place(id)
	}
	return id
}

func (t *interner) place(id int32) {
	for i := hashName([]byte(t.names[id])) & t.mask; ; i = (i + 1) & t.mask {
		if t.slots[i] == 0 {
			t.slots[i] = id + 1
			return
		}
	}
}

func (t *interner) grow() {
	n := max(16, 4*len(t.names))
	size := 1
	for size < n {
		size <<= 1
	}
	t.slots = make([]int32, size)
	t.mask = uint64(size - 1)
	for id := range t.names {
		t.place(int32(id))
	}
}

// keyInterner is an interner for names that are only ever compared, never
// shown — journey ids. It keeps them in one byte arena instead of a string
// each, so millions of journeys cost no allocation per journey and give
// the garbage collector no pointers to scan.
type keyInterner struct {
	arena []byte
	ends  []uint32 // end of key i in arena; key i starts at ends[i-1]
	slots []int32  // id+1 per slot, 0 when empty
	mask  uint64
	last  int32 // id+1 of the key interned last: logs list a journey's rows together
}

func (t *keyInterner) key(id int32) []byte {
	start := uint32(0)
	if id > 0 {
		start = t.ends[id-1]
	}
	return t.arena[start:t.ends[id]]
}

// Len returns the number of distinct keys.
func (t *keyInterner) Len() int { return len(t.ends) }

// intern returns the id of key, adding it if new.
func (t *keyInterner) intern(key []byte) int32 {
	if t.last != 0 && string(t.key(t.last-1)) == string(key) {
		return t.last - 1
	}
	id := t.internSlow(key)
	t.last = id + 1
	return id
}

func (t *keyInterner) internSlow(key []byte) int32 {
	if 2*(len(t.ends)+1) > len(t.slots) {
		t.grow(max(64, 2*len(t.slots)))
	}
	for i := hashName(key) & t.mask; ; i = (i + 1) & t.mask {
		s := t.slots[i]
		if s == 0 {
			id := int32(len(t.ends))
			t.arena = append(t.arena, key...)
			t.ends = append(t.ends, uint32(len(t.arena)))
			t.slots[i] = id + 1
			return id
		}
		if string(t.key(s-1)) == string(key) {
			return s - 1
		}
	}
}

// reserve makes room for about n keys of keyBytes bytes in all, so that a
// large log fills the table without growing and rehashing it.
func (t *keyInterner) reserve(n, keyBytes int) {
	t.ends = growRoom(t.ends, max(0, n-len(t.ends)))
	t.arena = growRoom(t.arena, max(0, keyBytes-len(t.arena)))
	size := 64
	for size < 2*n {
		size *= 2
	}
	if size > len(t.slots) {
		t.grow(size)
	}
}

func (t *keyInterner) grow(size int) {
	t.slots = make([]int32, size)
	t.mask = uint64(size - 1)
	for id := range t.ends {
		for i := hashName(t.key(int32(id))) & t.mask; ; i = (i + 1) & t.mask {
			if t.slots[i] == 0 {
				t.slots[i] = int32(id) + 1
				break
			}
		}
	}
}
