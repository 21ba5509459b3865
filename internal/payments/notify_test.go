package payments_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/jobs"
	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/notify"
	"github.com/arengo-pa/arengo/internal/payments"
)

// With the notification hub wired, a published position tells the debtor, with
// the App IO payment data, once.
func TestNewPositionNotifiesTheDebtor(t *testing.T) {
	env := map[string]string{"ARENGO_PAGOPA_SIM_DIR": t.TempDir()}
	hub := notify.New(notify.ConfigFromEnv(func(k string) string { return env[k] }))
	m := payments.New()
	app := kerneltest.NewWith(t, kerneltest.Options{Env: env}, hub, m)
	kerneltest.Eventually(t, 5*time.Second, "server up", func() bool {
		resp, err := http.Get(app.URL + "/api/v1/openapi.json")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	})
	ctx := context.Background()
	svc := m.Service()
	if err := svc.EnsureDebtTypes(ctx, []payments.DebtType{{Code: "MENSA", Description: "Mensa", Category: "0102108SE",
		IBAN: "IT60X0542811101000000123456", Active: true}}); err != nil {
		t.Fatal(err)
	}
	_, err := svc.Create(ctx, payments.NewPosition{DebtType: "MENSA", Description: "Mensa ottobre", AmountCents: 4250,
		DueDate: due, Publish: true, Debtor: payments.Debtor{Type: "F", FiscalCode: "RSSMRA80A01H501U", Name: "Mario Rossi"}})
	if err != nil {
		t.Fatal(err)
	}
	draft, err := svc.Create(ctx, payments.NewPosition{DebtType: "MENSA", Description: "Mensa bozza", AmountCents: 100,
		DueDate: due, Debtor: payments.Debtor{Type: "F", FiscalCode: "RSSMRA80A01H501U", Name: "Mario Rossi"}})
	if err != nil {
		t.Fatal(err)
	}
	rows, total, err := hub.Search(ctx, notify.Filter{FiscalCode: "RSSMRA80A01H501U", Page: 1, PageSize: 10})
	if err != nil || total != 1 {
		t.Fatalf("messages: %d %v", total, err)
	}
	msg := rows[0]
	if !strings.Contains(msg.Subject, "Mensa ottobre") || msg.Payment == nil || !strings.Contains(msg.Body, "42,50") {
		t.Errorf("message: %+v", msg.Message)
	}
	if _, err := svc.Publish(ctx, draft.ID); err != nil {
		t.Fatal(err)
	}
	if _, total, _ = hub.Search(ctx, notify.Filter{FiscalCode: "RSSMRA80A01H501U", Page: 1, PageSize: 10}); total != 2 {
		t.Errorf("publishing the draft should notify once: %d messages", total)
	}
}

// The daily reminder tells debtors about notices falling due within a week,
// once per notice however often it runs.
func TestDueDateReminder(t *testing.T) {
	env := map[string]string{"ARENGO_PAGOPA_SIM_DIR": t.TempDir()}
	hub := notify.New(notify.ConfigFromEnv(func(k string) string { return env[k] }))
	m := payments.New()
	app := kerneltest.NewWith(t, kerneltest.Options{Env: env}, hub, m)
	ctx := context.Background()
	svc := m.Service()
	if err := svc.EnsureDebtTypes(ctx, []payments.DebtType{{Code: "MENSA", Description: "Mensa", Category: "0102108SE",
		IBAN: "IT60X0542811101000000123456", Active: true}}); err != nil {
		t.Fatal(err)
	}
	soon := time.Now().UTC().AddDate(0, 0, 3).Truncate(24 * time.Hour)
	for _, d := range []time.Time{soon, soon.AddDate(0, 1, 0)} {
		if _, err := svc.Create(ctx, payments.NewPosition{DebtType: "MENSA", Description: "Mensa " + d.Format("01/2006"),
			AmountCents: 4250, DueDate: d, Publish: true, Debtor: payments.Debtor{Type: "F", FiscalCode: "BNCLRA85M41G224B", Name: "Laura Bianchi"}}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 2; i++ {
		id, err := app.Deps.Jobs.Enqueue(ctx, nil, "payments.due_reminders", map[string]string{}, jobs.Opts{})
		if err != nil {
			t.Fatal(err)
		}
		kerneltest.Eventually(t, 10*time.Second, "reminder job done", func() bool {
			st, err := app.Deps.Jobs.Get(ctx, id)
			return err == nil && st.Status == jobs.Done
		})
	}
	_, total, err := hub.Search(ctx, notify.Filter{FiscalCode: "BNCLRA85M41G224B", Template: "payments.due_soon", Page: 1, PageSize: 10})
	if err != nil || total != 1 {
		t.Errorf("reminders: %d %v", total, err)
	}
}
