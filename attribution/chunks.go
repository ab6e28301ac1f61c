package attribution

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"math"
	"runtime"
	"sync"
)

// chunkSize is how much input one worker parses at a time: large enough to
// amortise the hand-off, small enough to keep both cores busy and memory
// flat however large the file.
const chunkSize = 256 << 10

// chunk is a run of whole records cut from the input.
type chunk struct {
	seq int
	// data is reused for later chunks once the chunk is merged: a parse
	// result must copy what it keeps of it.
	data      []byte
	firstLine int // line number of data's first line
	err       error
}

// sliceSource serves lines from a byte slice with bufio.Reader's ReadSlice
// contract, so a worker parses its chunk without copying it again.
type sliceSource struct{ b []byte }

func (s *sliceSource) ReadSlice(delim byte) ([]byte, error) {
	if len(s.b) == 0 {
		return nil, io.EOF
	}
	i := bytes.IndexByte(s.b, delim)
	if i < 0 {
		line := s.b
		s.b = nil
		return line, io.EOF
	}
	line := s.b[:i+1]
	s.b = s.b[i+1:]
	return line, nil
}

// splitChunks reads r and sends chunks that end on a record boundary: a
// newline outside quotes. In RFC 4180 every quote opens, closes or is half
// of a doubled quote, so the parity of quotes seen says whether a newline
// is inside a quoted field.
//
// Buffers come from free when one there is large enough: parseChunks
// returns each chunk's buffer once it is merged, so a large file reads
// into a few buffers instead of fresh memory for all of it.
func splitChunks(ctx context.Context, r io.Reader, firstLine int, out chan<- chunk, free chan []byte) {
	defer close(out)
	send := func(c chunk) bool {
		select {
		case out <- c:
			return true
		case <-ctx.Done():
			return false
		}
	}
	line, seq := firstLine, 0
	var carry, carryBuf []byte
	inQuote := false
	// Start small so that a small file costs a small buffer, then grow.
	size := 64 << 10
	for {
		var buf []byte
		select {
		case b := <-free:
			// Half the size asked for will do: the carry varies.
			if cap(b)-len(carry) >= size/2 {
				buf = b[:len(carry)]
			}
		default:
		}
		if buf == nil {
			buf = make([]byte, len(carry), len(carry)+size)
		}
		size = min(2*size, chunkSize)
		copy(buf, carry)
		scanned := len(carry)
		n, err := io.ReadFull(r, buf[scanned:cap(buf)])
		buf = buf[:scanned+n]
		eof := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
		if err != nil && !eof {
			send(chunk{seq: seq, err: err})
			return
		}
		// Find the last record boundary in the new bytes: the last newline
		// with an even number of quotes between it and the last known
		// point outside quotes.
		cut := -1
		fresh := buf[scanned:]
		quotes := bytes.Count(fresh, []byte{'"'})
		endInQuote := inQuote != (quotes%2 == 1)
		// Walk back line by line from the end, tracking whether each point
		// is inside quotes: usually the last newline is the boundary.
		at, in := len(fresh), endInQuote
		for {
			nl := bytes.LastIndexByte(fresh[:at], '\n')
			if nl < 0 {
				break
			}
			if bytes.Count(fresh[nl+1:at], []byte{'"'})%2 == 1 {
				in = !in
			}
			if !in {
				cut = scanned + nl + 1
				break
			}
			at = nl
		}
		inQuote = endInQuote
		switch {
		case eof:
			cut = len(buf)
		case cut < 0 && len(buf) > MaxRecordBytes+chunkSize:
			// No boundary in far more than a record may hold: pass it on and
			// let the parser report the over-long row.
			cut = len(buf)
		}
		if cut < 0 {
			carry = buf
			continue
		}
		if cut > 0 {
			if !send(chunk{seq: seq, data: buf[:cut], firstLine: line}) {
				return
			}
			seq++
			line += bytes.Count(buf[:cut], []byte{'\n'})
		}
		if eof {
			return
		}
		// The carry is copied out: the buffer goes with its chunk and may
		// come back through free for reuse.
		carryBuf = append(carryBuf[:0], buf[cut:]...)
		carry = carryBuf
		// The quote state after the cut is unknown only when the cut was
		// forced; it is outside quotes after any real boundary.
		if cut == len(buf) {
			inQuote = false
		}
	}
}

// parseChunks parses r in parallel, chunk by chunk, with parse, and hands
// each result to merge in input order, so that the first error merge sees
// is the first in the file. Merge returning an error stops everything.
func parseChunks[R any](ctx context.Context, r io.Reader, firstLine int, parse func(chunk) R, merge func(chunk, R) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := runtime.GOMAXPROCS(0)
	chunks := make(chan chunk, workers)
	type done struct {
		c chunk
		r R
	}
	results := make(chan done, workers)
	free := make(chan []byte, 2*workers+2)
	go splitChunks(ctx, r, firstLine, chunks, free)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range chunks {
				var res R
				if c.err == nil {
					res = parse(c)
				}
				select {
				case results <- done{c, res}:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	pending := map[int]done{}
	next := 0
	var firstErr error
	for d := range results {
		if firstErr != nil {
			continue // drain so the workers can exit
		}
		pending[d.c.seq] = d
		for {
			p, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			err := p.c.err
			if err == nil {
				err = merge(p.c, p.r)
			}
			if err == nil && p.c.data != nil {
				// Merged: nothing refers to the chunk's bytes any more
				// (results copy what they keep), so the splitter may
				// read into them again.
				select {
				case free <- p.c.data[:0]:
				default:
				}
			}
			if err != nil {
				firstErr = err
				cancel()
				break
			}
		}
	}
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

// inputSize returns the size of r when r can tell it (a file, a bytes or
// strings reader), or 0. It only sizes buffers up front; nothing depends
// on it being right.
func inputSize(r io.Reader) int64 {
	switch v := r.(type) {
	case interface{ Stat() (fs.FileInfo, error) }:
		if fi, err := v.Stat(); err == nil && fi.Mode().IsRegular() {
			return fi.Size()
		}
	case interface{ Size() int64 }:
		return v.Size()
	}
	return 0
}

// estimateRows extrapolates the rows of the whole input from the first
// chunk's: rows in the chunk's bytes, scaled to the input's size, with a
// little to spare (growing by a quarter later costs a copy of it all).
// It returns 0 when the size is unknown.
func estimateRows(size int64, chunkRows, chunkBytes int) int {
	if size <= 0 || chunkBytes <= 0 || chunkRows <= 0 {
		return 0
	}
	n := float64(chunkRows) * float64(size) / float64(chunkBytes) * 1.03
	return int(min(n, math.MaxInt32))
}
