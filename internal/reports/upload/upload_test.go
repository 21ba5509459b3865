package upload

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
)

// testImage is wider than tall with a red left half, so orientation shows.
func testImage(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.NRGBA{0, 0, 255, 255}
			if x < w/2 {
				c = color.NRGBA{255, 0, 0, 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

// exifAPP1 is an EXIF block with Orientation and a GPS IFD holding a
// latitude reference and the marker string "GPSSECRET".
func exifAPP1(orientation uint16) []byte {
	bo := binary.BigEndian
	t := []byte("MM\x00\x2a\x00\x00\x00\x08")
	ifd := make([]byte, 2+2*12+4)
	bo.PutUint16(ifd, 2)
	bo.PutUint16(ifd[2:], 0x0112)
	bo.PutUint16(ifd[4:], 3)
	bo.PutUint32(ifd[6:], 1)
	bo.PutUint16(ifd[10:], orientation)
	bo.PutUint16(ifd[14:], 0x8825)
	bo.PutUint16(ifd[16:], 4)
	bo.PutUint32(ifd[18:], 1)
	bo.PutUint32(ifd[22:], uint32(8+len(ifd)))
	t = append(t, ifd...)
	gps := make([]byte, 2+12+4)
	bo.PutUint16(gps, 1)
	bo.PutUint16(gps[2:], 0x0001)
	bo.PutUint16(gps[4:], 2)
	bo.PutUint32(gps[6:], 2)
	copy(gps[10:], "N\x00")
	t = append(t, gps...)
	t = append(t, "GPSSECRET"...)
	seg := append([]byte("Exif\x00\x00"), t...)
	out := []byte{0xFF, 0xE1, 0, 0}
	bo.PutUint16(out[2:], uint16(len(seg)+2))
	return append(out, seg...)
}

func jpegWithExif(t *testing.T, img image.Image, orientation uint16) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	return append(append(append([]byte{}, b[:2]...), exifAPP1(orientation)...), b[2:]...)
}

// jpegSegments lists the markers before the image data.
func jpegSegments(data []byte) []byte {
	var markers []byte
	for i := 2; i+4 <= len(data) && data[i] == 0xFF; {
		markers = append(markers, data[i+1])
		if data[i+1] == 0xDA {
			break
		}
		i += 2 + int(binary.BigEndian.Uint16(data[i+2:]))
	}
	return markers
}

func TestJPEGLosesExifAndGPSAndIsTurnedUpright(t *testing.T) {
	in := jpegWithExif(t, testImage(40, 20), 6)
	if !bytes.Contains(in, []byte("GPSSECRET")) || !bytes.Contains(jpegSegments(in), []byte{0xE1}) {
		t.Fatal("test input lacks its EXIF block")
	}
	f, err := Sanitize("buca.jpg", bytes.NewReader(in), Default)
	if err != nil {
		t.Fatal(err)
	}
	if f.Kind != Photo || f.ContentType != "image/jpeg" || f.Ext != ".jpg" {
		t.Errorf("file = %+v", f)
	}
	if bytes.Contains(jpegSegments(f.Data), []byte{0xE1}) {
		t.Error("output still has an APP1 (EXIF) segment")
	}
	if bytes.Contains(f.Data, []byte("Exif")) || bytes.Contains(f.Data, []byte("GPSSECRET")) {
		t.Error("output still holds EXIF bytes")
	}
	if f.Width != 20 || f.Height != 40 {
		t.Errorf("orientation 6 should give 20×40, got %d×%d", f.Width, f.Height)
	}
	img, err := jpeg.Decode(bytes.NewReader(f.Data))
	if err != nil {
		t.Fatal(err)
	}
	// Rotated 90° clockwise: the red left half is now the top half.
	if r, _, b, _ := img.At(10, 5).RGBA(); r < b {
		t.Error("top is not red: the photo was not rotated")
	}
}

func pngChunk(typ string, data []byte) []byte {
	out := make([]byte, 4, 12+len(data))
	binary.BigEndian.PutUint32(out, uint32(len(data)))
	out = append(out, typ...)
	out = append(out, data...)
	crc := crc32.ChecksumIEEE(append([]byte(typ), data...))
	return binary.BigEndian.AppendUint32(out, crc)
}

func TestPNGLosesTextAndExifChunks(t *testing.T) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, testImage(30, 30)); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	ihdrEnd := 8 + 12 + 13
	in := append(append(append([]byte{}, b[:ihdrEnd]...), append(pngChunk("tEXt", []byte("GPS\x0045.40,11.87")), pngChunk("eXIf", []byte("MM\x00\x2aGPSSECRET"))...)...), b[ihdrEnd:]...)
	if _, err := png.Decode(bytes.NewReader(in)); err != nil {
		t.Fatalf("test input invalid: %v", err)
	}
	f, err := Sanitize("foto.png", bytes.NewReader(in), Default)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"tEXt", "eXIf", "GPSSECRET", "45.40"} {
		if bytes.Contains(f.Data, []byte(bad)) {
			t.Errorf("output still holds %q", bad)
		}
	}
	if f.ContentType != "image/png" || f.Width != 30 {
		t.Errorf("file = %+v", f)
	}
}

