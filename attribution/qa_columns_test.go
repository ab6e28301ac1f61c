package attribution

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// mapArgs reads the --map arguments an error message suggests, unquoted
// as a POSIX shell would, into ImportOptions.Map form.
func mapArgs(t *testing.T, msg string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, m := range regexp.MustCompile(`--map ("[^"]*"|'[^']*'|[^ ,()]+)`).FindAllStringSubmatch(msg, -1) {
		word := m[1]
		if word[0] == '"' || word[0] == '\'' {
			word = word[1 : len(word)-1]
		}
		col, field, ok := strings.Cut(word, "=")
		if !ok {
			t.Fatalf("suggested --map %s is not COLUMN=FIELD", m[1])
		}
		out[col] = field
	}
	if len(out) == 0 {
		t.Fatalf("no --map suggested in %q", msg)
	}
	return out
}

func importString(data string, o ImportOptions) (*Dataset, error) {
	if o.File == "" {
		o.File = "in.csv"
	}
	return Import(context.Background(), strings.NewReader(data), o)
}

func channelsOf(ds *Dataset) []string { return slices.Sorted(slices.Values(ds.Paths.Channels)) }

// TestDuplicateColumnNames: a header that names two columns alike (two
// "Source" columns, two empty cells) gives advice that works when
// followed: each column is named by its position, "#3".
func TestDuplicateColumnNames(t *testing.T) {
	data := "User ID,Event Time,Source,Source,Converted\n" +
		"c-1,2024-03-01 17:20,google,cpc,No\n" +
		"c-1,2024-03-03 11:00,newsletter,email,Yes\n"
	_, err := importString(data, ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), `"Source (#3)" and "Source (#4)"`) || !strings.Contains(err.Error(), `--map "#3=channel"`) {
		t.Fatalf("error %v: want both Source columns named by position and --map \"#3=channel\"", err)
	}
	// The advice, followed, imports; #4 picks the other column.
	ds, err := importString(data, ImportOptions{Map: mapArgs(t, err.Error())})
	if err != nil {
		t.Fatal(err)
	}
	if got := channelsOf(ds); !slices.Equal(got, []string{"google", "newsletter"}) || ds.Summary.Columns[FieldChannel] != 2 {
		t.Errorf("with #3: channels %q, column %d", got, ds.Summary.Columns[FieldChannel])
	}
	if !slices.Equal(ds.Summary.IgnoredColumns, []string{"Source (#4)"}) {
		t.Errorf("ignored %q, want the second Source by position", ds.Summary.IgnoredColumns)
	}
	ds, err = importString(data, ImportOptions{Map: map[string]string{"#4": FieldChannel}})
	if err != nil || !slices.Equal(channelsOf(ds), []string{"cpc", "email"}) {
		t.Errorf("with #4: %v, %v", err, ds)
	}
	// The label the preview's pickers show maps the same column.
	ds, err = importString(data, ImportOptions{Map: map[string]string{"Source (#4)": FieldChannel}})
	if err != nil || !slices.Equal(channelsOf(ds), []string{"cpc", "email"}) {
		t.Errorf("with the label: %v, %v", err, ds)
	}
	// A name two columns share is refused with the usable form.
	_, err = importString(data, ImportOptions{Map: map[string]string{"Source": FieldChannel}})
	if err == nil || !strings.Contains(err.Error(), `2 columns named "Source" (columns #3, #4)`) || !strings.Contains(err.Error(), `--map "#3=channel"`) {
		t.Errorf("--map Source=channel: %v", err)
	}
	for key, want := range map[string]string{"#6": "the header has 5 columns, so there is no column #6", "#0": `no column "#0"`, "Medium": `no column "Medium"`} {
		if _, err := importString(data, ImportOptions{Map: map[string]string{key: FieldChannel}}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("--map %s=channel: %v, want %q", key, err, want)
		}
	}
	// A bad cell in a duplicated column is named by position too.
	bad := data + "c-2,2024-03-04 10:00,ads,,No\n"
	_, err = importString(bad, ImportOptions{Map: map[string]string{"#4": FieldChannel}})
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 4 || pe.Field != "Source (#4)" || pe.Column != 4 {
		t.Errorf("empty channel cell: %v (%+v)", err, pe)
	}
	// An event column named twice keeps reading events by label.
	events := "User ID,Event Time,Channel,Event,Event\nc-1,2024-03-01 17:20,ads,page_view,x\nc-1,2024-03-02 10:00,mail,purchase,y\n"
	ds, err = importString(events, ImportOptions{Map: map[string]string{"#4": FieldConversion}})
	if err != nil || ds.Summary.Conversions != 1 || len(ds.Summary.ConversionLabels) == 0 {
		t.Errorf("duplicated event column: %v, %+v", err, ds)
	}
	// Empty header cells: each is "#N", and the picker label "column #N".
	empty := "User ID,,,Converted\nc-1,2024-03-01 17:20,google,No\nc-1,2024-03-03 11:00,email,Yes\n"
	_, err = importString(empty, ImportOptions{Layout: LayoutTouches})
	if err == nil || !strings.Contains(err.Error(), `--map "#2=timestamp" --map "#3=channel"`) {
		t.Fatalf("empty header cells: %v", err)
	}
	ds, err = importString(empty, ImportOptions{Map: mapArgs(t, err.Error())})
	if err != nil || !slices.Equal(channelsOf(ds), []string{"email", "google"}) {
		t.Fatalf("following the advice: %v", err)
	}
	if got := ColumnLabel(ds.Summary.Header, 1); got != "column #2" {
		t.Errorf("label of an empty header cell %q", got)
	}
}

