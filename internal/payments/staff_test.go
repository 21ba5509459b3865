package payments_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/payments"
)

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestStaffCreatesSearchesExportsAndCancels(t *testing.T) {
	app, _ := newApp(t, nil)
	c := noRedirect(app.Client(t))
	app.LoginStaff(t, c, "operatore", payments.PermManage)
	form := url.Values{"tipo_dovuto": {"TARI"}, "causale": {"TARI 2031 saldo"}, "importo": {"125,50"}, "scadenza": {"2031-06-30"},
		"rate": {"2"}, "tipo_debitore": {"F"}, "codice_fiscale": {"rssmra80a01h501u"}, "nome": {"Mario Rossi"}, "pubblica": {"1"}}

	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("codice_fiscale", "RSSMRA80A01H501A")
	resp, _ := c.PostForm(app.URL+"/admin/pagamenti/nuova", bad)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity && resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "carattere di controllo") {
		t.Fatalf("wrong fiscal code: %d\n%s", resp.StatusCode, b)
	}

	resp, err := c.PostForm(app.URL+"/admin/pagamenti/nuova", form)
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %v %v", resp.StatusCode, err)
	}
	resp.Body.Close()
	detail := resp.Header.Get("Location")
	code, page := get(t, c, app.URL+detail)
	if code != 200 || !strings.Contains(page, "3010 0000 0000") || !strings.Contains(page, "62,75") {
		t.Fatalf("detail %d:\n%s", code, page)
	}
	code, page = get(t, c, app.URL+"/admin/pagamenti?debitore=RSSMRA80A01H501U&stato=VALID")
	if code != 200 || !strings.Contains(page, "TARI 2031 saldo") {
		t.Fatalf("search %d", code)
	}
	code, page = get(t, c, app.URL+"/admin/pagamenti?debitore=BNCLRA85M41G224B")
	if strings.Contains(page, "TARI 2031 saldo") {
		t.Error("search by another debtor finds the position")
	}
	// No simulator runs here: no button to close its day, and no closing it.
	if strings.Contains(page, "chiudi-giornata") {
		t.Error("the simulator's button is shown with no simulator running")
	}
	resp, _ = c.PostForm(app.URL+"/admin/pagamenti/simulatore/chiudi-giornata", nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("closing the day of a simulator not running: %d", resp.StatusCode)
	}
	code, csv := get(t, c, app.URL+"/admin/pagamenti/export.csv?tipo=TARI")
	if code != 200 || !strings.Contains(csv, "RSSMRA80A01H501U") || !strings.Contains(csv, ";125.50;") {
		t.Errorf("csv export %d:\n%s", code, csv)
	}
	code, page = get(t, c, app.URL+"/admin/pagamenti/totali")
	if code != 200 || !strings.Contains(page, "125,50") {
		t.Errorf("totals %d", code)
	}
	resp, _ = c.Get(app.URL + detail[:strings.Index(detail, "?")] + "/avviso.pdf")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Errorf("notice: %d", resp.StatusCode)
	}
	resp.Body.Close()
	resp, _ = c.Get(app.URL + "/admin/pagamenti/avvisi.zip?tipo=TARI")
	zipBody, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(zipBody) < 1000 {
		t.Errorf("notices zip: %d, %d bytes", resp.StatusCode, len(zipBody))
	}
	resp, _ = c.Get(app.URL + "/admin/pagamenti/avvisi.pdf?tipo=TARI&fronte_retro=1")
	pdfBody, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(pdfBody, []byte("%PDF-1.4")) ||
		!bytes.HasSuffix(pdfBody, []byte("%%EOF\n")) || bytes.Count(pdfBody, []byte("/Type /Page\n")) != 2 {
		t.Errorf("notices in one PDF: %d %s, %d bytes, %d pages", resp.StatusCode, resp.Header.Get("Content-Type"), len(pdfBody),
			bytes.Count(pdfBody, []byte("/Type /Page\n")))
	}
	resp, _ = c.Get(app.URL + "/admin/pagamenti/avvisi.pdf?tipo=MENSA")
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("one PDF of nothing: %d", resp.StatusCode)
	}
	id := strings.TrimPrefix(detail[:strings.Index(detail, "?")], "/admin/pagamenti/posizioni/")
	resp, _ = c.PostForm(app.URL+"/admin/pagamenti/posizioni/"+id+"/annulla", url.Values{"motivo": {"errore di emissione"}})
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel: %d", resp.StatusCode)
	}
	code, page = get(t, c, app.URL+"/admin/pagamenti/posizioni/"+id)
	if !strings.Contains(page, "Annullata") || !strings.Contains(page, "errore di emissione") {
		t.Errorf("history after cancel:\n%s", page)
	}
	resp, _ = c.PostForm(app.URL+"/admin/pagamenti/posizioni/"+id+"/annulla", url.Values{"motivo": {"ancora"}})
	resp.Body.Close()
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("cancelling twice: %d", resp.StatusCode)
	}
	// Citizens and anonymous visitors do not reach staff pages.
	citizen := noRedirect(app.Client(t))
	app.LoginCitizen(t, citizen, "RSSMRA80A01H501U")
	if code, _ := get(t, citizen, app.URL+"/admin/pagamenti"); code == 200 {
		t.Error("a citizen sees the staff list")
	}
}

// Two processes on one database allocate notice numbers at the same time:
// every number is unique.
func TestNoticeNumbersUniqueAcrossProcesses(t *testing.T) {
	app1, m1 := newApp(t, nil)
	m2 := payments.New()
	app2 := kerneltest.NewWith(t, kerneltest.Options{DB: app1.Deps.Config.DB, NoRun: true}, m2)
	_ = app2
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for _, svc := range []*payments.Service{m1.Service(), m2.Service()} {
		for g := 0; g < 2; g++ {
			wg.Add(1)
			go func(svc *payments.Service) {
				defer wg.Done()
				for i := 0; i < 10; i++ {
					_, err := svc.Create(ctx, payments.NewPosition{DebtType: "MENSA", Description: "Mensa", AmountCents: 1000,
						DueDate: due, Debtor: payments.Debtor{Type: "F", FiscalCode: "RSSMRA80A01H501U", Name: "Mario Rossi"}})
					if err != nil {
						errs <- err
						return
					}
				}
			}(svc)
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var n, distinct int
	app1.Deps.DB.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT notice_number) FROM payments_option`).Scan(&n, &distinct)
	if n != 40 || distinct != 40 {
		t.Errorf("%d options, %d distinct notice numbers", n, distinct)
	}
}
