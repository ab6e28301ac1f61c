package attribution

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
)

// exportCases are exports as common tools write them, each next to the
// same journeys in the canonical layout (DESIGN section 2). Importing the
// export with no options must credit every channel exactly as the
// canonical file does.
var exportCases = []struct {
	name, export, canonical string
}{
	{
		name: "EU CRM: semicolons, DD.MM.YYYY HH:MM, Yes/No, decimal commas",
		export: "User ID;Event Time;Source / Medium;Converted;Revenue\n" +
			"c-1;01.03.2024 17:20;google / cpc;No;\n" +
			"c-1;02.03.2024 09:05;(direct) / (none);No;\n" +
			"c-1;03.03.2024 11:00;newsletter / email;Yes;1.234,50\n" +
			"c-2;13.03.2024 08:00;facebook / paid;No;\n" +
			"c-2;14.03.2024 08:30;google / cpc;yes;49,90\n" +
			"c-3;15.03.2024 10:00;google / organic;no;\n",
		canonical: "journey_id,timestamp,channel,conversion,conversion_value\n" +
			"c-1,2024-03-01T17:20:00Z,google / cpc,0,\n" +
			"c-1,2024-03-02T09:05:00Z,(direct) / (none),0,\n" +
			"c-1,2024-03-03T11:00:00Z,newsletter / email,1,1234.5\n" +
			"c-2,2024-03-13T08:00:00Z,facebook / paid,0,\n" +
			"c-2,2024-03-14T08:30:00Z,google / cpc,1,49.9\n" +
			"c-3,2024-03-15T10:00:00Z,google / organic,0,\n",
	},
	{
		name: "US CRM: MM/DD/YYYY hh:mm AM/PM, \"1,234.56\", dollar signs",
		export: "Contact ID,Touch Date,Channel,Is Conversion,Deal Amount\n" +
			"1001,03/01/2024 05:20 PM,Paid Search,FALSE,\n" +
			"1001,03/02/2024 12:05 AM,Direct,false,\n" +
			"1001,03/14/2024 11:45 AM,Email,TRUE,\"$1,234.56\"\n" +
			"1002,03/02/2024 12:30 PM,Social,N,\n" +
			"1002,03/03/2024 01:00 PM,Paid Search,Y,\"$980.00\"\n" +
			"1003,03/04/2024 09:00 AM,Organic,0,\n",
		canonical: "journey_id,timestamp,channel,conversion,conversion_value\n" +
			"1001,2024-03-01 17:20:00,Paid Search,0,\n" +
			"1001,2024-03-02 00:05:00,Direct,0,\n" +
			"1001,2024-03-14 11:45:00,Email,1,1234.56\n" +
			"1002,2024-03-02 12:30:00,Social,0,\n" +
			"1002,2024-03-03 13:00:00,Paid Search,1,980\n" +
			"1003,2024-03-04 09:00:00,Organic,0,\n",
	},
	{
		name: "GA4 BigQuery events: microsecond timestamps, page_view and purchase",
		export: "event_date,event_timestamp,event_name,user_pseudo_id,session_source_medium,purchase_revenue\n" +
			"20240301,1709312400000000,session_start,123.456,google / organic,\n" +
			"20240301,1709312405123456,page_view,123.456,google / organic,\n" +
			"20240302,1709398800000000,page_view,123.456,(direct) / (none),\n" +
			"20240302,1709398860000000,purchase,123.456,(direct) / (none),59.99\n" +
			"20240302,1709400000000000,page_view,789.012,facebook / cpc,\n" +
			"20240303,1709485200000000,page_view,789.012,google / cpc,\n",
		canonical: "journey_id,timestamp,channel,conversion,conversion_value\n" +
			"123.456,1709312400000,google / organic,0,\n" +
			"123.456,1709312405123,google / organic,0,\n" +
			"123.456,1709398800000,(direct) / (none),0,\n" +
			"123.456,1709398860000,(direct) / (none),1,59.99\n" +
			"789.012,1709400000000,facebook / cpc,0,\n" +
			"789.012,1709485200000,google / cpc,0,\n",
	},
	{
		name: "BOM, CRLF, tabs and +01:00 offsets",
		export: "\xEF\xBB\xBFcustomer_id\ttimestamp\tchannel\tconversion\tvalue\r\n" +
			"a\t2024-03-01T10:00:00+01:00\tSEA\t0\t\r\n" +
			"a\t2024-03-01T11:30:00+01:00\tDisplay\t0\t\r\n" +
			"a\t2024-03-02T00:30:00+01:00\tSEA\t1\t25.5\r\n" +
			"b\t2024-03-03T08:00:00+01:00\tDisplay\t0\t\r\n",
		canonical: "journey_id,timestamp,channel,conversion,conversion_value\n" +
			"a,2024-03-01T09:00:00Z,SEA,0,\n" +
			"a,2024-03-01T10:30:00Z,Display,0,\n" +
			"a,2024-03-01T23:30:00Z,SEA,1,25.5\n" +
			"b,2024-03-03T07:00:00Z,Display,0,\n",
	},
	{
		name: "Google Analytics top conversion paths: # preamble, \"1,234\" counts, no null column",
		export: "# ----------------------------------------\n" +
			"# All Web Site Data\n" +
			"# Top Conversion Paths\n" +
			"# 20240101-20240331\n" +
			"# ----------------------------------------\n" +
			"\n" +
			"MCF Channel Grouping Path,Conversions,Conversion Value\n" +
			"Organic Search > Direct,\"1,234\",\"$12,345.67\"\n" +
			"Paid Search,987,\"$9,870.00\"\n" +
			"Email > Paid Search > Direct,\"2,001\",\"$20,010.50\"\n" +
			"Direct,15,$150.00\n",
		canonical: "path,total_conversions,total_conversion_value\n" +
			"Organic Search>Direct,1234,12345.67\n" +
			"Paid Search,987,9870\n" +
			"Email>Paid Search>Direct,2001,20010.5\n" +
			"Direct,15,150\n",
	},
	{
		name: "ad platform (Google Ads conversion paths): Conv. value with thousands",
		export: "Conversion path,Path length,Conversions,Conv. value\n" +
			"Search > Display > Search,3,\"1,024.00\",\"51,200.00\"\n" +
			"YouTube > Search,2,12.50,625.00\n" +
			"Search,1,\"3,300.00\",\"99,000.00\"\n",
		canonical: "path,total_conversions,total_conversion_value\n" +
			"Search>Display>Search,1024,51200\n" +
			"YouTube>Search,12.5,625\n" +
			"Search,3300,99000\n",
	},
}

