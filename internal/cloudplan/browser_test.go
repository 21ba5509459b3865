package cloudplan_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/arengo-pa/arengo/internal/cloudplan"
	"github.com/arengo-pa/arengo/internal/cloudplan/kit"
	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/portal"
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
		// Submitted, not clicked: a mouse click lands where the button was
		// when its box was read, and missed it now and then (no POST, one run
		// in five) while the page's scripts still moved things around.
		chromedp.Submit(chromedp.CSS("form[action$='/strategia'] button[type=submit]")),
		kerneltest.AwaitVisible(chromedp.CSS(".alert-success")),
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
	err = chromedp.Do(tctx,
		chromedp.Navigate(app.URL+"/admin/cloud"),
		chromedp.WaitVisible(chromedp.CSS("#h-strategie")),
		kerneltest.Screenshot(filepath.Join(shots, "riepilogo.png")),
		chromedp.Navigate(app.URL+"/admin/cloud/competenze"),
		chromedp.WaitVisible(chromedp.CSS("#team_0")),
		kerneltest.Screenshot(filepath.Join(shots, "competenze.png")),
	)
	if err != nil {
		t.Fatal(err)
	}
}

// An upload with a wrong cell shows its progress, then the per-cell error.
func TestBrowserImportShowsCellErrors(t *testing.T) {
	// The portal serves /jobs/{id}/progress, which the progress bar polls.
	app := kerneltest.New(t, cloudplan.New(), portal.New())
	var buf bytes.Buffer
	if err := kit.WriteAppListXLSX(&buf, []kit.Application{{Name: "Protocollo 4.2", Opportunity: "Altissima"}}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "lista.xlsx")
	if err := os.WriteFile(file, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	shots := os.Getenv("CLOUDPLAN_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	b := kerneltest.Browser(t)
	tctx, cancel := context.WithTimeout(b, 20*time.Second)
	defer cancel()
	err := chromedp.Do(tctx,
		app.SetSession(app.StaffSession(t, "ced", cloudplan.PermManage)),
		chromedp.Navigate(app.URL+"/admin/cloud/importa"),
		chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{file}),
		chromedp.Click(chromedp.CSS("form[action='/admin/cloud/importa'] button[type=submit]")),
		kerneltest.AwaitVisible(chromedp.CSS("#import-errors")),
		kerneltest.Screenshot(filepath.Join(shots, "importazione.png")),
	)
	if err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(tctx, chromedp.Text(chromedp.CSS("#import-errors")))
	if err != nil || !strings.Contains(text, `cella E4: valore "Altissima"; valori attesi: Alto, Medio, Basso`) {
		t.Fatalf("%q %v", text, err)
	}
}
