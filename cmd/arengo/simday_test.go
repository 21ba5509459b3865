package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
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
	simDir := t.TempDir()
	env := map[string]string{
		"ARENGO_PAGOPA_SIM": "1", "ARENGO_PAGOPA_SIM_DIR": simDir, "ARENGO_PAGOPA_SIM_ADDR": freeAddr(t),
		"ARENGO_PAGOPA_FISCAL_CODE": simDayEC, reconcile.EnvEC: simDayEC,
	}
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
	app := kerneltest.NewWith(t, kerneltest.Options{Env: env}, mods...)
	sim := "http://" + env["ARENGO_PAGOPA_SIM_ADDR"]
	kerneltest.Eventually(t, 10*time.Second, "server and simulator up", func() bool {
		for _, u := range []string{app.URL + "/api/v1/openapi.json", sim + "/"} {
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
	if err := pay.SeedDemo(ctx, app.Deps); err != nil {
		t.Fatal(err)
	}
	list, _, err := svc.Search(ctx, payments.Filter{Debtor: "RSSMRA80A01H501U"})
	if err != nil || len(list) != 3 {
		t.Fatalf("demo positions of Mario Rossi: %d %v", len(list), err)
	}

	// Pay the first option of each position, over two PSPs so the day has
	// more than one flow per beneficiary.
	paid := map[string]int64{} // IUV → cents to the comune
	var day time.Time          // the day of the payments, to close
	for i, p := range list {
		kerneltest.Eventually(t, 20*time.Second, "position "+p.DebtType+" pushed to GPD", func() bool {
			got, _ := svc.Position(ctx, p.ID)
			return got != nil && got.GPDSync == "S"
		})
		p, _ = svc.Position(ctx, p.ID)
		opt := p.Options[0]
		psp := pagopasim.PSPs[i%len(pagopasim.PSPs)].ID
		body, _ := json.Marshal(map[string]string{"org": simDayEC, "notice": opt.NoticeNumber, "psp": psp})
		resp, err := http.Post(sim+"/sim/payments", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var rt gpd.SendRTRequest
		json.NewDecoder(resp.Body).Decode(&rt)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || rt.Receipt.CreditorReferenceID != opt.IUV {
			t.Fatalf("paying %s at the simulator: %d %+v", opt.NoticeNumber, resp.StatusCode, rt)
		}
		day = rt.Receipt.PaymentDateTime.UTC()
		for _, tr := range opt.Transfers {
			if tr.CreditorCF == simDayEC {
				paid[opt.IUV] += tr.AmountCents
			}
		}
		kerneltest.Eventually(t, 10*time.Second, "receipt of "+p.DebtType+" stored", func() bool {
			got, _ := svc.Position(ctx, p.ID)
			return got.Options[0].Status == gpd.OptionPaid
		})
	}

	codes := func(kind string) map[string]string {
		out := map[string]string{}
		rows, err := app.Deps.DB.QueryContext(ctx, "SELECT key, code FROM reconcile_item WHERE kind = $1", kind)
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
	allPayments := func(code string) func() bool {
		return func() bool {
			got := codes("payment")
			if len(got) != len(paid) {
				return false
			}
			for iuv := range paid {
				if got[iuv+"/1"] != code {
					return false
				}
			}
			return true
		}
	}
	kerneltest.Eventually(t, 40*time.Second, "receipts in reconcile: paid, not reported", allPayments("RT_NO_IUF"))

	resp, err := http.Post(sim+"/sim/close-day?date="+day.Format(time.DateOnly), "application/json", nil)
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
		got := codes("movement")
		for _, c := range got {
			if c != "TES_NO_IUF_OR_IUV" {
				return false
			}
		}
		return len(got) == len(fdrs)
	})
	if !allPayments("RT_NO_IUF")() {
		t.Fatalf("with the treasury journal alone, payments must stay paid, not reported: %v", codes("payment"))
	}

	// The late FdRs: every payment is reported and its flow collected.
	for _, f := range fdrs {
		importFile(f)
	}
	kerneltest.Eventually(t, 40*time.Second, "every payment fully matched", allPayments("RT_IUF_TES"))
	kerneltest.Eventually(t, 20*time.Second, "flows and credits matched", func() bool {
		fl, mv := codes("flow"), codes("movement")
		if len(fl) != len(fdrs) || len(mv) != len(fdrs) {
			return false
		}
		for _, c := range append(values(fl), values(mv)...) {
			if c != "RT_IUF_TES" {
				return false
			}
		}
		return true
	})
	var anomalies int
	app.Deps.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM reconcile_item WHERE code <> 'RT_IUF_TES'").Scan(&anomalies)
	var cents int64
	app.Deps.DB.QueryRowContext(ctx, "SELECT COALESCE(SUM(amount_cents), 0) FROM reconcile_item WHERE kind = 'payment'").Scan(&cents)
	var want int64
	for _, c := range paid {
		want += c
	}
	if anomalies != 0 || cents != want {
		t.Errorf("a clean day: %d items left unmatched, %d cents matched of %d paid to the comune", anomalies, cents, want)
	}
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
