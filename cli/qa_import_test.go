package cli

import (
	"encoding/binary"
	"regexp"
	"strings"
	"testing"
	"unicode/utf16"
)

// suggestedMaps returns the --map arguments a message suggests, each as
// the shell would pass it ("--map", "#3=channel").
func suggestedMaps(t *testing.T, msg string) []string {
	t.Helper()
	var args []string
	for _, m := range regexp.MustCompile(`--map ("[^"]*"|'[^']*'|[^ ,()"']+)`).FindAllStringSubmatch(msg, -1) {
		word := m[1]
		if word[0] == '"' || word[0] == '\'' {
			word = word[1 : len(word)-1]
		}
		args = append(args, "--map", word)
	}
	if len(args) == 0 {
		t.Fatalf("no --map suggested in %q", msg)
	}
	return args
}

// attributeArgs is attribute without logging a run, with extra flags.
func attributeArgs(path string, extra ...string) []string {
	return append(append([]string{"attribute", "--no-log"}, extra...), path)
}

// TestDuplicateColumnAdvice: two columns called "Source": the advice
// names them by position, and pasting it into the command line works
// (--map Source=channel could not: it names both).
func TestDuplicateColumnAdvice(t *testing.T) {
	path := writeFile(t, "dup.csv", []byte("User ID,Event Time,Source,Source,Converted\n"+
		"c-1,2024-03-01 17:20,google,cpc,No\n"+
		"c-1,2024-03-03 11:00,newsletter,email,Yes\n"))
	code, _, stderr := runCLI(t, attributeArgs(path)...)
	if code != 2 || !strings.Contains(stderr, `dup.csv:1: the columns "Source (#3)" and "Source (#4)" could each be the channel`) {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	code, stdout, stderr := runCLI(t, attributeArgs(path, suggestedMaps(t, stderr)...)...)
	if code != 0 || !strings.Contains(stdout, "newsletter") || !strings.Contains(stderr, `channel = "Source (#3)"`) || !strings.Contains(stderr, "ignored columns: Source (#4)") {
		t.Fatalf("following the advice: exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, _, stderr = runCLI(t, attributeArgs(path, "--map", "Source=channel")...)
	if code != 2 || !strings.Contains(stderr, `--map Source=channel: the header has 2 columns named "Source" (columns #3, #4): name one by its position instead, e.g. --map "#3=channel"`) {
		t.Fatalf("--map Source=channel: exit %d, %q", code, stderr)
	}
	code, stdout, _ = runCLI(t, attributeArgs(path, "--map", "#4=channel")...)
	if code != 0 || !strings.Contains(stdout, "email") || strings.Contains(stdout, "newsletter") {
		t.Fatalf("--map #4=channel: exit %d\n%s", code, stdout)
	}
}

// TestCannotTellAdvice: the advice for a header nothing matches maps the
// file's own columns, and pasted into the command line it imports.
func TestCannotTellAdvice(t *testing.T) {
	for _, c := range []struct{ name, data, want string }{
		{"kunden.csv", "Kunde;Zeit;Quelle;Abschluss\nk1;01.03.2024 10:00;google;0\nk1;02.03.2024 10:00;email;1\n",
			"--map Kunde=journey_id --map Zeit=timestamp --map Quelle=channel --map Abschluss=conversion"},
		{"journeys.csv", "Customer Path,Orders\nads > mail,3\nmail,1\n", `--map "Customer Path=path" --map Orders=total_conversions`},
	} {
		path := writeFile(t, c.name, []byte(c.data))
		code, _, stderr := runCLI(t, attributeArgs(path)...)
		if code != 2 || !strings.Contains(stderr, "cannot tell what this file holds") || !strings.Contains(stderr, "e.g. "+c.want) || strings.Contains(stderr, "Source / Medium") {
			t.Fatalf("%s: exit %d, %q", c.name, code, stderr)
		}
		if code, _, stderr := runCLI(t, attributeArgs(path, suggestedMaps(t, stderr)...)...); code != 0 {
			t.Errorf("%s: following the advice: exit %d, %q", c.name, code, stderr)
		}
	}
}

// TestUTF16Input: Excel's "Unicode text" (UTF-16 LE with a mark, tabs)
// gives the same credit as the UTF-8 file, and the report names it.
func TestUTF16Input(t *testing.T) {
	text := "User ID\tEvent Time\tChannel\tConverted\r\nc-1\t2024-03-01 17:20\tGoogle Ads\tNo\r\nc-1\t2024-03-02 09:05\tNewsletter März\tYes\r\nc-2\t2024-03-02 10:00\tGoogle Ads\tYes\r\n"
	var data []byte
	data = binary.LittleEndian.AppendUint16(data, 0xFEFF)
	for _, u := range utf16.Encode([]rune(text)) {
		data = binary.LittleEndian.AppendUint16(data, u)
	}
	code, want, _ := runCLI(t, attributeArgs(writeFile(t, "utf8.txt", []byte(text)), "--format", "csv")...)
	if code != 0 {
		t.Fatal("UTF-8 file failed")
	}
	code, got, stderr := runCLI(t, attributeArgs(writeFile(t, "unicode.txt", data), "--format", "csv")...)
	if code != 0 || got != want || !strings.Contains(stderr, "unicode.txt: touch log, tab-delimited, UTF-16LE") {
		t.Fatalf("exit %d, stderr %q\ngot\n%s\nwant\n%s", code, stderr, got, want)
	}
	// A bad row is named by its line, as in UTF-8.
	bad := strings.Replace(text, "2024-03-02 10:00", "yesterday", 1)
	data = data[:0]
	for _, u := range utf16.Encode([]rune(bad)) {
		data = binary.BigEndian.AppendUint16(data, u)
	}
	code, _, stderr = runCLI(t, attributeArgs(writeFile(t, "be.txt", data))...)
	if code != 2 || !strings.Contains(stderr, `be.txt:4: Event Time "yesterday"`) {
		t.Fatalf("bad row: exit %d, %q", code, stderr)
	}
}

// TestJoinedColumnsReport: GA4's Session source + Session medium, and a
// CRM's Date + Time, are read joined and the import report says so.
func TestJoinedColumnsReport(t *testing.T) {
	path := writeFile(t, "ga4.csv", []byte("User ID,Date,Time,Session source,Session medium,Converted\n"+
		"c-1,2024-03-01,17:20:05,google,cpc,No\n"+
		"c-1,2024-03-03,09:00:00,newsletter,email,Yes\n"))
	code, stdout, stderr := runCLI(t, attributeArgs(path)...)
	want := `columns: journey_id = "User ID", timestamp = "Date" + " " + "Time", channel = "Session source" + " / " + "Session medium", conversion = "Converted"`
	if code != 0 || !strings.Contains(stderr, want) || !strings.Contains(stdout, "google / cpc") || !strings.Contains(stderr, "time range: 2024-03-01T17:20:05Z") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, attributeArgs(path, "--map", "Session source=channel", "--timezone", "Europe/Berlin")...)
	if code != 0 || strings.Contains(stdout, "google / cpc") || !strings.Contains(stdout, "google") {
		t.Fatalf("--map overrides the join: exit %d\n%s", code, stdout)
	}
	path = writeFile(t, "times.csv", []byte("User ID,Time,Channel,Converted\nc-1,17:20:05,google,No\n"))
	code, _, stderr = runCLI(t, attributeArgs(path)...)
	if code != 2 || !strings.Contains(stderr, `times.csv: column "Time" holds times of day without a date (line 2 "17:20:05")`) {
		t.Fatalf("a time without a date: exit %d, %q", code, stderr)
	}
}
