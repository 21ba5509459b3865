package payments_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/payments"
	"github.com/arengo-pa/arengo/internal/payments/gpd"
)

// The demo citizen pays a notice end to end: Arengo pushes the position to the
// simulator (GPD), the citizen goes to the checkout and pays, the simulator
// sends the receipt to Arengo's API, and the position becomes paid.
func TestCitizenPaysThroughTheSimulator(t *testing.T) {
	simDir := t.TempDir()
	app, m := newApp(t, map[string]string{"ARENGO_PAGOPA_SIM": "1", "ARENGO_PAGOPA_SIM_DIR": simDir})
	svc := m.Service()
	ctx := context.Background()
	if err := m.SeedDemo(ctx, app.Deps); err != nil {
		t.Fatal(err)
	}
	if err := m.SeedDemo(ctx, app.Deps); err != nil { // idempotent
		t.Fatal(err)
	}
	list, total, err := svc.Search(ctx, payments.Filter{Debtor: "RSSMRA80A01H501U"})
	if err != nil || total != 3 {
		t.Fatalf("demo positions for Mario Rossi: %d %v", total, err)
	}
	var mensa *payments.Position
	for _, p := range list {
		if p.DebtType == "MENSA" {
			mensa, _ = svc.Position(ctx, p.ID)
		}
	}
	kerneltest.Eventually(t, 15*time.Second, "positions pushed to GPD", func() bool {
		p, _ := svc.Position(ctx, mensa.ID)
		return p.GPDSync == "S"
	})

	c := noRedirect(app.Client(t))
	app.LoginCitizen(t, c, "RSSMRA80A01H501U")
	opt := mensa.Options[0]
	resp, err := c.Get(app.URL + "/pagamenti/avvisi/" + opt.ID + "/paga")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	checkout := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(checkout, "notice="+opt.NoticeNumber) {
		t.Fatalf("pay: %d %q", resp.StatusCode, checkout)
	}
	page, err := http.Get(checkout)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(page.Body)
	page.Body.Close()
	if page.StatusCode != 200 || !strings.Contains(string(body), "96,00 €") {
		t.Fatalf("checkout page %d:\n%s", page.StatusCode, body)
	}
	u, _ := url.Parse(checkout)
	form := url.Values{"org": {u.Query().Get("org")}, "notice": {opt.NoticeNumber}, "psp": {"SIMPSPIT1XXX"}, "return": {u.Query().Get("return")}}
	u.RawQuery = ""
	paid, err := noRedirect(http.DefaultClient).PostForm(u.String(), form)
	if err != nil {
		t.Fatal(err)
	}
	paid.Body.Close()
	back := paid.Header.Get("Location")
	if paid.StatusCode != http.StatusSeeOther || !strings.HasPrefix(back, app.URL+"/pagamenti/esito") {
		t.Fatalf("after paying: %d %q", paid.StatusCode, back)
	}
	resp, _ = c.Get(back)
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/area-personale?esito=pagamento-eseguito") {
		t.Errorf("outcome redirect: %q", loc)
	}

	p, err := svc.Position(ctx, mensa.ID)
	if err != nil || p.Status != gpd.StatusPaid || p.PaidCents != 9600 || p.Options[0].Status != gpd.OptionPaid {
		t.Fatalf("position after receipt: %+v %v", p, err)
	}
	var payload string
	if err := app.Deps.DB.QueryRowContext(ctx, `SELECT payload FROM kernel_outbox WHERE type = 'payments.receipt_received'`).Scan(&payload); err != nil {
		t.Fatalf("no payments.receipt_received event: %v", err)
	}
	var ev payments.ReceiptEvent
	json.Unmarshal([]byte(payload), &ev)
	if ev.NoticeNumber != opt.NoticeNumber || ev.AmountCents != 9600 || ev.DebtType != "MENSA" || ev.IUPD != p.IUPD ||
		ev.CreditorFiscalCode != "00644060287" || ev.PSPID != "SIMPSPIT1XXX" || len(ev.Transfers) != 1 ||
		ev.Transfers[0].AmountCents != 9600 || ev.Transfers[0].Category != "0102108SE" || ev.IUR == "" || ev.IUV != opt.IUV {
		t.Errorf("event: %+v", ev)
	}
	if _, err := time.Parse(time.RFC3339, ev.PaymentDate); err != nil || !strings.HasSuffix(ev.PaymentDate, "Z") {
		t.Errorf("payment_date %q", ev.PaymentDate)
	}
	for _, field := range []string{"receipt_id", "iuv", "notice_number", "iur", "creditor_fiscal_code", "amount_cents",
		"payment_date", "psp_id", "psp_name", "debt_type", "iupd", "transfers", "id_transfer", "fiscal_code_pa", "iban", "remittance", "category"} {
		if !strings.Contains(payload, `"`+field+`"`) {
			t.Errorf("event payload lacks %q: %s", field, payload)
		}
	}
	rcpt, err := c.Get(app.URL + "/pagamenti/avvisi/" + opt.ID + "/ricevuta.pdf")
	if err != nil || rcpt.StatusCode != 200 || rcpt.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("receipt download: %v %v", rcpt.StatusCode, err)
	}
	rcpt.Body.Close()
	// Another citizen cannot see this notice.
	other := noRedirect(app.Client(t))
	app.LoginCitizen(t, other, "BNCLRA85M41G224B")
	resp, _ = other.Get(app.URL + "/pagamenti/avvisi/" + opt.ID + "/avviso.pdf")
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("someone else's notice: %d", resp.StatusCode)
	}
	// The MyPay export lists the payment.
	staff := noRedirect(app.Client(t))
	app.LoginStaff(t, staff, "operatore", payments.PermManage)
	exp, _ := staff.Get(app.URL + "/admin/pagamenti/pagati.csv")
	data, _ := io.ReadAll(exp.Body)
	exp.Body.Close()
	if lines := strings.Split(strings.TrimSpace(string(data)), "\n"); len(lines) != 2 || !strings.Contains(lines[1], opt.IUV) || !strings.Contains(lines[1], "96.00") {
		t.Errorf("paid export:\n%s", data)
	}
	if _, err := os.Stat(filepath.Join(simDir, "journal.jsonl")); err != nil {
		t.Errorf("simulator journal: %v", err)
	}
}

