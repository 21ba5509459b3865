package pagopasim

import (
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/payments/gpd"
	"github.com/arengo-pa/arengo/internal/payments/iuv"
)

const org = "00644060287"

type receiptSink struct {
	mu       sync.Mutex
	receipts []gpd.SendRTRequest
	refuse   bool
}

func (rs *receiptSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer secret" || rs.refuse {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	body, _ := io.ReadAll(r.Body)
	rt, err := gpd.ParseSendRT(body)
	if err != nil {
		w.Write(gpd.MarshalSendRTResponse(gpd.SendRTResponse{Outcome: "KO", Fault: &gpd.Fault{FaultCode: "PAA_SINTASSI_XSD", FaultString: err.Error()}}))
		return
	}
	rs.receipts = append(rs.receipts, rt)
	w.Write(gpd.MarshalSendRTResponse(gpd.SendRTResponse{Outcome: "OK"}))
}

func position(iupd string, base int64, options int, partial bool) gpd.Position {
	p := gpd.Position{IUPD: iupd, Type: "F", FiscalCode: "RSSMRA80A01H501U", FullName: "Mario Rossi",
		CompanyName: "Comune di Padova", SwitchToExpired: false, PayStandIn: true}
	for i := 0; i < options; i++ {
		n, _ := iuv.NewAux3(1, base+int64(i))
		p.PaymentOption = append(p.PaymentOption, gpd.Option{IUV: n.IUV, Amount: 10000, Description: "TARI 2025",
			IsPartialPayment: partial, DueDate: time.Date(2030, 6, 30, 0, 0, 0, 0, time.UTC),
			Transfer: []gpd.Transfer{
				{IDTransfer: "1", Amount: 9500, RemittanceInformation: "TARI", Category: "9/0101109AP/", IBAN: "IT60X0542811101000000123456"},
				{IDTransfer: "2", Amount: 500, OrganizationFiscalCode: "80008880281", RemittanceInformation: "TEFA", Category: "9/0201109AP/", IBAN: "IT60X0542811101000000123456"},
			}})
	}
	return p
}

