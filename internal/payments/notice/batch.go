package notice

import (
	"archive/zip"
	"fmt"
	"io"
)

// Source yields the notices of a batch one at a time; ok is false at the end.
type Source func() (n Notice, ok bool, err error)

// WriteZip streams a batch into a zip, one avviso_<IUV>.pdf per notice. Each PDF
// is rendered and written before the next is read, so memory does not grow with
// the size of the batch. It returns how many notices were written.
func WriteZip(w io.Writer, next Source) (int, error) {
	zw := zip.NewWriter(w)
	count := 0
	for {
		n, ok, err := next()
		if err != nil {
			return count, err
		}
		if !ok {
			break
		}
		pdf, err := Render(n)
		if err != nil {
			return count, fmt.Errorf("avviso %s: %w", n.IUV, err)
		}
		name := n.IUV
		if name == "" {
			name = fmt.Sprintf("%06d", count+1)
		}
		// Store, do not deflate: PDF page streams are already compressed.
		f, err := zw.CreateHeader(&zip.FileHeader{Name: "avviso_" + name + ".pdf", Method: zip.Store})
		if err != nil {
			return count, err
		}
		if err := pdf.Output(f); err != nil {
			return count, err
		}
		count++
	}
	return count, zw.Close()
}