// TestMapArgQuoting: the --map advice is one shell word whatever the
// column's name.
func TestMapArgQuoting(t *testing.T) {
	header := []string{"src", "Source / Medium", `Kunde "ID"`, "a=b", "#1", "Quelle", "quelle", "Umsatz $"}
	for i, want := range []string{"src=channel", `"Source / Medium=channel"`, `'Kunde "ID"=channel'`, `"#4=channel"`, `"#5=channel"`, "Quelle=channel", "quelle=channel", `'Umsatz $=channel'`} {
		if got := MapArg(header, i, FieldChannel); got != want {
			t.Errorf("MapArg(%q) = %s, want %s", header[i], got, want)
		}
		if key := ColumnRef(header, i); ColumnIndex(header, key) != i {
			t.Errorf("ColumnRef(%q) = %q names column %d", header[i], key, ColumnIndex(header, key))
		}
		if l := ColumnLabel(header, i); ColumnIndex(header, l) != i {
			t.Errorf("ColumnLabel(%q) = %q names column %d", header[i], l, ColumnIndex(header, l))
		}
	}
}

// TestCannotTellSuggestsFromHeader: the "cannot tell what this file
// holds" error suggests --map choices built from the file's own columns
// (the most plausible by name, else the first unmapped), never a column
// the file does not have, and following them imports the file.
func TestCannotTellSuggestsFromHeader(t *testing.T) {
	for _, c := range []struct {
		name, data, want string
	}{
		{"German CRM", "Kunde;Zeit;Quelle;Abschluss\nk1;01.03.2024 10:00;google;0\nk1;02.03.2024 10:00;email;1\n",
			"--map Kunde=journey_id --map Zeit=timestamp --map Quelle=channel --map Abschluss=conversion"},
		{"plausible words", "Customer Number,When,Traffic Origin,Purchased\n7,2024-03-01,ads,0\n7,2024-03-02,mail,1\n",
			`--map "Customer Number=journey_id" --map When=timestamp --map "Traffic Origin=channel" --map Purchased=conversion`},
		{"nothing plausible", "a,b,c,d\nx,2024-03-01,ads,1\n",
			"--map a=journey_id --map b=timestamp --map c=channel --map d=conversion"},
		{"a path-like column", "Customer Path,Orders\nads > mail,3\n",
			`--map "Customer Path=path" --map Orders=total_conversions`},
		{"names that need quotes", "Kunden-Nr.,Zeitpunkt (UTC),Kanal $,Gekauft?\n1,2024-03-01,ads,yes\n",
			`--map Kunden-Nr.=journey_id --map "Zeitpunkt (UTC)=timestamp" --map 'Kanal $=channel' --map "Gekauft?=conversion"`},
		{"journey matched, others not", "email,Zeit,Kanal,Kauf\nx@y,2024-03-01,ads,1\n",
			"--map Zeit=timestamp --map Kanal=channel --map Kauf=conversion"},
		{"a journey id is not a path", "Journey ID,Zeitpunkt,Kanal,Kauf\nj1,2024-03-01,ads,1\n",
			"--map Zeitpunkt=timestamp --map Kanal=channel --map Kauf=conversion"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := importString(c.data, ImportOptions{})
			if err == nil || !strings.Contains(err.Error(), "cannot tell what this file holds") {
				t.Fatalf("error %v", err)
			}
			if !strings.HasSuffix(err.Error(), "e.g. "+c.want) {
				t.Errorf("error %q\nwant it to end with e.g. %s", err, c.want)
			}
			if strings.Contains(err.Error(), "Source / Medium") {
				t.Errorf("error suggests a column the file does not have: %v", err)
			}
			p, perr := ReadPreview(strings.NewReader(c.data), "in.csv", 8)
			if perr != nil || !strings.HasSuffix(p.LayoutError, c.want) {
				t.Errorf("preview: %v, layout error %q", perr, p.LayoutError)
			}
			if _, err := importString(c.data, ImportOptions{Map: mapArgs(t, err.Error())}); err != nil && !strings.Contains(c.name, "journey matched") {
				t.Errorf("following the advice: %v", err)
			}
		})
	}
	// A touch log mapped by hand that still lacks a field gets the same
	// kind of advice.
	_, err := importString("Kunde,Zeit,Quelle,Abschluss\nk1,2024-03-01,ads,1\n", ImportOptions{Map: map[string]string{"Kunde": FieldJourney}})
	if err == nil || !strings.HasSuffix(err.Error(), "e.g. --map Zeit=timestamp --map Quelle=channel --map Abschluss=conversion") {
		t.Errorf("missing fields: %v", err)
	}
}

