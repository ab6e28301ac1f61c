package report

import (
	"math"
	"testing"
)

func TestNumberForPeople(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{
		{-5.551115123125783e-17, "0"},
		{1e-12, "0"},
		{math.Copysign(0, -1), "0"},
		{1234567.891, "1,234,567.89"},
		{-1234567.891, "-1,234,567.89"},
		{999.999, "1,000"},
		{12.5, "12.5"},
		{950, "950"},
		{1000, "1,000"},
		{0.034172, "0.03417"},
		{-0.5, "-0.5"},
		{0.000012345, "0.00001234"},
		{math.NaN(), ""},
		{math.Inf(1), "∞"},
	} {
		if got := Number(c.v); got != c.want {
			t.Errorf("Number(%g) = %q, want %q", c.v, got, c.want)
		}
	}
	for _, c := range []struct {
		v    float64
		d    int
		want string
	}{
		{1234.5, 2, "1,234.50"},
		{-5.551e-17, 2, "0.00"},
		{-0.001, 1, "0.0"},
		{1e6, 0, "1,000,000"},
		{-12345.678, 1, "-12,345.7"},
	} {
		if got := Fixed(c.v, c.d); got != c.want {
			t.Errorf("Fixed(%g, %d) = %q, want %q", c.v, c.d, got, c.want)
		}
	}
	if got := Percent(-5.551e-17); got != "0.0%" {
		t.Errorf("Percent(-5.551e-17) = %q, want 0.0%%", got)
	}
	if got := Signed(1200); got != "+1,200" {
		t.Errorf("Signed(1200) = %q", got)
	}
}
