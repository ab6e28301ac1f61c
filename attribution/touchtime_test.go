package attribution

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// TestRFC3339FastPathMatchesGeneral checks rfc3339UTC, the fast path of
// parseTime, against the general ISO reader (parseISO, then the year
// range, as parseTime did before it) on timestamps of its shape with
// every part at and beyond its bounds (year 0, month 13, 31 April, 29
// February in leap and common years, hour 24, minute and second 60) and
// with single bytes changed (letters, signs, lowercase t and z): the same
// time and format whenever it answers, an answer whenever the general
// reader accepts an exact YYYY-MM-DDTHH:MM:SSZ, and, for valid times,
// the same instant as time.Parse.
func TestRFC3339FastPathMatchesGeneral(t *testing.T) {
	rng := rand.New(rand.NewPCG(20, 25))
	years := []int{0, 1, 1600, 1700, 1899, 1900, 1970, 2000, 2023, 2024, 2025, 2100, 9999}
	answered := 0
	for round := range 200000 {
		b := []byte(fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02dZ", years[rng.IntN(len(years))], rng.IntN(14), rng.IntN(33),
			rng.IntN(25), rng.IntN(61), rng.IntN(61)))
		if round%4 == 0 {
			b[rng.IntN(len(b))] = "0129aZzTt:-+ ./"[rng.IntN(15)]
		}
		ms, format, ev, err := parseTime(b, DayFirst, false, nil)
		wantMS, wantFormat, zoned, wantErr := parseISO(b)
		if wantErr == nil {
			wantErr = checkYearRange(wantMS)
		}
		fastMS, fast := rfc3339UTC(b)
		if fast {
			answered++
			if wantErr != nil || fastMS != wantMS || wantFormat != FormatRFC3339 || !zoned {
				t.Fatalf("%s: fast path %d, general %d %q zoned %v err %v", b, fastMS, wantMS, wantFormat, zoned, wantErr)
			}
			want, perr := time.Parse(time.RFC3339, string(b))
			if perr != nil || want.UnixMilli() != fastMS {
				t.Fatalf("%s: fast path %d, time.Parse %d (%v)", b, fastMS, want.UnixMilli(), perr)
			}
		} else if wantErr == nil && exactRFC3339UTC(b) {
			t.Fatalf("%s: the fast path left a valid time of its shape to the general reader", b)
		}
		if (err == nil) != (wantErr == nil) || err == nil && (ms != wantMS || format != wantFormat) || ev != 0 {
			t.Fatalf("%s: parseTime %d %q ev %d err %v, general %d %q err %v", b, ms, format, ev, err, wantMS, wantFormat, wantErr)
		}
	}
	if answered < 10000 {
		t.Fatalf("the fast path answered %d of 200000: the test hardly reaches it", answered)
	}
}

// exactRFC3339UTC reports whether b is digits and separators in the
// shape YYYY-MM-DDTHH:MM:SSZ.
func exactRFC3339UTC(b []byte) bool {
	const shape = "dddd-dd-ddTdd:dd:ddZ"
	if len(b) != len(shape) {
		return false
	}
	for i, c := range b {
		if shape[i] == 'd' && (c < '0' || c > '9') || shape[i] != 'd' && c != shape[i] {
			return false
		}
	}
	return true
}
