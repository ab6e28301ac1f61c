package attribution

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/attrlab/attrlab/synth"
)

// benchFile returns a file from $ATTRLAB_BENCH_DATA (made by `make
// bench-data`), skipping the benchmark when it is not there.
func benchFile(b *testing.B, name string) []byte {
	b.Helper()
	dir := os.Getenv("ATTRLAB_BENCH_DATA")
	if dir == "" {
		b.Skip("set ATTRLAB_BENCH_DATA (make bench does) to run this benchmark")
	}
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		b.Fatal(err)
	}
	return data
}

func benchImportAndRun(b *testing.B, name string, opts Options) {
	data := benchFile(b, name)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		ds, err := Import(context.Background(), bytes.NewReader(data), ImportOptions{File: name})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Run(context.Background(), ds.Paths, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPaths200k imports a 200,000-distinct-path table (8 channels) and
// runs every model on it.
func BenchmarkPaths200k(b *testing.B) { benchImportAndRun(b, "paths200k.csv", Options{}) }

// BenchmarkPathsShort200k is the same with the second shape: short names,
// one to three touches, every path quoted (scripts/bench-cli.sh makes it).
func BenchmarkPathsShort200k(b *testing.B) {
	benchImportAndRun(b, "paths200k-short.csv", Options{})
}

// BenchmarkTouches1M imports a 1,000,000-row touch log and runs every model.
func BenchmarkTouches1M(b *testing.B) { benchImportAndRun(b, "touches1m.csv", Options{}) }

// BenchmarkImportPaths200k measures the import alone.
func BenchmarkImportPaths200k(b *testing.B) {
	data := benchFile(b, "paths200k.csv")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Import(context.Background(), bytes.NewReader(data), ImportOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMarkovOrders runs Markov alone at each order on the path table.
func BenchmarkMarkovOrders(b *testing.B) {
	data := benchFile(b, "paths200k.csv")
	ds, err := Import(context.Background(), bytes.NewReader(data), ImportOptions{})
	if err != nil {
		b.Fatal(err)
	}
	for _, order := range []int{1, 2, 3, 4} {
		b.Run("order"+string(rune('0'+order)), func(b *testing.B) {
			for b.Loop() {
				if _, err := Run(context.Background(), ds.Paths, Options{Models: []string{Markov}, Order: order}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkImportTouches1M measures the touch-log import alone.
func BenchmarkImportTouches1M(b *testing.B) {
	data := benchFile(b, "touches1m.csv")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Import(context.Background(), bytes.NewReader(data), ImportOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImportCRMExport imports a 500,000-row EU CRM export (header
// words, DD.MM.YYYY HH:MM dates, Yes/No, decimal commas with thousands
// points), made in memory, so the export parsers' cost per row shows.
func BenchmarkImportCRMExport(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("User ID;Event Time;Source / Medium;Converted;Revenue\n")
	channels := []string{"google / cpc", "(direct) / (none)", "newsletter / email", "facebook / paid"}
	for i := range 500000 {
		conv, value := "No", ""
		if i%7 == 6 {
			conv, value = "Yes", fmt.Sprintf("%d.%03d,%02d", 1+i%9, i%1000, i%100)
		}
		fmt.Fprintf(&buf, "c-%d;%02d.%02d.2024 %02d:%02d;%s;%s;%s\n", i/7, 1+i%28, 1+(i/28)%12, i%24, i%60, channels[i%4], conv, value)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Import(context.Background(), bytes.NewReader(data), ImportOptions{Lookback: UnlimitedLookback}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMarkovOrder1ManyChannels runs Markov order 1 on generated
// tables with hundreds to thousands of channels (10,000 channels on
// 60,000 paths is the shape of issue 12's goal), where the removal effects
// come from selected inversion instead of one solve per channel.
func BenchmarkMarkovOrder1ManyChannels(b *testing.B) {
	for _, c := range []struct{ channels, paths int }{{500, 15000}, {2000, 60000}, {10000, 60000}} {
		channels := c.channels
		var buf bytes.Buffer
		if err := synth.WritePaths(&buf, synth.Options{Channels: channels, Paths: c.paths, Seed: 1}); err != nil {
			b.Fatal(err)
		}
		ds, err := Import(context.Background(), bytes.NewReader(buf.Bytes()), ImportOptions{})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("channels%d", channels), func(b *testing.B) {
			for b.Loop() {
				if _, err := Run(context.Background(), ds.Paths, Options{Models: []string{Markov}, Order: 1}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
