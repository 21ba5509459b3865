package main

import (
	"archive/zip"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/boombuler/barcode/qr"
	"github.com/go-pdf/fpdf"

	"github.com/arengo-pa/arengo/internal/payments/iuv"
	"github.com/arengo-pa/arengo/internal/payments/notice"
)

// benchNotices renders n full notices into a zip streamed to io.Discard, next
// to the floor: the same number of one-page PDFs holding only the QR code drawn
// with the same libraries (fpdf and boombuler/barcode), zipped the same way.
func benchNotices(n int) (full, floor result, err error) {
	full, err = measure(n, func() error {
		i := 0
		_, err := notice.WriteZip(io.Discard, func() (notice.Notice, bool, error) {
			if i == n {
				return notice.Notice{}, false, nil
			}
			i++
			return demoNotice(i), true, nil
		})
		return err
	})
	if err != nil {
		return
	}
	floor, err = measure(n, func() error {
		zw := zip.NewWriter(io.Discard)
		for i := 1; i <= n; i++ {
			nav, _ := iuv.NewAux3(1, int64(i))
			payload, _ := iuv.QRPayload(nav.Number, "00644060287", 12550)
			code, err := qr.Encode(payload, qr.M, qr.Auto)
			if err != nil {
				return err
			}
			pdf := fpdf.New("P", "mm", "A4", "")
			pdf.AddPage()
			b := code.Bounds()
			m := 25.0 / float64(b.Dx())
			for y := 0; y < b.Dy(); y++ {
				for x := 0; x < b.Dx(); x++ {
					if r, _, _, _ := code.At(x, y).RGBA(); r < 0x8000 {
						pdf.Rect(20+float64(x)*m, 20+float64(y)*m, m, m, "F")
					}
				}
			}
			f, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("qr_%d.pdf", i), Method: zip.Store})
			if err != nil {
				return err
			}
			if err := pdf.Output(f); err != nil {
				return err
			}
		}
		return zw.Close()
	})
	return
}

// benchOnePDF renders n notices into one PDF streamed to io.Discard. retained
// is the heap left after a forced GC at every tenth of the batch: the sampled
// live heap of measure also counts what a GC slowed down by a loaded machine
// marks while the program keeps allocating.
func benchOnePDF(n int) (res result, retained uint64, err error) {
	res, err = measure(n, func() error {
		i := 0
		_, err := notice.WritePDF(io.Discard, func() (notice.Notice, bool, error) {
			if i == n {
				return notice.Notice{}, false, nil
			}
			i++
			if i%max(n/10, 1) == 0 {
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				retained = max(retained, ms.HeapAlloc)
			}
			return demoNotice(i), true, nil
		}, notice.PDFOptions{})
		return err
	})
	return res, retained, err
}

func demoNotice(i int) notice.Notice {
	nav, _ := iuv.NewAux3(1, int64(i))
	return notice.Notice{
		Subject: "TARI 2025 - tassa sui rifiuti",
		Creditor: notice.Creditor{FiscalCode: "00644060287", Name: "Comune di Padova", Office: "Settore Tributi",
			Info: "tributi@comune.padova.it · 049 8205111", CBILL: "A1B2C"},
		Debtor: notice.Debtor{FiscalCode: "RSSMRA80A01H501U", Name: "Mario Rossi", Address: "Via Roma 1, 35100 Padova (PD)"},
		Single: &notice.Option{NoticeNumber: nav.Number, AmountCents: 12550, DueDate: time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)},
		IUV:    nav.IUV,
	}
}
