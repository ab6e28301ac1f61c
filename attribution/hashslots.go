package attribution

import (
	"math/bits"

	"github.com/attrlab/attrlab/internal/hugepages"
)

// hashSlots is the index of an open-addressing table: each slot holds the
// top 32 bits of a key's hash <<32 | the key's id+1, 0 when empty, and the
// hash's top bits say where a key's probe starts. The path set's index of
// distinct paths and the touch log's table of journey ids are each one;
// each compares keys its own way.
type hashSlots struct {
	slots  []uint64
	shift  uint   // 64 - log2(len(slots))
	warmed uint64 // see warm
}

// slotTag is the part of a slot that a key with hash h must match.
func slotTag(h uint64) uint64 { return h >> 32 << 32 }

// fit grows the table, doubling it (to at least minSize slots), until
// keys keys fill at most half of it.
func (t *hashSlots) fit(keys, minSize int) {
	for 2*keys > len(t.slots) {
		t.resize(max(minSize, 2*len(t.slots)))
	}
}

// reserve grows the table at once to the power of two, from minSize up,
// that n keys fill at most half of.
func (t *hashSlots) reserve(n, minSize int) {
	size := minSize
	for size < 2*n {
		size *= 2
	}
	if size > len(t.slots) {
		t.resize(size)
	}
}

// resize makes the table size slots (a power of two, larger than it is).
// A slot keeps its hash's top bits, which say where it goes, so resizing
// reads no key.
func (t *hashSlots) resize(size int) {
	old := t.slots
	t.slots = hugepages.Make[uint64](size, size)
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

// warm loads the slot each hash's probe starts at. The loads are
// independent, so the processor overlaps their cache misses, which the
// probes would take one after another: a table of hundreds of thousands
// of keys is larger than the caches. The table must already fit the keys
// to come (fit), so that it is still the one warmed.
func (t *hashSlots) warm(hashes []uint64) {
	var any uint64
	for _, h := range hashes {
		any |= t.slots[h>>t.shift]
	}
	t.warmed = any // kept, so the loads are not optimised away
}
