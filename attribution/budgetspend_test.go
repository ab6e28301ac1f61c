package attribution

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

// spendCases are the ReadSpend table; FuzzReadSpend is seeded from it.
var spendCases = []struct {
	name string
	in   string
	want []ChannelSpend
	err  string // substring of the error; "" means success
	line int    // line of the *ParseError
}{
	{name: "plain", in: "channel,spend\nemail,10\nsearch,2.5\n", want: []ChannelSpend{{"email", 10}, {"search", 2.5}}},
	{name: "cost alias, any case", in: "Channel,COST\nemail,1\n", want: []ChannelSpend{{"email", 1}}},
	{name: "budget alias", in: "channel,budget\nemail,3\n", want: []ChannelSpend{{"email", 3}}},
	{name: "extra columns and order", in: "month,spend,note,channel\n2025-01,4,x,tv\n", want: []ChannelSpend{{"tv", 4}}},
	{name: "BOM, CRLF, semicolons", in: "\ufeffchannel;spend\r\nemail;7\r\n", want: []ChannelSpend{{"email", 7}}},
	{name: "quoted names", in: "channel,spend\n\"paid, social\",5\n\"=cmd\",1\n", want: []ChannelSpend{{"paid, social", 5}, {"=cmd", 1}}},
	{name: "repeated channel adds up", in: "channel,spend\na,1\nb,2\na,3\n", want: []ChannelSpend{{"a", 4}, {"b", 2}}},
	{name: "blank lines skipped", in: "channel,spend\n\na,1\n\n", want: []ChannelSpend{{"a", 1}}},
	{name: "zero spend", in: "channel,spend\na,0\n", want: []ChannelSpend{{"a", 0}}},

	{name: "empty file", in: "", err: "spend.csv:1: the file is empty", line: 1},
	{name: "byte order mark only", in: "\ufeff", err: "spend.csv:1: the file is empty", line: 1},
	{name: "header only", in: "channel,spend\n", err: "header but no rows", line: 2},
	{name: "no spend column", in: "channel,amount\na,1\n", err: "needs a channel column and a spend column", line: 1},
	{name: "no channel column", in: "name,spend\na,1\n", err: "needs a channel column", line: 1},
	{name: "empty channel", in: "channel,spend\na,1\n ,2\n", err: `spend.csv:3: channel " ": is empty`, line: 3},
	{name: "empty spend", in: "channel,spend\na,\n", err: `spend "": is empty: expected a number`, line: 2},
	{name: "not a number", in: "channel,spend\na,1\nb,ten\n", err: `spend.csv:3: spend "ten": not a number`, line: 3},
	{name: "negative", in: "channel,spend\na,-1\n", err: "is negative", line: 2},
	{name: "NaN", in: "channel,spend\na,NaN\n", err: "not a number (NaN)", line: 2},
	{name: "infinite", in: "channel,spend\na,1e999\n", err: "too large", line: 2},
	{name: "too large", in: "channel,spend\na,1e308\na,1e308\n", err: "too large: at most 1e15", line: 2},
	{name: "short row", in: "channel,spend\na\n", err: "row has 1 fields, the header has 2", line: 2},
	{name: "open quote", in: "channel,spend\n\"a,1\n", err: "never closed", line: 2},
	{name: "not UTF-8", in: "channel,spend\n\xff,1\n", err: "not valid UTF-8", line: 2},
}

func TestReadSpend(t *testing.T) {
	for _, tt := range spendCases {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadSpend(strings.NewReader(tt.in), "spend.csv")
			if tt.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("got %v, want %v", got, tt.want)
				}
				return
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T), want a *ParseError", err, err)
			}
			if !strings.Contains(err.Error(), tt.err) {
				t.Errorf("error %q does not say %q", err, tt.err)
			}
			if pe.File != "spend.csv" || pe.Line != tt.line {
				t.Errorf("error at %s:%d, want spend.csv:%d", pe.File, pe.Line, tt.line)
			}
		})
	}
}

// FuzzReadSpend checks that any input gives either a *ParseError or
// channels that are named, distinct, and carry finite spend at least 0.
func FuzzReadSpend(f *testing.F) {
	for _, tt := range spendCases {
		f.Add([]byte(tt.in))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		got, err := ReadSpend(strings.NewReader(string(in)), "f.csv")
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is %T, not *ParseError", err, err)
			}
			return
		}
		if len(got) == 0 {
			t.Fatal("no error and no rows")
		}
		seen := map[string]bool{}
		for _, s := range got {
			if s.Channel == "" || seen[s.Channel] {
				t.Fatalf("empty or repeated channel %q in %v", s.Channel, got)
			}
			seen[s.Channel] = true
			if !(s.Spend >= 0) || math.IsInf(s.Spend, 0) {
				t.Fatalf("channel %q has spend %g", s.Channel, s.Spend)
			}
		}
	})
}
