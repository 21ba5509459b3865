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
