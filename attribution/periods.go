package attribution

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// PeriodKind splits a touch log into periods attributed one by one.
type PeriodKind string

// Period kinds: ISO weeks (Monday to Sunday) and calendar months.
const (
	ByWeek  PeriodKind = "week"
	ByMonth PeriodKind = "month"
)

// ErrPeriodsNeedTimes is returned when periods are asked of a path table.
var ErrPeriodsNeedTimes = errors.New("credit by period needs timestamps, and a path table has none: import a touch log, or leave --by out")

// Period is one week or month of a touch log: the paths of the conversions
// that happened in it and of the non-converting journeys whose last touch
// did. Paths lists every channel of the whole data set, in the same order.
type Period struct {
	// Label names the period: 2025-03 for a month, 2025-W09 for an ISO week.
	Label string
	// Start and End bound the period [Start, End) in its time zone.
	Start, End time.Time
	// Paths holds the period's journeys, ready for Run.
	Paths *PathSet
}

// ParsePeriodKind reads "week" or "month".
func ParsePeriodKind(s string) (PeriodKind, error) {
	switch k := PeriodKind(s); k {
	case ByWeek, ByMonth:
		return k, nil
	}
	return "", fmt.Errorf("period %q: use week or month", s)
}

// checkPeriods says why kind cannot split a file of this layout, if it
// cannot.
func checkPeriods(kind PeriodKind, layout Layout) error {
	if kind == "" {
		return nil
	}
	if _, err := ParsePeriodKind(string(kind)); err != nil {
		return err
	}
	if layout == LayoutPaths {
		return ErrPeriodsNeedTimes
	}
	return nil
}

// periodStart returns the start of the period holding t, in t's location.
func (k PeriodKind) periodStart(t time.Time) time.Time {
	y, m, d := t.Date()
	if k == ByMonth {
		return time.Date(y, m, 1, 0, 0, 0, 0, t.Location())
	}
	back := (int(t.Weekday()) + 6) % 7 // days since Monday
	return time.Date(y, m, d-back, 0, 0, 0, 0, t.Location())
}

// next returns the start of the period after the one starting at start.
func (k PeriodKind) next(start time.Time) time.Time {
	if k == ByMonth {
		return start.AddDate(0, 1, 0)
	}
	return start.AddDate(0, 0, 7)
}

// label names the period starting at start.
func (k PeriodKind) label(start time.Time) string {
	if k == ByMonth {
		return start.Format("2006-01")
	}
	y, w := start.ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

// periodSplitter routes each journey path of a touch log to its period as
// the journeys are built.
type periodSplitter struct {
	kind     PeriodKind
	loc      *time.Location
	channels []string
	timed    bool
	sets     map[int64]*PathSet // by period start, Unix seconds
}

func newPeriodSplitter(kind PeriodKind, loc *time.Location, channels []string) *periodSplitter {
	if loc == nil {
		loc = time.UTC
	}
	return &periodSplitter{kind: kind, loc: loc, channels: channels, sets: map[int64]*PathSet{}}
}

// add records one path whose period is fixed by atMs (Unix milliseconds):
// a conversion's time, or a non-converting journey's last touch.
func (sp *periodSplitter) add(atMs int64, touches []int32, ages []float64, conv, value, nulls float64) {
	start := sp.kind.periodStart(time.UnixMilli(atMs).In(sp.loc)).Unix()
	ps := sp.sets[start]
	if ps == nil {
		ps = sp.newSet()
		sp.sets[start] = ps
	}
	ps.AddPath(touches, conv, value, nulls)
	if conv > 0 && len(touches) > 0 {
		sp.timed = true
		ps.addTimed(touches, ages, value)
	}
}

func (sp *periodSplitter) newSet() *PathSet {
	ps := NewPathSet()
	ps.HasNulls = true
	for _, c := range sp.channels {
		ps.Channel(c)
	}
	return ps
}

// periods returns every period from the first to the last that holds a
// journey, empty ones included, in time order.
func (sp *periodSplitter) periods() []Period {
	if len(sp.sets) == 0 {
		return nil
	}
	starts := make([]int64, 0, len(sp.sets))
	for s := range sp.sets {
		starts = append(starts, s)
	}
	slices.Sort(starts)
	var out []Period
	last := time.Unix(starts[len(starts)-1], 0).In(sp.loc)
	for t := time.Unix(starts[0], 0).In(sp.loc); !t.After(last); t = sp.kind.next(t) {
		ps := sp.sets[t.Unix()]
		if ps == nil {
			ps = sp.newSet()
		}
		if sp.timed && ps.Timed == nil {
			// Time-decay runs on every period of a touch log, an empty one too.
			ps.Timed = &TimedPaths{offsets: []int32{0}}
		}
		out = append(out, Period{Label: sp.kind.label(t), Start: t, End: sp.kind.next(t), Paths: ps})
	}
	return out
}

// PeriodResult is the attribution of one period.
type PeriodResult struct {
	Period  Period
	Results []*Result
}

// RunPeriods applies the models of opts to every period on its own. The
// models are those the whole data set allows (time-decay on a touch log),
// so every period reports the same models.
func RunPeriods(ctx context.Context, periods []Period, opts Options) ([]PeriodResult, error) {
	out := make([]PeriodResult, len(periods))
	for i, p := range periods {
		results, err := Run(ctx, p.Paths, opts)
		if err != nil {
			return nil, fmt.Errorf("period %s: %w", p.Label, err)
		}
		out[i] = PeriodResult{Period: p, Results: results}
	}
	return out, nil
}