// TestExportsImportLikeCanonical: each export, imported with no options,
// gives every model the same credit as its canonical twin.
func TestExportsImportLikeCanonical(t *testing.T) {
	for _, c := range exportCases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Import(context.Background(), strings.NewReader(c.export), ImportOptions{File: "export.csv", Lookback: UnlimitedLookback})
			if err != nil {
				t.Fatalf("export: %v", err)
			}
			want, err := Import(context.Background(), strings.NewReader(c.canonical), ImportOptions{File: "canonical.csv", Lookback: UnlimitedLookback})
			if err != nil {
				t.Fatalf("canonical: %v", err)
			}
			if got.Summary.Layout != want.Summary.Layout {
				t.Fatalf("layout %s, want %s", got.Summary.Layout, want.Summary.Layout)
			}
			gs, ws := got.Summary, want.Summary
			if gs.Conversions != ws.Conversions || math.Abs(gs.Value-ws.Value) > 1e-9*ws.Value || gs.NonConverting != ws.NonConverting || gs.Journeys != ws.Journeys {
				t.Errorf("summary: %v conversions worth %v, %v non-converting, %d journeys; want %v worth %v, %v, %d",
					gs.Conversions, gs.Value, gs.NonConverting, gs.Journeys, ws.Conversions, ws.Value, ws.NonConverting, ws.Journeys)
			}
			if len(got.Spend) != len(want.Spend) {
				t.Errorf("spend %v, want %v", got.Spend, want.Spend)
			}
			for i := range min(len(got.Spend), len(want.Spend)) {
				if got.Spend[i].Channel != want.Spend[i].Channel || math.Abs(got.Spend[i].Spend-want.Spend[i].Spend) > 1e-9 {
					t.Errorf("spend %v, want %v", got.Spend, want.Spend)
				}
			}
			gr, err := Run(context.Background(), got.Paths, Options{})
			if err != nil {
				t.Fatal(err)
			}
			wr, err := Run(context.Background(), want.Paths, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(gr) != len(wr) {
				t.Fatalf("%d models, want %d", len(gr), len(wr))
			}
			for i := range gr {
				if strings.Join(gr[i].Channels, "|") != strings.Join(wr[i].Channels, "|") {
					t.Fatalf("%s channels %q, want %q", gr[i].Model, gr[i].Channels, wr[i].Channels)
				}
				for k := range gr[i].Channels {
					if d := math.Abs(gr[i].Conversions[k] - wr[i].Conversions[k]); d > 1e-9 {
						t.Errorf("%s %s: %v conversions, want %v", gr[i].Model, gr[i].Channels[k], gr[i].Conversions[k], wr[i].Conversions[k])
					}
					if d := math.Abs(gr[i].Value[k] - wr[i].Value[k]); d > 1e-9*math.Max(1, wr[i].Value[k]) {
						t.Errorf("%s %s: value %v, want %v", gr[i].Model, gr[i].Channels[k], gr[i].Value[k], wr[i].Value[k])
					}
				}
			}
		})
	}
}

