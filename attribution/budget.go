package attribution

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// ErrInfeasibleBudget is returned (wrapped, with the numbers) when the
// per-channel minimums and maximums cannot all hold while sharing out the
// total, for example when the minimums add up to more than the total.
var ErrInfeasibleBudget = errors.New("the budget bounds cannot all be met")

// BudgetOptions sets how Allocate shares out a budget. The zero value
// shares the current total spend in proportion to credit, unbounded.
type BudgetOptions struct {
	// Total is the budget to share out; 0 means the current total spend.
	Total float64
	// Min and Max bound the proposed spend of a channel, by channel name.
	// A channel without an entry has minimum 0 and no maximum.
	Min, Max map[string]float64
}

// BudgetFlag marks a budget line that needs the reader's attention.
type BudgetFlag uint8

// Budget flags. A line may carry several.
const (
	// FlagNoCredit: the model credits the channel with no conversions, so
	// its CPA is undefined; it is proposed only its minimum.
	FlagNoCredit BudgetFlag = 1 << iota
	// FlagNoSpend: the channel has no current spend, so its ROAS is
	// undefined.
	FlagNoSpend
	// FlagNotInData: the channel has spend but never appears in the
	// journeys the model was run on.
	FlagNotInData
	// FlagAtMin: the proposal is held at the channel's minimum.
	FlagAtMin
	// FlagAtMax: the proposal is held at the channel's maximum.
	FlagAtMax
)

var flagNames = []string{"no-credit", "no-spend", "not-in-data", "at-min", "at-max"}

// Names returns the names of the flags set in f, e.g. ["no-credit",
// "at-min"], in a fixed order.
func (f BudgetFlag) Names() []string {
	var out []string
	for i, n := range flagNames {
		if f&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}

// String joins the flag names with commas; "" for no flags.
func (f BudgetFlag) String() string { return strings.Join(f.Names(), ",") }

// MarshalJSON writes the flags as an array of names.
func (f BudgetFlag) MarshalJSON() ([]byte, error) {
	names := f.Names()
	if names == nil {
		return []byte("[]"), nil
	}
	var b strings.Builder
	b.WriteByte('[')
	for i, n := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Quote(n))
	}
	b.WriteByte(']')
	return []byte(b.String()), nil
}

// Ratio is a quotient that is undefined when its denominator is zero, such
// as the CPA of a channel the model gives no credit. It never holds NaN or
// an infinity.
type Ratio struct {
	Value   float64
	Defined bool
}

// ratio returns num/den, undefined when den is zero.
func ratio(num, den float64) Ratio {
	if den == 0 {
		return Ratio{}
	}
	return Ratio{Value: num / den, Defined: true}
}

// String formats the ratio with two decimals, or "n/a" when undefined.
func (r Ratio) String() string {
	if !r.Defined {
		return "n/a"
	}
	return strconv.FormatFloat(r.Value, 'f', 2, 64)
}

// MarshalJSON writes the value, or null when undefined.
func (r Ratio) MarshalJSON() ([]byte, error) {
	if !r.Defined {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, r.Value, 'g', -1, 64), nil
}

// BudgetLine is one channel of a budget proposal.
type BudgetLine struct {
	Channel string `json:"channel"`
	// Spend is the current spend; SpendShare its share of the current total.
	Spend      float64 `json:"spend"`
	SpendShare float64 `json:"spend_share"`
	// Conversions, Value and CreditShare are the model's credit.
	Conversions float64 `json:"conversions"`
	Value       float64 `json:"value"`
	CreditShare float64 `json:"credit_share"`
	// CPA is Spend / Conversions; ROAS is Value / Spend.
	CPA  Ratio `json:"cpa"`
	ROAS Ratio `json:"roas"`
	// Proposed is the proposed spend; Change is Proposed - Spend.
	Proposed float64 `json:"proposed"`
	Change   float64 `json:"change"`
	// Min and Max are the bounds used (Max is 0 when HasMax is false).
	Min    float64 `json:"min"`
	Max    float64 `json:"max,omitempty"`
	HasMax bool    `json:"-"`
	// Flags marks zero credit, zero spend, unknown channels and bounds hit.
	Flags BudgetFlag `json:"flags"`
	// ProposedRange is set by AddProposedRange for a bootstrapped result.
	ProposedRange *Interval `json:"proposed_range,omitempty"`
}

