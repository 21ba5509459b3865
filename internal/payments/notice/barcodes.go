package notice

import (
	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/datamatrix"
	"github.com/boombuler/barcode/qr"
	"github.com/go-pdf/fpdf"
)

// qrCode encodes the pagoPA QR payload: error correction M, as the notice
// specification asks.
func qrCode(payload string) (barcode.Barcode, error) {
	return qr.Encode(payload, qr.M, qr.Auto)
}

func dataMatrix(payload string) (barcode.Barcode, error) {
	return datamatrix.Encode(payload)
}

// drawModules paints the dark modules of a 2D code as filled rectangles in a
// size×size mm square at (x, y), one rectangle per horizontal run of modules.
func drawModules(pdf *fpdf.Fpdf, code barcode.Barcode, x, y, size float64) {
	b := code.Bounds()
	w, h := b.Dx(), b.Dy()
	side := w
	if h > side {
		side = h
	}
	m := size / float64(side)
	pdf.SetFillColor(0, 0, 0)
	for row := 0; row < h; row++ {
		start := -1
		for col := 0; col <= w; col++ {
			dark := col < w && isDark(code, b.Min.X+col, b.Min.Y+row)
			switch {
			case dark && start < 0:
				start = col
			case !dark && start >= 0:
				pdf.Rect(x+float64(start)*m, y+float64(row)*m, float64(col-start)*m, m, "F")
				start = -1
			}
		}
	}
}

func isDark(code barcode.Barcode, x, y int) bool {
	r, _, _, _ := code.At(x, y).RGBA()
	return r < 0x8000
}