// TestExportSummaries: the summary says how the cells were read.
func TestExportSummaries(t *testing.T) {
	imp := func(i int) Summary {
		ds, err := Import(context.Background(), strings.NewReader(exportCases[i].export), ImportOptions{File: "x.csv"})
		if err != nil {
			t.Fatal(err)
		}
		return ds.Summary
	}
	eu := imp(0)
	if eu.DateOrder != "" || eu.TimestampFormat != "DD.MM.YYYY HH:MM" {
		t.Errorf("EU dates: order %q, format %q", eu.DateOrder, eu.TimestampFormat)
	}
	if got := eu.NumberFormats["Revenue"]; got != `decimal ",", thousands "."` {
		t.Errorf("EU revenue read as %q", got)
	}
	us := imp(1)
	if us.DateOrder != string(MonthFirst) || us.TimestampFormat != "MM/DD/YYYY hh:mm AM/PM" {
		t.Errorf("US dates: order %q, format %q", us.DateOrder, us.TimestampFormat)
	}
	if us.Currency != "$" {
		t.Errorf("US currency %q, want $", us.Currency)
	}
	ga4 := imp(2)
	if ga4.TimestampFormat != FormatUnixMicros || strings.Join(ga4.ConversionLabels, ",") != strings.Join(DefaultConversionLabels(), ",") {
		t.Errorf("GA4: format %q, labels %q", ga4.TimestampFormat, ga4.ConversionLabels)
	}
	ga := imp(4)
	if _, ok := ga.Columns[FieldNulls]; ok || ga.Conversions != 1234+987+2001+15 {
		t.Errorf("GA top paths: columns %v, %v conversions", ga.Columns, ga.Conversions)
	}
	ad := imp(5)
	if alt := ad.ColumnAlternatives; len(alt) != 0 {
		t.Logf("ad platform alternatives: %v", alt)
	}
}

