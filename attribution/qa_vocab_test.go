package attribution

import "testing"

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
