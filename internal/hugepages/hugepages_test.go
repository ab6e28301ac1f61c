package hugepages

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// TestMakeKeepsMake checks that Make is make: length, capacity, zeroes,
// and memory that reads and writes, small or large.
func TestMakeKeepsMake(t *testing.T) {
	for _, n := range []int{0, 1, 1000, 3 << 20, 9 << 20} {
		s := Make[float64](n/2, n)
		if len(s) != n/2 || cap(s) != n {
			t.Fatalf("Make(%d, %d): len %d cap %d", n/2, n, len(s), cap(s))
		}
		if at := uintptr(unsafe.Pointer(unsafe.SliceData(s[:cap(s)]))); supported && n*8 >= minBytes && at%hugePage != 0 {
			t.Errorf("Make(%d, %d) starts at %#x, not on a huge page", n/2, n, at)
		}
		for i := range s {
			if s[i] != 0 {
				t.Fatalf("Make(%d, %d)[%d] = %v, want 0", n/2, n, i, s[i])
			}
			s[i] = float64(i)
		}
		s = s[:n]
		for i := n / 2; i < n; i++ {
			s[i] = float64(i)
		}
		for i := range s {
			if s[i] != float64(i) {
				t.Fatalf("Make(%d, %d)[%d] = %v after writing %d", n/2, n, i, s[i], i)
			}
		}
	}
}

// TestAdviseMarksHugePages checks on Linux that a large buffer's whole
// 2 MB pages are advised: /proc/self/smaps lists the advised range with
// the "hg" flag. Where the kernel has no transparent huge pages the test
// says so and checks nothing else.
func TestAdviseMarksHugePages(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("huge pages are advised on Linux only; Make is make elsewhere (TestMakeKeepsMake)")
	}
	if b, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled"); err != nil || strings.Contains(string(b), "[never]") {
		t.Skip("this kernel has transparent huge pages off: nothing to advise")
	}
	s := Make[byte](0, 16<<20)
	start := (uintptr(unsafe.Pointer(unsafe.SliceData(s[:1]))) + hugePage - 1) &^ (hugePage - 1)
	smaps, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Skip("no /proc/self/smaps to read the advice back from")
	}
	var inRange bool
	for _, line := range strings.Split(string(smaps), "\n") {
		if f := strings.Fields(line); len(f) > 0 && strings.Contains(f[0], "-") && !strings.HasSuffix(f[0], ":") {
			var lo, hi uintptr
			if _, err := parseRange(f[0], &lo, &hi); err == nil {
				inRange = lo <= start && start < hi
			}
			continue
		}
		if inRange && strings.HasPrefix(line, "VmFlags:") {
			if !strings.Contains(line, " hg") {
				t.Fatalf("the mapping holding the buffer is not advised for huge pages: %s", line)
			}
			return
		}
	}
	t.Fatal("the buffer's mapping is not in /proc/self/smaps")
}

// parseRange parses an smaps address range "lo-hi" in hex.
func parseRange(s string, lo, hi *uintptr) (int, error) {
	a, b, _ := strings.Cut(s, "-")
	l, err := strconv.ParseUint(a, 16, 64)
	if err != nil {
		return 0, err
	}
	h, err := strconv.ParseUint(b, 16, 64)
	if err != nil {
		return 0, err
	}
	*lo, *hi = uintptr(l), uintptr(h)
	return 2, nil
}
