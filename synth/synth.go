// Package synth generates seeded synthetic journey data: path tables and
// touch logs whose channels differ in how much they really drive
// conversion, so that attribution models visibly disagree. The same seed
// always writes the same bytes.
package synth

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"time"
)

// Options describes the data to generate.
type Options struct {
	// Channels is the number of channels (at least 1).
	Channels int
	// Seed makes the output reproducible.
	Seed uint64
	// Journeys is the number of journeys to simulate (touch log, or path
	// table aggregated from them).
	Journeys int
	// Paths, for a path table, asks for exactly this many distinct paths
	// instead of simulating Journeys.
	Paths int
	// Rows, for a touch log, asks for exactly this many data rows instead of
	// Journeys.
	Rows int
	// Start is the time of the first touch; zero means 2025-01-01 UTC.
	Start time.Time
}

var channelNames = []string{
	"paid_search", "email", "social", "display", "direct", "affiliate",
	"organic", "referral", "video", "podcast", "sms", "push",
}

// ChannelName returns the name of generated channel i.
func ChannelName(i int) string {
	if i < len(channelNames) {
		return channelNames[i]
	}
	return "channel_" + strconv.Itoa(i+1)
}

// world holds the hidden truth the generator draws from.
type world struct {
	rng        *rand.Rand
	names      []string
	popularity []float64 // cumulative, for drawing a channel
	lift       []float64 // log-odds added when a channel is in a journey
	cpc        []float64 // cost per touch
	valueMean  []float64 // mean order value when the channel closes
}

func newWorld(o Options) (*world, error) {
	if o.Channels < 1 {
		return nil, fmt.Errorf("need at least 1 channel, got %d", o.Channels)
	}
	// Campaign-level data has channels in the hundreds of thousands; the
	// bound keeps the tables (a few words per channel) small.
	if o.Channels > 1000000 {
		return nil, fmt.Errorf("%d channels: at most 1000000", o.Channels)
	}
	w := &world{rng: rand.New(rand.NewPCG(o.Seed, o.Seed^0x9E3779B97F4A7C15))}
	var sum float64
	for i := 0; i < o.Channels; i++ {
		w.names = append(w.names, ChannelName(i))
		// Zipf-like popularity: a few channels carry most touches.
		sum += 1 / math.Pow(float64(i+1), 0.8)
		w.popularity = append(w.popularity, sum)
		// Alternate strong, weak and useless channels so models disagree:
		// popular channels are not always the ones that drive conversion.
		switch i % 4 {
		case 0:
			w.lift = append(w.lift, 0.9)
		case 1:
			w.lift = append(w.lift, 0.3)
		case 2:
			w.lift = append(w.lift, -0.2)
		default:
			w.lift = append(w.lift, 1.4)
		}
		w.cpc = append(w.cpc, 0.2+float64(i%5)*0.35)
		w.valueMean = append(w.valueMean, 40+float64(i%6)*15)
	}
	for i := range w.popularity {
		w.popularity[i] /= sum
	}
	return w, nil
}