// Budget is a budget proposal for one model's result.
type Budget struct {
	Model string       `json:"model"`
	Lines []BudgetLine `json:"channels"`
	// CurrentTotal is the summed current spend; Total the budget shared out.
	CurrentTotal float64 `json:"current_total"`
	Total        float64 `json:"total"`
	// TotalConversions and TotalValue are the model's attributed totals.
	TotalConversions float64 `json:"total_conversions"`
	TotalValue       float64 `json:"total_value"`
	// Warnings say what the reader should know, e.g. spend on channels
	// that are not in the data.
	Warnings []string `json:"warnings,omitempty"`
}

// Allocate compares spend with r's credit and proposes a budget. Every
// channel of r and of spend gets a line: r's channels first, in r's order,
// then channels that only have spend. A channel's proposal is
// Total × CreditShare (as in the Databricks multi-touch attribution
// accelerator) clamped to its bounds; the excess a bound takes away, or
// the shortfall it adds, is shared among the unbounded channels in
// proportion to their credit, repeatedly until no bound is violated. The
// proposals add up to Total.
//
// Allocate returns an error wrapping ErrInfeasibleBudget when the bounds
// cannot all hold, and a plain error for invalid input: negative spend,
// a bound that is negative or not finite, Min above Max, a bound on a
// channel that is in neither spend nor r, or nothing to share out.
func Allocate(spend []ChannelSpend, r *Result, opts BudgetOptions) (*Budget, error) {
	b := &Budget{Model: r.Model, TotalConversions: r.TotalConversions, TotalValue: r.TotalValue}
	index := map[string]int{}
	for i, ch := range r.Channels {
		index[ch] = i
		b.Lines = append(b.Lines, BudgetLine{Channel: ch, Conversions: r.Conversions[i], Value: r.Value[i], CreditShare: r.Share[i]})
	}
	var notInData []string
	for _, s := range spend {
		if s.Spend < 0 || math.IsNaN(s.Spend) || math.IsInf(s.Spend, 0) {
			return nil, fmt.Errorf("spend of %q is %g: it must be a finite number at least 0", s.Channel, s.Spend)
		}
		i, ok := index[s.Channel]
		if !ok {
			i = len(b.Lines)
			index[s.Channel] = i
			b.Lines = append(b.Lines, BudgetLine{Channel: s.Channel, Flags: FlagNotInData})
			notInData = append(notInData, s.Channel)
		}
		b.Lines[i].Spend += s.Spend
		b.CurrentTotal += s.Spend
	}
	if len(notInData) > 0 {
		what := "channel " + notInData[0] + " never appears"
		if len(notInData) > 1 {
			what = "channels " + strings.Join(notInData, ", ") + " never appear"
		}
		b.Warnings = append(b.Warnings, fmt.Sprintf("%s in the journeys, so the model gives no credit to its spend", what))
	}
	if math.IsInf(b.CurrentTotal, 0) {
		return nil, errors.New("the total current spend is too large to add up")
	}
	b.Total = opts.Total
	if b.Total == 0 {
		b.Total = b.CurrentTotal
	}
	if !(b.Total > 0) || math.IsInf(b.Total, 0) {
		if opts.Total == 0 {
			return nil, errors.New("there is no current spend to share out: give spend per channel or a total budget")
		}
		return nil, fmt.Errorf("total budget %g: must be a finite number more than 0", opts.Total)
	}
	if err := setBounds(b.Lines, index, opts); err != nil {
		return nil, err
	}
	for i := range b.Lines {
		l := &b.Lines[i]
		if b.CurrentTotal > 0 {
			l.SpendShare = l.Spend / b.CurrentTotal
		}
		l.CPA = ratio(l.Spend, l.Conversions)
		l.ROAS = ratio(l.Value, l.Spend)
		if l.Conversions == 0 {
			l.Flags |= FlagNoCredit
		}
		if l.Spend == 0 {
			l.Flags |= FlagNoSpend
		}
	}
	if err := share(b.Lines, b.Total); err != nil {
		return nil, err
	}
	for i := range b.Lines {
		l := &b.Lines[i]
		l.Change = l.Proposed - l.Spend
		if l.Min > 0 && l.Proposed == l.Min {
			l.Flags |= FlagAtMin
		}
		if l.HasMax && l.Proposed == l.Max {
			l.Flags |= FlagAtMax
		}
	}
	return b, nil
}