// TestSourceMediumJoin: GA4 and UTM exports write the channel as a
// source column and a medium column; the import joins them as GA does,
// "source / medium", says so, and a --map choice overrides it.
func TestSourceMediumJoin(t *testing.T) {
	for _, pair := range [][2]string{{"Session source", "Session medium"}, {"Source", "Medium"}, {"utm_source", "utm_medium"}, {"First user source", "First user medium"}} {
		data := "User ID,Event Time," + pair[0] + "," + pair[1] + ",Converted\n" +
			"c-1,2024-03-01 17:20,google,cpc,No\n" +
			"c-1,2024-03-02 09:00,(direct),(none),No\n" +
			"c-1,2024-03-03 11:00,newsletter,email,Yes\n" +
			"c-2,2024-03-03 12:00,,,Yes\n" +
			"c-3,2024-03-04 12:00,partner,,No\n"
		ds, err := importString(data, ImportOptions{})
		if err != nil {
			t.Fatalf("%s: %v", pair, err)
		}
		if got := channelsOf(ds); !slices.Equal(got, []string{"(direct) / (none)", "google / cpc", "newsletter / email", "partner"}) {
			t.Errorf("%s: channels %q", pair, got)
		}
		s := ds.Summary
		if j := s.Joins[FieldChannel]; !slices.Equal(j.Columns, []int{2, 3}) || j.Separator != " / " || s.Columns[FieldChannel] != 2 {
			t.Errorf("%s: joins %+v, columns %v", pair, s.Joins, s.Columns)
		}
		if want := `"` + pair[0] + `" + " / " + "` + pair[1] + `"`; JoinedDescription(s, FieldChannel) != want {
			t.Errorf("%s: described as %s, want %s", pair, JoinedDescription(s, FieldChannel), want)
		}
		if len(s.IgnoredColumns) != 0 || len(s.ColumnAlternatives[FieldChannel]) != 0 {
			t.Errorf("%s: medium column still listed as ignored %q or alternative %q", pair, s.IgnoredColumns, s.ColumnAlternatives)
		}
		// --map chooses one column, as before the join existed.
		ds, err = importString(data, ImportOptions{Map: map[string]string{pair[0]: FieldChannel}})
		if err != nil || ds.Summary.Joins != nil || !slices.Equal(channelsOf(ds), []string{"(direct)", "google", "newsletter", "partner"}) {
			t.Errorf("%s with --map: %v, channels %q, joins %v", pair, err, channelsOf(ds), ds.Summary.Joins)
		}
		p, err := ReadPreview(strings.NewReader(data), "ga4.csv", 8)
		if err != nil {
			t.Fatal(err)
		}
		r := p.Rules(ImportOptions{})
		if r.Joined[FieldChannel] != JoinedDescription(s, FieldChannel) || !slices.Equal(r.Joins[FieldChannel], pair[:]) || r.Columns[FieldChannel] != pair[0] {
			t.Errorf("%s: preview rules %+v", pair, r)
		}
	}
	// Only one of the pair, or pairs that do not belong together: as
	// before, the source is the channel and nothing is joined.
	for _, header := range []string{"User ID,Event Time,Session source,Converted", "User ID,Event Time,Session source,Medium,Converted", "User ID,Event Time,Session source / medium,Session source,Session medium,Converted"} {
		n := strings.Count(header, ",")
		row := "c-1,2024-03-01 17:20" + strings.Repeat(",x", n-2) + ",Yes\n"
		ds, err := importString(header+"\n"+row, ImportOptions{})
		if err != nil || ds.Summary.Joins != nil || !slices.Equal(channelsOf(ds), []string{"x"}) {
			t.Errorf("%s: %v, joins %v", header, err, ds)
		}
	}
	// Joined by hand: two columns mapped to the channel.
	ds, err := importString("user_id,timestamp,Quelle,Art,conversion\n1,2024-03-01,google,cpc,1\n", ImportOptions{Map: map[string]string{"Quelle": FieldChannel, "Art": FieldChannel}})
	if err != nil || !slices.Equal(channelsOf(ds), []string{"google / cpc"}) {
		t.Errorf("two columns mapped to channel: %v, %v", err, ds)
	}
	if _, err := importString("id,t,c,conv,flag\n1,2024-03-01,x,1,1\n", ImportOptions{Map: map[string]string{"conv": FieldConversion, "flag": FieldConversion}}); err == nil || !strings.Contains(err.Error(), `both "conv" and "flag" to conversion`) {
		t.Errorf("two columns mapped to conversion: %v", err)
	}
}