func newSim(t *testing.T, sink http.Handler) (*Sim, *httptest.Server, *gpd.HTTPClient) {
	t.Helper()
	dir := t.TempDir()
	rs := httptest.NewServer(sink)
	t.Cleanup(rs.Close)
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	s, err := New(Config{ReceiptURL: rs.URL, ReceiptToken: "secret", SubscriptionKey: "key", Dir: dir, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return s, srv, gpd.NewHTTPClient(srv.URL+GPDBase, "key")
}

func TestGPDContract(t *testing.T) {
	ctx := context.Background()
	_, _, c := newSim(t, &receiptSink{})
	p, err := c.Create(ctx, org, position("IUPD-1", 1, 1, false), false)
	if err != nil || p.Status != gpd.StatusDraft || p.PaymentOption[0].NAV != "3"+p.PaymentOption[0].IUV {
		t.Fatalf("create: %+v %v", p, err)
	}
	if _, err := c.Create(ctx, org, position("IUPD-1", 5, 1, false), false); !gpd.IsStatus(err, 409) {
		t.Errorf("duplicate IUPD: %v", err)
	}
	if _, err := c.Create(ctx, org, position("IUPD-2", 1, 1, false), false); !gpd.IsStatus(err, 409) {
		t.Errorf("duplicate notice: %v", err)
	}
	bad := position("IUPD-3", 7, 1, false)
	bad.PaymentOption[0].Amount = 9999
	if _, err := c.Create(ctx, org, bad, false); !gpd.IsStatus(err, 400) || !strings.Contains(err.Error(), "somma dei transfer") {
		t.Errorf("amount vs transfers: %v", err)
	}
	if _, err := c.Invalidate(ctx, org, "IUPD-1"); !gpd.IsStatus(err, 409) {
		t.Errorf("invalidate a draft: %v", err)
	}
	if p, err = c.Publish(ctx, org, "IUPD-1"); err != nil || p.Status != gpd.StatusValid {
		t.Fatalf("publish: %+v %v", p.Status, err)
	}
	upd := position("IUPD-1", 1, 1, false)
	upd.FullName = "Mario Rossi Jr"
	if p, err = c.Update(ctx, org, upd, true); err != nil || p.Status != gpd.StatusValid || p.FullName != "Mario Rossi Jr" {
		t.Fatalf("update: %+v %v", p, err)
	}
	if p, err = c.Invalidate(ctx, org, "IUPD-1"); err != nil || p.Status != gpd.StatusInvalid {
		t.Fatalf("invalidate: %v %v", p.Status, err)
	}
	if err := c.Delete(ctx, org, "IUPD-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(ctx, org, "IUPD-1"); !gpd.IsStatus(err, 404) {
		t.Errorf("get after delete: %v", err)
	}
	var bulk []gpd.Position
	for i := 0; i < 3; i++ {
		bulk = append(bulk, position("BULK-"+string(rune('A'+i)), int64(100+i), 1, false))
	}
	if err := c.CreateBulk(ctx, org, bulk, true); err != nil {
		t.Fatal(err)
	}
	if p, err := c.Get(ctx, org, "BULK-C"); err != nil || p.Status != gpd.StatusValid {
		t.Fatalf("bulk: %v %v", p.Status, err)
	}
	wrong := gpd.NewHTTPClient(c.BaseURL, "nope")
	if _, err := wrong.Get(ctx, org, "BULK-A"); !gpd.IsStatus(err, 401) {
		t.Errorf("subscription key: %v", err)
	}
}

func TestCheckoutPaysAndSendsReceipt(t *testing.T) {
	ctx := context.Background()
	sink := &receiptSink{}
	s, srv, c := newSim(t, sink)
	p, err := c.Create(ctx, org, position("RATE", 200, 2, true), true)
	if err != nil {
		t.Fatal(err)
	}
	nav := p.PaymentOption[0].NAV
	page, _ := http.Get(srv.URL + "/checkout?org=" + org + "&notice=" + nav)
	if page.StatusCode != 200 {
		t.Fatalf("checkout page %d", page.StatusCode)
	}
	page.Body.Close()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.PostForm(srv.URL+"/checkout", url.Values{"org": {org}, "notice": {nav}, "psp": {PSPs[0].ID}, "return": {"https://arengo.example/pagamenti"}})
	if err != nil || resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "esito=OK") {
		t.Fatalf("pay: %v %v", resp.StatusCode, err)
	}
	if len(sink.receipts) != 1 {
		t.Fatalf("receipts delivered: %d", len(sink.receipts))
	}
	rt := sink.receipts[0].Receipt
	if rt.NoticeNumber != nav || rt.PaymentAmount != "100.00" || rt.FiscalCode != org || len(rt.TransferList) != 2 ||
		rt.TransferList[1].FiscalCodePA != "80008880281" || rt.TransferList[1].TransferAmount != "5.00" || rt.Debtor.EntityValue != "RSSMRA80A01H501U" {
		t.Errorf("receipt: %+v", rt)
	}
	if got, _ := s.Position(org, "RATE"); got.Status != gpd.StatusPartiallyPaid {
		t.Errorf("after first instalment: %s", got.Status)
	}
	if _, err := s.Pay(ctx, org, nav, PSPs[0].ID); err == nil || !strings.Contains(err.Error(), "già pagato") {
		t.Errorf("paying twice: %v", err)
	}
	// The creditor is down: the payment stands and the receipt is retried.
	sink.refuse = true
	if _, err := s.Pay(ctx, org, p.PaymentOption[1].NAV, PSPs[1].ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Position(org, "RATE"); got.Status != gpd.StatusPaid || s.PendingReceipts() != 1 {
		t.Errorf("after last instalment: %s, pending %d", got.Status, s.PendingReceipts())
	}
	sink.refuse = false
	s.DeliverReceipts(ctx)
	if s.PendingReceipts() != 0 || len(sink.receipts) != 2 {
		t.Errorf("retry: pending %d, delivered %d", s.PendingReceipts(), len(sink.receipts))
	}
}

func TestEndOfDayFilesAreValid(t *testing.T) {
	ctx := context.Background()
	s, _, c := newSim(t, &receiptSink{})
	for i, iupd := range []string{"A", "B", "C"} {
		p, err := c.Create(ctx, org, position(iupd, int64(300+i), 1, false), true)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Pay(ctx, org, p.PaymentOption[0].NAV, PSPs[i%2].ID); err != nil {
			t.Fatal(err)
		}
	}
	files, err := s.CloseDay(time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	// 2 PSPs × 2 beneficiaries = 4 flows, and one journal per beneficiary.
	var fdrs, opis []string
	for _, f := range files {
		if strings.Contains(f, "/fdr/") {
			fdrs = append(fdrs, f)
		} else {
			opis = append(opis, f)
		}
	}
	if len(fdrs) != 4 || len(opis) != 2 {
		t.Fatalf("files: %v", files)
	}
	var total int64
	for _, f := range fdrs {
		var fr FlussoRiversamento
		data, _ := os.ReadFile(f)
		if err := xml.Unmarshal(data, &fr); err != nil {
			t.Fatal(err)
		}
		var sum int64
		for _, d := range fr.DatiSingoliPagamenti {
			c, _ := gpd.ParseDecimal(d.Importo)
			sum += c
		}
		declared, _ := gpd.ParseDecimal(fr.ImportoTotalePagamenti)
		if sum != declared || fr.NumeroTotalePagamenti != len(fr.DatiSingoliPagamenti) {
			t.Errorf("%s: totals %d vs %d", f, sum, declared)
		}
		total += sum
		xsd(t, "FlussoRiversamento_1_0_4.xsd", f)
	}
	if total != 30000 {
		t.Errorf("reported %d cents, paid 30000", total)
	}
	for _, f := range opis {
		data, _ := os.ReadFile(f)
		if !strings.Contains(string(data), "/PUR/LGPE-RIVERSAMENTO/URI/2026-03-10") {
			t.Errorf("%s: causale without flow id", f)
		}
		xsd(t, "OPI_GDC_1_6_1.xsd", f)
	}
	if p, _ := s.Position(org, "A"); p.Status != gpd.StatusReported {
		t.Errorf("after reporting: %s", p.Status)
	}
	again, err := s.CloseDay(time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC))
	if err != nil || len(again) != 0 {
		t.Errorf("closing twice wrote %v %v", again, err)
	}
	// A payment after the close: closing the day once more reports it in a
	// journal of its own, beside (not over) the first one.
	p, _ := c.Create(ctx, org, position("D", 400, 1, false), true)
	if _, err := s.Pay(ctx, org, p.PaymentOption[0].NAV, PSPs[0].ID); err != nil {
		t.Fatal(err)
	}
	late, err := s.CloseDay(time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC))
	if err != nil || len(late) != 4 {
		t.Fatalf("closing after a new payment: %v %v", late, err)
	}
	for _, f := range late {
		if slices.Contains(files, f) {
			t.Errorf("%s written twice", f)
		}
	}
}

func TestJournalSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	s, _, c := newSim(t, &receiptSink{})
	p, _ := c.Create(ctx, org, position("J", 400, 1, false), true)
	s.Pay(ctx, org, p.PaymentOption[0].NAV, PSPs[0].ID)
	s.Close()
	// Restarted with FilesDir (the demo's watched folder): the files land
	// there, flat, and no temporary file is left behind.
	flat := t.TempDir()
	again, err := New(Config{Dir: s.cfg.Dir, FilesDir: flat})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if got, ok := again.Position(org, "J"); !ok || got.Status != gpd.StatusPaid {
		t.Fatalf("after restart: %+v", got)
	}
	files, err := again.CloseDay(time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC))
	if err != nil || len(files) != 4 {
		t.Fatalf("end of day after restart: %v %v", files, err)
	}
	entries, _ := os.ReadDir(flat)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	for _, f := range files {
		if filepath.Dir(f) != flat {
			t.Errorf("%s not in %s", f, flat)
		}
	}
	if len(names) != 4 {
		t.Errorf("files in %s: %v", flat, names)
	}
	if _, err := os.Stat(filepath.Join(s.cfg.Dir, "fdr")); err == nil {
		t.Errorf("files written under %s/fdr too", s.cfg.Dir)
	}
}

// xsd validates a file with xmllint against a schema of the shared specs.
func xsd(t *testing.T, schema, file string) {
	t.Helper()
	// shared/ sits beside the repository (see the README of shared/).
	specs := filepath.Join("..", "..", "..", "..", "shared", "specs", "pagopa")
	if _, err := os.Stat(specs); err != nil {
		t.Logf("%s not found: schema not checked", specs)
		return
	}
	if _, err := exec.LookPath("xmllint"); err != nil {
		t.Log("xmllint not installed: schema not checked")
		return
	}
	if _, err := os.Stat(filepath.Join(specs, schema)); err != nil {
		t.Logf("%s not available: schema not checked", schema)
		return
	}
	out, err := exec.Command("xmllint", "--noout", "--nonet", "--schema", filepath.Join(specs, schema), file).CombinedOutput()
	if err != nil {
		t.Errorf("%s does not validate against %s:\n%s", filepath.Base(file), schema, out)
	}
}
