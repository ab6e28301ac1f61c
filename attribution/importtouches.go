package attribution

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
)

// touchRows holds a touch log in columnar form while it is read: one entry
// per accepted row, in file order.
type touchRows struct {
	journey []int32
	at      []int64  // Unix milliseconds
	channel []int32  // -1 for a conversion row without a channel
	conv    []uint64 // bit i: row i is a conversion
	// Conversions are a minority of rows, so their values are kept apart
	// with the rows they belong to (ascending) instead of one per row:
	// ten million rows cost 8 bytes less each.
	convRow   []int32
	convValue []float64
}

func (r *touchRows) len() int { return len(r.at) }

// truncate empties the rows and keeps their memory.
func (r *touchRows) truncate() {
	r.journey, r.at, r.channel, r.conv = r.journey[:0], r.at[:0], r.channel[:0], r.conv[:0]
	r.convRow, r.convValue = r.convRow[:0], r.convValue[:0]
}

// add appends a row.
func (r *touchRows) add(journey int32, at int64, channel int32, isConv bool, value float64) {
	i := r.len()
	if i%64 == 0 {
		r.conv = append(r.conv, 0)
	}
	if isConv {
		r.conv[i/64] |= 1 << (i % 64)
		r.convRow = append(r.convRow, int32(i))
		r.convValue = append(r.convValue, value)
	}
	r.journey = append(r.journey, journey)
	r.at = append(r.at, at)
	r.channel = append(r.channel, channel)
}

func (r *touchRows) isConv(i int32) bool { return r.conv[i/64]&(1<<(i%64)) != 0 }

// value returns the value of conversion row i.
func (r *touchRows) value(i int32) float64 {
	k, _ := slices.BinarySearch(r.convRow, i)
	return r.convValue[k]
}

// reserve makes room for n more rows. It grows by a quarter, as append
// grows a large slice, not by doubling: the merged columns of a large log
// are most of its memory.
func (r *touchRows) reserve(n int) {
	r.journey = growColumn(r.journey, n)
	r.at = growColumn(r.at, n)
	r.channel = growColumn(r.channel, n)
	r.conv = growColumn(r.conv, n/64+1)
}

// growColumn returns s with room for n more elements, growing it by at
// least a quarter. growRoom neither clears the room (slices.Grow did, on
// the merging goroutine, faulting in the whole of a large log's columns
// at once) and advises a large column for huge pages.
func growColumn[T any](s []T, n int) []T {
	if n <= cap(s)-len(s) {
		return s
	}
	return growRoom(s, max(n, cap(s)/4))
}

// appendRows appends every row of in, with its journeys mapped through
// journeyMap and its channels through channelMap, in one pass per column
// instead of one add per row.
func (r *touchRows) appendRows(in *touchRows, journeyMap, channelMap []int32) {
	base := r.len()
	r.reserve(in.len())
	for _, j := range in.journey {
		r.journey = append(r.journey, journeyMap[j])
	}
	r.at = append(r.at, in.at...)
	for _, ch := range in.channel {
		if ch >= 0 {
			ch = channelMap[ch]
		}
		r.channel = append(r.channel, ch)
	}
	for len(r.conv)*64 < r.len() {
		r.conv = append(r.conv, 0)
	}
	for _, i := range in.convRow {
		g := base + int(i)
		r.conv[g/64] |= 1 << (g % 64)
		r.convRow = append(r.convRow, int32(g))
	}
	r.convValue = append(r.convValue, in.convValue...)
}

// channelCost is the cost of one row, charged to its (chunk) channel.
type channelCost struct {
	channel int32
	cost    float64
}

