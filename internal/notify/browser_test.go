package notify_test

import (
	"context"
	"path/filepath"
	"strings"
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
	shots := kerneltest.ScreenshotDir(t)
	due := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	id, err := send(t, app, kernel.Notification{FiscalCode: mario, Template: "reports.state_changed", DueDate: &due,
		Data: map[string]any{"number": "2026/17", "state": "chiusa"}, Payment: &kernel.PaymentData{NoticeNumber: "301000000000000123", AmountCents: 12350}})
	if err != nil {
		t.Fatal(err)
	}
	waitStatus(t, app, id, "io", "processed")
	kerneltest.Do(t, ctx, "inbox", app.SetSession(app.CitizenSession(t, mario)), chromedp.Navigate(app.URL+"/area-personale/notifiche"),
		chromedp.WaitVisible(chromedp.CSS("article.card")), kerneltest.Screenshot(filepath.Join(shots, "1-inbox.png")))
	kerneltest.AssertAccessible(t, ctx, "inbox")
	kerneltest.Do(t, ctx, "message", chromedp.Click(chromedp.CSS("article.card a.card-link")), kerneltest.AwaitVisible(chromedp.CSS("#mark-read")),
		kerneltest.Screenshot(filepath.Join(shots, "2-message.png")))
	h1, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main h1")))
	if err != nil {
		t.Fatal(err)
	}
	if h1 != "La segnalazione 2026/17 è chiusa" {
		t.Errorf("message title %q", h1)
	}
	kerneltest.AssertAccessible(t, ctx, "message")
	// The click posts a form and the browser follows the redirect: wait for
	// the page it lands on before navigating again, or the second
	// navigation aborts the first (net::ERR_ABORTED).
	kerneltest.Do(t, ctx, "mark read", chromedp.Click(chromedp.CSS("#mark-read")))
	kerneltest.Eventually(t, 10*time.Second, "the page after marking read", func() bool {
		try, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		label, err := chromedp.Run(try, chromedp.Text(chromedp.CSS("#mark-read")))
		return err == nil && strings.TrimSpace(label) == "Segna come non letto"
	})
	kerneltest.Eventually(t, 10*time.Second, "message marked read", func() bool {
		var read bool
		app.Deps.DB.QueryRowContext(context.Background(), `SELECT read_at IS NOT NULL FROM notify_messages WHERE id = $1`, id).Scan(&read)
		return read
	})
	kerneltest.Do(t, ctx, "reload", chromedp.Navigate(app.URL+"/area-personale/notifiche/"+id), chromedp.WaitVisible(chromedp.CSS("#mark-read")))
	label, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#mark-read")))
	if err != nil || label != "Segna come non letto" {
		t.Errorf("after marking read the button says %q (%v)", label, err)
	}
	kerneltest.Do(t, ctx, "preferences", chromedp.Navigate(app.URL+"/area-personale/notifiche/preferenze"), chromedp.WaitVisible(chromedp.CSS("#p-addr")),
		kerneltest.Screenshot(filepath.Join(shots, "3-preferences.png")))
	kerneltest.AssertAccessible(t, ctx, "preferences")

	staff := app.StaffSession(t, "operatore", notify.PermRead, notify.PermManage)
	kerneltest.Do(t, ctx, "admin list", app.SetSession(staff), chromedp.Navigate(app.URL+"/admin/notifiche"), chromedp.WaitVisible(chromedp.CSS("table")),
		kerneltest.Screenshot(filepath.Join(shots, "4-admin.png")))
	kerneltest.AssertAccessible(t, ctx, "admin list")
	kerneltest.Do(t, ctx, "admin message", chromedp.Navigate(app.URL+"/admin/notifiche/"+id), chromedp.WaitVisible(chromedp.CSS("ol")),
		kerneltest.Screenshot(filepath.Join(shots, "5-admin-message.png")))
	kerneltest.AssertAccessible(t, ctx, "admin message")
	kerneltest.Do(t, ctx, "template", chromedp.Navigate(app.URL+"/admin/notifiche/modelli/reports.state_changed"), chromedp.WaitVisible(chromedp.CSS("#s-it")),
		// The preview shows the edited subject: waiting for it, not for a
		// preview the page already had, keeps the screenshot off the page
		// being replaced (captureScreenshot then never returned).
		chromedp.SendKeys(chromedp.CSS("#s-en"), " (draft)"), chromedp.Click(chromedp.CSS("button[value=preview]")),
		kerneltest.AwaitVisible(chromedp.Search(`//section[@aria-labelledby="pv-en"][contains(., "(draft)")]`)),
		kerneltest.Screenshot(filepath.Join(shots, "6-template.png")))
	kerneltest.AssertAccessible(t, ctx, "template")
	kerneltest.Do(t, ctx, "campaigns", chromedp.Navigate(app.URL+"/admin/notifiche/campagne"), chromedp.WaitVisible(chromedp.CSS("#c-name")),
		kerneltest.Screenshot(filepath.Join(shots, "7-campaigns.png")))
	kerneltest.AssertAccessible(t, ctx, "campaigns")
}
