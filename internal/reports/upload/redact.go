package upload

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"net/http"
	"strconv"
	"strings"

	"golang.org/x/image/draw"
)

// Rect is a part of a photo in percentages of its width and height, as an
// operator draws it on the image at any display size.
type Rect struct {
	X, Y, W, H float64
}

// minSide is the smallest side of a redaction, in percent: a slip of the
// mouse must not count as a redaction.
const minSide = 0.5

// ParseRect reads the four percentage fields of the moderation form
// ("12,5" and "12.5" both accepted) and clips the rectangle to the photo.
// It refuses, in Italian, what is not a number or leaves nothing to cover.
func ParseRect(x, y, w, h string) (Rect, error) {
	var v [4]float64
	for i, s := range []string{x, y, w, h} {
		s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
		f, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return Rect{}, refuse("Indicare l'area da oscurare con quattro numeri tra 0 e 100 (posizione e dimensioni in percentuale).")
		}
		v[i] = f
	}
	return Rect{X: v[0], Y: v[1], W: v[2], H: v[3]}.clip()
}

// clip keeps the part of r inside the photo.
func (r Rect) clip() (Rect, error) {
	x0, y0 := math.Max(0, r.X), math.Max(0, r.Y)
	x1, y1 := math.Min(100, r.X+r.W), math.Min(100, r.Y+r.H)
	if x1-x0 < minSide || y1-y0 < minSide {
		return Rect{}, refuse("L'area da oscurare è vuota o fuori dalla foto.")
	}
	return Rect{X: x0, Y: y0, W: x1 - x0, H: y1 - y0}, nil
}

// String is the rectangle for the audit log and the history.
func (r Rect) String() string {
	return fmt.Sprintf("x %.1f%%, y %.1f%%, larghezza %.1f%%, altezza %.1f%%", r.X, r.Y, r.W, r.H)
}

// pixels is r on a w×h image, rounded outwards so the covered area is never
// smaller than what was drawn.
func (r Rect) pixels(w, h int) image.Rectangle {
	return image.Rect(int(math.Floor(r.X*float64(w)/100)), int(math.Floor(r.Y*float64(h)/100)),
		int(math.Ceil((r.X+r.W)*float64(w)/100)), int(math.Ceil((r.Y+r.H)*float64(h)/100))).Intersect(image.Rect(0, 0, w, h))
}

// Redacted is the fill of a redaction: opaque, dark grey.
var Redacted = color.NRGBA{R: 0x30, G: 0x30, B: 0x30, A: 0xff}

// Redact returns a copy of a stored photo (JPEG or PNG, as Sanitize makes
// them) with r filled by an opaque rectangle, re-encoded in the same format:
// the covered pixels are replaced before encoding, so nothing of them is
// left in the file.
func Redact(data []byte, r Rect) (File, error) {
	r, err := r.clip()
	if err != nil {
		return File{}, err
	}
	ct := http.DetectContentType(data)
	if ct != "image/jpeg" && ct != "image/png" {
		return File{}, refuse("Si possono oscurare solo foto JPEG o PNG.")
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > Default.MaxPixels {
		return File{}, refuse("La foto è danneggiata o troppo grande per essere oscurata.")
	}
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return File{}, refuse("La foto è danneggiata o incompleta.")
	}
	b := src.Bounds()
	img := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(img, img.Bounds(), src, b.Min, draw.Src)
	draw.Draw(img, r.pixels(b.Dx(), b.Dy()), image.NewUniform(Redacted), image.Point{}, draw.Src)
	f := File{Kind: Photo, ContentType: ct, Width: b.Dx(), Height: b.Dy()}
	var out bytes.Buffer
	if ct == "image/png" {
		f.Ext = ".png"
		err = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&out, img)
	} else {
		f.Ext = ".jpg"
		err = jpeg.Encode(&out, img, &jpeg.Options{Quality: 85})
	}
	if err != nil {
		return File{}, fmt.Errorf("codifica della foto oscurata: %w", err)
	}
	f.Data = out.Bytes()
	return f, nil
}