// TestImportAmbiguity: what cannot be settled from the file is an error
// that names what to set, never a guess.
func TestImportAmbiguity(t *testing.T) {
	cases := []struct {
		name, data string
		opts       ImportOptions
		want       []string
	}{
		{"dates all 12 or less", "user_id,event_time,channel,converted\nu,01/02/2024,A,0\nu,03/04/2024,B,1\n",
			ImportOptions{}, []string{`"event_time"`, "--date-format dd/mm/yyyy", "mm/dd/yyyy", `line 2 "01/02/2024"`}},
		{"dates both ways", "user_id,event_time,channel,converted\nu,13/02/2024,A,0\nu,02/14/2024,B,1\n",
			ImportOptions{}, []string{"day first (line 2", "month first (line 3", "--date-format"}},
		{"numbers 1,234 and 1.5", "path,conversions,value\nA,1,\"1,234\"\nB,1,1.5\n",
			ImportOptions{}, []string{`"value"`, `line 2 "1,234"`, `line 3 "1.5"`, "--decimal"}},
		{"numbers 1.5 then 1,234", "path,conversions,value\nB,1,1.5\nA,1,\"1,234\"\n",
			ImportOptions{}, []string{`"value"`, `line 3 "1,234"`, "--decimal"}},
		{"semicolon 1.234 only", "path;conversions;value\nA;1;1.234\nB;1;2\n",
			ImportOptions{}, []string{`"value"`, "1.234", "--decimal"}},
		{"two channel columns", "user_id,timestamp,Channel,Default Channel Group,converted\nu,2024-01-01,A,B,1\n",
			ImportOptions{}, []string{`"Channel" and "Default Channel Group"`, "--map", "channel"}},
		{"mixed currencies", "path,conversions,value\nA,1,$5\nB,1,€6\n",
			ImportOptions{}, []string{"mixes currencies", "line 2", "line 3"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Import(context.Background(), strings.NewReader(c.data), c.opts)
			if err == nil {
				t.Fatal("imported; want an error naming what to set")
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Errorf("%v is not a *ParseError", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

// TestAmbiguitySettledByOption: the same files import once the option
// the error named is set, with the numbers the option says.
func TestAmbiguitySettledByOption(t *testing.T) {
	ds, err := Import(context.Background(), strings.NewReader("user_id,event_time,channel,converted\nu,01/02/2024,A,0\nu,03/04/2024,B,1\n"), ImportOptions{DateFormat: DayFirst})
	if err != nil {
		t.Fatal(err)
	}
	if got := ds.Summary.LastTime.Format("2006-01-02"); got != "2024-04-03" {
		t.Errorf("last time %s, want 2024-04-03 (day first)", got)
	}
	ds, err = Import(context.Background(), strings.NewReader("user_id,event_time,channel,converted\nu,01/02/2024,A,0\nu,03/04/2024,B,1\n"), ImportOptions{DateFormat: MonthFirst})
	if err != nil {
		t.Fatal(err)
	}
	if got := ds.Summary.LastTime.Format("2006-01-02"); got != "2024-03-04" {
		t.Errorf("last time %s, want 2024-03-04 (month first)", got)
	}
	for _, c := range []struct {
		decimal string
		want    float64
	}{{".", 1234 + 1.5}, {",", 1.234 + 1.5}} {
		data := "path;conversions;value\nA;1;1,234\nB;1;1.5\n"
		if c.decimal == "." {
			data = "path;conversions;value\nA;1;1,234\nB;1;1.5\n"
		} else {
			data = "path;conversions;value\nA;1;1,234\nB;1;1,5\n"
		}
		ds, err := Import(context.Background(), strings.NewReader(data), ImportOptions{Decimal: c.decimal})
		if err != nil {
			t.Fatalf("--decimal %s: %v", c.decimal, err)
		}
		if math.Abs(ds.Summary.Value-c.want) > 1e-12 {
			t.Errorf("--decimal %s: value %v, want %v", c.decimal, ds.Summary.Value, c.want)
		}
	}
	// A cell that breaks the forced mark is a row error, skippable.
	_, err = Import(context.Background(), strings.NewReader("path;conversions;value\nA;1;1,5\nB;1;1.5\n"), ImportOptions{Decimal: ","})
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 3 {
		t.Errorf("got %v, want a line 3 error", err)
	}
	// Two channel columns: --map picks one and the layout follows.
	ds, err = Import(context.Background(), strings.NewReader("user_id,timestamp,Channel,Default Channel Group,converted\nu,2024-01-01,A,B,1\n"), ImportOptions{Map: map[string]string{"Default Channel Group": "channel"}})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Paths.Channels[0] != "B" {
		t.Errorf("channels %v, want B from the mapped column", ds.Paths.Channels)
	}
}

// TestMapAloneSettlesLayout: the CRM header, where only the
// channel column needs naming; --map alone makes it a touch log.
func TestMapAloneSettlesLayout(t *testing.T) {
	data := "Kunde;Zeit;Quelle;Abschluss\nk1;01.03.2024 10:00;seo;nein\n"
	_, err := Import(context.Background(), strings.NewReader(data), ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), "--map") {
		t.Fatalf("got %v, want an error suggesting --map", err)
	}
	data = "User ID;Event Time;Source / Medium;Converted\nu;01.03.2024 17:20;google / cpc;No\nu;02.03.2024 17:20;google / cpc;Yes\n"
	ds, err := Import(context.Background(), strings.NewReader(data), ImportOptions{Map: map[string]string{"Source / Medium": "channel"}})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Summary.Layout != LayoutTouches || ds.Summary.Conversions != 1 {
		t.Errorf("layout %s with %v conversions, want a touch log with 1", ds.Summary.Layout, ds.Summary.Conversions)
	}
}

// TestHeaderNormalisation: spellings of one name match alike.
func TestHeaderNormalisation(t *testing.T) {
	for in, want := range map[string]string{
		"User ID": "user_id", "user_id": "user_id", "userId": "user_id", "USER-ID": "user_id",
		"Source / Medium": "source_medium", " Event  Time ": "event_time", "event_timestamp": "event_timestamp",
		"Conv. value": "conv_value", "MCF Channel Grouping Path": "mcf_channel_grouping_path", "total_conversions": "total_conversions",
	} {
		if got := normalizeHeader(in); got != want {
			t.Errorf("normalizeHeader(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDirectSet: GA's (direct) / (none) is direct by default, so
// last-non-direct differs from last-touch, and the count says so.
func TestDirectSet(t *testing.T) {
	ds, err := Import(context.Background(), strings.NewReader(exportCases[2].export), ImportOptions{Lookback: UnlimitedLookback})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), ds.Paths, Options{Models: []string{LastTouch, LastNonDirect}})
	if err != nil {
		t.Fatal(err)
	}
	lt, _, _, _ := res[0].Credit("(direct) / (none)")
	lnd, _, _, _ := res[1].Credit("(direct) / (none)")
	org, _, _, _ := res[1].Credit("google / organic")
	if lt != 1 || lnd != 0 || org != 1 {
		t.Errorf("direct credit: last-touch %v, last-non-direct %v (organic %v); want 1, 0, 1", lt, lnd, org)
	}
	// Touches: 2 direct on the converting journey; the other journey has none.
	if n := DirectTouches(ds.Paths, DefaultDirect()); n != 2 {
		t.Errorf("direct touches %v, want 2", n)
	}
	mask := DirectChannels([]string{"Direct", "(Direct) /  (None)", "direct mail", "DIRECT / NONE"}, DefaultDirect())
	if !mask[0] || !mask[1] || mask[2] || !mask[3] {
		t.Errorf("direct mask %v, want true true false true", mask)
	}
}

// TestAllOutsideLookback: when no conversion keeps a touch, every model
// still reports, each with one note that says why it credits nothing.
func TestAllOutsideLookback(t *testing.T) {
	data := "user_id,timestamp,channel,converted\nu,2024-01-01,A,0\nu,2024-03-01,,1\nv,2024-01-01,B,0\nv,2024-05-01,,1\nw,2024-01-01,A,0\n"
	ds, err := Import(context.Background(), strings.NewReader(data), ImportOptions{Lookback: 7 * 24 * 3600e9})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Summary.UnattributedConversions != 2 {
		t.Fatalf("unattributed %v, want 2", ds.Summary.UnattributedConversions)
	}
	res, err := Run(context.Background(), ds.Paths, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != len(modelNames) {
		t.Errorf("%d models ran, want all %d (time-decay too)", len(res), len(modelNames))
	}
	for _, r := range res {
		if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "unattributed") || !strings.Contains(r.Warnings[0], r.Model) {
			t.Errorf("%s warnings %q, want one note about unattributed conversions", r.Model, r.Warnings)
		}
	}
}

// TestFormatsCheckedPastSample: formats are decided from the first rows,
// and a row far past them that reads another way stops the import with
// both lines named, rather than being read silently.
func TestFormatsCheckedPastSample(t *testing.T) {
	var b strings.Builder
	b.WriteString("path,conversions,value\n")
	n := 0
	for b.Len() < 2*sampleBytes {
		b.WriteString("A>B,1,\"1,234\"\n")
		n++
	}
	ok := b.String()
	ds, err := Import(context.Background(), strings.NewReader(ok), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Summary.Value != float64(n)*1234 {
		t.Errorf("value %v, want %v", ds.Summary.Value, float64(n)*1234)
	}
	_, err = Import(context.Background(), strings.NewReader(ok+"C,1,1.5\n"), ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), `line 2 "1,234"`) || !strings.Contains(err.Error(), "1.5") || !strings.Contains(err.Error(), "--decimal") {
		t.Errorf("got %v, want an error naming line 2 and the 1.5 line", err)
	}

	b.Reset()
	b.WriteString("user_id,event_time,channel,converted\n")
	b.WriteString("u,13/01/2024,A,0\n")
	for b.Len() < 2*sampleBytes {
		b.WriteString("u,01/02/2024,A,0\n")
	}
	ok = b.String()
	ds, err = Import(context.Background(), strings.NewReader(ok), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := ds.Summary.LastTime.Format("2006-01-02"); got != "2024-02-01" || ds.Summary.DateOrder != string(DayFirst) {
		t.Errorf("last %s order %q, want 2024-02-01 day first", got, ds.Summary.DateOrder)
	}
	_, err = Import(context.Background(), strings.NewReader(ok+"u,01/25/2024,A,1\n"), ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), `day first (line 2 "13/01/2024")`) || !strings.Contains(err.Error(), "01/25/2024") {
		t.Errorf("got %v, want an error naming both lines", err)
	}
}

// TestCROnlyLineEndings: a file with old Mac line endings reads as if it
// had LF, and no error message ever holds a raw CR.
func TestCROnlyLineEndings(t *testing.T) {
	ds, err := Import(context.Background(), strings.NewReader("path,conversions\rA>B,2\rB,1\r"), ImportOptions{File: "mac.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Summary.Conversions != 3 || ds.Summary.RowsRead != 2 {
		t.Errorf("%v conversions in %d rows, want 3 in 2", ds.Summary.Conversions, ds.Summary.RowsRead)
	}
	_, err = Import(context.Background(), strings.NewReader("path,conversions\rA>B,x\r"), ImportOptions{File: "mac.csv"})
	if err == nil || strings.Contains(err.Error(), "\r") || !strings.HasPrefix(err.Error(), "mac.csv:2:") {
		t.Errorf("got %q, want a line 2 error without a raw CR", err)
	}
	_, err = Import(context.Background(), strings.NewReader("pa\rth,conv\nA,x\n"), ImportOptions{File: "cr.csv"})
	if err == nil || strings.Contains(err.Error(), "\r") {
		t.Errorf("got %q, want an error without a raw CR", err)
	}
}

// TestPreviewRules: the preview decides the rules as the import does and
// says what an import would stop on, until the option is set.
func TestPreviewRules(t *testing.T) {
	p, err := ReadPreview(strings.NewReader(exportCases[0].export), "eu.csv", 3)
	if err != nil {
		t.Fatal(err)
	}
	r := p.Rules(ImportOptions{})
	if r.Layout != LayoutTouches || r.Delimiter != "semicolon" || r.Columns[FieldChannel] != "Source / Medium" || r.FormatError != "" {
		t.Errorf("EU rules: %+v", r)
	}
	if r.Numbers["Revenue"] != `decimal ",", thousands "."` || r.TimestampFormat != "DD.MM.YYYY HH:MM" || p.TimestampFormat != "DD.MM.YYYY HH:MM" {
		t.Errorf("EU numbers %v, timestamps %q", r.Numbers, r.TimestampFormat)
	}
	amb := "user_id,event_time,channel,event_name\nu,01/02/2024,A,page_view\nu,03/04/2024,B,Purchase\n"
	p, err = ReadPreview(strings.NewReader(amb), "amb.csv", 8)
	if err != nil {
		t.Fatal(err)
	}
	if r := p.Rules(ImportOptions{}); !strings.Contains(r.FormatError, "--date-format") || len(r.ConversionLabels) == 0 {
		t.Errorf("ambiguous dates: %+v", r)
	}
	if r := p.Rules(ImportOptions{DateFormat: MonthFirst, ConversionLabel: "purchase"}); r.FormatError != "" || r.DateOrder != MonthFirst || !r.DateOrderSet || strings.Join(r.ConversionLabels, ",") != "purchase" {
		t.Errorf("with options: %+v", r)
	}
	p, err = ReadPreviewDelimited(strings.NewReader("path;x,y\nA;1,5\n"), "d.csv", 8, "semicolon")
	if err != nil {
		t.Fatal(err)
	}
	if p.Delimiter != "semicolon" || len(p.Header) != 2 {
		t.Errorf("forced semicolon: %q %q", p.Delimiter, p.Header)
	}
}

// TestDateOrderFromWholeColumn: a file whose first rows all have day and
// month 12 or less is settled by a date far past the sample, either way;
// when nothing settles it the import asks, naming the first line.
func TestDateOrderFromWholeColumn(t *testing.T) {
	var b strings.Builder
	b.WriteString("user_id,event_time,channel,converted\n")
	rows := 0
	for b.Len() < 3*sampleBytes {
		fmt.Fprintf(&b, "u%d,03/01/2024 10:00,A,0\n", rows%50)
		rows++
	}
	head := b.String()
	for _, c := range []struct {
		last, order, first, lastTime, format string
	}{
		{"u1,03/25/2024 10:00,B,1\n", string(MonthFirst), "2024-03-01", "2024-03-25", "MM/DD/YYYY HH:MM"},
		{"u1,25/03/2024 10:00,B,1\n", string(DayFirst), "2024-01-03", "2024-03-25", "DD/MM/YYYY HH:MM"},
	} {
		ds, err := Import(context.Background(), strings.NewReader(head+c.last), ImportOptions{Lookback: UnlimitedLookback})
		if err != nil {
			t.Fatalf("%s: %v", c.order, err)
		}
		s := ds.Summary
		if s.DateOrder != c.order || s.FirstTime.Format("2006-01-02") != c.first || s.LastTime.Format("2006-01-02") != c.lastTime || string(s.TimestampFormat) != c.format {
			t.Errorf("%s: order %q, %s to %s, format %q", c.order, s.DateOrder, s.FirstTime, s.LastTime, s.TimestampFormat)
		}
		// The journey's touches all count: the swap kept every row.
		if s.RowsAccepted != rows+1 || s.Conversions != 1 {
			t.Errorf("%s: %d rows, %v conversions", c.order, s.RowsAccepted, s.Conversions)
		}
	}
	_, err := Import(context.Background(), strings.NewReader(head), ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), `line 2 "03/01/2024 10:00"`) || !strings.Contains(err.Error(), "--date-format") {
		t.Errorf("got %v, want the undecided error naming line 2", err)
	}
	p, err := ReadPreview(strings.NewReader(head), "big.csv", 8)
	if err != nil {
		t.Fatal(err)
	}
	if r := p.Rules(ImportOptions{}); r.FormatError != "" || r.DateNote == "" {
		t.Errorf("preview of a big file: error %q, note %q; want only a note", r.FormatError, r.DateNote)
	}
}

// TestSpendNumbers: a spend file's numbers follow the journey files'
// rules: decimal commas and thousands read, ambiguity asked about.
func TestSpendNumbers(t *testing.T) {
	sp, err := ReadSpend(strings.NewReader("channel;spend\nSEA;1.200\nDisplay;1.300,50 €\n"), "spend.csv")
	if err != nil {
		t.Fatal(err)
	}
	if sp[0].Spend != 1200 || sp[1].Spend != 1300.5 {
		t.Errorf("spend %v, want SEA 1200, Display 1300.5", sp)
	}
	_, err = ReadSpend(strings.NewReader("channel;spend\nSEA;1.200\nDisplay;300\n"), "spend.csv")
	if err == nil || !strings.Contains(err.Error(), "--decimal") {
		t.Errorf("got %v, want the ambiguity named", err)
	}
	sp, err = ReadSpend(strings.NewReader("channel,spend\nSEA,\"$1,200.00\"\nDisplay,12.5\n"), "spend.csv")
	if err != nil || sp[0].Spend != 1200 || sp[1].Spend != 12.5 {
		t.Errorf("US spend %v, %v", sp, err)
	}
}
