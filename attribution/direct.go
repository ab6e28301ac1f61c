package attribution

import (
	"strings"
)

// DefaultDirect returns the channels last-non-direct skips when
// Options.Direct is nil: the ways analytics tools write direct traffic.
// Matching is case-insensitive and ignores runs of spaces, so "Direct"
// and "(Direct) /  (None)" match too.
func DefaultDirect() []string {
	return []string{"direct", "(direct)", "(direct) / (none)", "direct / none"}
}

// normalizeChannelName folds case and runs of white space.
func normalizeChannelName(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// DirectChannels returns, for each of channels, whether it is in the
// direct set (case-insensitive, white space folded).
func DirectChannels(channels, direct []string) []bool {
	set := map[string]bool{}
	for _, d := range direct {
		set[normalizeChannelName(d)] = true
	}
	out := make([]bool, len(channels))
	for i, c := range channels {
		out[i] = set[normalizeChannelName(c)]
	}
	return out
}

// DirectTouches counts the touches on direct channels in ps: each path's
// direct touches times its journeys (conversions plus non-conversions).
func DirectTouches(ps *PathSet, direct []string) float64 {
	mask := DirectChannels(ps.Channels, direct)
	any := false
	for _, d := range mask {
		any = any || d
	}
	if !any {
		return 0
	}
	var n float64
	for i := 0; i < ps.Len(); i++ {
		k := 0
		for _, t := range ps.touches[ps.offsets[i]:ps.offsets[i+1]] {
			if mask[t] {
				k++
			}
		}
		if k > 0 {
			n += float64(k) * (ps.conv[i] + ps.nulls[i])
		}
	}
	return n
}
