package attribution

import "math/bits"

// keyInterner is an interner for names that are only ever compared, never
// shown — journey ids. It keeps them in one byte arena instead of a string
// each, so millions of journeys cost no allocation per journey and give
// the garbage collector no pointers to scan.
//
// A chunk's table also keeps each key's hash, so that the merge, which
// gives every journey its dataset id one chunk after another on a single
// goroutine, probes the dataset's table once per journey of the chunk
// without hashing it again. Each slot holds the top half of its key's
// hash beside the id, and a probe compares keys only when those match: the
// dataset's table is far larger than the caches, and a comparison of a
// key in its arena was a second cache miss on most probes.
type keyInterner struct {
	arena  []byte
	ends   []uint32 // end of key i in arena; key i starts at ends[i-1]
	hashes []uint64 // hashName of key i (intern keeps them; internHashed does not)
	// slots: the hash's top 32 bits <<32 | id+1, 0 when empty; the hash's
	// top bits index the table.
	slots  []uint64
	shift  uint   // 64 - log2(len(slots))
	last   int32  // id+1 of the key interned last: logs list a journey's rows together
	warmed uint64 // see warm
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

// reset empties the table and keeps its memory.
func (t *keyInterner) reset() {
	t.arena, t.ends, t.hashes = t.arena[:0], t.ends[:0], t.hashes[:0]
	clear(t.slots)
	t.last = 0
}

// intern returns the id of key, adding it (and its hash) if new.
func (t *keyInterner) intern(key []byte) int32 {
	if t.last != 0 && string(t.key(t.last-1)) == string(key) {
		return t.last - 1
	}
	h := hashName(key)
	id := t.internHashed(key, h)
	if int(id) == len(t.hashes) {
		t.hashes = append(t.hashes, h)
	}
	t.last = id + 1
	return id
}

// internHashed returns the id of key, whose hashName is h, adding it if
// new. It neither keeps the hash nor reads or sets the last key.
func (t *keyInterner) internHashed(key []byte, h uint64) int32 {
	if 2*(len(t.ends)+1) > len(t.slots) {
		t.grow(max(64, 2*len(t.slots)))
	}
	tag := h >> 32 << 32
	mask := uint64(len(t.slots) - 1)
	for i := h >> t.shift; ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == 0 {
			id := int32(len(t.ends))
			t.arena = append(t.arena, key...)
			t.ends = append(t.ends, uint32(len(t.arena)))
			t.slots[i] = tag | uint64(id+1)
			return id
		}
		if s&^0xffffffff == tag {
			if id := int32(s&0xffffffff) - 1; string(t.key(id)) == string(key) {
				return id
			}
		}
	}
}

// warm makes room for len(hashes) more keys and loads the slot each hash
// indexes. The loads are independent, so the processor overlaps their
// cache misses, which internHashed would take one after another.
func (t *keyInterner) warm(hashes []uint64) {
	for 2*(len(t.ends)+len(hashes)) > len(t.slots) {
		t.grow(max(64, 2*len(t.slots)))
	}
	var any uint64
	for _, h := range hashes {
		any |= t.slots[h>>t.shift]
	}
	t.warmed = any // kept, so the loads are not optimised away
}

// reserve makes room for about n keys of keyBytes bytes in all, so that a
// large log fills the table without growing it.
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

// grow makes the table size slots (a power of two, larger than it is).
// A slot's index is the top bits of its key's hash, which the slot keeps,
// so growing reads no key.
func (t *keyInterner) grow(size int) {
	old := t.slots
	t.slots = make([]uint64, size)
	t.shift = uint(64 - bits.TrailingZeros(uint(size)))
	mask := uint64(size - 1)
	for _, s := range old {
		if s == 0 {
			continue
		}
		for i := s >> t.shift; ; i = (i + 1) & mask {
			if t.slots[i] == 0 {
				t.slots[i] = s
				break
			}
		}
	}
}
