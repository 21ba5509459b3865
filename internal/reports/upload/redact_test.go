package upload

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"testing"
)

func TestParseRect(t *testing.T) {
	for _, c := range []struct {
		in   [4]string
		want Rect
		ok   bool
	}{
		{[4]string{"10", "20", "30", "40"}, Rect{10, 20, 30, 40}, true},
		{[4]string{"12,5", " 5% ", "10", "10"}, Rect{12.5, 5, 10, 10}, true},
		{[4]string{"-10", "90", "30", "40"}, Rect{0, 90, 20, 10}, true}, // clipped to the photo
		{[4]string{"10", "10", "0", "10"}, Rect{}, false},
		{[4]string{"100", "10", "10", "10"}, Rect{}, false},
		{[4]string{"x", "10", "10", "10"}, Rect{}, false},
		{[4]string{"NaN", "10", "10", "10"}, Rect{}, false},
		{[4]string{"1e400", "10", "10", "10"}, Rect{}, false},
	} {
		got, err := ParseRect(c.in[0], c.in[1], c.in[2], c.in[3])
		if (err == nil) != c.ok || (c.ok && got != c.want) {
			t.Errorf("ParseRect%q = %+v, %v; want %+v ok=%v", c.in, got, err, c.want, c.ok)
		}
		if err != nil && !IsRefused(err) {
			t.Errorf("ParseRect%q: error %v is not a refusal with a message", c.in, err)
		}
	}
}

func TestRedactCoversTheRectangleOnly(t *testing.T) {
	src := testImage(200, 100)
	for _, enc := range []struct {
		name   string
		encode func(*bytes.Buffer, image.Image) error
		tol    int
	}{
		{"png", func(b *bytes.Buffer, i image.Image) error { return png.Encode(b, i) }, 0},
		{"jpeg", func(b *bytes.Buffer, i image.Image) error { return jpeg.Encode(b, i, &jpeg.Options{Quality: 95}) }, 24},
	} {
		var buf bytes.Buffer
		if err := enc.encode(&buf, src); err != nil {
			t.Fatal(err)
		}
		f, err := Redact(buf.Bytes(), Rect{X: 25, Y: 40, W: 50, H: 20}) // pixels x 50–150, y 40–60
		if err != nil {
			t.Fatal(err)
		}
		if f.Width != 200 || f.Height != 100 || (enc.name == "png") != (f.ContentType == "image/png") {
			t.Errorf("%s: %dx%d %s", enc.name, f.Width, f.Height, f.ContentType)
		}
		out, _, err := image.Decode(bytes.NewReader(f.Data))
		if err != nil {
			t.Fatal(err)
		}
		near := func(x, y int, want [3]uint8) bool {
			r, g, b, _ := out.At(x, y).RGBA()
			d := func(a uint32, w uint8) int { return abs(int(a>>8) - int(w)) }
			return d(r, want[0]) <= enc.tol && d(g, want[1]) <= enc.tol && d(b, want[2]) <= enc.tol
		}
		fill := [3]uint8{Redacted.R, Redacted.G, Redacted.B}
		for _, p := range []image.Point{{60, 45}, {100, 50}, {140, 55}} {
			if !near(p.X, p.Y, fill) {
				t.Errorf("%s: %v inside the rectangle is %v, not covered", enc.name, p, out.At(p.X, p.Y))
			}
		}
		for _, p := range []image.Point{{10, 10}, {40, 50}, {120, 30}, {155, 50}, {70, 66}} {
			r, g, b, _ := src.At(p.X, p.Y).RGBA()
			if !near(p.X, p.Y, [3]uint8{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8)}) {
				t.Errorf("%s: %v outside the rectangle changed: %v → %v", enc.name, p, src.At(p.X, p.Y), out.At(p.X, p.Y))
			}
		}
	}
	if _, err := Redact([]byte("%PDF-1.4 nope"), Rect{X: 1, Y: 1, W: 10, H: 10}); !IsRefused(err) {
		t.Errorf("PDF redacted: %v", err)
	}
	if _, err := Redact([]byte{0xff, 0xd8, 0xff, 0xe0, 0, 0}, Rect{X: 1, Y: 1, W: 10, H: 10}); !IsRefused(err) {
		t.Errorf("broken JPEG: %v", err)
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
