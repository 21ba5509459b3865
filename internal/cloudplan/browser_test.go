package cloudplan_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/arengo-pa/arengo/internal/cloudplan"
	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
)

// An IT officer opens the demo portfolio's waves, then an application, and
// records the chosen strategy with its reason.
func TestBrowserWavesAndStrategyChoice(t *testing.T) {
	m := cloudplan.New()
	app := kerneltest.New(t, m)
	ctx := context.Background()
	if err := m.SeedDemo(ctx, app.Deps); err != nil {
		t.Fatal(err)
	}
	var id string
	if err := app.Deps.DB.QueryRowContext(ctx, `SELECT id FROM cloudplan_app ORDER BY name LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	shots := os.Getenv("CLOUDPLAN_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	b := kerneltest.Browser(t)
	tctx, cancel := context.WithTimeout(b, 60*time.Second)
	defer cancel()
	err := chromedp.Do(tctx,
		app.SetSession(app.StaffSession(t, "ced", cloudplan.PermManage)),
		chromedp.Navigate(app.URL+"/admin/cloud/ondate"),
		chromedp.WaitVisible(chromedp.CSS("svg[role=img]")),
		kerneltest.Screenshot(filepath.Join(shots, "ondate.png")),
		chromedp.Navigate(app.URL+"/admin/cloud/applicativi/"+id),
		chromedp.SetValue(chromedp.CSS("#strategy"), "replatform"),
		chromedp.SendKeys(chromedp.CSS("#reason"), "database gestito disponibile nel catalogo"),
		chromedp.Click(chromedp.CSS("form[action$='/strategia'] button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".alert-success")),
		kerneltest.Screenshot(filepath.Join(shots, "applicativo.png")),
	)
	if err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(tctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "Strategia scelta da Utente ced") || !strings.Contains(text, "database gestito disponibile nel catalogo") {
		t.Fatalf("choice not shown: %s", text[:min(len(text), 600)])
	}
}
