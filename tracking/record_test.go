package tracking

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/attrlab/attrlab/attribution"
)

func TestFromAttribution(t *testing.T) {
	src := "path,conversions,value,nulls\nemail > search,3,30,1\nsearch,1,10,2\n"
	ds, err := attribution.Import(context.Background(), strings.NewReader(src), attribution.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	opts := attribution.Options{Models: []string{attribution.Linear, attribution.Markov}}
	res, err := attribution.Run(context.Background(), ds.Paths, opts)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	d := FromAttribution(Attribution{Results: res, Options: opts, Summary: ds.Summary, Runtime: 1500 * time.Microsecond, Time: at})

	params := map[string]string{}
	for _, p := range d.Params {
		params[p.Key()] = p.String()
	}
	for k, want := range map[string]string{KeyModels: "linear,markov", KeyOrder: "1", KeyHalfLifeHours: "168", KeyDirect: strings.Join(attribution.DefaultDirect(), ","), KeyLayout: "paths"} {
		if params[k] != want {
			t.Errorf("param %s = %q, want %q", k, params[k], want)
		}
	}
	if p, _ := (&Run{Params: d.Params}).Param(KeyOrder); p.Type() != ParamNumber {
		t.Errorf("order is %s, want number", p.Type())
	}
	metrics := map[string]float64{}
	for _, m := range d.Metrics {
		if !m.Time.Equal(at) || m.Step != 0 {
			t.Errorf("metric %s at %v step %d", m.Key, m.Time, m.Step)
		}
		metrics[m.Key] = m.Value
	}
	// Linear: email gets 3/2, search 3/2 + 1 of 4 conversions.
	if got := metrics[ShareKey("linear", "email")]; math.Abs(got-1.5/4) > tol {
		t.Errorf("share.linear.email = %v, want 0.375", got)
	}
	if metrics[KeyTotalConversions] != 4 || metrics[KeyRuntimeMS] != 1.5 || metrics[KeyChannels] != 2 {
		t.Errorf("totals %v", metrics)
	}
	if _, ok := metrics[KeyPConv]; !ok {
		t.Error("markov run without p_conv")
	}
	if _, ok := metrics["removal_effect.search"]; !ok {
		t.Error("markov run without removal_effect.search")
	}
	if len(d.Results) != 4 {
		t.Fatalf("%d result rows, want 2 models x 2 channels", len(d.Results))
	}
	for _, r := range d.Results {
		if (r.Model == attribution.Markov) != (r.RemovalEffect != nil) {
			t.Errorf("row %+v: removal effect set for markov only", r)
		}
	}
}

func TestFingerprint(t *testing.T) {
	src := []byte("path,conversions\na > b,1\n")
	settings := map[string]string{"layout": "paths", "separator": ">"}
	a, err := FingerprintReader(bytes.NewReader(src), settings)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 64 || strings.Trim(a, "0123456789abcdef") != "" {
		t.Fatalf("fingerprint %q is not 64 hex digits", a)
	}
	f := NewFingerprint()
	f.Write(src[:5])
	f.Write(src[5:])
	if b := f.Sum(map[string]string{"separator": ">", "layout": "paths"}); b != a {
		t.Errorf("chunked writes or settings order changed the fingerprint")
	}
	for name, other := range map[string]func() (string, error){
		"other bytes": func() (string, error) { return FingerprintReader(bytes.NewReader(src[1:]), settings) },
		"other settings": func() (string, error) {
			return FingerprintReader(bytes.NewReader(src), map[string]string{"layout": "paths"})
		},
		// Length prefixes keep {"a":"bc"} and {"ab":"c"} apart.
		"shifted settings": func() (string, error) {
			return FingerprintReader(bytes.NewReader(src), map[string]string{"layout": "path", "sseparator": ">"})
		},
	} {
		if b, _ := other(); b == a {
			t.Errorf("%s: same fingerprint", name)
		}
	}
}

func TestParams(t *testing.T) {
	tests := []struct {
		p        Param
		typ      ParamType
		text     string
		num      float64
		isNumber bool
	}{
		{TextParam("m", "markov"), ParamText, "markov", math.NaN(), false},
		{NumberParam("o", 2), ParamNumber, "2", 2, true},
		{NumberParam("w", 0.1), ParamNumber, "0.1", 0.1, true},
		{BoolParam("b", true), ParamBool, "true", 1, true},
		{BoolParam("b", false), ParamBool, "false", 0, true},
	}
	for _, tt := range tests {
		if tt.p.Type() != tt.typ || tt.p.String() != tt.text {
			t.Errorf("%v: type %s text %q", tt.p, tt.p.Type(), tt.p.String())
		}
		n, ok := tt.p.Number()
		if ok != tt.isNumber || ok && n != tt.num {
			t.Errorf("%s Number() = %v, %v", tt.p.Key(), n, ok)
		}
		back, err := ParseParam(tt.p.Key(), tt.p.Type(), tt.p.String())
		if err != nil || !back.Equal(tt.p) {
			t.Errorf("ParseParam round trip of %s: %v, %v", tt.p.Key(), back, err)
		}
	}
	if _, err := ParseParam("o", ParamNumber, "two"); err == nil {
		t.Error("ParseParam accepted a number param with text two")
	}
	if _, err := ParseParam("o", "colour", "x"); err == nil {
		t.Error("ParseParam accepted an unknown type")
	}
}

func TestRunIDs(t *testing.T) {
	a, b := NewRunID(), NewRunID()
	if !ValidRunID(a) || !ValidRunID(b) || a == b {
		t.Errorf("NewRunID gave %q and %q", a, b)
	}
	for _, bad := range []string{"", "ABCDEF0123456789abcdef0123456789", "0123456789abcdef0123456789abcde", "0123456789abcdef0123456789abcdeg"} {
		if ValidRunID(bad) {
			t.Errorf("ValidRunID(%q) = true", bad)
		}
	}
}
