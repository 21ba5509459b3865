package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/config"
	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/payments"
	"github.com/arengo-pa/arengo/internal/payments/gpd"
	"github.com/arengo-pa/arengo/internal/payments/pagopasim"
	"github.com/arengo-pa/arengo/internal/reconcile"
)

// The comune of the demo: payments' default creditor, and reconcile's ente.
const simDayEC = "00644060287"

// TestSimDay is issue 5's "done means" across payments and reconcile: the demo
// citizen pays three notices through the pagoPA simulator, the receipts reach
// reconcile through the outbox, the simulator closes the day, and the treasury
// journal alone leaves the payments "paid, not reported" (RT_NO_IUF); the late
// FdRs then match every payment, flow and treasury movement (RT_IUF_TES). The
// CUP notice has a second beneficiary (the provincia): its FdR and journal are
// addressed to another ente and are not the comune's to load, and its transfer
// must not leave the comune's payment unreconciled.
func TestSimDay(t *testing.T) {
	d := paySimDay(t, map[string]string{"ARENGO_PAGOPA_SIM_DIR": t.TempDir(), reconcile.EnvEC: simDayEC})
	app, ctx := d.app, context.Background()
	resp, err := http.Post(d.sim+"/sim/close-day?date="+d.day.Format(time.DateOnly), "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	var closed struct{ Files []string }
	json.NewDecoder(resp.Body).Decode(&closed)
	resp.Body.Close()
	var fdrs, journals []string
	for _, f := range closed.Files {
		if addressedTo(t, f) != simDayEC {
			continue // the provincia's flow and journal of the CUP's second transfer
		}
		switch filepath.Base(filepath.Dir(f)) {
		case "fdr":
			fdrs = append(fdrs, f)
		case "opi":
			journals = append(journals, f)
		}
	}
	if resp.StatusCode != http.StatusOK || len(fdrs) != 2 || len(journals) != 1 {
		t.Fatalf("end of day: %d, files %v", resp.StatusCode, closed.Files)
	}

	key := app.APIKey(t, reconcile.PermManage)
	importFile := func(path string) {
		t.Helper()
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(path)
		req, _ := http.NewRequest("POST", app.URL+"/api/v1/reconcile/files?name="+url.QueryEscape(name), bytes.NewReader(data))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/octet-stream")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			t.Fatalf("upload %s: %d", name, resp.StatusCode)
		}
		kerneltest.Eventually(t, 30*time.Second, name+" imported", func() bool {
			var n int
			app.Deps.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM reconcile_file WHERE name = $1", name).Scan(&n)
			return n == 1
		})
	}

	// The treasury journal first: the PSPs' credits name flows not received yet.
	importFile(journals[0])
	kerneltest.Eventually(t, 30*time.Second, "treasury credits classified", func() bool {
		got := d.codes(t, "movement")
		for _, c := range got {
			if c != "TES_NO_IUF_OR_IUV" {
				return false
			}
		}
		return len(got) == len(fdrs)
	})
	if !d.allPayments(t, "RT_NO_IUF")() {
		t.Fatalf("with the treasury journal alone, payments must stay paid, not reported: %v", d.codes(t, "payment"))
	}

	// The late FdRs: every payment is reported and its flow collected.
	for _, f := range fdrs {
		importFile(f)
	}
	if left := d.awaitMatched(t, len(fdrs)); len(left) != 0 {
		t.Errorf("a clean day, yet unmatched: %v", left)
	}
}

