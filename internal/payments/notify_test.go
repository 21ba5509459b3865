package payments_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

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