func (w *world) channel() int {
	u := w.rng.Float64()
	lo, hi := 0, len(w.popularity)-1
	for lo < hi {
		m := (lo + hi) / 2
		if w.popularity[m] < u {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// pathLength draws 1 + geometric with the given mean extra touches, capped.
func (w *world) pathLength(meanExtra float64, cap int) int {
	n := 1
	p := 1 / (1 + meanExtra)
	for n < cap && w.rng.Float64() > p {
		n++
	}
	return n
}

// convProb is the chance that a journey through path converts.
func (w *world) convProb(path []int) float64 {
	x := -2.6
	var seen [64]bool
	for _, c := range path {
		if c < len(seen) {
			if seen[c] {
				continue
			}
			seen[c] = true
		}
		x += w.lift[c]
	}
	return 1 / (1 + math.Exp(-x))
}

func (w *world) orderValue(last int) float64 {
	v := w.valueMean[last] * math.Exp(0.5*w.rng.NormFloat64()-0.125)
	return math.Round(v*100) / 100
}

// WritePaths writes a path table: path,total_conversions,
// total_conversion_value,total_null.
func WritePaths(out io.Writer, o Options) error {
	w, err := newWorld(o)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(out, 1<<20)
	bw.WriteString("path,total_conversions,total_conversion_value,total_null\n")
	var buf []byte
	row := func(path []int, conv int, value float64, nulls int) {
		buf = buf[:0]
		for i, c := range path {
			if i > 0 {
				buf = append(buf, " > "...)
			}
			buf = append(buf, w.names[c]...)
		}
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(conv), 10)
		buf = append(buf, ',')
		buf = strconv.AppendFloat(buf, math.Round(value*100)/100, 'f', -1, 64)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(nulls), 10)
		buf = append(buf, '\n')
		bw.Write(buf)
	}
	if o.Paths > 0 {
		if err := w.distinctPaths(o.Paths, row); err != nil {
			return err
		}
	} else {
		type agg struct {
			path        []int
			conv, nulls int
			value       float64
		}
		index := map[string]int{}
		var rows []agg
		var key []byte
		for j := 0; j < o.Journeys; j++ {
			path := w.journeyPath()
			key = key[:0]
			for _, c := range path {
				key = strconv.AppendInt(key, int64(c), 36)
				key = append(key, '.')
			}
			i, ok := index[string(key)]
			if !ok {
				i = len(rows)
				index[string(key)] = i
				rows = append(rows, agg{path: path})
			}
			if w.rng.Float64() < w.convProb(path) {
				rows[i].conv++
				rows[i].value += w.orderValue(path[len(path)-1])
			} else {
				rows[i].nulls++
			}
		}
		for _, r := range rows {
			row(r.path, r.conv, r.value, r.nulls)
		}
	}
	return bw.Flush()
}

func (w *world) journeyPath() []int {
	n := w.pathLength(2.5, 30)
	path := make([]int, n)
	for i := range path {
		path[i] = w.channel()
	}
	return path
}

// distinctPaths emits exactly n distinct paths, each with a journey count
// and its conversions drawn from the hidden conversion probability.
func (w *world) distinctPaths(n int, row func([]int, int, float64, int)) error {
	seen := make(map[string]struct{}, n)
	var key []byte
	path := make([]int, 0, 40)
	misses := 0
	for emitted := 0; emitted < n; {
		length := w.pathLength(4, 40)
		path = path[:0]
		key = key[:0]
		for i := 0; i < length; i++ {
			c := w.channel()
			path = append(path, c)
			key = strconv.AppendInt(key, int64(c), 36)
			key = append(key, '.')
		}
		if _, dup := seen[string(key)]; dup {
			misses++
			if misses > 50*n+1000000 {
				return fmt.Errorf("cannot make %d distinct paths from %d channels", n, len(w.names))
			}
			continue
		}
		seen[string(key)] = struct{}{}
		journeys := 1 + int(w.rng.ExpFloat64()*4)
		p := w.convProb(path)
		conv := 0
		value := 0.0
		for j := 0; j < journeys; j++ {
			if w.rng.Float64() < p {
				conv++
				value += w.orderValue(path[len(path)-1])
			}
		}
		row(path, conv, value, journeys-conv)
		emitted++
	}
	return nil
}

// WriteTouches writes a touch log: journey_id,timestamp,channel,conversion,
// conversion_value,cost. With Rows set it writes exactly that many data
// rows; otherwise it simulates Journeys journeys.
func WriteTouches(out io.Writer, o Options) error {
	w, err := newWorld(o)
	if err != nil {
		return err
	}
	start := o.Start
	if start.IsZero() {
		start = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	bw := bufio.NewWriterSize(out, 1<<20)
	bw.WriteString("journey_id,timestamp,channel,conversion,conversion_value,cost\n")
	var buf []byte
	rows := 0
	emit := func(journey int, at time.Time, ch int, conv bool, value, cost float64) {
		buf = buf[:0]
		buf = append(buf, 'u')
		buf = strconv.AppendInt(buf, int64(journey), 10)
		buf = append(buf, ',')
		buf = at.AppendFormat(buf, "2006-01-02T15:04:05Z")
		buf = append(buf, ',')
		if ch >= 0 {
			buf = append(buf, w.names[ch]...)
		}
		if conv {
			buf = append(buf, ",1,"...)
			buf = strconv.AppendFloat(buf, value, 'f', -1, 64)
		} else {
			buf = append(buf, ",0,"...)
		}
		buf = append(buf, ',')
		if cost > 0 {
			buf = strconv.AppendFloat(buf, cost, 'f', 2, 64)
		}
		buf = append(buf, '\n')
		bw.Write(buf)
		rows++
	}
	more := func(j int) bool {
		if o.Rows > 0 {
			return rows < o.Rows
		}
		return j < o.Journeys
	}
	const span = 90 * 24 * time.Hour
	for j := 0; more(j); j++ {
		at := start.Add(time.Duration(w.rng.Int64N(int64(span))))
		// One or two sessions: a returning customer may convert twice.
		sessions := 1
		if w.rng.Float64() < 0.15 {
			sessions = 2
		}
		for s := 0; s < sessions && more(j); s++ {
			path := w.journeyPath()
			for i, c := range path {
				if o.Rows > 0 && rows >= o.Rows {
					break
				}
				if i > 0 {
					at = at.Add(time.Duration(w.rng.ExpFloat64() * float64(36*time.Hour)))
				}
				emit(j, at.Truncate(time.Second), c, false, 0, w.cpc[c])
			}
			if o.Rows > 0 && rows >= o.Rows {
				break
			}
			if w.rng.Float64() < w.convProb(path) {
				at = at.Add(time.Duration(w.rng.ExpFloat64() * float64(2*time.Hour)))
				emit(j, at.Truncate(time.Second), -1, true, w.orderValue(path[len(path)-1]), 0)
			}
			at = at.Add(time.Duration(w.rng.ExpFloat64() * float64(10*24*time.Hour)))
		}
	}
	return bw.Flush()
}
