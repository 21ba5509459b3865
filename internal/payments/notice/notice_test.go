package notice

import (
	"archive/zip"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/payments/iuv"
)

func demoNotice(t testing.TB, postal bool, rates int) Notice {
	t.Helper()
	single, _ := iuv.NewAux3(1, 12345)
	n := Notice{
		Subject: "TARI 2025 - tassa sui rifiuti, rata unica o in rate",
		Creditor: Creditor{FiscalCode: "00644060287", Name: "Comune di Padova", Office: "Settore Tributi",
			Info: "tributi@comune.padova.it · 049 8205111", CBILL: "A1B2C"},
		Debtor: Debtor{FiscalCode: "RSSMRA80A01H501U", Name: "Mario Rossi", Address: "Via Roma 1, 35100 Padova (PD)"},
		Single: &Option{NoticeNumber: single.Number, AmountCents: 12550, DueDate: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)},
		IUV:    single.IUV,
	}
	for i := 0; i < rates; i++ {
		o, _ := iuv.NewAux3(1, int64(20000+i))
		n.Installments = append(n.Installments, Option{NoticeNumber: o.Number, AmountCents: 12550/int64(rates) + int64(i), DueDate: time.Date(2025, time.Month(4+2*i), 30, 0, 0, 0, 0, time.UTC)})
	}
	if postal {
		n.Creditor.PostalAccount = "12345678"
		n.Creditor.PosteAuth = "AUT. DB/SSIC/E 12345 DEL 01/01/2020"
	}
	return n
}

// decodeBarcodes renders page `page` of a PDF and returns what zbarimg reads on it.
func decodeBarcodes(t *testing.T, pdf []byte, page int) []string {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "avviso.pdf")
	os.WriteFile(in, pdf, 0o600)
	prefix := filepath.Join(dir, "page")
	pg := strconv.Itoa(page)
	if out, err := exec.Command("pdftoppm", "-r", "200", "-f", pg, "-l", pg, "-png", "-singlefile", in, prefix).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	if keep := os.Getenv("NOTICE_PNG"); keep != "" {
		data, _ := os.ReadFile(prefix + ".png")
		os.WriteFile(keep, data, 0o644)
	}
	out, err := exec.Command("zbarimg", "-q", "--raw", prefix+".png").Output()
	if err != nil {
		t.Fatalf("zbarimg found no barcode: %v", err)
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}

// decodeDataMatrix reads the Data Matrix of page 1 with dmtxread (zbar cannot
// read Data Matrix); it returns "" and logs when dmtxread is not installed.
func decodeDataMatrix(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("dmtxread"); err != nil {
		t.Log("dmtxread not installed: Data Matrix not decoded")
		return ""
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "avviso.pdf")
	os.WriteFile(in, pdf, 0o600)
	prefix := filepath.Join(dir, "page")
	if out, err := exec.Command("pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", "-singlefile", in, prefix).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	out, err := exec.Command("dmtxread", "-N1", "-m", "5000", prefix+".png").Output()
	if err != nil {
		t.Fatalf("dmtxread found no Data Matrix: %v", err)
	}
	return string(out)
}

func needTools(t *testing.T) {
	for _, tool := range []string{"zbarimg", "pdftoppm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
}

func TestQRCodeDecodesToPayload(t *testing.T) {
	needTools(t)
	n := demoNotice(t, true, 0)
	var buf bytes.Buffer
	if err := Write(&buf, n); err != nil {
		t.Fatal(err)
	}
	got := decodeBarcodes(t, buf.Bytes(), 1)
	want, _ := iuv.QRPayload(n.Single.NoticeNumber, "00644060287", 12550)
	dm, _ := iuv.DataMatrixPayload(iuv.PostalSlip{Notice: n.Single.NoticeNumber, Account: "12345678", AmountCents: 12550,
		CreditorCF: "00644060287", DebtorCF: "RSSMRA80A01H501U", DebtorName: "Mario Rossi", Subject: n.Subject})
	if !contains(got, want) {
		t.Errorf("QR %q not among decoded %q", want, got)
	}
	if got := decodeDataMatrix(t, buf.Bytes()); got != "" && got != dm {
		t.Errorf("Data Matrix decodes to\n%q\nwant\n%q", got, dm)
	}
}

func TestInstalmentsEachGetTheirQR(t *testing.T) {
	needTools(t)
	n := demoNotice(t, false, 3)
	var buf bytes.Buffer
	if err := Write(&buf, n); err != nil {
		t.Fatal(err)
	}
	page2 := decodeBarcodes(t, buf.Bytes(), 2)
	page3 := decodeBarcodes(t, buf.Bytes(), 3)
	for i, o := range n.Installments {
		want, _ := iuv.QRPayload(o.NoticeNumber, "00644060287", o.AmountCents)
		if !contains(append(page2, page3...), want) {
			t.Errorf("instalment %d: %q not in %q %q", i+1, want, page2, page3)
		}
	}
	if len(page2) != 2 || len(page3) != 1 {
		t.Errorf("two instalments per page expected: %q %q", page2, page3)
	}
}

func TestRefusesBadNotices(t *testing.T) {
	n := demoNotice(t, false, 0)
	n.Single.NoticeNumber = "301000000001234518"
	if err := Write(&bytes.Buffer{}, n); err == nil || !strings.Contains(err.Error(), "cifre di controllo") {
		t.Errorf("wrong check digits: %v", err)
	}
	n = demoNotice(t, false, 1)
	n.Single = nil
	if err := Write(&bytes.Buffer{}, n); err == nil {
		t.Error("one-instalment plan accepted")
	}
}

func TestWriteZip(t *testing.T) {
	var buf bytes.Buffer
	i := 0
	count, err := WriteZip(&buf, func() (Notice, bool, error) {
		if i == 3 {
			return Notice{}, false, nil
		}
		n := demoNotice(t, false, 0)
		o, _ := iuv.NewAux3(1, int64(i))
		n.Single.NoticeNumber, n.IUV = o.Number, o.IUV
		i++
		return n, true, nil
	})
	if err != nil || count != 3 {
		t.Fatal(count, err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	first, _ := iuv.NewAux3(1, 0)
	if err != nil || len(zr.File) != 3 || zr.File[0].Name != "avviso_"+first.IUV+".pdf" {
		t.Fatalf("%v %v", err, zr.File[0].Name)
	}
}

func TestEuro(t *testing.T) {
	for cents, want := range map[int64]string{5: "0,05", 12550: "125,50", 102099: "1.020,99", 99999999999: "999.999.999,99"} {
		if got := euro(cents); got != want {
			t.Errorf("%d: %s", cents, got)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