// touchChunk is one chunk of a touch log, parsed, with channels and
// journeys interned locally; the merge maps them to the dataset's.
type touchChunk struct {
	pool *sync.Pool // where it goes back once merged
	cp   *chunkParser
	// Column indices, looked up once: six map lookups a row were a tenth
	// of an import.
	jCol, tCol, cCol, convCol, valueCol, costCol int
	channels                                     interner
	journeys                                     keyInterner
	rows                                         touchRows
	// charged: per local channel, whether it was seen in a log with a
	// cost column; costs: the rows' costs other than 0, in file order, so
	// that the merge sums each channel's in file order however the file
	// was cut into chunks (summed per chunk, the spend changed in its last
	// digits from run to run).
	charged    []bool
	costs      []channelCost
	format     TimeFormat
	minT, maxT int64
	// valuesIgnored counts accepted non-conversion rows with a value.
	valuesIgnored int
	// altRow and altAt: rows whose date reads both ways while the order
	// is deferred, and their month-first times.
	altRow []int32
	altAt  []int64
	fields [][]byte // the cells of the row scanTouchRows reads
}

func (sh *importShared) parseTouchChunk(c chunk) *touchChunk {
	cp := sh.newChunkParser(c)
	// A chunk merged earlier lends its columns and tables, so that a large
	// log parses into the same few instead of fresh ones per chunk.
	tc, _ := sh.touchChunks.Get().(*touchChunk)
	if tc == nil {
		tc = &touchChunk{pool: &sh.touchChunks}
	}
	tc.cp, tc.minT, tc.maxT = cp, math.MaxInt64, math.MinInt64
	tc.jCol, tc.tCol, tc.cCol = sh.cols[FieldJourney], sh.cols[FieldTimestamp], sh.cols[FieldChannel]
	tc.convCol, tc.valueCol, tc.costCol = sh.cols[FieldConversion], sh.cols[FieldValue], sh.cols[FieldCost]
	tc.channels.reset()
	tc.journeys.reset()
	tc.rows.truncate()
	tc.charged, tc.costs, tc.altRow, tc.altAt = tc.charged[:0], tc.costs[:0], tc.altRow[:0], tc.altAt[:0]
	tc.format, tc.valuesIgnored = "", 0
	// Size the columns once from the chunk's line count (cheap,
	// vectorised) instead of growing them row by row.
	tc.rows.reserve(bytes.Count(c.data, []byte{'\n'}) + 1)
	eventMode := sh.opts.ConversionLabel != "" || slices.Contains(eventColumns, normalizeHeader(sh.header[tc.convCol]))
	fast := !sh.opts.generalRowsOnly && sh.plan == nil
	src := cp.rr.r.(*sliceSource)
	pos, line := 0, c.firstLine
	for {
		if fast {
			// Plain rows up to one the general reader takes, which then
			// reads on from there.
			pos, line = tc.scanTouchRows(c.data, pos, line, eventMode)
			src.b, cp.rr.nextLine = c.data[pos:], line
		}
		rec, err := cp.next()
		if err == nil && rec == nil {
			return tc
		}
		tc.addRow(rec, err, eventMode)
		pos, line = len(c.data)-len(src.b), cp.rr.nextLine
	}
}

// addRow adds one row read by either reader, or records it as bad.
func (tc *touchChunk) addRow(rec [][]byte, err error, eventMode bool) {
	if err == nil {
		err = tc.row(rec, eventMode)
	}
	if err != nil {
		tc.cp.bad(rec, err)
		return
	}
	tc.cp.accepted++
}

