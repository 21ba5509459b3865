package reconcile_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
	shots := os.Getenv("RECONCILE_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
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
	staff := app.StaffSession(t, "ragioneria", reconcile.PermManage)
	run("dashboard", app.SetSession(staff), chromedp.Navigate(app.URL+"/admin/riconciliazione"), chromedp.WaitVisible(chromedp.CSS("table")),
		kerneltest.Screenshot(filepath.Join(shots, "1-dashboard.png")))
	a11y("dashboard")
	run("queue", chromedp.Navigate(app.URL+"/admin/riconciliazione/anomalie?codice=RT_NO_IUF"), chromedp.WaitVisible(chromedp.CSS("table")),
		kerneltest.Screenshot(filepath.Join(shots, "2-queue.png")))
	a11y("queue")
	run("detail", chromedp.Click(chromedp.CSS("tbody a")), chromedp.WaitVisible(chromedp.CSS("#nota")),
		chromedp.SendKeys(chromedp.CSS("#nota"), "sollecitato il PSP"), chromedp.Click(chromedp.CSS("#annotazione button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".alert-success")), kerneltest.Screenshot(filepath.Join(shots, "3-detail.png")))
	a11y("detail")
	note, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#nota")))
	if err != nil || !strings.Contains(note, "sollecitato il PSP") {
		t.Errorf("note after save: %q %v", note, err)
	}
	run("accounting", chromedp.Navigate(app.URL+"/admin/riconciliazione/contabilita"), chromedp.WaitVisible(chromedp.CSS("table")),
		kerneltest.Screenshot(filepath.Join(shots, "4-accounting.png")))
	a11y("accounting")
	run("files", chromedp.Navigate(app.URL+"/admin/riconciliazione/file"), chromedp.WaitVisible(chromedp.CSS("#flusso")),
		kerneltest.Screenshot(filepath.Join(shots, "5-files.png")))
	a11y("files")
	run("debt types", chromedp.Navigate(app.URL+"/admin/riconciliazione/tipi-dovuto"), chromedp.WaitVisible(chromedp.CSS("#tipo")))
	a11y("debt types")
}