// TestDateTimeJoin: a touch log with the date and the time of day in
// two columns reads them joined, by --date-format and --timezone; a time
// of day with no date column is an error that says what to map, not a
// timestamp.
func TestDateTimeJoin(t *testing.T) {
	for _, c := range []struct {
		name, data string
		opts       ImportOptions
		first      string
		format     TimeFormat
	}{
		{"Date + Time", "User ID,Date,Time,Channel,Converted\nc-1,2024-03-01,17:20:05,google,No\nc-1,2024-03-03,09:00:00,email,Yes\n",
			ImportOptions{}, "2024-03-01T17:20:05Z", FormatDateTime},
		{"Event date + Event time", "Event time,Event date,User ID,Channel,Converted\n5:20 PM,01.03.2024,c-1,google,No\n9:00 AM,03.03.2024,c-1,email,Yes\n",
			ImportOptions{}, "2024-03-01T17:20:00Z", "DD.MM.YYYY hh:mm AM/PM"},
		{"day-first by --date-format, zone by --timezone", "User ID;Date;Time;Channel;Converted\nc-1;02/03/2024;17:20;google;No\nc-1;03/03/2024;09:00;email;Yes\n",
			ImportOptions{DateFormat: DayFirst, Timezone: "Europe/Berlin"}, "2024-03-02T16:20:00Z", "DD/MM/YYYY HH:MM"},
		// The date column matched first (activity_date is a timestamp
		// name); the time column is found by its cells and name.
		{"Activity Date + Activity Time", "Contact ID;Activity Date;Activity Time;Channel;Won\n1001;14/03/2024;17:20;Paid Search;No\n1001;15/03/2024;09:05;Email;Yes\n",
			ImportOptions{}, "2024-03-14T17:20:00Z", "DD/MM/YYYY HH:MM"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ds, err := importString(c.data, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			s := ds.Summary
			if got := s.FirstTime.Format(time.RFC3339); got != c.first || s.TimestampFormat != c.format {
				t.Errorf("first time %s (%s), want %s (%s)", got, s.TimestampFormat, c.first, c.format)
			}
			d := JoinedDescription(s, FieldTimestamp)
			if !strings.Contains(d, `" + " " + "`) || s.Joins[FieldTimestamp].Separator != " " || s.Conversions != 1 || s.Journeys != 1 {
				t.Errorf("joined %q, summary %+v", d, s)
			}
			p, err := ReadPreview(strings.NewReader(c.data), "in.csv", 8)
			if err != nil {
				t.Fatal(err)
			}
			if r := p.Rules(c.opts); r.Joined[FieldTimestamp] != d || r.TimestampFormat != c.format || r.ColumnError != "" || r.FormatError != "" {
				t.Errorf("preview rules %+v", r)
			}
		})
	}
	// A bad time is named at its line, in the joined column.
	_, err := importString("User ID,Date,Time,Channel,Converted\nc-1,2024-03-01,17:20,google,No\nc-1,2024-03-03,25:00,email,Yes\n", ImportOptions{})
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 3 || pe.Field != "Date + Time" || pe.Value != "2024-03-03 25:00" || pe.Column != 2 {
		t.Errorf("bad time: %v (%+v)", err, pe)
	}
	// A time column alone.
	data := "User ID,Time,Channel,Converted\nc-1,17:20:05,google,No\nc-1,09:00:00,email,Yes\n"
	_, err = importString(data, ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), `column "Time" holds times of day without a date (line 2 "17:20:05")`) || !strings.Contains(err.Error(), "--map Time=timestamp") {
		t.Errorf("time without a date: %v", err)
	}
	p, _ := ReadPreview(strings.NewReader(data), "in.csv", 8)
	if r := p.Rules(ImportOptions{}); !strings.Contains(r.ColumnError, "times of day without a date") {
		t.Errorf("preview: %+v", r)
	}
	// Whole timestamps next to a date column (GA4's event_date beside
	// event_timestamp) are not joined.
	ds, err := importString("event_date,event_timestamp,user_pseudo_id,channel,conversion\n20240301,1709312400000000,u,ads,1\n", ImportOptions{})
	if err != nil || ds.Summary.Joins != nil || ds.Summary.TimestampFormat != FormatUnixMicros {
		t.Errorf("GA4 event_date + event_timestamp: %v, %+v", err, ds)
	}
	// A duration beside a date is not a time of day.
	ds, err = importString("User ID,Date,Time on page,Channel,Converted\nc-1,2024-03-01,00:01:23,google,1\n", ImportOptions{})
	if err != nil || ds.Summary.Joins != nil || ds.Summary.TimestampFormat != FormatDate {
		t.Errorf("Date + Time on page: %v, %+v", err, ds)
	}
	// Joined by hand, in header order.
	ds, err = importString("user_id,Tag,Uhrzeit,channel,conversion\n1,01.03.2024,17:20,x,1\n", ImportOptions{Map: map[string]string{"Uhrzeit": FieldTimestamp, "Tag": FieldTimestamp}})
	if err != nil || ds.Summary.FirstTime.Format(time.RFC3339) != "2024-03-01T17:20:00Z" {
		t.Errorf("date and time mapped by hand: %v, %+v", err, ds)
	}
}

