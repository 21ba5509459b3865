package datasov_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/arengo-pa/arengo/internal/datasov"
	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
)

// TestBrowserDataPage: an administrator sees the tables, a working sink and a failing one with its
// error, starts an export and finds it listed. The page passes axe-core's WCAG 2.1 AA rules.
func TestBrowserDataPage(t *testing.T) {
	app := kerneltest.NewWith(t, kerneltest.Options{Env: map[string]string{
		"ARENGO_FEED_DIR": t.TempDir(), "ARENGO_FEED_DIR_PSEUDONYMISE": "fiscal_code", "ARENGO_FEED_DIR_DROP": "email",
		"ARENGO_FEED_PSEUDONYM_KEY": "chiave-di-prova-lunga", "ARENGO_FEED_NATS": "nats://127.0.0.1:1",
	}}, datasov.New())
	appendEvents(t, app.Deps.DB, 5, 2)
	ctx := kerneltest.Browser(t)
	shots := kerneltest.ScreenshotDir(t)
	kerneltest.Eventually(t, 20*time.Second, "the NATS sink's failure recorded", func() bool {
		var lastErr string
		app.Deps.DB.QueryRowContext(context.Background(), `SELECT COALESCE(last_error, '') FROM kernel_subscriptions WHERE name = 'datasov.feed-nats'`).Scan(&lastErr)
		return lastErr != ""
	})
	kerneltest.Do(t, ctx, "data page", app.SetSession(app.StaffSession(t, "admin-dati", datasov.PermAdmin)), chromedp.Navigate(app.URL+"/admin/dati"),
		chromedp.WaitVisible(chromedp.CSS("#h-tables")), kerneltest.Screenshot(filepath.Join(shots, "1-dati.png")))
	kerneltest.AssertAccessible(t, ctx, "data page")
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"kernel_outbox", "fiscal_code", "nats://127.0.0.1:1", "no servers available"} {
		if !strings.Contains(text, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	kerneltest.Do(t, ctx, "export", chromedp.Click(chromedp.CSS(`form[action="/admin/dati/esporta"] button`)), kerneltest.AwaitVisible(chromedp.CSS("progress")))
	kerneltest.Eventually(t, 30*time.Second, "export listed", func() bool {
		tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		chromedp.Do(tctx, chromedp.Navigate(app.URL+"/admin/dati"), chromedp.WaitVisible(chromedp.CSS("#h-runs")))
		text, _ := chromedp.Run(tctx, chromedp.Text(chromedp.CSS("main")))
		return strings.Contains(text, "completata")
	})
	kerneltest.Do(t, ctx, "after export", kerneltest.Screenshot(filepath.Join(shots, "2-esportazione.png")))
}
