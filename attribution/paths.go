package attribution

import (
	"fmt"
	"slices"

	"github.com/attrlab/attrlab/internal/hugepages"
)

// PathSet holds journey paths in columnar form, with identical channel
// sequences aggregated into one row. Channels are interned to small
// integers in order of first appearance in the data.
//
// A PathSet built from a touch log also keeps every converting journey
// with the age of each touch (Timed), which time-decay needs; a PathSet
// read from a path table has no timestamps and Timed is nil.
type PathSet struct {
	// Channels names the channel indices used in paths.
	Channels []string

	offsets []int32 // path i is touches[offsets[i]:offsets[i+1]]
	touches []int32
	conv    []float64
	value   []float64
	nulls   []float64

	// Timed holds converting journeys with touch ages; nil without timestamps.
	Timed *TimedPaths

	// UnattributedConversions and UnattributedValue count conversions that
	// had no touch inside the lookback window (or an empty path). They are
	// reported, never credited to a channel.
	UnattributedConversions float64
	UnattributedValue       float64

	// HasNulls is true when the data can say how many journeys did not
	// convert (a total_null column, or a touch log).
	HasNulls bool

	channels interner
	// periods, while a touch log's journeys are built with ImportOptions.By,
	// also receives every path with its time.
	periods *periodSplitter
	// Distinct paths by their touches' hashPath. A lookup is one probe and
	// one comparison in the common case, and the table holds no pointers.
	index hashSlots
}

// TimedPaths holds converting journeys one by one, with each touch's age:
// the time from the touch to its conversion.
type TimedPaths struct {
	offsets []int32
	touches []int32
	ageSec  []float64
	value   []float64 // per journey; each journey is one conversion
}

// Len returns the number of converting journeys.
func (t *TimedPaths) Len() int { return len(t.offsets) - 1 }

// Journey returns the touches and their ages (seconds before the
// conversion) of converting journey i, and its value.
func (t *TimedPaths) Journey(i int) (touches []int32, ageSec []float64, value float64) {
	a, b := t.offsets[i], t.offsets[i+1]
	return t.touches[a:b], t.ageSec[a:b], t.value[i]
}

// NewPathSet returns an empty PathSet ready for AddPath.
func NewPathSet() *PathSet {
	return &PathSet{
		offsets: []int32{0},
	}
}

// Channel interns a channel name and returns its index.
func (p *PathSet) Channel(name string) int32 { return p.channelBytes([]byte(name)) }

// channelBytes interns a channel name given as bytes, without allocating
// when the channel is already known.
func (p *PathSet) channelBytes(name []byte) int32 {
	id := p.channels.intern(name)
	if int(id) == len(p.Channels) {
		p.Channels = append(p.Channels, p.channels.names[id])
	}
	return id
}

// channelID returns the index of a known channel.
func (p *PathSet) channelID(name string) (int32, bool) { return p.channels.find([]byte(name)) }

func hashPath(touches []int32) uint64 {
	h := pathHashSeed
	for _, t := range touches {
		h = pathHashStep(h, t)
	}
	return pathHashEnd(h, len(touches))
}

// hashPath's steps, for a caller that hashes a path as it maps its ids.
const pathHashSeed = uint64(14695981039346656037)

func pathHashStep(h uint64, t int32) uint64 { return (h ^ uint64(uint32(t))) * 1099511628211 }

func pathHashEnd(h uint64, n int) uint64 {
	h ^= uint64(n) << 56
	// FNV's low bits mix poorly; the table indexes by them.
	h ^= h >> 29
	h *= 0xbf58476d1ce4e5b9
	return h ^ h>>32
}

// reserve makes room for more elements, doubling the capacity: append
// grows large slices by a quarter, copying them many times over.
func reserve[T any](s []T, more int) []T {
	if len(s)+more <= cap(s) {
		return s
	}
	return growRoom(s, max(more, cap(s)))
}

// growRoom returns s with room for more elements. Unlike slices.Grow it
// does not clear the room: that faults in every page of it at once, on
// the goroutine that merges, and fresh memory is zero anyway. A large
// slice's memory is advised for huge pages.
func growRoom[T any](s []T, more int) []T {
	if more <= cap(s)-len(s) {
		return s
	}
	t := hugepages.Make[T](len(s), len(s)+more)
	copy(t, s)
	return t
}

// maxReservedPaths bounds the paths reservePaths makes room for: a huge
// table of repeated paths should not reserve what it never uses.
const maxReservedPaths = 4 << 20

// reservePaths makes room for about n distinct paths as long on average
// as sampleTouches/sampleRows, so that a large table fills its columns
// and index without copying and rehashing them as they grow.
func (p *PathSet) reservePaths(n, sampleTouches, sampleRows int) {
	n = min(n, maxReservedPaths)
	if n <= p.Len() || sampleRows <= 0 {
		return
	}
	more := n - p.Len()
	p.offsets = growRoom(p.offsets, more)
	p.touches = growRoom(p.touches, int(float64(more)*float64(sampleTouches)/float64(sampleRows)*1.03))
	// The three sums share one allocation, large enough for huge pages
	// where one column alone is not; each keeps its own capacity, so a
	// column that outgrows it moves out on its own.
	c := p.Len() + more
	sums := hugepages.Make[float64](3*c, 3*c)
	p.conv = append(sums[0:0:c], p.conv...)
	p.value = append(sums[c:c:2*c], p.value...)
	p.nulls = append(sums[2*c:2*c:3*c], p.nulls...)
	p.index.reserve(n, 1024)
}

