package cli

import (
	"strings"
	"testing"
)

// crmAmbiguous is a CRM export whose dates never pass 12 and whose
// revenue uses decimal commas: it needs --date-format to import.
const crmAmbiguous = "User ID;Event Time;Source / Medium;Converted;Revenue\n" +
	"c-1;01/03/2024 17:20;google / cpc;No;\n" +
	"c-1;02/03/2024 09:05;(direct) / (none);No;\n" +
	"c-1;03/03/2024 11:00;newsletter / email;Yes;1.234,50\n" +
	"c-2;04/03/2024 08:00;facebook / paid;No;\n"

// TestReadingFlags: what the file cannot settle stops the import naming
// the flag; the flag settles it and the summary says how cells were read.
func TestReadingFlags(t *testing.T) {
	in := writeFile(t, "crm.csv", []byte(crmAmbiguous))
	code, out, errOut := runCLI(t, "attribute", "--no-log", in)
	if code != 2 || out != "" || !strings.Contains(errOut, "--date-format dd/mm/yyyy") || !strings.Contains(errOut, `"Event Time"`) {
		t.Fatalf("exit %d, stderr %q; want 2 and a message naming --date-format and the column", code, errOut)
	}
	code, out, errOut = runCLI(t, "attribute", "--no-log", "--date-format", "dd/mm/yyyy", "--models", "last-touch,last-non-direct", "--format", "csv", in)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"dates read as dd/mm/yyyy", `numbers in "Revenue": decimal ",", thousands "."`, "1 touches treated as direct", "time range: 2024-03-01T17:20:00Z to 2024-03-04T08:00:00Z"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("summary %q does not say %q", errOut, want)
		}
	}
	if !strings.Contains(out, "1234.5") {
		t.Errorf("results %q do not hold the value 1234.5", out)
	}
	// 3 January is CET (+01:00), 3 April CEST (+02:00).
	code, _, errOut = runCLI(t, "attribute", "--no-log", "--date-format", "mm/dd/yyyy", "--timezone", "Europe/Berlin", in)
	if code != 0 || !strings.Contains(errOut, "time range: 2024-01-03T16:20:00Z to 2024-04-03T06:00:00Z") || !strings.Contains(errOut, "Europe/Berlin") {
		t.Errorf("month first in Berlin: exit %d, %q", code, errOut)
	}
	for _, bad := range [][]string{{"--date-format", "yyyy/dd/mm"}, {"--decimal", ";"}, {"--timezone", "Mars/Olympus"}} {
		code, _, errOut = runCLI(t, append([]string{"attribute", "--no-log"}, append(bad, in)...)...)
		if code == 0 || !strings.Contains(errOut, strings.TrimPrefix(bad[0], "--")[:4]) && !strings.Contains(errOut, bad[1]) {
			t.Errorf("%v: exit %d, %q", bad, code, errOut)
		}
	}
}

// TestDelimiterFlag: --delimiter overrides detection.
func TestDelimiterFlag(t *testing.T) {
	// The header has more commas than semicolons, the rows are semicolons.
	in := writeFile(t, "odd.csv", []byte("path;total_conversions;note,a,b\nA > B;2;x\nB;1;y\n"))
	code, _, errOut := runCLI(t, "attribute", "--no-log", in)
	if code != 2 {
		t.Fatalf("detected: exit %d, %q; want 2", code, errOut)
	}
	code, _, errOut = runCLI(t, "attribute", "--no-log", "--delimiter", "semicolon", in)
	if code != 0 || !strings.Contains(errOut, "semicolon-delimited") || !strings.Contains(errOut, "conversions: 3") {
		t.Errorf("--delimiter semicolon: exit %d, %q", code, errOut)
	}
	if code, _, _ = runCLI(t, "attribute", "--no-log", "--delimiter", "pipe", in); code != 1 {
		t.Errorf("--delimiter pipe: exit %d, want 1", code)
	}
}

// TestDecimalFlag: --decimal settles a semicolon file of 1.234s.
func TestDecimalFlag(t *testing.T) {
	in := writeFile(t, "eu.csv", []byte("path;conversions;value\nA > B;1;1.234\nB;2;2.000\n"))
	code, _, errOut := runCLI(t, "attribute", "--no-log", in)
	if code != 2 || !strings.Contains(errOut, "--decimal") {
		t.Fatalf("exit %d, %q; want 2 asking for --decimal", code, errOut)
	}
	code, _, errOut = runCLI(t, "attribute", "--no-log", "--decimal", ",", in)
	if code != 0 || !strings.Contains(errOut, "worth 3234") {
		t.Errorf("--decimal ,: exit %d, %q", code, errOut)
	}
	code, _, errOut = runCLI(t, "attribute", "--no-log", "--decimal", ".", in)
	if code != 0 || !strings.Contains(errOut, "worth 3.23") {
		t.Errorf("--decimal .: exit %d, %q", code, errOut)
	}
}

// TestMapAloneMakesTouchLog: the CRM header with only the channel
// mapped imports as a touch log.
func TestMapAloneMakesTouchLog(t *testing.T) {
	in := writeFile(t, "crm.csv", []byte("Kunde;Zeit;Source / Medium;Abschluss\nk1;01.03.2024 10:00;seo;nein\nk1;02.03.2024 10:00;sea;ja\n"))
	code, _, errOut := runCLI(t, "attribute", "--no-log", "--map", "Kunde=journey_id", "--map", "Zeit=timestamp", "--map", "Abschluss=conversion", "--conversion-label", "ja", in)
	if code != 0 || !strings.Contains(errOut, "touch log") || !strings.Contains(errOut, "conversions: 1 worth") {
		t.Errorf("exit %d, %q", code, errOut)
	}
}
