package reconcile_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/reconcile"
)

// TestBrowserBackOffice: an operator opens the dashboard of a demo day, drills
// down to an anomaly, annotates it, and checks accounting and uploads. Every
// page passes axe-core's WCAG 2.1 AA rules.
func TestBrowserBackOffice(t *testing.T) {
	app := kerneltest.NewWith(t, kerneltest.Options{Env: map[string]string{reconcile.EnvEC: ec}}, reconcile.New())
	m := app.Modules[0].(*reconcile.Module)
	if err := m.SeedDemo(context.Background(), app.Deps); err != nil {
		t.Fatal(err)
	}
	ctx := kerneltest.Browser(t)
	shots := kerneltest.ScreenshotDir(t)
	staff := app.StaffSession(t, "ragioneria", reconcile.PermManage)
	kerneltest.Do(t, ctx, "dashboard", app.SetSession(staff), chromedp.Navigate(app.URL+"/admin/riconciliazione"), chromedp.WaitVisible(chromedp.CSS("table")),
		kerneltest.Screenshot(filepath.Join(shots, "1-dashboard.png")))
	kerneltest.AssertAccessible(t, ctx, "dashboard")
	kerneltest.Do(t, ctx, "queue", chromedp.Navigate(app.URL+"/admin/riconciliazione/anomalie?codice=RT_NO_IUF"), chromedp.WaitVisible(chromedp.CSS("table")),
		kerneltest.Screenshot(filepath.Join(shots, "2-queue.png")))
	kerneltest.AssertAccessible(t, ctx, "queue")
	// Opened with Navigate, which waits for the page to load: typing into a
	// page reached by a click could race the end of its loading.
	link, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("tbody a"), "href"))
	if err != nil || !link.Exists {
		t.Fatalf("first anomaly link: %+v %v", link, err)
	}
	kerneltest.Do(t, ctx, "detail", chromedp.Navigate(app.URL+link.Value), chromedp.WaitVisible(chromedp.CSS("#nota")),
		chromedp.SendKeys(chromedp.CSS("#nota"), "sollecitato il PSP"), chromedp.Click(chromedp.CSS("#annotazione button[type=submit]")),
		kerneltest.AwaitVisible(chromedp.CSS(".alert-success")), kerneltest.Screenshot(filepath.Join(shots, "3-detail.png")))
	kerneltest.AssertAccessible(t, ctx, "detail")
	note, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#nota")))
	if err != nil || !strings.Contains(note, "sollecitato il PSP") {
		t.Errorf("note after save: %q %v", note, err)
	}
	kerneltest.Do(t, ctx, "accounting", chromedp.Navigate(app.URL+"/admin/riconciliazione/contabilita"), chromedp.WaitVisible(chromedp.CSS("table")),
		kerneltest.Screenshot(filepath.Join(shots, "4-accounting.png")))
	kerneltest.AssertAccessible(t, ctx, "accounting")
	kerneltest.Do(t, ctx, "files", chromedp.Navigate(app.URL+"/admin/riconciliazione/file"), chromedp.WaitVisible(chromedp.CSS("#flusso")),
		kerneltest.Screenshot(filepath.Join(shots, "5-files.png")))
	kerneltest.AssertAccessible(t, ctx, "files")
	kerneltest.Do(t, ctx, "debt types", chromedp.Navigate(app.URL+"/admin/riconciliazione/tipi-dovuto"), chromedp.WaitVisible(chromedp.CSS("#tipo")))
	kerneltest.AssertAccessible(t, ctx, "debt types")
}
