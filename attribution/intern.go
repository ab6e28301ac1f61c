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
