package app

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/attrlab/attrlab/attribution"
)

// TestPreviewRulesAmbiguousDates: a US CRM export whose dates never pass
// 12 shows the problem in the preview; choosing the date order in the
// picker settles it and the import reads the dates that way.
func TestPreviewRulesAmbiguousDates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "crm.csv")
	data := "Contact ID,Touch Date,Channel,Is Conversion,Deal Amount\n" +
		"1001,03/01/2024 05:20 PM,Paid Search,FALSE,\n" +
		"1001,03/02/2024 09:00 AM,(Direct) / (None),FALSE,\n" +
		"1001,03/04/2024 11:45 AM,Email,TRUE,\"$1,234.56\"\n" +
		"1002,03/02/2024 12:30 PM,Social,N,\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	u := newTestUI(t)
	done := make(chan error, 1)
	u.Datasets.onImportEnd = func(err error) { done <- err }
	u.Datasets.OpenPath(path)
	r := u.Datasets.rules
	if r == nil {
		t.Fatal("no rules panel")
	}
	if !strings.Contains(r.Problem.Text, "--date-format") || !strings.Contains(r.Problem.Text, `"Touch Date"`) {
		t.Errorf("problem %q does not ask for the date order of Touch Date", r.Problem.Text)
	}
	for _, want := range []string{"Layout: touch log, comma-delimited", `Numbers in "Deal Amount": decimal ".", thousands ",", currency $`, "Conversions: a yes/no column", "Direct: (Direct) / (None)"} {
		if !strings.Contains(r.Detected.Text, want) {
			t.Errorf("rules %q do not say %q", r.Detected.Text, want)
		}
	}
	r.DateOrder.SetSelected(string(attribution.MonthFirst))
	if r.Problem.Text != "" {
		t.Errorf("problem %q after choosing the date order", r.Problem.Text)
	}
	if !strings.Contains(r.Detected.Text, "read as mm/dd/yyyy (set)") {
		t.Errorf("rules %q do not show the order set", r.Detected.Text)
	}
	// The direct set is the Attribute screen's.
	r.Direct.SetText("(direct) / (none)")
	if u.Attribute.Direct.Text != "(direct) / (none)" {
		t.Errorf("Attribute's direct channels %q", u.Attribute.Direct.Text)
	}
	test.Tap(u.Datasets.ImportBtn)
	if err := waitFor(t, done); err != nil {
		t.Fatal(err)
	}
	d := u.dataset("crm.csv")
	if d == nil {
		t.Fatal("dataset not added")
	}
	if got := d.ds.Summary.LastTime.Format("2006-01-02 15:04"); got != "2024-03-04 11:45" {
		t.Errorf("last time %s, want 2024-03-04 11:45 (month first)", got)
	}
	if d.ds.Summary.Value != 1234.56 || d.opts.DateFormat != attribution.MonthFirst {
		t.Errorf("value %v, date format %q", d.ds.Summary.Value, d.opts.DateFormat)
	}
	if !strings.Contains(u.Datasets.report.Text, "Direct channels ((direct) / (none)): 1 touches treated as direct") {
		t.Errorf("report %q does not count the direct touches", u.Datasets.report.Text)
	}
	if !strings.Contains(u.Datasets.report.Text, "Dates read as mm/dd/yyyy") {
		t.Errorf("report %q does not say how dates were read", u.Datasets.report.Text)
	}
}

// TestPreviewRulesDelimiterAndDecimal: choosing another delimiter reads
// the preview again; the decimal picker settles a semicolon file's 1.234.
func TestPreviewRulesDelimiterAndDecimal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "eu.csv")
	data := "path;conversions;value\nA > B;1;1.234\nB;2;2.000\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	u := newTestUI(t)
	done := make(chan error, 1)
	u.Datasets.onImportEnd = func(err error) { done <- err }
	u.Datasets.OpenPath(path)
	r := u.Datasets.rules
	if r.Delimiter.Selected != "semicolon" || !strings.Contains(r.Problem.Text, "--decimal") {
		t.Fatalf("delimiter %q, problem %q", r.Delimiter.Selected, r.Problem.Text)
	}
	r.Delimiter.SetSelected("comma")
	if r := u.Datasets.rules; len(u.Datasets.preview.Header) != 1 || !strings.Contains(r.Problem.Text, "cannot tell") {
		t.Errorf("as comma-delimited: header %q, problem %q", u.Datasets.preview.Header, r.Problem.Text)
	}
	u.Datasets.rules.Delimiter.SetSelected("semicolon")
	r = u.Datasets.rules
	r.Decimal.SetSelected(decimalComma)
	if r.Problem.Text != "" {
		t.Fatalf("problem %q after choosing the decimal mark", r.Problem.Text)
	}
	test.Tap(u.Datasets.ImportBtn)
	if err := waitFor(t, done); err != nil {
		t.Fatal(err)
	}
	if d := u.dataset("eu.csv"); d == nil || d.ds.Summary.Value != 3234 {
		t.Fatalf("dataset %v", d)
	}
}