// setBounds copies opts' bounds into the lines, checking each.
func setBounds(lines []BudgetLine, index map[string]int, opts BudgetOptions) error {
	for _, bound := range []struct {
		name string
		m    map[string]float64
	}{{"minimum", opts.Min}, {"maximum", opts.Max}} {
		// Sorted, so that the first error reported does not vary.
		names := make([]string, 0, len(bound.m))
		for ch := range bound.m {
			names = append(names, ch)
		}
		slices.Sort(names)
		for _, ch := range names {
			v := bound.m[ch]
			i, ok := index[ch]
			if !ok {
				known := make([]string, len(lines))
				for j, l := range lines {
					known[j] = l.Channel
				}
				return fmt.Errorf("%s for channel %q: there is no such channel (channels: %s)", bound.name, ch, strings.Join(known, ", "))
			}
			if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%s for channel %q is %g: it must be a finite number at least 0", bound.name, ch, v)
			}
			if bound.name == "minimum" {
				lines[i].Min = v
			} else {
				lines[i].Max, lines[i].HasMax = v, true
			}
		}
	}
	for _, l := range lines {
		if l.HasMax && l.Min > l.Max {
			return fmt.Errorf("%w: channel %q has minimum %g above its maximum %g", ErrInfeasibleBudget, l.Channel, l.Min, l.Max)
		}
	}
	return nil
}

// share sets each line's Proposed to total × its credit share, clamped to
// [Min, Max], with what the bounds take or add shared among the other
// channels in proportion to credit. Equivalently, Proposed = clamp(λ ×
// CreditShare, Min, Max) for the one λ that makes the proposals add up to
// total.
//
// Each round shares the budget left by the held channels among the free
// ones in proportion to credit. If the free proposals over their maximum
// exceed in sum those under their minimum by more, the true λ is smaller,
// so those over stay over: they are held at their maximum (and in the
// mirror case the ones under are held at their minimum). Every round holds
// at least one channel, so there are at most len(lines) rounds.
func share(lines []BudgetLine, total float64) error {
	var sumMin, sumMaxCredited float64
	boundedAbove := true
	for _, l := range lines {
		sumMin += l.Min
		switch {
		case l.CreditShare == 0:
			sumMaxCredited += l.Min // a channel without credit gets its minimum
		case l.HasMax:
			sumMaxCredited += l.Max
		default:
			boundedAbove = false
		}
	}
	tol := 1e-9 * total
	if sumMin > total+tol {
		return fmt.Errorf("%w: the minimums add up to %g, more than the total budget %g: lower a minimum or raise the total", ErrInfeasibleBudget, sumMin, total)
	}
	if boundedAbove && sumMaxCredited < total-tol {
		if sumMaxCredited == sumMin {
			return fmt.Errorf("%w: no channel with credit can take more budget (the model credits no channel, or every credited channel is at its maximum), so %g of the total budget %g cannot be placed: raise a maximum or lower the total", ErrInfeasibleBudget, total-sumMin, total)
		}
		return fmt.Errorf("%w: the maximums of the channels with credit add up to %g (with the minimums of the others), less than the total budget %g: raise a maximum or lower the total", ErrInfeasibleBudget, sumMaxCredited, total)
	}
	held := make([]bool, len(lines))
	for range len(lines) + 1 {
		left, weight := total, 0.0
		for i, l := range lines {
			if held[i] {
				left -= l.Proposed
			} else {
				weight += l.CreditShare
			}
		}
		var over, under float64
		for i := range lines {
			l := &lines[i]
			if held[i] {
				continue
			}
			l.Proposed = 0
			if weight > 0 {
				l.Proposed = left * l.CreditShare / weight
			}
			if l.HasMax && l.Proposed > l.Max {
				over += l.Proposed - l.Max
			}
			if l.Proposed < l.Min {
				under += l.Min - l.Proposed
			}
		}
		if over <= tol && under <= tol {
			for i := range lines {
				if l := &lines[i]; !held[i] {
					// Snap rounding noise onto the bound.
					l.Proposed = min(max(l.Proposed, l.Min), l.maxOr(l.Proposed))
				}
			}
			return nil
		}
		for i := range lines {
			l := &lines[i]
			switch {
			case held[i]:
			case over >= under && l.HasMax && l.Proposed > l.Max:
				l.Proposed, held[i] = l.Max, true
			case under >= over && l.Proposed < l.Min:
				l.Proposed, held[i] = l.Min, true
			}
		}
	}
	// Unreachable when the checks above hold; kept so a bug cannot loop.
	return fmt.Errorf("%w: the bounds did not settle", ErrInfeasibleBudget)
}

// maxOr returns the line's maximum, or v when it has none.
func (l *BudgetLine) maxOr(v float64) float64 {
	if l.HasMax {
		return l.Max
	}
	return v
}
