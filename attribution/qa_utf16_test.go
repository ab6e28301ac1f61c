package attribution

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"
)

// encodeUTF16 writes s as UTF-16 in the given byte order, with or without
// a byte-order mark, as Excel's "Unicode text" does (with the mark).
func encodeUTF16(s string, order binary.AppendByteOrder, bom bool) []byte {
	var out []byte
	if bom {
		out = order.AppendUint16(out, 0xFEFF)
	}
	for _, u := range utf16.Encode([]rune(s)) {
		out = order.AppendUint16(out, u)
	}
	return out
}

// utf16Excel is a tab-delimited touch log as Excel saves it as "Unicode
// text": CRLF line ends, a non-ASCII channel and an emoji (a surrogate
// pair in UTF-16).
const utf16Excel = "User ID\tEvent Time\tChannel\tConverted\tRevenue\r\n" +
	"c-1\t2024-03-01 17:20\tGoogle Ads\tNo\t\r\n" +
	"c-1\t2024-03-02 09:05\tNewsletter März\tNo\t\r\n" +
	"c-1\t2024-03-03 11:00\tInstagram 📸\tYes\t1234.50\r\n" +
	"c-2\t2024-03-13 08:00\tGoogle Ads\tNo\t\r\n" +
	"c-2\t2024-03-14 08:30\tNewsletter März\tYes\t49.90\r\n"

// TestImportUTF16: a UTF-16 file, little or big endian, with a mark or
// without, imports exactly as its UTF-8 equivalent: the same summary
// (but for the encoding it names), the same paths, and progress that
// ends at the file's size.
func TestImportUTF16(t *testing.T) {
	want, err := Import(context.Background(), strings.NewReader(utf16Excel), ImportOptions{File: "excel.txt"})
	if err != nil {
		t.Fatal(err)
	}
	if want.Summary.Delimiter != "tab" || want.Summary.Conversions != 2 {
		t.Fatalf("UTF-8 reference: %+v", want.Summary)
	}
	for _, c := range []struct {
		name  string
		order binary.AppendByteOrder
		bom   bool
		enc   string
	}{
		{"LE with BOM", binary.LittleEndian, true, "UTF-16LE"},
		{"BE with BOM", binary.BigEndian, true, "UTF-16BE"},
		{"LE without BOM", binary.LittleEndian, false, "UTF-16LE"},
		{"BE without BOM", binary.BigEndian, false, "UTF-16BE"},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := encodeUTF16(utf16Excel, c.order, c.bom)
			var last Progress
			ds, err := Import(context.Background(), bytes.NewReader(data), ImportOptions{File: "excel.txt", Progress: func(p Progress) { last = p }})
			if err != nil {
				t.Fatal(err)
			}
			if ds.Summary.Encoding != c.enc {
				t.Errorf("encoding %q, want %q", ds.Summary.Encoding, c.enc)
			}
			got := ds.Summary
			got.Encoding = ""
			if !reflect.DeepEqual(got, want.Summary) {
				t.Errorf("summary\n%+v\nwant (as UTF-8)\n%+v", got, want.Summary)
			}
			if got, want := dumpPaths(ds.Paths), dumpPaths(want.Paths); got != want {
				t.Errorf("paths\n%s\nwant\n%s", got, want)
			}
			if !last.Done || last.Bytes != int64(len(data)) {
				t.Errorf("last progress %+v, want done at %d bytes", last, len(data))
			}
			p, err := ReadPreview(bytes.NewReader(data), "excel.txt", 8)
			if err != nil {
				t.Fatal(err)
			}
			if p.Encoding != c.enc || p.Layout != LayoutTouches || len(p.Rows) != 5 || p.Rows[2][2] != "Instagram 📸" {
				t.Errorf("preview: encoding %q, layout %q, rows %q", p.Encoding, p.Layout, p.Rows)
			}
			if r := p.Rules(ImportOptions{}); r.Columns[FieldChannel] != "Channel" || r.FormatError != "" || r.TimestampFormat == "" {
				t.Errorf("preview rules %+v", r)
			}
		})
	}
}