// TestSimDayInTheDemo is the same day with the demo's wiring: the simulator
// writes its end-of-day files into the folder the reconciliation watches, and
// a staff member closes the day with the payments back office's button. The
// day reconciles with no one moving a file; the provincia's flow and journal
// are set aside in scartati with the reason.
func TestSimDayInTheDemo(t *testing.T) {
	env := map[string]string{"ARENGO_DATA_DIR": t.TempDir()}
	wiring := demoWiring(func(k string) string { return env[k] }, env["ARENGO_DATA_DIR"])
	for k, v := range wiring {
		env[k] = v
	}
	inbox := env[reconcile.EnvInbox]
	if env["ARENGO_PAGOPA_SIM_FILES"] != inbox || env[reconcile.EnvEC] != simDayEC {
		t.Fatalf("demo wiring: %v", wiring)
	}
	d := paySimDay(t, env)

	// Only staff who manage payments may close the day, over the back office.
	c := d.app.Client(t)
	d.app.LoginStaff(t, c, "ragioneria", payments.PermManage)
	resp, err := c.Get(d.app.URL + "/admin/pagamenti")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), `action="/admin/pagamenti/simulatore/chiudi-giornata"`) {
		t.Fatalf("no button to close the simulated day:\n%s", page)
	}
	other := d.app.Client(t)
	d.app.LoginStaff(t, other, "curioso")
	resp, err = other.PostForm(d.app.URL+"/admin/pagamenti/simulatore/chiudi-giornata", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("close day without the permission: %d", resp.StatusCode)
	}
	resp, err = c.PostForm(d.app.URL+"/admin/pagamenti/simulatore/chiudi-giornata", nil)
	if err != nil {
		t.Fatal(err)
	}
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	// Two flows and a journal for the comune, one flow and one journal for the provincia.
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), `<dd class="col-sm-9" id="file-scritti">5</dd>`) ||
		!strings.Contains(string(page), inbox) {
		t.Fatalf("closing the day: %d\n%s", resp.StatusCode, page)
	}
	var audited int
	d.app.Deps.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM kernel_audit WHERE action = 'payments.sim_close_day'").Scan(&audited)
	if audited != 1 {
		t.Errorf("closing the day audited %d times", audited)
	}

	kerneltest.Eventually(t, 20*time.Second, "every file taken from the folder", func() bool {
		entries, _ := os.ReadDir(inbox)
		return len(entries) == 2 // caricati and scartati
	})
	if left := d.awaitMatched(t, 2); len(left) != 0 {
		t.Errorf("a clean day, yet unmatched: %v", left)
	}
	// The provincia's flow and journal are refused, each with its reason beside it.
	loaded, _ := os.ReadDir(filepath.Join(inbox, "caricati"))
	refused, _ := os.ReadDir(filepath.Join(inbox, "scartati"))
	var names, reasons []string
	for _, e := range append(loaded, refused...) {
		names = append(names, e.Name())
		if strings.HasSuffix(e.Name(), ".errore.txt") {
			b, _ := os.ReadFile(filepath.Join(inbox, "scartati", e.Name()))
			reasons = append(reasons, string(b))
		}
	}
	if len(loaded) != 3 || len(refused) != 4 || len(reasons) != 2 {
		t.Errorf("files: %v", names)
	}
	for _, r := range reasons {
		if !strings.Contains(r, "è destinato all'ente 80006480281, non a questo ente ("+simDayEC+")") {
			t.Errorf("reason: %s", r)
		}
	}
}

// simDay is Arengo with the pagoPA simulator in-process, after the demo
// citizen paid the first option of each of their three notices through it.
type simDay struct {
	app  *kerneltest.App
	sim  string           // the simulator's URL
	paid map[string]int64 // IUV → cents to the comune
	day  time.Time        // the day of the payments, to close
}

