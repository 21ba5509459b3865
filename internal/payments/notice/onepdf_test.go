package notice

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/arengo-pa/arengo/internal/payments/iuv"
)

// batch yields notices 0..n-1: even ones a single payment (1 page), odd ones a
// single payment plus three instalments (3 pages).
func batch(t *testing.T, n int) (Source, []Notice) {
	var all []Notice
	for i := 0; i < n; i++ {
		rates := 0
		if i%2 == 1 {
			rates = 3
		}
		nt := demoNotice(t, false, rates)
		o, _ := iuv.NewAux3(1, int64(100+i))
		nt.Single.NoticeNumber, nt.IUV = o.Number, o.IUV
		all = append(all, nt)
	}
	i := 0
	return func() (Notice, bool, error) {
		if i == len(all) {
			return Notice{}, false, nil
		}
		i++
		return all[i-1], true, nil
	}, all
}

func pdfPages(t *testing.T, pdf []byte) int {
	t.Helper()
	if _, err := exec.LookPath("pdfinfo"); err != nil {
		t.Skip("pdfinfo not installed")
	}
	in := filepath.Join(t.TempDir(), "batch.pdf")
	os.WriteFile(in, pdf, 0o600)
	out, err := exec.Command("pdfinfo", in).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v %s", err, out)
	}
	m := regexp.MustCompile(`Pages:\s+(\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("pdfinfo: %s", out)
	}
	n, _ := strconv.Atoi(string(m[1]))
	if strings.Contains(string(out), "Syntax Error") {
		t.Errorf("pdfinfo reports errors:\n%s", out)
	}
	if _, err := exec.LookPath("qpdf"); err == nil {
		if out, err := exec.Command("qpdf", "--check", in).CombinedOutput(); err != nil {
			t.Errorf("qpdf --check: %v\n%s", err, out)
		}
	}
	return n
}

// One PDF for a batch: every notice's pages in order, readable by poppler and
// qpdf, several sections (cross-reference tables chained with /Prev).
func TestWritePDF(t *testing.T) {
	defer func(n int) { sectionSize = n }(sectionSize)
	sectionSize = 2 // five notices: three sections
	src, all := batch(t, 5)
	var buf bytes.Buffer
	count, err := WritePDF(&buf, src, PDFOptions{Title: "Avvisi TARI"})
	if err != nil || count != 5 {
		t.Fatal(count, err)
	}
	if n := bytes.Count(buf.Bytes(), []byte("\nxref\n")); n != 3 {
		t.Errorf("cross-reference sections: %d", n)
	}
	if got := pdfPages(t, buf.Bytes()); got != 1+3+1+3+1 {
		t.Errorf("pages: %d", got)
	}
	needTools(t)
	// Page 9 is notice 5 (single payment); page 8 is the second instalment page of notice 4.
	want, _ := iuv.QRPayload(all[4].Single.NoticeNumber, "00644060287", 12550)
	if got := decodeBarcodes(t, buf.Bytes(), 9); !contains(got, want) {
		t.Errorf("page 9: %q, want %q", got, want)
	}
	want, _ = iuv.QRPayload(all[3].Installments[2].NoticeNumber, "00644060287", all[3].Installments[2].AmountCents)
	if got := decodeBarcodes(t, buf.Bytes(), 8); !contains(got, want) {
		t.Errorf("page 8: %q, want %q", got, want)
	}
}

// Duplex: each notice padded to an even page count, so each starts on a sheet.
func TestWritePDFDuplex(t *testing.T) {
	src, all := batch(t, 3)
	var buf bytes.Buffer
	if _, err := WritePDF(&buf, src, PDFOptions{Duplex: true}); err != nil {
		t.Fatal(err)
	}
	if got := pdfPages(t, buf.Bytes()); got != 2+4+2 {
		t.Errorf("pages: %d", got)
	}
	needTools(t)
	want, _ := iuv.QRPayload(all[2].Single.NoticeNumber, "00644060287", 12550)
	if got := decodeBarcodes(t, buf.Bytes(), 7); !contains(got, want) {
		t.Errorf("page 7 (third notice): %q, want %q", got, want)
	}
}

func TestWritePDFEmpty(t *testing.T) {
	if _, err := WritePDF(&bytes.Buffer{}, func() (Notice, bool, error) { return Notice{}, false, nil }, PDFOptions{}); err == nil {
		t.Error("an empty batch gave a PDF")
	}
}