// FuzzColumnRef: whatever the header's names — shared, empty, "#2",
// "a=b", "x (#1)" — the --map key and the label of each column name that
// column and no other, and MapArg is one shell word.
func FuzzColumnRef(f *testing.F) {
	f.Add("Source", "Source", "")
	f.Add("#2", "a=b", "x (#1)")
	f.Add("User ID", "user_id", "column #1")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		header := []string{a, b, c, a}
		for i := range header {
			if got := ColumnIndex(header, ColumnRef(header, i)); got != i {
				t.Fatalf("ColumnRef(%q, %d) = %q names column %d", header, i, ColumnRef(header, i), got)
			}
			if got := ColumnIndex(header, ColumnLabel(header, i)); got != i {
				t.Fatalf("ColumnLabel(%q, %d) = %q names column %d", header, i, ColumnLabel(header, i), got)
			}
			arg := MapArg(header, i, FieldChannel)
			if q := arg[0]; q == '"' || q == '\'' {
				if arg[len(arg)-1] != q || len(arg) < 2 {
					t.Fatalf("MapArg %s: unbalanced quotes", arg)
				}
			} else if strings.ContainsAny(arg, " \t\n\"'$`\\#;&|<>()*?[]!{}~") {
				t.Fatalf("MapArg %s: unquoted shell characters", arg)
			}
		}
	})
}
