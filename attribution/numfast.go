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
	v, n, dot, ok := decimalPrefix(b)
	if !ok || n != len(b) {
		return 0, -1, false
	}
	return v, dot, true
}

// decimalPrefix reads the digits and dots that b starts with, n bytes,
// and reports whether they are a cell simpleDecimal takes: the fast
// path-table scanner reads a number cell as it finds its end.
func decimalPrefix(b []byte) (v float64, n, dot int, ok bool) {
	var m uint64
	dot = -1
	ndigits := 0
	for ; n < len(b); n++ {
		c := b[n]
		if c-'0' < 10 {
			m = m*10 + uint64(c-'0')
			ndigits++
		} else if c == '.' && dot < 0 {
			dot = n
		} else {
			break
		}
	}
	if n == 0 || n > 16 || ndigits > 15 || dot == 0 || dot == n-1 {
		return 0, n, -1, false
	}
	v = float64(m)
	if dot >= 0 {
		v /= pow10[n-1-dot]
	}
	if v != 0 && v < MinCell {
		return 0, n, -1, false
	}
	return v, n, dot, true
}
