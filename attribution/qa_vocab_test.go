package attribution

import (
	"context"
	"strings"
	"testing"
)

// Headers seen in real CRM and analytics exports that must be recognised
// without --map.
func TestDetectLayoutRealExportHeaders(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		want   Layout
	}{
		{"Salesforce campaign members", []string{"Contact ID", "Campaign Name", "Created Date", "Won", "Amount"}, LayoutTouches},
		{"HubSpot contacts", []string{"Record ID", "Create Date", "Original Source", "Amount"}, LayoutTouches},
		{"Adobe path report", []string{"Marketing Channel Path", "Visits", "Conversions"}, LayoutPaths},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DetectLayout(tc.header)
			if err != nil {
				t.Fatalf("DetectLayout(%q): %v", tc.header, err)
			}
			if got != tc.want {
				t.Fatalf("DetectLayout(%q) = %v, want %v", tc.header, got, tc.want)
			}
		})
	}
}

// TestExcelSepLine: Excel's "sep=;" first line names the delimiter and is
// not the header; line numbers still count it.
func TestExcelSepLine(t *testing.T) {
	for _, eol := range []string{"\n", "\r\n"} {
		in := "sep=;" + eol + "path;conversions;null" + eol + "A > B;1;2" + eol + "B;2;0" + eol
		ds, err := Import(context.Background(), strings.NewReader(in), ImportOptions{File: "sep.csv"})
		if err != nil {
			t.Fatalf("eol %q: %v", eol, err)
		}
		if got := ds.Summary.Conversions; got != 3 {
			t.Errorf("eol %q: %v conversions, want 3", eol, got)
		}
		bad := "sep=;" + eol + "path;conversions;null" + eol + "A > B;x;2" + eol
		_, err = Import(context.Background(), strings.NewReader(bad), ImportOptions{File: "sep.csv"})
		if err == nil || !strings.Contains(err.Error(), "sep.csv:3:") {
			t.Errorf("eol %q: error %v, want it at sep.csv:3", eol, err)
		}
	}
}