// Receipts are idempotent and never refused for a mismatch: stored and flagged.
func TestReceiptIntake(t *testing.T) {
	app, m := newApp(t, nil)
	svc := m.Service()
	ctx := context.Background()
	p, err := svc.Create(ctx, payments.NewPosition{DebtType: "TARI", Description: "TARI 2031", AmountCents: 5000, DueDate: due,
		Publish: true, Debtor: payments.Debtor{Type: "F", FiscalCode: "RSSMRA80A01H501U", Name: "Mario Rossi"}})
	if err != nil {
		t.Fatal(err)
	}
	o := p.Options[0]
	rt := gpd.SendRTRequest{IDPA: "00644060287", IDBrokerPA: "00644060287", IDStation: "00644060287_01", Receipt: gpd.Receipt{
		ReceiptID: "r-1", NoticeNumber: o.NoticeNumber, FiscalCode: "00644060287", Outcome: "OK", CreditorReferenceID: o.IUV,
		PaymentAmount: "50.00", Description: "TARI 2031", CompanyName: "Comune", IDPSP: "PSP1", PSPCompanyName: "Banca",
		PaymentDateTime: time.Date(2031, 1, 2, 10, 0, 0, 0, time.UTC),
		TransferList:    []gpd.ReceiptTransfer{{IDTransfer: 1, TransferAmount: "50.00", FiscalCodePA: "00644060287", IBAN: "IT60X0542811101000000123456", RemittanceInformation: "TARI", TransferCategory: "0101101IM"}}}}
	key := app.APIKey(t, payments.PermReceipts)
	post := func(req gpd.SendRTRequest) (int, gpd.SendRTResponse) {
		b, _ := json.Marshal(req)
		hr, _ := http.NewRequest(http.MethodPost, app.URL+"/api/v1/payments/receipts", strings.NewReader(string(b)))
		hr.Header.Set("Authorization", "Bearer "+key)
		hr.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(hr)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out gpd.SendRTResponse
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	if code, res := post(rt); code != 200 || res.Outcome != "OK" {
		t.Fatalf("first receipt: %d %+v", code, res)
	}
	if code, res := post(rt); code != 200 || res.Outcome != "OK" {
		t.Fatalf("same receipt again: %d %+v", code, res)
	}
	second := rt
	second.Receipt.ReceiptID = "r-2"
	if _, res := post(second); res.Outcome != "OK" {
		t.Fatalf("double payment must be stored: %+v", res)
	}
	var n int
	var anomaly string
	app.Deps.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM payments_receipt`).Scan(&n)
	app.Deps.DB.QueryRowContext(ctx, `SELECT anomaly FROM payments_receipt WHERE receipt_id = 'r-2'`).Scan(&anomaly)
	if n != 2 || !strings.Contains(anomaly, "doppio pagamento") {
		t.Errorf("receipts stored %d, anomaly %q", n, anomaly)
	}
	got, _ := svc.Position(ctx, p.ID)
	if got.Status != gpd.StatusPaid || got.PaidCents != 5000 {
		t.Errorf("position: %s %d", got.Status, got.PaidCents)
	}
	bad := rt
	bad.Receipt.ReceiptID, bad.Receipt.NoticeNumber = "r-3", "301000000001234518"
	if _, res := post(bad); res.Outcome != "KO" || res.Fault == nil || !strings.Contains(res.Fault.FaultString, "cifre di controllo") {
		t.Errorf("malformed notice: %+v", res)
	}
	wrongScope := app.APIKey(t, payments.PermManage)
	b, _ := json.Marshal(rt)
	hr, _ := http.NewRequest(http.MethodPost, app.URL+"/api/v1/payments/receipts", strings.NewReader(string(b)))
	hr.Header.Set("Authorization", "Bearer "+wrongScope)
	hr.Header.Set("Content-Type", "application/json")
	resp, _ := http.DefaultClient.Do(hr)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("receipt with the wrong scope: %d", resp.StatusCode)
	}
}
