// Package upload turns what a citizen attaches into something safe to store
// and publish: the content type is sniffed (the declared one is ignored),
// the size is capped, photos are decoded and re-encoded — which drops EXIF,
// GPS position and any other metadata — after applying their orientation and
// shrinking them, PDFs are accepted as documents, and everything else is
// refused with a message a citizen understands.
package upload

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"

	"golang.org/x/image/draw"
)

// Kind tells photos (shown publicly once moderated) from documents (never public).
type Kind string

const (
	Photo    Kind = "photo"
	Document Kind = "document"
)

// Limits bound what is accepted.
type Limits struct {
	MaxBytes  int64 // size of the upload as received
	MaxPixels int   // refuse images that would need more memory to decode
	MaxSide   int   // longest side of a stored photo
}

// Default limits: 10 MB, 50 megapixels, photos shrunk to 2048 px like
// FixMyStreet does.
var Default = Limits{MaxBytes: 10 << 20, MaxPixels: 50_000_000, MaxSide: 2048}

// File is an accepted upload, ready to store.
type File struct {
	Kind        Kind
	ContentType string // image/jpeg, image/png or application/pdf
	Ext         string // ".jpg", ".png", ".pdf"
	Data        []byte
	Width       int // photos only
	Height      int
}

// Refused is an upload turned down; Message is for the citizen, in Italian.
type Refused struct{ Message string }

func (r *Refused) Error() string { return r.Message }

func refuse(format string, args ...any) error {
	return &Refused{Message: fmt.Sprintf(format, args...)}
}

// IsRefused tells whether err is the citizen's fault (as opposed to an I/O
// failure while reading).
func IsRefused(err error) bool {
	var r *Refused
	return errors.As(err, &r)
}

// Sanitize reads at most lim.MaxBytes from r and returns the cleaned file.
// name is used only in messages.
func Sanitize(name string, r io.Reader, lim Limits) (File, error) {
	data, err := io.ReadAll(io.LimitReader(r, lim.MaxBytes+1))
	if err != nil {
		return File{}, fmt.Errorf("lettura di %q: %w", name, err)
	}
	if int64(len(data)) > lim.MaxBytes {
		return File{}, refuse("Il file «%s» supera la dimensione massima di %s.", name, megabytes(lim.MaxBytes))
	}
	if len(data) == 0 {
		return File{}, refuse("Il file «%s» è vuoto.", name)
	}
	switch ct := http.DetectContentType(data); ct {
	case "image/jpeg", "image/png":
		return photo(name, data, ct, lim)
	case "application/pdf":
		return pdf(name, data)
	default:
		return File{}, refuse("Il file «%s» non è accettato (tipo rilevato: %s): si possono allegare foto JPEG o PNG e documenti PDF.", name, ct)
	}
}

func photo(name string, data []byte, ct string, lim Limits) (File, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return File{}, refuse("La foto «%s» è danneggiata o incompleta.", name)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > lim.MaxPixels || cfg.Width > 1<<16 || cfg.Height > 1<<16 {
		return File{}, refuse("La foto «%s» è troppo grande (%d×%d pixel): il massimo è %d megapixel.", name, cfg.Width, cfg.Height, lim.MaxPixels/1_000_000)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return File{}, refuse("La foto «%s» è danneggiata o incompleta.", name)
	}
	img = shrink(img, lim.MaxSide)
	if ct == "image/jpeg" {
		img = orient(img, jpegOrientation(data))
	}
	var out bytes.Buffer
	f := File{Kind: Photo, ContentType: ct, Width: img.Bounds().Dx(), Height: img.Bounds().Dy()}
	if ct == "image/png" {
		f.Ext = ".png"
		err = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&out, img)
	} else {
		f.Ext = ".jpg"
		err = jpeg.Encode(&out, img, &jpeg.Options{Quality: 85})
	}
	if err != nil {
		return File{}, fmt.Errorf("codifica di %q: %w", name, err)
	}
	f.Data = out.Bytes()
	return f, nil
}

// shrink scales img so that its longest side is at most side pixels.
func shrink(img image.Image, side int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if side <= 0 || (w <= side && h <= side) {
		return img
	}
	if w >= h {
		w, h = side, max(1, h*side/w)
	} else {
		w, h = max(1, w*side/h), side
	}
	dst := image.NewNRGBA(image.Rect(0, 0, w, h))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}

func pdf(name string, data []byte) (File, error) {
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		return File{}, refuse("Il documento «%s» non è un PDF valido.", name)
	}
	tail := data[max(0, len(data)-1024):]
	if !bytes.Contains(tail, []byte("%%EOF")) {
		return File{}, refuse("Il documento «%s» è un PDF incompleto.", name)
	}
	return File{Kind: Document, ContentType: "application/pdf", Ext: ".pdf", Data: data}, nil
}

func megabytes(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d KB", n>>10)
}
