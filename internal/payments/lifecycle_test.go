package payments_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/jobs"
	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/payments"
	"github.com/arengo-pa/arengo/internal/payments/gpd"
)

// clock is a controllable time for the lifecycle rules.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

func withClock(m *payments.Module, start time.Time) *clock {
	c := &clock{now: start}
	payments.SetClock(m.Service(), c.Now)
	return c
}

func outboxCount(t *testing.T, app *kerneltest.App, typ, aggregate string) int {
	t.Helper()
	var n int
	if err := app.Deps.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM kernel_outbox WHERE type = $1
		AND aggregate_id = $2`, typ, aggregate).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func historyReasons(t *testing.T, svc *payments.Service, id string) string {
	t.Helper()
	h, err := svc.History(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, r := range h {
		b.WriteString(r.From + ">" + r.To + ":" + r.Reason + "\n")
	}
	return b.String()
}

// A position published with a future validity date stays PUBLISHED (not payable)
// until the scheduled lifecycle job finds the date reached; then it is VALID,
// with a history row and an event.
func TestLifecycleValidityDate(t *testing.T) {
	app, m := newApp(t, nil)
	svc := m.Service()
	ctx := context.Background()
	start := time.Date(2031, 1, 10, 9, 0, 0, 0, time.UTC)
	clk := withClock(m, start)
	from := time.Date(2031, 2, 1, 0, 0, 0, 0, time.UTC)
	debtor := payments.Debtor{Type: "F", FiscalCode: "RSSMRA80A01H501U", Name: "Mario Rossi"}

	if _, err := svc.Create(ctx, payments.NewPosition{DebtType: "TARI", Description: "TARI 2031", AmountCents: 5000,
		DueDate: due, Publish: true, Debtor: debtor, ValidityDate: &start}); err == nil || !strings.Contains(err.Error(), "futura") {
		t.Errorf("validity date not in the future: %v", err)
	}
	early := time.Date(2031, 1, 20, 0, 0, 0, 0, time.UTC)
	if _, err := svc.Create(ctx, payments.NewPosition{DebtType: "TARI", Description: "TARI 2031", AmountCents: 5000,
		DueDate: early, Publish: true, Debtor: debtor, ValidityDate: &from}); err == nil || !strings.Contains(err.Error(), "precede") {
		t.Errorf("due date before the validity date: %v", err)
	}

	p, err := svc.Create(ctx, payments.NewPosition{DebtType: "TARI", Description: "TARI 2031", AmountCents: 5000,
		DueDate: due, Publish: true, Debtor: debtor, ValidityDate: &from})
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != gpd.StatusPublished || p.Payable(p.Options[0]) {
		t.Fatalf("published before its validity date: %s payable=%v", p.Status, p.Payable(p.Options[0]))
	}
	got, _ := svc.Position(ctx, p.ID)
	if got.ValidityDate == nil || !got.ValidityDate.Equal(from) {
		t.Errorf("validity date stored: %v", got.ValidityDate)
	}
	// Not yet: nothing changes.
	if res, err := svc.RunLifecycle(ctx); err != nil || res != (payments.LifecycleResult{}) {
		t.Fatalf("lifecycle before the date: %+v %v", res, err)
	}
	// The date comes; the scheduled job (enqueued here, as its schedule would) runs.
	clk.Set(from.Add(time.Minute))
	if _, err := app.Deps.Jobs.Enqueue(ctx, nil, "payments.lifecycle", map[string]string{}, jobs.Opts{}); err != nil {
		t.Fatal(err)
	}
	kerneltest.Eventually(t, 10*time.Second, "position VALID", func() bool {
		got, _ := svc.Position(ctx, p.ID)
		return got.Status == gpd.StatusValid
	})
	if h := historyReasons(t, svc, p.ID); !strings.Contains(h, "PUBLISHED>VALID:data di inizio validità raggiunta") {
		t.Errorf("history:\n%s", h)
	}
	if n := outboxCount(t, app, "payments.status_changed", p.ID); n != 1 {
		t.Errorf("status_changed events: %d", n)
	}
	if res, err := svc.RunLifecycle(ctx); err != nil || res != (payments.LifecycleResult{}) {
		t.Errorf("second run must change nothing: %+v %v", res, err)
	}
}

// With switchToExpired, unpaid options expire the day after their due date;
// a position with nothing left to pay becomes EXPIRED; without the switch
// nothing expires; a late receipt is still accepted and flagged.
func TestLifecycleExpiry(t *testing.T) {
	app, m := newApp(t, map[string]string{"ARENGO_PAGOPA_CHECKOUT_URL": "https://checkout.example/pay"})
	svc := m.Service()
	ctx := context.Background()
	d := time.Date(2031, 3, 31, 0, 0, 0, 0, time.UTC)
	clk := withClock(m, time.Date(2031, 3, 1, 9, 0, 0, 0, time.UTC))
	debtor := payments.Debtor{Type: "F", FiscalCode: "RSSMRA80A01H501U", Name: "Mario Rossi"}
	create := func(in payments.NewPosition) *payments.Position {
		t.Helper()
		in.DebtType, in.Description, in.Publish, in.Debtor = "TARI", "TARI 2031", true, debtor
		p, err := svc.Create(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	single := create(payments.NewPosition{AmountCents: 5000, DueDate: d, SwitchToExpired: true})
	keeps := create(payments.NewPosition{AmountCents: 5000, DueDate: d})
	plan := create(payments.NewPosition{SwitchToExpired: true, Instalments: []payments.Instalment{
		{AmountCents: 2500, DueDate: d}, {AmountCents: 2500, DueDate: d.AddDate(0, 1, 0)}}})

	// On the due day itself everything is still payable.
	clk.Set(d.Add(20 * time.Hour))
	if res, err := svc.RunLifecycle(ctx); err != nil || res != (payments.LifecycleResult{}) {
		t.Fatalf("on the due day: %+v %v", res, err)
	}
	if !single.PayableAt(single.Options[0], clk.Now()) {
		t.Errorf("not payable on its due day")
	}
	clk.Set(d.AddDate(0, 0, 1).Add(time.Hour))
	res, err := svc.RunLifecycle(ctx)
	if err != nil || res != (payments.LifecycleResult{ExpiredOptions: 2, Expired: 1}) {
		t.Fatalf("after the due day: %+v %v", res, err)
	}
	got, _ := svc.Position(ctx, single.ID)
	if got.Status != gpd.StatusExpired || got.Options[0].Status != gpd.OptionExpired {
		t.Errorf("single payment: %s / %s", got.Status, got.Options[0].Status)
	}
	if h := historyReasons(t, svc, single.ID); !strings.Contains(h, "PO_UNPAID>PO_EXPIRED:unica soluzione") ||
		!strings.Contains(h, "VALID>EXPIRED:scadenza superata senza pagamento") {
		t.Errorf("history:\n%s", h)
	}
	if outboxCount(t, app, "payments.option_expired", single.ID) != 1 || outboxCount(t, app, "payments.status_changed", single.ID) != 1 {
		t.Errorf("events for the expired position missing")
	}
	if got, _ := svc.Position(ctx, keeps.ID); got.Status != gpd.StatusValid || got.Options[0].Status != gpd.OptionUnpaid {
		t.Errorf("without switchToExpired: %s / %s", got.Status, got.Options[0].Status)
	}
	gotPlan, _ := svc.Position(ctx, plan.ID)
	if gotPlan.Status != gpd.StatusValid || gotPlan.Options[0].Status != gpd.OptionExpired || gotPlan.Options[1].Status != gpd.OptionUnpaid {
		t.Errorf("plan: %s %s %s", gotPlan.Status, gotPlan.Options[0].Status, gotPlan.Options[1].Status)
	}
	if !gotPlan.PayableAt(gotPlan.Options[1], clk.Now()) || gotPlan.PayableAt(gotPlan.Options[0], clk.Now()) {
		t.Errorf("only the second instalment stays payable")
	}
	if res, err := svc.RunLifecycle(ctx); err != nil || res != (payments.LifecycleResult{}) {
		t.Errorf("second run: %+v %v", res, err)
	}

	// The citizen cannot pay the expired notice and sees it under "Scaduti".
	c := noRedirect(app.Client(t))
	app.LoginCitizen(t, c, debtor.FiscalCode)
	resp, err := c.Get(app.URL + "/pagamenti/avvisi/" + got.Options[0].ID + "/paga")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusConflict || !strings.Contains(string(body), "scaduto il 31/03/2031") {
		t.Errorf("paying an expired notice: %d %s", resp.StatusCode, body)
	}
	resp, err = c.Get(app.URL + "/pagamenti/avvisi/" + gotPlan.Options[1].ID + "/paga")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("paying the instalment not yet due: %d", resp.StatusCode)
	}

	// A receipt for the expired notice (e.g. paid in stand-in) is still taken.
	o := got.Options[0]
	rt := gpd.SendRTRequest{IDPA: "00644060287", Receipt: gpd.Receipt{ReceiptID: "late-1", NoticeNumber: o.NoticeNumber,
		FiscalCode: "00644060287", Outcome: "OK", CreditorReferenceID: o.IUV, PaymentAmount: "50.00", IDPSP: "PSP1",
		PSPCompanyName: "Banca", PaymentDateTime: clk.Now(),
		TransferList: []gpd.ReceiptTransfer{{IDTransfer: 1, TransferAmount: "50.00", FiscalCodePA: "00644060287"}}}}
	if out, err := svc.AcceptReceipt(ctx, rt); err != nil || out.Outcome != "OK" {
		t.Fatalf("late receipt: %+v %v", out, err)
	}
	var anomaly string
	app.Deps.DB.QueryRowContext(ctx, `SELECT anomaly FROM payments_receipt WHERE receipt_id = 'late-1'`).Scan(&anomaly)
	if got, _ := svc.Position(ctx, single.ID); got.Status != gpd.StatusPaid || !strings.Contains(anomaly, "scaduto") {
		t.Errorf("late receipt: position %s, anomaly %q", got.Status, anomaly)
	}
}

// The API and the staff form set validityDate and switchToExpired.
func TestLifecycleFieldsFromAPIAndForm(t *testing.T) {
	app, m := newApp(t, nil)
	withClock(m, time.Date(2031, 1, 10, 9, 0, 0, 0, time.UTC))
	key := app.APIKey(t, payments.PermManage)
	body := `{"debt_type":"TARI","debtor_type":"F","debtor_fiscal_code":"RSSMRA80A01H501U","debtor_name":"Mario Rossi",
		"description":"TARI 2031","amount_cents":5000,"due_date":"2031-06-30T00:00:00Z","publish":true,
		"validity_date":"2031-02-01T00:00:00Z","switch_to_expired":true}`
	req, _ := http.NewRequest(http.MethodPost, app.URL+"/api/v1/payments/positions", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var out payments.PositionOut
	json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || out.Status != gpd.StatusPublished || !out.SwitchToExpired ||
		out.ValidityDate == nil || !out.ValidityDate.Equal(time.Date(2031, 2, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("API create: %d %+v", resp.StatusCode, out)
	}

	c := noRedirect(app.Client(t))
	app.LoginStaff(t, c, "operatore", payments.PermManage)
	form := url.Values{"tipo_dovuto": {"TARI"}, "causale": {"Mensa marzo"}, "importo": {"42,50"}, "scadenza": {"2031-06-30"},
		"tipo_debitore": {"F"}, "codice_fiscale": {"RSSMRA80A01H501U"}, "nome": {"Mario Rossi"}, "pubblica": {"1"},
		"validita": {"2031-03-01"}, "scade": {"1"}}
	resp, err = c.PostForm(app.URL+"/admin/pagamenti/nuova", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("form: %d", resp.StatusCode)
	}
	id := strings.TrimPrefix(strings.Split(loc, "?")[0], "/admin/pagamenti/posizioni/")
	p, err := m.Service().Position(context.Background(), id)
	if err != nil || p.Status != gpd.StatusPublished || !p.SwitchToExpired || p.ValidityDate == nil {
		t.Fatalf("form position: %+v %v", p, err)
	}
	page, err := c.Get(app.URL + loc)
	if err != nil {
		t.Fatal(err)
	}
	html, _ := io.ReadAll(page.Body)
	page.Body.Close()
	if !strings.Contains(string(html), "Pagabile dal") || !strings.Contains(string(html), "non più pagabile") {
		t.Errorf("detail page lacks the lifecycle fields")
	}
	form.Set("validita", "2030-01-01")
	resp, err = c.PostForm(app.URL+"/admin/pagamenti/nuova", form)
	if err != nil {
		t.Fatal(err)
	}
	html, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity && resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(html), "futura") {
		t.Errorf("past validity date from the form: %d", resp.StatusCode)
	}
}
