package attribution

import (
	"bytes"
	"context"
	"sync/atomic"
	"testing"
)

// TestImportProgress checks that the progress callback reaches the end
// exactly once, with every byte and row counted, and never runs on two
// goroutines at once.
func TestImportProgress(t *testing.T) {
	data, _ := bigPathTable(150000) // several chunks
	data = append([]byte{0xEF, 0xBB, 0xBF}, data...)
	var inFlight, overlaps, calls, doneCalls int32
	var last Progress
	_, err := Import(context.Background(), bytes.NewReader(data), ImportOptions{Progress: func(p Progress) {
		if atomic.AddInt32(&inFlight, 1) > 1 {
			atomic.AddInt32(&overlaps, 1)
		}
		defer atomic.AddInt32(&inFlight, -1)
		calls++
		if p.Bytes < last.Bytes || p.Rows < last.Rows {
			t.Errorf("progress went backwards: %+v after %+v", p, last)
		}
		if p.Done {
			doneCalls++
		}
		last = p
	}})
	if err != nil {
		t.Fatal(err)
	}
	if overlaps != 0 {
		t.Errorf("progress called concurrently %d times", overlaps)
	}
	if doneCalls != 1 || !last.Done {
		t.Errorf("Done reported %d times, last call %+v; want exactly once, last", doneCalls, last)
	}
	if last.Bytes != int64(len(data)) || last.Rows != 150000 {
		t.Errorf("final progress %d bytes, %d rows; want %d bytes, 150000 rows", last.Bytes, last.Rows, len(data))
	}
	if calls < 3 {
		t.Errorf("%d progress calls for a multi-chunk file, want one per chunk", calls)
	}
}

// TestImportProgressNotDoneOnError checks that a failed import never
// reports completion.
func TestImportProgressNotDoneOnError(t *testing.T) {
	data := []byte("path,total_conversions\nA,1\nB,x\n")
	done := 0
	_, err := Import(context.Background(), bytes.NewReader(data), ImportOptions{Progress: func(p Progress) {
		if p.Done {
			done++
		}
	}})
	if err == nil || done != 0 {
		t.Fatalf("err %v, Done reported %d times; want an error and no Done", err, done)
	}
}

func TestRunProgress(t *testing.T) {
	ds := importFile(t, referenceDir+"/touches_small.csv", ImportOptions{})
	var inFlight, overlaps int32
	var seen []RunProgress
	_, err := Run(context.Background(), ds.Paths, Options{Progress: func(p RunProgress) {
		if atomic.AddInt32(&inFlight, 1) > 1 {
			atomic.AddInt32(&overlaps, 1)
		}
		seen = append(seen, p)
		atomic.AddInt32(&inFlight, -1)
	}})
	if err != nil {
		t.Fatal(err)
	}
	if overlaps != 0 {
		t.Errorf("run progress called concurrently")
	}
	if len(seen) != len(modelNames) {
		t.Fatalf("%d progress calls, want one per model (%d)", len(seen), len(modelNames))
	}
	for i, p := range seen {
		if p.Done != i+1 || p.Total != len(modelNames) {
			t.Errorf("call %d: %+v", i, p)
		}
	}
}
