package attribution

import (
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// journeyBlockRows is about how many rows one block of journeys holds:
// large enough to amortise the hand-off, small enough that the blocks in
// flight cost little memory next to the rows themselves.
const journeyBlockRows = 1 << 16

// journeyBlock is the paths a run of consecutive journeys makes, in
// order, ready to be added to a PathSet: the part of building journeys
// that reads the rows (sorting each journey by time, cutting it at
// conversions, the lookback window) is done by workers side by side, and
// only the adding, whose order decides every sum, is sequential.
type journeyBlock struct {
	seq     int
	ends    []int32  // path k is touches[ends[k-1]:ends[k]] (ends[-1] = 0)
	hashes  []uint64 // hashPath of path k, taken by the worker
	touches []int32
	ages    []float64 // per touch of a converting path; none for the others
	conv    []bool
	value   []float64
	at      []int64 // the conversion's time, or a non-converting path's last touch
	outside int     // touches dropped by the lookback window
}

func (b *journeyBlock) reset(seq int) {
	b.seq = seq
	b.ends, b.hashes, b.touches, b.ages = b.ends[:0], b.hashes[:0], b.touches[:0], b.ages[:0]
	b.conv, b.value, b.at = b.conv[:0], b.value[:0], b.at[:0]
	b.outside = 0
}

// pathStart is where the path being cut starts in b.touches.
func (b *journeyBlock) pathStart() int32 {
	if len(b.ends) == 0 {
		return 0
	}
	return b.ends[len(b.ends)-1]
}

// cutJourneys fills b with the paths of journeys [from, to): each
// journey's rows (order[start[j]:start[j+1]], in file order) sorted by
// time, ties in file order; each conversion closes a path of the touches
// since the previous one within the window (-1: no window), and touches
// after the last conversion form one non-converting path. It sorts the
// journeys' stretches of order in place and reads rows only.
func cutJourneys(b *journeyBlock, rows *touchRows, order, start []int32, from, to int, window int64) {
	var pendCh []int32
	var pendAt []int64
	for j := from; j < to; j++ {
		idx := order[start[j]:start[j+1]]
		// Stable by time; journeys are short and usually already in order.
		slices.SortStableFunc(idx, func(a, b int32) int {
			ta, tb := rows.at[a], rows.at[b]
			switch {
			case ta < tb:
				return -1
			case ta > tb:
				return 1
			}
			return 0
		})
		pendCh, pendAt = pendCh[:0], pendAt[:0]
		for _, i := range idx {
			if rows.channel[i] >= 0 {
				pendCh = append(pendCh, rows.channel[i])
				pendAt = append(pendAt, rows.at[i])
			}
			if !rows.isConv(i) {
				continue
			}
			at := rows.at[i]
			for k, t := range pendAt {
				if window >= 0 && at-t > window {
					b.outside++
					continue
				}
				b.touches = append(b.touches, pendCh[k])
				b.ages = append(b.ages, float64(at-t)/1000)
			}
			b.hashes = append(b.hashes, hashPath(b.touches[b.pathStart():]))
			b.ends = append(b.ends, int32(len(b.touches)))
			b.conv = append(b.conv, true)
			b.value = append(b.value, rows.value(i))
			b.at = append(b.at, at)
			pendCh, pendAt = pendCh[:0], pendAt[:0]
		}
		if len(pendCh) > 0 {
			last := pendAt[len(pendAt)-1]
			for k, t := range pendAt {
				if window >= 0 && last-t > window {
					b.outside++
					continue
				}
				b.touches = append(b.touches, pendCh[k])
			}
			b.hashes = append(b.hashes, hashPath(b.touches[b.pathStart():]))
			b.ends = append(b.ends, int32(len(b.touches)))
			b.conv = append(b.conv, false)
			b.value = append(b.value, 0)
			b.at = append(b.at, last)
		}
	}
}

// addJourneyBlock adds a block's paths to ps and s in order, exactly as
// building the journeys one by one would. rowsAfter is the rows of the
// blocks still to come, blockRows this block's: the first block's timed
// touches, scaled to all the rows, size ps.Timed once.
func addJourneyBlock(ps *PathSet, s *Summary, b *journeyBlock, blockRows, rowsAfter int) {
	s.TouchesOutsideLookback += b.outside
	if t := ps.Timed; t != nil && blockRows > 0 {
		// Growing the timed journeys by append copied them over and over:
		// that was a third of adding the blocks.
		more := len(b.ages)
		if len(t.touches) == 0 {
			more = int(float64(len(b.ages)) * (1 + float64(rowsAfter)/float64(blockRows)) * 1.05)
		}
		t.touches = reserve(t.touches, more)
		t.ageSec = reserve(t.ageSec, more)
		journeys := 0
		for _, c := range b.conv {
			if c {
				journeys++
			}
		}
		if len(t.touches) == 0 {
			journeys = int(float64(journeys) * (1 + float64(rowsAfter)/float64(blockRows)) * 1.05)
		}
		t.offsets = reserve(t.offsets, journeys)
		t.value = reserve(t.value, journeys)
	}
	// The paths come hashed; their index slots are warmed a batch at a
	// time, so the cache misses of a batch overlap instead of queueing.
	const batch = 32
	from, age := int32(0), 0
	for lo := 0; lo < len(b.ends); lo += batch {
		hi := min(lo+batch, len(b.ends))
		ps.makeRoom(hi - lo)
		ps.index.warm(b.hashes[lo:hi])
		for k := lo; k < hi; k++ {
			end := b.ends[k]
			touches := b.touches[from:end]
			from = end
			if !b.conv[k] {
				ps.addHashed(touches, nil, b.hashes[k], 0, 0, 1)
				if ps.periods != nil {
					ps.periods.add(b.at[k], touches, nil, 0, 0, 1)
				}
				s.NonConverting++
				continue
			}
			ages := b.ages[age : age+len(touches)]
			age += len(touches)
			value := b.value[k]
			s.Conversions++
			s.Value += value
			if len(touches) == 0 {
				// Unattributed, as AddPath counts an empty path.
				ps.UnattributedConversions++
				ps.UnattributedValue += value
			} else {
				ps.addHashed(touches, nil, b.hashes[k], 1, value, 0)
				ps.addTimed(touches, ages, value)
			}
			if ps.periods != nil {
				ps.periods.add(b.at[k], touches, ages, 1, value, 0)
			}
		}
	}
}

// cutJourneysInParallel cuts the journeys in blocks on every core and adds
// the blocks to ps and s in journey order on the calling goroutine. At
// most a few blocks are in flight, so memory stays flat.
func cutJourneysInParallel(ps *PathSet, s *Summary, rows *touchRows, order, start []int32, nJourneys int, window int64, blockRows int32) {
	// Block boundaries: runs of journeys of about blockRows rows.
	var bounds []int
	for j := 0; j < nJourneys; {
		bounds = append(bounds, j)
		limit := start[j] + blockRows
		for j++; j < nJourneys && start[j] < limit; j++ {
		}
	}
	bounds = append(bounds, nJourneys)
	blocks := len(bounds) - 1
	blockRowsOf := func(k int) int { return int(start[bounds[k+1]] - start[bounds[k]]) }
	rowsAfter := func(k int) int { return int(start[nJourneys] - start[bounds[k+1]]) }
	workers := min(runtime.GOMAXPROCS(0), blocks)
	if workers <= 1 {
		var b journeyBlock
		for k := range blocks {
			b.reset(k)
			cutJourneys(&b, rows, order, start, bounds[k], bounds[k+1], window)
			addJourneyBlock(ps, s, &b, blockRowsOf(k), rowsAfter(k))
		}
		return
	}
	// A worker takes a token before it takes the next block and the
	// adder returns it once the block is added: the lowest block not yet
	// added is always being cut or cut, so the adder never waits on a
	// block no worker holds.
	tokens := make(chan *journeyBlock, workers+2)
	for range cap(tokens) {
		tokens <- new(journeyBlock)
	}
	done := make(chan *journeyBlock, cap(tokens))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range tokens {
				k := int(next.Add(1) - 1)
				if k >= blocks {
					return
				}
				b.reset(k)
				cutJourneys(b, rows, order, start, bounds[k], bounds[k+1], window)
				done <- b
			}
		}()
	}
	pending := map[int]*journeyBlock{}
	for added := 0; added < blocks; {
		b := <-done
		pending[b.seq] = b
		for {
			p, ok := pending[added]
			if !ok {
				break
			}
			delete(pending, added)
			addJourneyBlock(ps, s, p, blockRowsOf(added), rowsAfter(added))
			added++
			if added < blocks {
				tokens <- p
			}
		}
	}
	close(tokens)
	wg.Wait()
}