// TestImportUTF16ErrorLines: a bad row of a UTF-16 file is named by the
// line a text editor shows, as in UTF-8.
func TestImportUTF16ErrorLines(t *testing.T) {
	bad := strings.Replace(utf16Excel, "2024-03-13 08:00", "13th of March", 1)
	for _, data := range [][]byte{[]byte(bad), encodeUTF16(bad, binary.LittleEndian, true), encodeUTF16(bad, binary.BigEndian, false)} {
		_, err := Import(context.Background(), bytes.NewReader(data), ImportOptions{File: "excel.txt"})
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Line != 5 || pe.Column != 2 || pe.Field != "Event Time" || pe.Value != "13th of March" {
			t.Errorf("error %v (%+v), want line 5, column 2 Event Time", err, pe)
		}
	}
}

// TestImportNULBytes: a file with NUL bytes that is not recognisably
// UTF-16 stops at once with an error that names UTF-16, instead of
// reading a header full of NULs.
func TestImportNULBytes(t *testing.T) {
	// UTF-16 of CJK text has no zero byte pattern to go by.
	data := append(encodeUTF16("用户\t时间\t渠道\t转化\r\n", binary.LittleEndian, false), 0, 0)
	for _, read := range []func() error{
		func() error {
			_, err := Import(context.Background(), bytes.NewReader(data), ImportOptions{File: "x.txt"})
			return err
		},
		func() error { _, err := ReadPreview(bytes.NewReader(data), "x.txt", 8); return err },
	} {
		err := read()
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Line != 1 || !strings.Contains(pe.Reason, "UTF-16") || !strings.Contains(pe.Reason, "NUL") {
			t.Errorf("error %v, want line 1 naming NUL bytes and UTF-16", err)
		}
	}
}

// TestUTF16ReaderSplitPairs: a surrogate pair split across the decoder's
// blocks is decoded whole; a lone surrogate and an odd last byte become
// U+FFFD.
func TestUTF16ReaderSplitPairs(t *testing.T) {
	long := strings.Repeat("a", 8191) + "📸" + strings.Repeat("b", 9000)
	for _, c := range []struct {
		in   []byte
		want string
	}{
		{encodeUTF16(long, binary.LittleEndian, true), long},
		{append(encodeUTF16("ab", binary.BigEndian, true), 0xD8, 0x00, 0x00, 0x63), "ab\uFFFDc"},
		{append(encodeUTF16("ab", binary.LittleEndian, true), 0x63), "ab\uFFFD"},
	} {
		in, dec, err := decodeInput(bytes.NewReader(c.in), "x")
		if err != nil || dec == nil {
			t.Fatalf("decodeInput: %v, %v", dec, err)
		}
		var out bytes.Buffer
		if _, err := out.ReadFrom(in); err != nil {
			t.Fatal(err)
		}
		if out.String() != c.want {
			t.Errorf("decoded %d bytes %q…, want %d bytes", out.Len(), out.String()[:min(out.Len(), 20)], len(c.want))
		}
		if dec.in.Load() != int64(len(c.in)) {
			t.Errorf("consumed %d of %d bytes", dec.in.Load(), len(c.in))
		}
	}
}

// dumpPaths writes every path of ps with its channel names and counts,
// to compare two imports whole.
func dumpPaths(ps *PathSet) string {
	var b strings.Builder
	for i := 0; i < ps.Len(); i++ {
		touches, conv, value, nulls := ps.Path(i)
		for _, t := range touches {
			b.WriteString(ps.Channels[t] + " > ")
		}
		fmt.Fprintf(&b, "%g %g %g\n", conv, value, nulls)
	}
	if ps.Timed != nil {
		for i := 0; i < ps.Timed.Len(); i++ {
			touches, ages, value := ps.Timed.Journey(i)
			fmt.Fprintf(&b, "timed %v %v %g\n", touches, ages, value)
		}
	}
	return b.String()
}

// TestReadSpendUTF16: a spend table saved as Unicode text reads as its
// UTF-8 copy.
func TestReadSpendUTF16(t *testing.T) {
	text := "Channel\tSpend\r\nGoogle Ads\t1200.50\r\nNewsletter März\t80\r\n"
	want, err := ReadSpend(strings.NewReader(text), "spend.txt")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadSpend(bytes.NewReader(encodeUTF16(text, binary.LittleEndian, true)), "spend.txt")
	if err != nil || !reflect.DeepEqual(got, want) || len(got) != 2 {
		t.Errorf("UTF-16 spend %v, %v; want %v", got, err, want)
	}
}
