package upload

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"net/http"
	"testing"
)

func FuzzSanitize(f *testing.F) {
	var j, p bytes.Buffer
	_ = jpeg.Encode(&j, testImage(8, 4), nil)
	_ = png.Encode(&p, testImage(4, 4))
	jx := append(append([]byte{0xFF, 0xD8}, exifAPP1(6)...), j.Bytes()[2:]...)
	for _, seed := range [][]byte{j.Bytes(), p.Bytes(), jx, []byte("%PDF-1.7\n%%EOF"), []byte("hello"), {}} {
		f.Add(seed)
	}
	lim := Limits{MaxBytes: 1 << 20, MaxPixels: 1 << 20, MaxSide: 64}
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := Sanitize("fuzz", bytes.NewReader(data), lim)
		if err != nil {
			if !IsRefused(err) {
				t.Fatalf("non-refusal error %v", err)
			}
			return
		}
		switch out.Kind {
		case Photo:
			if got := http.DetectContentType(out.Data); got != out.ContentType {
				t.Fatalf("output sniffs as %s, declared %s", got, out.ContentType)
			}
			if out.ContentType == "image/jpeg" && bytes.Contains(jpegSegments(out.Data), []byte{0xE1}) {
				t.Fatal("output has an EXIF segment")
			}
			cfg, _, err := image.DecodeConfig(bytes.NewReader(out.Data))
			if err != nil || cfg.Width > lim.MaxSide || cfg.Height > lim.MaxSide {
				t.Fatalf("output %dx%d %v", cfg.Width, cfg.Height, err)
			}
		case Document:
			if !bytes.Equal(out.Data, data) {
				t.Fatal("a PDF was altered")
			}
		default:
			t.Fatalf("kind %q", out.Kind)
		}
	})
}

// FuzzRedact: whatever the photo bytes and the four form fields, redaction
// either refuses with a message or returns a photo of the same size.
func FuzzRedact(f *testing.F) {
	var j, p bytes.Buffer
	_ = jpeg.Encode(&j, testImage(16, 8), nil)
	_ = png.Encode(&p, testImage(8, 8))
	f.Add(j.Bytes(), "10", "10", "50", "50")
	f.Add(p.Bytes(), "0", "0", "100", "100")
	f.Add(p.Bytes(), "99,9", "-5", "1e3", "0.6")
	f.Add([]byte("hello"), "x", "", "NaN", "Inf")
	f.Fuzz(func(t *testing.T, data []byte, x, y, w, h string) {
		r, err := ParseRect(x, y, w, h)
		if err != nil {
			if !IsRefused(err) {
				t.Fatalf("ParseRect: non-refusal error %v", err)
			}
			return
		}
		if r.X < 0 || r.Y < 0 || r.X+r.W > 100.0000001 || r.Y+r.H > 100.0000001 || r.W < minSide || r.H < minSide {
			t.Fatalf("rectangle %+v not clipped", r)
		}
		if len(data) > 1<<16 {
			return
		}
		cfg, _, cerr := image.DecodeConfig(bytes.NewReader(data))
		if cerr == nil && cfg.Width*cfg.Height > 1<<20 {
			return // keep the fuzzer fast
		}
		out, err := Redact(data, r)
		if err != nil {
			if !IsRefused(err) {
				t.Fatalf("Redact: non-refusal error %v", err)
			}
			return
		}
		got, _, err := image.DecodeConfig(bytes.NewReader(out.Data))
		if err != nil || got.Width != cfg.Width || got.Height != cfg.Height {
			t.Fatalf("redacted %dx%d (%v), original %dx%d", got.Width, got.Height, err, cfg.Width, cfg.Height)
		}
	})
}
