package attribution

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
	index  hashSlots
	last   int32 // id+1 of the key interned last: logs list a journey's rows together
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
	clear(t.index.slots)
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
	t.index.fit(len(t.ends)+1, 64)
	slots := t.index.slots
	tag := slotTag(h)
	mask := uint64(len(slots) - 1)
	for i := h >> t.index.shift; ; i = (i + 1) & mask {
		s := slots[i]
		if s == 0 {
			id := int32(len(t.ends))
			t.arena = append(t.arena, key...)
			t.ends = append(t.ends, uint32(len(t.arena)))
			slots[i] = tag | uint64(id+1)
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
// indexes (hashSlots.warm), for internHashed to find in cache.
func (t *keyInterner) warm(hashes []uint64) {
	t.index.fit(len(t.ends)+len(hashes), 64)
	t.index.warm(hashes)
}

// reserve makes room for about n keys of keyBytes bytes in all, so that a
// large log fills the table without growing it.
func (t *keyInterner) reserve(n, keyBytes int) {
	t.ends = growRoom(t.ends, max(0, n-len(t.ends)))
	t.arena = growRoom(t.arena, max(0, keyBytes-len(t.arena)))
	t.index.reserve(n, 64)
}
