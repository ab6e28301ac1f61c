package report

import (
	"bytes"
	"testing"

	"github.com/attrlab/attrlab/attribution"
)

func TestWriteRejectedCSV(t *testing.T) {
	rows := []attribution.RejectedRow{
		{Err: &attribution.ParseError{Line: 3, Field: "timestamp", Value: "31/02/2024", Reason: "not a date"}, Fields: []string{"a", "31/02/2024", "email", "1"}},
		{Err: &attribution.ParseError{Line: 7, Reason: "wrong number of fields"}, Fields: []string{"b", "x,y"}},
	}
	var b bytes.Buffer
	if err := WriteRejectedCSV(&b, []string{"journey_id", "timestamp", "channel", "conversion"}, rows); err != nil {
		t.Fatal(err)
	}
	want := "line,reason,journey_id,timestamp,channel,conversion\n" +
		"3,\"timestamp \"\"31/02/2024\"\": not a date\",a,31/02/2024,email,1\n" +
		"7,wrong number of fields,b,\"x,y\"\n"
	if b.String() != want {
		t.Errorf("dead-letter CSV\n%s\nwant\n%s", b.String(), want)
	}
}