// TestPreviewUTF16SourceMedium: a GA4 export saved by Excel as "Unicode
// text" (UTF-16, tab-delimited) with separate session source and medium
// columns previews and imports like its UTF-8 equivalent, the channel
// joined as "source / medium" in the rules, the direct line and the
// imported data.
func TestPreviewUTF16SourceMedium(t *testing.T) {
	text := "User ID\tEvent Time\tSession source\tSession medium\tConverted\r\n" +
		"c-1\t2024-03-01 17:20\tgoogle\tcpc\tNo\r\n" +
		"c-1\t2024-03-02 09:00\t(direct)\t(none)\tNo\r\n" +
		"c-1\t2024-03-03 11:00\tnewsletter\temail\tYes\r\n"
	var data []byte
	data = binary.LittleEndian.AppendUint16(data, 0xFEFF)
	for _, u := range utf16.Encode([]rune(text)) {
		data = binary.LittleEndian.AppendUint16(data, u)
	}
	path := filepath.Join(t.TempDir(), "ga4.txt")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	u := newTestUI(t)
	done := make(chan error, 1)
	u.Datasets.onImportEnd = func(err error) { done <- err }
	u.Datasets.OpenPath(path)
	info := u.Datasets.previewBox.Objects[0].(*widget.Label).Text
	if !strings.Contains(info, "tab-delimited, UTF-16LE") {
		t.Errorf("preview info %q does not name the encoding", info)
	}
	r := u.Datasets.rules
	for _, want := range []string{`channel: "Session source" + " / " + "Session medium" (joined)`, "Direct: (direct) / (none)"} {
		if !strings.Contains(r.Detected.Text, want) {
			t.Errorf("rules %q do not say %q", r.Detected.Text, want)
		}
	}
	if r.Problem.Text != "" {
		t.Errorf("problem %q", r.Problem.Text)
	}
	test.Tap(u.Datasets.ImportBtn)
	if err := waitFor(t, done); err != nil {
		t.Fatal(err)
	}
	d := u.dataset("ga4.txt")
	if d == nil {
		t.Fatal("dataset not added")
	}
	if got := strings.Join(d.ds.Paths.Channels, ","); got != "google / cpc,(direct) / (none),newsletter / email" {
		t.Errorf("channels %s", got)
	}
	if !strings.Contains(u.Datasets.report.Text, `channel = "Session source" + " / " + "Session medium" (joined)`) {
		t.Errorf("report %q does not say how the channel was read", u.Datasets.report.Text)
	}
	if !strings.Contains(u.Datasets.report.Text, "UTF-16LE") {
		t.Errorf("report %q does not name the encoding", u.Datasets.report.Text)
	}
}

// TestPreviewDuplicateColumnNames: two columns called "Source" are two
// choices in the column picker ("Source (#3)", "Source (#4)"); the
// problem line names them so, and choosing one imports that column.
func TestPreviewDuplicateColumnNames(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dup.csv")
	data := "User ID,Event Time,Source,Source,Converted\n" +
		"c-1,2024-03-01 17:20,google,cpc,No\n" +
		"c-1,2024-03-03 11:00,newsletter,email,Yes\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	u := newTestUI(t)
	done := make(chan error, 1)
	u.Datasets.onImportEnd = func(err error) { done <- err }
	u.Datasets.OpenPath(path)
	r := u.Datasets.rules
	if !strings.Contains(r.Problem.Text, `"Source (#3)" and "Source (#4)"`) {
		t.Errorf("problem %q does not tell the Source columns apart", r.Problem.Text)
	}
	sel := u.Datasets.mapping[attribution.FieldChannel]
	if !slices.Contains(sel.Options, "Source (#3)") || !slices.Contains(sel.Options, "Source (#4)") {
		t.Fatalf("channel picker offers %q", sel.Options)
	}
	u.Datasets.SetMapping(attribution.FieldChannel, "Source (#4)")
	if r.Problem.Text != "" {
		t.Errorf("problem %q after choosing a column", r.Problem.Text)
	}
	test.Tap(u.Datasets.ImportBtn)
	if err := waitFor(t, done); err != nil {
		t.Fatal(err)
	}
	d := u.dataset("dup.csv")
	if d == nil || strings.Join(d.ds.Paths.Channels, ",") != "cpc,email" {
		t.Fatalf("dataset %v: want the second Source column's channels", d)
	}
	// Mapped as the command line maps it, --map "#4=channel".
	if d.opts.Map["#4"] != attribution.FieldChannel || len(d.opts.Map) != 1 {
		t.Errorf("map %v, want #4=channel", d.opts.Map)
	}
}