// paySimDay starts Arengo with every module, the simulator on and env, seeds
// the demo notices and pays them over two PSPs (so the day has more than one
// flow per beneficiary), waiting until reconcile holds every receipt as
// "paid, not reported".
func paySimDay(t *testing.T, env map[string]string) *simDay {
	t.Helper()
	env["ARENGO_PAGOPA_SIM"], env["ARENGO_PAGOPA_SIM_ADDR"], env["ARENGO_PAGOPA_FISCAL_CODE"] = "1", freeAddr(t), simDayEC
	cfg, err := config.Load(nil, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	mods := modules(cfg)
	var pay *payments.Module
	for _, m := range mods {
		if p, ok := m.(*payments.Module); ok {
			pay = p
		}
	}
	d := &simDay{app: kerneltest.NewWith(t, kerneltest.Options{Env: env}, mods...), sim: "http://" + env["ARENGO_PAGOPA_SIM_ADDR"], paid: map[string]int64{}}
	kerneltest.Eventually(t, 10*time.Second, "server and simulator up", func() bool {
		for _, u := range []string{d.app.URL + "/api/v1/openapi.json", d.sim + "/"} {
			resp, err := http.Get(u)
			if err != nil {
				return false
			}
			resp.Body.Close()
		}
		return true
	})
	ctx := context.Background()
	svc := pay.Service()
	if err := pay.SeedDemo(ctx, d.app.Deps); err != nil {
		t.Fatal(err)
	}
	list, _, err := svc.Search(ctx, payments.Filter{Debtor: "RSSMRA80A01H501U"})
	if err != nil || len(list) != 3 {
		t.Fatalf("demo positions of Mario Rossi: %d %v", len(list), err)
	}
	for i, p := range list {
		kerneltest.Eventually(t, 20*time.Second, "position "+p.DebtType+" pushed to GPD", func() bool {
			got, _ := svc.Position(ctx, p.ID)
			return got != nil && got.GPDSync == "S"
		})
		p, _ = svc.Position(ctx, p.ID)
		opt := p.Options[0]
		psp := pagopasim.PSPs[i%len(pagopasim.PSPs)].ID
		body, _ := json.Marshal(map[string]string{"org": simDayEC, "notice": opt.NoticeNumber, "psp": psp})
		resp, err := http.Post(d.sim+"/sim/payments", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var rt gpd.SendRTRequest
		json.NewDecoder(resp.Body).Decode(&rt)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || rt.Receipt.CreditorReferenceID != opt.IUV {
			t.Fatalf("paying %s at the simulator: %d %+v", opt.NoticeNumber, resp.StatusCode, rt)
		}
		d.day = rt.Receipt.PaymentDateTime.UTC()
		for _, tr := range opt.Transfers {
			if tr.CreditorCF == simDayEC {
				d.paid[opt.IUV] += tr.AmountCents
			}
		}
		kerneltest.Eventually(t, 10*time.Second, "receipt of "+p.DebtType+" stored", func() bool {
			got, _ := svc.Position(ctx, p.ID)
			return got.Options[0].Status == gpd.OptionPaid
		})
	}
	kerneltest.Eventually(t, 40*time.Second, "receipts in reconcile: paid, not reported", d.allPayments(t, "RT_NO_IUF"))
	return d
}

// codes maps the key of each reconcile item of kind to its code.
func (d *simDay) codes(t *testing.T, kind string) map[string]string {
	out := map[string]string{}
	rows, err := d.app.Deps.DB.QueryContext(context.Background(), "SELECT key, code FROM reconcile_item WHERE kind = $1", kind)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, c string
		rows.Scan(&k, &c)
		out[k] = c
	}
	return out
}

// allPayments tells whether every payment of the day has code.
func (d *simDay) allPayments(t *testing.T, code string) func() bool {
	return func() bool {
		got := d.codes(t, "payment")
		if len(got) != len(d.paid) {
			return false
		}
		for iuv := range d.paid {
			if got[iuv+"/1"] != code {
				return false
			}
		}
		return true
	}
}

// awaitMatched waits until every payment, the comune's flows and as many
// treasury credits are fully matched, checks the payments add up to what the
// comune was paid, and returns the items left with another code (key → code).
func (d *simDay) awaitMatched(t *testing.T, flows int) map[string]string {
	t.Helper()
	ctx := context.Background()
	kerneltest.Eventually(t, 40*time.Second, "every payment fully matched", d.allPayments(t, "RT_IUF_TES"))
	kerneltest.Eventually(t, 20*time.Second, "flows and credits matched", func() bool {
		fl, mv := d.codes(t, "flow"), d.codes(t, "movement")
		matched := 0
		for _, c := range append(values(fl), values(mv)...) {
			if c == "RT_IUF_TES" {
				matched++
			}
		}
		return len(fl) == flows && matched == 2*flows
	})
	var cents int64
	d.app.Deps.DB.QueryRowContext(ctx, "SELECT COALESCE(SUM(amount_cents), 0) FROM reconcile_item WHERE kind = 'payment'").Scan(&cents)
	var want int64
	for _, c := range d.paid {
		want += c
	}
	if cents != want {
		t.Errorf("%d cents matched of %d paid to the comune", cents, want)
	}
	left := map[string]string{}
	rows, err := d.app.Deps.DB.QueryContext(ctx, "SELECT kind, key, code FROM reconcile_item WHERE code <> 'RT_IUF_TES'")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, key, code string
		rows.Scan(&kind, &key, &code)
		left[kind+" "+key] = code
	}
	return left
}

// addressedTo reads the ente an end-of-day file is for: the FdR's receiving
// institution or the journal's fiscal code.
func addressedTo(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "FlussoRiversamento") {
		var f pagopasim.FlussoRiversamento
		if err := xml.Unmarshal(data, &f); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return f.IstitutoRicevente.ID.Codice
	}
	var g pagopasim.GiornaleDiCassa
	if err := xml.Unmarshal(data, &g); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return g.Testata.CodiceFiscale
}

func values(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// freeAddr finds a local port for the simulator, so the test can reach it.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// The demo's generated reconciliation day and the payments module's demo
// notices must not share an IUV: a notice a demo user pays would otherwise
// meet a generated receipt, notification or flow row and show as an anomaly.
func TestDemoDataShareNoIUV(t *testing.T) {
	cfg, _ := config.Load(nil, func(string) string { return "" })
	env := map[string]string{"ARENGO_DEMO": "1"}
	for k, v := range demoWiring(func(k string) string { return env[k] }, t.TempDir()) {
		env[k] = v
	}
	app := kerneltest.NewWith(t, kerneltest.Options{Env: env, NoRun: true}, modules(cfg)...)
	ctx := context.Background()
	if err := seedDemo(ctx, app.App); err != nil {
		t.Fatal(err)
	}
	var notices, shared int
	app.Deps.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM payments_option").Scan(&notices)
	app.Deps.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM payments_option WHERE iuv IN
		(SELECT iuv FROM reconcile_flow_row UNION SELECT iuv FROM reconcile_receipt UNION SELECT iuv FROM reconcile_notification)`).Scan(&shared)
	if notices == 0 || shared != 0 {
		t.Errorf("%d of the %d demo notices share their IUV with the generated reconciliation day", shared, notices)
	}
}
