package attribution

// pow10 holds the powers of ten that are exact in a float64.
var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// simpleDecimal parses the cells most files hold — digits, optionally with
// one '.' between digits, 15 digits at most — without strconv. The
// mantissa is below 2^53 and the power of ten exact, so one division
// rounds exactly as strconv.ParseFloat does (its own fast path).
// Anything else, or a value below MinCell, reports false and goes the
// general way, which also explains what is wrong with it. dot is the
// index of the '.', or -1.
func simpleDecimal(b []byte) (v float64, dot int, ok bool) {
	if len(b) == 0 || len(b) > 16 {
		return 0, -1, false
	}
	var m uint64
	dot = -1
	ndigits := 0
	for i, c := range b {
		switch {
		case c >= '0' && c <= '9':
			m = m*10 + uint64(c-'0')
			ndigits++
		case c == '.' && dot < 0 && i > 0 && i < len(b)-1:
			dot = i
		default:
			return 0, -1, false
		}
	}
	if ndigits > 15 {
		return 0, -1, false
	}
	v = float64(m)
	if dot >= 0 {
		v /= pow10[len(b)-1-dot]
	}
	if v != 0 && v < MinCell {
		return 0, -1, false
	}
	return v, dot, true
}
