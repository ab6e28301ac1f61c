package attribution

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Spend file columns (DESIGN section 2.3): a channel column and a spend
// column, matched case-insensitively against these names.
var (
	spendChannelNames = []string{FieldChannel, "source", "medium", "utm_source", "campaign"}
	spendAmountNames  = []string{"spend", "cost", "budget"}
)

// ReadSpend reads a spend table: a header row with a channel column and a
// spend column (aliases cost and budget), then one row per channel. Other
// columns are ignored. Like the journey importers it accepts UTF-8 with or
// without BOM and UTF-16, comma, semicolon or tab delimiters, CRLF or LF
// and RFC 4180 quoting. A channel listed on several rows gets the sum of its rows (a
// file with one row per campaign or month is common); channels keep the
// order of their first row. file names the input in errors.
//
// Every problem is a *ParseError naming the file, line and column: a
// missing column, an empty channel, or a spend that is empty, not a
// number, negative or not finite.
func ReadSpend(r io.Reader, file string) ([]ChannelSpend, error) {
	if file == "" {
		file = "spend"
	}
	in, _, err := decodeInput(r, file)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(in, sampleBytes)
	if b, _ := br.Peek(3); bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	head, _ := br.Peek(64 << 10)
	rr := newRecordReader(br, detectDelimiter(head))
	rec, err := rr.read()
	if errors.Is(err, io.EOF) {
		return nil, &ParseError{File: file, Line: 1, Reason: "the file is empty: expected a header row (channel,spend) and one row per channel"}
	}
	if err != nil {
		return nil, rowError(file, rr, err)
	}
	header := make([]string, len(rec))
	norm := make([]string, len(rec))
	for i, f := range rec {
		header[i] = string(f)
		norm[i] = normalizeHeader(header[i])
	}
	find := func(names []string) int {
		for _, n := range names {
			if i := slices.Index(norm, n); i >= 0 {
				return i
			}
		}
		return -1
	}
	chCol, spendCol := find(spendChannelNames), find(spendAmountNames)
	if chCol < 0 || spendCol < 0 {
		return nil, &ParseError{File: file, Line: rr.line, Reason: fmt.Sprintf(
			"a spend file needs a channel column and a spend column (spend, cost or budget), and the header has only %s",
			strings.Join(header, ", "))}
	}
	// chunkParser.number gives the same cell errors as the journey importers.
	// The spend column's decimal mark is decided as a journey file's is.
	formats := &columnFormats{delim: rr.delim, timeCol: -1, numCols: []int{spendCol},
		num: make([]numberStyle, len(header)), numEv: make([]numberEvidence, len(header))}
	if sample, _ := br.Peek(sampleBytes); len(sample) > 0 {
		if msg := formats.inferSample(sample, rr.nextLine, header); msg != "" {
			return nil, &ParseError{File: file, Reason: msg}
		}
	}
	im := &chunkParser{importShared: &importShared{opts: ImportOptions{File: file}, header: header, labels: header, width: len(header), formats: formats}, rr: rr}
	index := map[string]int{}
	var out []ChannelSpend
	for {
		rec, err := im.next()
		if err != nil {
			return nil, err
		}
		if rec == nil {
			break
		}
		ch := string(bytes.TrimSpace(rec[chCol]))
		if ch == "" {
			return nil, im.cellError(chCol, rec[chCol], "is empty: every row needs a channel")
		}
		v, err := im.number(rec, spendCol, true)
		if err != nil {
			return nil, err
		}
		if i, ok := index[ch]; ok {
			out[i].Spend += v // cells are at most MaxCell, so sums stay finite
			continue
		}
		index[ch] = len(out)
		out = append(out, ChannelSpend{Channel: ch, Spend: v})
	}
	if len(out) == 0 {
		return nil, &ParseError{File: file, Line: 2, Reason: "the file has a header but no rows"}
	}
	if im.evidence.num != nil {
		if msg := im.evidence.num[spendCol].check(formats.num[spendCol], header[spendCol]); msg != "" {
			return nil, &ParseError{File: file, Reason: msg}
		}
	}
	return out, nil
}
