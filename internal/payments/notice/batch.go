package notice

import (
	"archive/zip"
	"fmt"
	"io"

	"github.com/go-pdf/fpdf"
)

// Source yields the notices of a batch one at a time; ok is false at the end.
type Source func() (n Notice, ok bool, err error)

// WriteZip streams a batch into a zip, one avviso_<IUV>.pdf per notice. Each PDF
// is rendered and written before the next is read, so memory does not grow with
// the size of the batch. It returns how many notices were written.
func WriteZip(w io.Writer, next Source) (int, error) {
	zw := zip.NewWriter(w)
	count, err := renderEach(next, func(i int, n Notice, pdf *fpdf.Fpdf) error {
		name := n.IUV
		if name == "" {
			name = fmt.Sprintf("%06d", i+1)
		}
		// Store, do not deflate: PDF page streams are already compressed.
		f, err := zw.CreateHeader(&zip.FileHeader{Name: "avviso_" + name + ".pdf", Method: zip.Store})
		if err != nil {
			return err
		}
		return pdf.Output(f)
	})
	if err != nil {
		return count, err
	}
	return count, zw.Close()
}

// renderEach renders the notices next yields, one at a time, and hands each
// to write with its position in the batch; it returns how many were written.
func renderEach(next Source, write func(i int, n Notice, pdf *fpdf.Fpdf) error) (int, error) {
	count := 0
	for {
		n, ok, err := next()
		if err != nil || !ok {
			return count, err
		}
		pdf, err := Render(n)
		if err != nil {
			return count, fmt.Errorf("avviso %s: %w", n.IUV, err)
		}
		if err := write(count, n, pdf); err != nil {
			return count, err
		}
		count++
	}
}
