package attribution

// interner maps names to dense int32 ids in order of first appearance. It
// is an open-addressing table probed with the name's bytes, so a lookup of
// a known name neither allocates nor hashes through the runtime map; the
// importers call it once per touch.
type interner struct {
	names []string
	slots []int32 // id+1 per slot, 0 when empty
	mask  uint64
}

func fnv1a(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

// find returns the id of name and whether it is known.
func (t *interner) find(name []byte) (int32, bool) {
	if len(t.slots) == 0 {
		return 0, false
	}
	for i := fnv1a(name) & t.mask; ; i = (i + 1) & t.mask {
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
}

// intern returns the id of name, adding it if new.
func (t *interner) intern(name []byte) int32 {
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
	for i := fnv1a([]byte(t.names[id])) & t.mask; ; i = (i + 1) & t.mask {
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
	if 2*(len(t.ends)+1) > len(t.slots) {
		t.grow()
	}
	for i := fnv1a(key) & t.mask; ; i = (i + 1) & t.mask {
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

func (t *keyInterner) grow() {
	size := max(64, 2*len(t.slots))
	t.slots = make([]int32, size)
	t.mask = uint64(size - 1)
	for id := range t.ends {
		for i := fnv1a(t.key(int32(id))) & t.mask; ; i = (i + 1) & t.mask {
			if t.slots[i] == 0 {
				t.slots[i] = int32(id) + 1
				break
			}
		}
	}
}
