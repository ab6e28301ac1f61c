package attribution

// AddProposedRange sets each budget line's ProposedRange from r's
// bootstrap intervals: the budget's total times the low and the high end
// of the channel's credit-share interval, within the line's bounds. It
// does nothing when r has no intervals. The ends are each computed on
// their own, so the lows need not add up to the total (nor the highs).
func AddProposedRange(b *Budget, r *Result) {
	if r.Intervals == nil {
		return
	}
	for i := range b.Lines {
		l := &b.Lines[i]
		for c, ch := range r.Channels {
			if ch != l.Channel {
				continue
			}
			iv := r.Intervals.Share[c]
			lo, hi := max(b.Total*iv.Low, l.Min), max(b.Total*iv.High, l.Min)
			if l.HasMax {
				lo, hi = min(lo, l.Max), min(hi, l.Max)
			}
			l.ProposedRange = &Interval{Low: lo, High: hi}
		}
	}
}
