package report

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"testing"
)

var regen = flag.Bool("regen", false, "rewrite the golden images in testdata/ from the current code")

// pixelTol is the largest difference allowed in any colour channel of any
// pixel (out of 255): enough for anti-aliasing to differ in the last bit
// between machines, far too little for a moved label or bar.
const pixelTol = 8

// goldenCharts builds one chart of every kind, plus the layouts that
// switch on size: 40 channels sideways and a heat-map cut to its top
// states.
func goldenCharts(t *testing.T) map[string]*Chart {
	t.Helper()
	results := fixtureResults()
	build := map[string]func() (*Chart, error){
		"attribution":     func() (*Chart, error) { return AttributionChart(results) },
		"attribution_40":  func() (*Chart, error) { return AttributionChart(manyChannels(40)) },
		"budget":          func() (*Chart, error) { return BudgetChart(fixtureBudget()) },
		"removal":         func() (*Chart, error) { return RemovalChart(results[3]) },
		"transitions":     func() (*Chart, error) { return TransitionsChart(fixtureMarkov(6), 0) },
		"transitions_top": func() (*Chart, error) { return TransitionsChart(fixtureMarkov(45), 20) },
		"compare":         func() (*Chart, error) { return CompareChart(fixtureComparison()) },
	}
	out := map[string]*Chart{}
	for name, f := range build {
		c, err := f()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = c
	}
	return out
}

// TestGoldenImages compares each chart's PNG with testdata/NAME.png,
// pixel by pixel within pixelTol. go test -run Golden -regen rewrites them.
func TestGoldenImages(t *testing.T) {
	for name, c := range goldenCharts(t) {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := c.Render(&buf, PNG); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", name+".png")
			if *regen {
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./report -run Golden -regen to create it)", err)
			}
			got, err := png.Decode(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			wantImg, err := png.Decode(bytes.NewReader(want))
			if err != nil {
				t.Fatal(err)
			}
			if msg := compareImages(got, wantImg, pixelTol); msg != "" {
				failed := filepath.Join(t.TempDir(), name+".png")
				os.WriteFile(failed, buf.Bytes(), 0o644)
				t.Errorf("%s differs from the golden image: %s; this run's image is %s (if the change is intended, run go test ./report -run Golden -regen and look at the new image)", name, msg, failed)
			}
		})
	}
}

// compareImages returns "" if a and b have the same size and every pixel
// is within tol in each channel, or else what differs.
func compareImages(a, b image.Image, tol int) string {
	if a.Bounds() != b.Bounds() {
		return "size " + a.Bounds().String() + ", want " + b.Bounds().String()
	}
	bad, worst := 0, 0
	if ra, ok := a.(*image.RGBA); ok {
		if rb, ok := b.(*image.RGBA); ok && ra.Stride == rb.Stride {
			for i := range ra.Pix {
				if d := max(int(ra.Pix[i])-int(rb.Pix[i]), int(rb.Pix[i])-int(ra.Pix[i])); d > tol {
					bad++
					worst = max(worst, d)
				}
			}
			if bad > 0 {
				return fmt.Sprintf("%d colour values differ by up to %d/255", bad, worst)
			}
			return ""
		}
	}
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, a1 := a.At(x, y).RGBA()
			r2, g2, b2, a2 := b.At(x, y).RGBA()
			d := max(diff8(r1, r2), diff8(g1, g2), diff8(b1, b2), diff8(a1, a2))
			if d > tol {
				bad++
				worst = max(worst, d)
			}
		}
	}
	if bad > 0 {
		return fmt.Sprintf("%d pixels differ by up to %d/255", bad, worst)
	}
	return ""
}

func diff8(a, b uint32) int {
	d := int(a>>8) - int(b>>8)
	if d < 0 {
		return -d
	}
	return d
}

// TestCompareImagesCatchesChange checks that the golden comparison would
// notice a small change: one label drawn differently.
func TestCompareImagesCatchesChange(t *testing.T) {
	a := image.NewRGBA(image.Rect(0, 0, 10, 10))
	b := image.NewRGBA(image.Rect(0, 0, 10, 10))
	if msg := compareImages(a, b, pixelTol); msg != "" {
		t.Fatalf("identical images differ: %s", msg)
	}
	b.Pix[4*55] = pixelTol + 1
	if msg := compareImages(a, b, pixelTol); msg == "" {
		t.Error("a pixel off by more than the tolerance went unnoticed")
	}
	b.Pix[4*55] = pixelTol
	if msg := compareImages(a, b, pixelTol); msg != "" {
		t.Errorf("a pixel within the tolerance was flagged: %s", msg)
	}
}

// TestVectorFormats checks that every chart writes well-formed SVG (it
// parses as XML with an <svg> root) and PDF (%PDF header, %%EOF trailer).
func TestVectorFormats(t *testing.T) {
	for name, c := range goldenCharts(t) {
		t.Run(name, func(t *testing.T) {
			var svg bytes.Buffer
			if err := c.Render(&svg, SVG); err != nil {
				t.Fatal(err)
			}
			dec := xml.NewDecoder(&svg)
			root := ""
			for {
				tok, err := dec.Token()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatalf("SVG is not well-formed XML: %v", err)
				}
				if se, ok := tok.(xml.StartElement); ok && root == "" {
					root = se.Name.Local
				}
			}
			if root != "svg" {
				t.Errorf("SVG root element is %q, want svg", root)
			}

			var pdf bytes.Buffer
			if err := c.Render(&pdf, PDF); err != nil {
				t.Fatal(err)
			}
			b := pdf.Bytes()
			if !bytes.HasPrefix(b, []byte("%PDF-")) {
				t.Errorf("PDF starts with %q", b[:min(len(b), 8)])
			}
			if !bytes.HasSuffix(bytes.TrimRight(b, "\r\n"), []byte("%%EOF")) {
				t.Errorf("PDF ends with %q", b[max(0, len(b)-16):])
			}
		})
	}
}
