package attribution

import (
	"bytes"
	"slices"
	"time"
)

// touchRows holds a touch log in columnar form while it is read: one entry
// per accepted row, in file order.
type touchRows struct {
	journey []int32
	at      []int64 // Unix milliseconds
	channel []int32 // -1 for a conversion row without a channel
	conv    []bool
	value   []float64
}

// readTouches reads a touch log, then builds journeys: rows grouped by
// journey and sorted by time (ties keep file order); each conversion closes
// a path of the touches since the previous one, within the lookback
// window; touches after the last conversion form one non-converting path.
func (im *importer) readTouches() error {
	ps := im.ds.Paths
	ps.HasNulls = true
	s := &im.ds.Summary
	jCol, tCol, cCol := im.cols[FieldJourney], im.cols[FieldTimestamp], im.cols[FieldChannel]
	convCol, valueCol, costCol := im.cols[FieldConversion], im.cols[FieldValue], im.cols[FieldCost]

	label := []byte(im.opts.ConversionLabel)
	eventMode := len(label) > 0 || slices.Contains(eventColumns, normalizeHeader(im.header[convCol]))
	if len(label) == 0 {
		label = []byte("conversion")
	}

	journeys := map[string]int32{}
	var rows touchRows
	spend := map[int32]float64{}
	minT, maxT := int64(1<<63-1), int64(-1<<63)
	for {
		rec, err := im.next()
		if err == nil && rec == nil {
			break
		}
		if err == nil {
			err = im.touchRow(rec, journeys, &rows, spend, eventMode, label, jCol, tCol, cCol, convCol, valueCol, costCol)
		}
		if err != nil {
			if err = im.reject(rec, err); err != nil {
				return err
			}
			continue
		}
		s.RowsAccepted++
		t := rows.at[len(rows.at)-1]
		minT, maxT = min(minT, t), max(maxT, t)
	}
	if s.RowsRead == 0 {
		return &ParseError{File: im.opts.File, Line: 2, Reason: "the file has a header but no rows"}
	}
	if s.RowsAccepted > 0 {
		s.FirstTime = time.UnixMilli(minT).UTC()
		s.LastTime = time.UnixMilli(maxT).UTC()
	}
	s.Journeys = len(journeys)
	for ch := range ps.Channels {
		if v, ok := spend[int32(ch)]; ok {
			im.ds.Spend = append(im.ds.Spend, ChannelSpend{ps.Channels[ch], v})
		}
	}
	lookback := im.opts.Lookback
	switch lookback {
	case 0:
		lookback = DefaultLookback
		s.Lookback = FormatDuration(lookback)
	case UnlimitedLookback:
		s.Lookback = "unlimited"
	default:
		s.Lookback = FormatDuration(lookback)
	}
	buildJourneys(ps, s, &rows, len(journeys), lookback)
	return nil
}

// touchRow parses one row into rows. It appends only when the whole row is
// valid, so a rejected row leaves no trace.
func (im *importer) touchRow(rec [][]byte, journeys map[string]int32, rows *touchRows, spend map[int32]float64,
	eventMode bool, label []byte, jCol, tCol, cCol, convCol, valueCol, costCol int) error {
	s := &im.ds.Summary
	jid := bytes.TrimSpace(rec[jCol])
	if len(jid) == 0 {
		return im.cellError(jCol, jid, "is empty: every row needs a journey id")
	}
	ts := bytes.TrimSpace(rec[tCol])
	at, format, err := parseTimestamp(ts)
	if err != nil {
		return im.cellError(tCol, ts, err.Error())
	}
	if s.TimestampFormat == "" {
		s.TimestampFormat = format
	}
	convCell := bytes.TrimSpace(rec[convCol])
	var isConv bool
	if eventMode {
		isConv = bytes.EqualFold(convCell, label)
	} else {
		switch {
		case len(convCell) == 0 || bytes.Equal(convCell, []byte("0")) || bytes.EqualFold(convCell, []byte("false")) || bytes.EqualFold(convCell, []byte("no")):
		case bytes.Equal(convCell, []byte("1")) || bytes.EqualFold(convCell, []byte("true")) || bytes.EqualFold(convCell, []byte("yes")) || bytes.EqualFold(convCell, label):
			isConv = true
		default:
			return im.cellError(convCol, convCell, "expected 1 or 0, true or false, or \""+string(label)+"\"")
		}
	}
	channel := bytes.TrimSpace(rec[cCol])
	if len(channel) == 0 && !isConv {
		return im.cellError(cCol, channel, "is empty on a row that is not a conversion: every touch needs a channel")
	}
	var value, cost float64
	if isConv {
		if value, err = im.number(rec, valueCol, false); err != nil {
			return err
		}
	}
	if cost, err = im.number(rec, costCol, false); err != nil {
		return err
	}
	if cost > 0 && len(channel) == 0 {
		return im.cellError(costCol, rec[costCol], "a cost needs a channel to be charged to")
	}
	// The row is valid: only now intern and append.
	ch := int32(-1)
	if len(channel) > 0 {
		ch = im.ds.Paths.channelBytes(channel)
	}
	j, ok := journeys[string(jid)]
	if !ok {
		j = int32(len(journeys))
		journeys[string(jid)] = j
	}
	if cost > 0 {
		spend[ch] += cost
	}
	rows.journey = append(rows.journey, j)
	rows.at = append(rows.at, at)
	rows.channel = append(rows.channel, ch)
	rows.conv = append(rows.conv, isConv)
	rows.value = append(rows.value, value)
	return nil
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
	window := int64(lookback / time.Millisecond)
	if lookback == UnlimitedLookback {
		window = -1
	}
	var touches []int32
	var ages []float64
	var pendCh []int32
	var pendAt []int64
	for j := 0; j < nJourneys; j++ {
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
			if !rows.conv[i] {
				continue
			}
			s.Conversions++
			s.Value += rows.value[i]
			at := rows.at[i]
			touches, ages = touches[:0], ages[:0]
			for k, t := range pendAt {
				if window >= 0 && at-t > window {
					s.TouchesOutsideLookback++
					continue
				}
				touches = append(touches, pendCh[k])
				ages = append(ages, float64(at-t)/1000)
			}
			ps.AddPath(touches, 1, rows.value[i], 0)
			if len(touches) > 0 {
				ps.addTimed(touches, ages, rows.value[i])
			}
			pendCh, pendAt = pendCh[:0], pendAt[:0]
		}
		if len(pendCh) > 0 {
			last := pendAt[len(pendAt)-1]
			touches = touches[:0]
			for k, t := range pendAt {
				if window >= 0 && last-t > window {
					s.TouchesOutsideLookback++
					continue
				}
				touches = append(touches, pendCh[k])
			}
			ps.AddPath(touches, 0, 0, 1)
			s.NonConverting++
		}
	}
}