func TestLargePhotoIsShrunk(t *testing.T) {
	var buf bytes.Buffer
	_ = jpeg.Encode(&buf, testImage(300, 100), nil)
	f, err := Sanitize("grande.jpg", &buf, Limits{MaxBytes: 1 << 20, MaxPixels: 1 << 20, MaxSide: 150})
	if err != nil {
		t.Fatal(err)
	}
	if f.Width != 150 || f.Height != 50 {
		t.Errorf("shrunk to %d×%d, want 150×50", f.Width, f.Height)
	}
}

func TestRefusals(t *testing.T) {
	pdfDoc := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	var big bytes.Buffer
	_ = png.Encode(&big, testImage(200, 200))
	cases := []struct {
		name string
		data []byte
		lim  Limits
		want string
	}{
		{"note.txt", []byte("ciao, questo è testo"), Default, "Il file «note.txt» non è accettato (tipo rilevato: text/plain; charset=utf-8): si possono allegare foto JPEG o PNG e documenti PDF."},
		{"virus.exe", []byte("MZ\x90\x00\x03\x00\x00\x00"), Default, "non è accettato"},
		{"vuoto.jpg", nil, Default, "Il file «vuoto.jpg» è vuoto."},
		{"enorme.pdf", pdfDoc, Limits{MaxBytes: 10, MaxPixels: 1, MaxSide: 1}, "Il file «enorme.pdf» supera la dimensione massima di 0 KB."},
		{"rotta.jpg", []byte("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00"), Default, "La foto «rotta.jpg» è danneggiata o incompleta."},
		{"pixel.png", big.Bytes(), Limits{MaxBytes: 1 << 20, MaxPixels: 1000, MaxSide: 100}, "è troppo grande (200×200 pixel)"},
		{"tronco.pdf", []byte("%PDF-1.4\n1 0 obj"), Default, "Il documento «tronco.pdf» è un PDF incompleto."},
	}
	for _, c := range cases {
		_, err := Sanitize(c.name, bytes.NewReader(c.data), c.lim)
		if err == nil || !IsRefused(err) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want refusal with %q", c.name, err, c.want)
		}
	}
	f, err := Sanitize("verbale.pdf", bytes.NewReader(pdfDoc), Default)
	if err != nil || f.Kind != Document || f.ContentType != "application/pdf" || !bytes.Equal(f.Data, pdfDoc) {
		t.Errorf("pdf: %+v %v", f, err)
	}
}

func TestOrientationParserIgnoresGarbage(t *testing.T) {
	for _, in := range [][]byte{nil, {0xFF, 0xD8}, {0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x01}, {0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 'E'}} {
		if o := jpegOrientation(in); o != 1 {
			t.Errorf("%x → %d", in, o)
		}
	}
}
