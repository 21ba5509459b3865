package notify_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/notify"
)

// TestBrowserInboxAndAdmin: the citizen reads a message in the Area
// personale; an operator finds it in the admin and previews a template.
// Every page passes axe-core's WCAG 2.1 AA rules.
func TestBrowserInboxAndAdmin(t *testing.T) {
	app, _ := newApp(t)
	ctx := kerneltest.Browser(t)
	shots := os.Getenv("NOTIFY_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	due := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	id, err := send(t, app, kernel.Notification{FiscalCode: mario, Template: "reports.state_changed", DueDate: &due,
		Data: map[string]any{"number": "2026/17", "state": "chiusa"}, Payment: &kernel.PaymentData{NoticeNumber: "301000000000000123", AmountCents: 12350}})
	if err != nil {
		t.Fatal(err)
	}
	waitStatus(t, app, id, "io", "processed")
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(tctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	a11y := func(page string) {
		t.Helper()
		tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		vs, err := chromedp.Run(tctx, kerneltest.Accessibility())
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			t.Errorf("%s: accessibility: %+v", page, v)
		}
	}
	run("inbox", app.SetSession(app.CitizenSession(t, mario)), chromedp.Navigate(app.URL+"/area-personale/notifiche"),
		chromedp.WaitVisible(chromedp.CSS("article.card")), kerneltest.Screenshot(filepath.Join(shots, "1-inbox.png")))
	a11y("inbox")
	run("message", chromedp.Click(chromedp.CSS("article.card a.card-link")), chromedp.WaitVisible(chromedp.CSS("#mark-read")),
		kerneltest.Screenshot(filepath.Join(shots, "2-message.png")))
	h1, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main h1")))
	if err != nil {
		t.Fatal(err)
	}
	if h1 != "La segnalazione 2026/17 è chiusa" {
		t.Errorf("message title %q", h1)
	}
	a11y("message")
	run("mark read", chromedp.Click(chromedp.CSS("#mark-read")))
	kerneltest.Eventually(t, 10*time.Second, "message marked read", func() bool {
		var read bool
		app.Deps.DB.QueryRowContext(context.Background(), `SELECT read_at IS NOT NULL FROM notify_messages WHERE id = $1`, id).Scan(&read)
		return read
	})
	run("reload", chromedp.Navigate(app.URL+"/area-personale/notifiche/"+id), chromedp.WaitVisible(chromedp.CSS("#mark-read")))
	label, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#mark-read")))
	if err != nil || label != "Segna come non letto" {
		t.Errorf("after marking read the button says %q (%v)", label, err)
	}
	run("preferences", chromedp.Navigate(app.URL+"/area-personale/notifiche/preferenze"), chromedp.WaitVisible(chromedp.CSS("#p-addr")),
		kerneltest.Screenshot(filepath.Join(shots, "3-preferences.png")))
	a11y("preferences")

	staff := app.StaffSession(t, "operatore", notify.PermRead, notify.PermManage)
	run("admin list", app.SetSession(staff), chromedp.Navigate(app.URL+"/admin/notifiche"), chromedp.WaitVisible(chromedp.CSS("table")),
		kerneltest.Screenshot(filepath.Join(shots, "4-admin.png")))
	a11y("admin list")
	run("admin message", chromedp.Navigate(app.URL+"/admin/notifiche/"+id), chromedp.WaitVisible(chromedp.CSS("ol")),
		kerneltest.Screenshot(filepath.Join(shots, "5-admin-message.png")))
	a11y("admin message")
	run("template", chromedp.Navigate(app.URL+"/admin/notifiche/modelli/reports.state_changed"), chromedp.WaitVisible(chromedp.CSS("#s-it")),
		chromedp.Click(chromedp.CSS("button[value=preview]")), chromedp.WaitVisible(chromedp.CSS("#pv-en")),
		kerneltest.Screenshot(filepath.Join(shots, "6-template.png")))
	a11y("template")
	run("campaigns", chromedp.Navigate(app.URL+"/admin/notifiche/campagne"), chromedp.WaitVisible(chromedp.CSS("#c-name")),
		kerneltest.Screenshot(filepath.Join(shots, "7-campaigns.png")))
	a11y("campaigns")
}