// AddPath adds conv conversions worth value and nulls non-converting
// journeys that followed touches. Identical touch sequences are merged.
// An empty path with conversions counts as unattributed.
func (p *PathSet) AddPath(touches []int32, conv, value, nulls float64) {
	if len(touches) == 0 {
		p.UnattributedConversions += conv
		p.UnattributedValue += value
		return
	}
	p.makeRoom(1)
	p.addHashed(touches, nil, hashPath(touches), conv, value, nulls)
}

// makeRoom grows the path index, if need be, so that n more paths fit
// without growing it again: addHashed needs the room, and index.warm
// needs the index to stay the one it warmed.
func (p *PathSet) makeRoom(n int) { p.index.fit(p.Len()+n, 1024) }

// findPath probes the index for the path with hash h whose ids are
// touches (through remap, if there is one): it returns the path's index,
// or -1 and the empty slot where it would go.
func (p *PathSet) findPath(touches, remap []int32, h uint64) (id int, empty uint64) {
	slots := p.index.slots
	tag := slotTag(h)
	mask := uint64(len(slots) - 1)
	i := h >> p.index.shift
	for ; slots[i] != 0; i = (i + 1) & mask {
		s := slots[i]
		if s&^0xffffffff != tag {
			continue
		}
		if id := int(s&0xffffffff) - 1; samePath(p.touches[p.offsets[id]:p.offsets[id+1]], touches, remap) {
			return id, 0
		}
	}
	return -1, i
}

// addHashed is AddPath for a non-empty path with its hashPath, once
// makeRoom has made room for it. The path's ids are touches, or with a
// remap, remap[t] for each t of touches: a chunk's paths are added
// without first being copied out with the dataset's ids.
func (p *PathSet) addHashed(touches, remap []int32, h uint64, conv, value, nulls float64) {
	id, empty := p.findPath(touches, remap, h)
	if id >= 0 {
		p.conv[id] += conv
		p.value[id] += value
		p.nulls[id] += nulls
		return
	}
	p.index.slots[empty] = slotTag(h) | uint64(p.Len()+1)
	if remap == nil {
		p.touches = append(reserve(p.touches, len(touches)), touches...)
	} else {
		n := len(p.touches)
		p.touches = reserve(p.touches, len(touches))[:n+len(touches)]
		for j, t := range touches {
			p.touches[n+j] = remap[t]
		}
	}
	p.offsets = append(reserve(p.offsets, 1), int32(len(p.touches)))
	p.conv = append(reserve(p.conv, 1), conv)
	p.value = append(reserve(p.value, 1), value)
	p.nulls = append(reserve(p.nulls, 1), nulls)
}

// samePath reports whether path holds touches, mapped through remap if
// there is one.
func samePath(path, touches, remap []int32) bool {
	if remap == nil {
		return slices.Equal(path, touches)
	}
	if len(path) != len(touches) {
		return false
	}
	for j, t := range touches {
		if path[j] != remap[t] {
			return false
		}
	}
	return true
}

// addTimed records one converting journey with its touch ages for
// time-decay. The same journey must also be added with AddPath.
func (p *PathSet) addTimed(touches []int32, ageSec []float64, value float64) {
	if p.Timed == nil {
		p.Timed = &TimedPaths{offsets: []int32{0}}
	}
	t := p.Timed
	t.touches = append(t.touches, touches...)
	t.ageSec = append(t.ageSec, ageSec...)
	t.offsets = append(t.offsets, int32(len(t.touches)))
	t.value = append(t.value, value)
}

// Len returns the number of distinct paths.
func (p *PathSet) Len() int { return len(p.offsets) - 1 }

// Path returns distinct path i: its touches (channel indices), conversions,
// value and non-converting journeys.
func (p *PathSet) Path(i int) (touches []int32, conv, value, nulls float64) {
	return p.touches[p.offsets[i]:p.offsets[i+1]], p.conv[i], p.value[i], p.nulls[i]
}

// Totals returns the attributed conversions and value (paths with at least
// one touch) and the non-converting journeys.
func (p *PathSet) Totals() (conv, value, nulls float64) {
	for i := range p.conv {
		conv += p.conv[i]
		value += p.value[i]
		nulls += p.nulls[i]
	}
	return conv, value, nulls
}

// Touches returns the total number of touches over distinct paths.
func (p *PathSet) Touches() int { return len(p.touches) }

// String summarises the set for debugging.
func (p *PathSet) String() string {
	c, v, n := p.Totals()
	return fmt.Sprintf("PathSet{%d channels, %d paths, conv=%g value=%g nulls=%g}", len(p.Channels), p.Len(), c, v, n)
}