// row parses one row. It appends only when the whole row is valid, so a
// rejected row leaves no trace.
func (tc *touchChunk) row(rec [][]byte, eventMode bool) error {
	cp := tc.cp
	jCol, tCol, cCol := tc.jCol, tc.tCol, tc.cCol
	convCol, valueCol, costCol := tc.convCol, tc.valueCol, tc.costCol
	jid := trimSpace(rec[jCol])
	if len(jid) == 0 {
		return cp.cellError(jCol, jid, "is empty: every row needs a journey id")
	}
	ts := trimSpace(rec[tCol])
	at, format, alt, hasAlt, err := cp.timeCell(tCol, ts)
	if err != nil {
		return err
	}
	convCell := trimSpace(rec[convCol])
	var isConv bool
	if eventMode {
		isConv = cp.formats.isLabel(convCell)
	} else {
		switch flag := parseFlag(convCell); {
		case flag > 0 || cp.formats.isLabel(convCell):
			isConv = true
		case flag < 0:
			return cp.cellError(convCol, convCell, "expected 1 or 0, true or false, yes or no, y or n, or a conversion label ("+strings.Join(cp.formats.labelSet, ", ")+")")
		}
	}
	channel := trimSpace(rec[cCol])
	if len(channel) == 0 && !isConv {
		return cp.cellError(cCol, channel, "is empty on a row that is not a conversion: every touch needs a channel")
	}
	var value, cost float64
	// A value is checked on every row, but only a conversion carries one.
	if value, err = cp.number(rec, valueCol, false); err != nil {
		return err
	}
	ignored := !isConv && value > 0
	if ignored {
		value = 0
	}
	if cost, err = cp.number(rec, costCol, false); err != nil {
		return err
	}
	if cost > 0 && len(channel) == 0 {
		return cp.cellError(costCol, rec[costCol], "a cost needs a channel to be charged to")
	}
	// The row is valid: only now intern, count and append.
	if ignored {
		tc.valuesIgnored++
	}
	if hasAlt {
		tc.altRow = append(tc.altRow, int32(len(tc.rows.at)))
		tc.altAt = append(tc.altAt, alt)
	}
	ch := int32(-1)
	if len(channel) > 0 {
		ch = tc.channels.intern(channel)
		for len(tc.charged) <= int(ch) {
			tc.charged = append(tc.charged, false)
		}
		if costCol >= 0 {
			tc.charged[ch] = true
			if cost != 0 {
				tc.costs = append(tc.costs, channelCost{ch, cost})
			}
		}
	}
	if tc.format == "" {
		tc.format = format
	}
	tc.minT, tc.maxT = min(tc.minT, at), max(tc.maxT, at)
	tc.rows.add(tc.journeys.intern(jid), at, ch, isConv, value)
	return nil
}

func (m *mergeState) mergeTouches(c chunk, tc *touchChunk) error {
	if c.seq == 0 {
		m.minT, m.maxT = math.MaxInt64, math.MinInt64
	}
	if c.seq == 0 {
		rows := estimateRows(m.size, tc.rows.len(), len(c.data))
		m.rows.reserve(rows)
		// Journeys, as many per byte as in the first chunk, but no more
		// than one per two rows: a log whose journeys interleave shows a
		// chunk more journeys than the whole has.
		if k := tc.journeys.Len(); k > 0 && rows > 0 {
			n := min(estimateRows(m.size, k, len(c.data)), rows/2)
			m.journeys.reserve(n, int(float64(n)*float64(len(tc.journeys.arena))/float64(k)))
		}
	}
	m.ds.Summary.ValuesIgnored += tc.valuesIgnored
	m.remapChannels(&tc.channels)
	s := &m.ds.Summary
	if s.TimestampFormat == "" {
		s.TimestampFormat = tc.format
	}
	m.minT, m.maxT = min(m.minT, tc.minT), max(m.maxT, tc.maxT)
	for local, ok := range tc.charged {
		if !ok {
			continue // a log without a cost column
		}
		g := m.remap[local]
		for len(m.spend) <= int(g) {
			m.spend = append(m.spend, 0)
			m.hasSpend = append(m.hasSpend, false)
		}
		m.hasSpend[g] = true
	}
	for _, c := range tc.costs {
		m.spend[m.remap[c.channel]] += c.cost
	}
	// The worker hashed the chunk's journeys: one probe each here, the
	// slots warmed a batch at a time.
	const batch = 32
	journeyMap := make([]int32, tc.journeys.Len())
	for lo := 0; lo < len(journeyMap); lo += batch {
		hashes := tc.journeys.hashes[lo:min(lo+batch, len(journeyMap))]
		m.journeys.warm(hashes)
		for i, h := range hashes {
			journeyMap[lo+i] = m.journeys.internHashed(tc.journeys.key(int32(lo+i)), h)
		}
	}
	r := &m.rows
	for k, i := range tc.altRow {
		m.altRow = append(m.altRow, int32(len(r.at))+i)
		m.altAt = append(m.altAt, tc.altAt[k])
	}
	r.appendRows(&tc.rows, journeyMap, m.remap)
	err := m.mergeCommon(c, tc.cp)
	tc.cp = nil
	tc.pool.Put(tc)
	return err
}

// finishTouches builds journeys from the merged rows: grouped by journey
// and sorted by time (ties keep file order); each conversion closes a path
// of the touches since the previous one, within the lookback window;
// touches after the last conversion form one non-converting path.
func (m *mergeState) finishTouches() error {
	if err := m.settleDateOrder(); err != nil {
		return err
	}
	ps := m.ds.Paths
	ps.HasNulls = true
	s := &m.ds.Summary
	if s.RowsAccepted > 0 {
		s.FirstTime = time.UnixMilli(m.minT).UTC()
		s.LastTime = time.UnixMilli(m.maxT).UTC()
	}
	s.Journeys = m.journeys.Len()
	// The ids are assigned: the table's memory is better spent on the
	// paths, built next, when memory peaks.
	m.journeys = keyInterner{}
	for ch, ok := range m.hasSpend {
		if ok {
			m.ds.Spend = append(m.ds.Spend, ChannelSpend{ps.Channels[ch], m.spend[ch]})
		}
	}
	lookback := m.opts.Lookback
	switch lookback {
	case 0:
		lookback = DefaultLookback
		s.Lookback = FormatDuration(lookback)
	case UnlimitedLookback:
		s.Lookback = "unlimited"
	default:
		s.Lookback = FormatDuration(lookback)
	}
	// A touch log always has touch times, so time-decay runs (and says
	// why it credits nothing) even when no conversion kept a touch.
	ps.Timed = &TimedPaths{offsets: []int32{0}}
	if m.opts.By != "" {
		ps.periods = newPeriodSplitter(m.opts.By, m.opts.Location, ps.Channels)
	}
	buildJourneys(ps, s, &m.rows, s.Journeys, lookback)
	if ps.periods != nil {
		m.ds.Periods, ps.periods = ps.periods.periods(), nil
	}
	return nil
}

// settleDateOrder applies the day/month order the whole column settled
// to the dates that read both ways, or says that nothing settled it.
func (m *mergeState) settleDateOrder() error {
	f := m.formats
	if !f.deferred || m.evidence.date.orderRead.line == 0 {
		return nil
	}
	switch f.decidedOrder(&m.evidence) {
	case DayFirst:
		return nil
	case MonthFirst:
		for k, i := range m.altRow {
			m.rows.at[i] = m.altAt[k]
		}
		m.minT, m.maxT = math.MaxInt64, math.MinInt64
		for _, at := range m.rows.at {
			m.minT, m.maxT = min(m.minT, at), max(m.maxT, at)
		}
		return nil
	}
	return &ParseError{File: m.opts.File, Reason: undecidedMessage(f.timeName, m.evidence.date.orderRead)}
}

// buildJourneys turns accepted rows into paths.
func buildJourneys(ps *PathSet, s *Summary, rows *touchRows, nJourneys int, lookback time.Duration) {
	// Counting sort by journey keeps file order within each journey.
	start := make([]int32, nJourneys+1)
	for _, j := range rows.journey {
		start[j+1]++
	}
	for j := 0; j < nJourneys; j++ {
		start[j+1] += start[j]
	}
	order := make([]int32, len(rows.journey))
	next := slices.Clone(start[:nJourneys])
	for i, j := range rows.journey {
		order[next[j]] = int32(i)
		next[j]++
	}
	// The order holds the grouping now; let the collector have the ids
	// before the paths are built, when memory peaks.
	rows.journey = nil
	window := int64(lookback / time.Millisecond)
	if lookback == UnlimitedLookback {
		window = -1
	}
	cutJourneysInParallel(ps, s, rows, order, start, nJourneys, window, journeyBlockRows)
}
