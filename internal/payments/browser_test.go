package payments_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/payments"
	"github.com/arengo-pa/arengo/internal/portal"
)

// A citizen opens "I miei pagamenti", pays the first notice on the simulator's
// checkout and comes back to the Area personale, where the notice is paid.
func TestBrowserCitizenPays(t *testing.T) {
	ctx := kerneltest.Browser(t)
	m := payments.New()
	app := kerneltest.NewWith(t, kerneltest.Options{Env: map[string]string{"ARENGO_PAGOPA_SIM": "1", "ARENGO_PAGOPA_SIM_DIR": t.TempDir()}}, portal.New(), m)
	bg := context.Background()
	kerneltest.Eventually(t, 5*time.Second, "server up", func() bool {
		resp, err := http.Get(app.URL + "/")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	})
	if err := m.SeedDemo(bg, app.Deps); err != nil {
		t.Fatal(err)
	}
	kerneltest.Eventually(t, 15*time.Second, "positions in GPD and checkout ready", func() bool {
		var pending int
		app.Deps.DB.QueryRowContext(bg, `SELECT COUNT(*) FROM payments_position WHERE gpd_sync <> 'S'`).Scan(&pending)
		return pending == 0 && m.Service().CheckoutURL() != ""
	})
	tok := app.CitizenSession(t, "RSSMRA80A01H501U")
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	err := chromedp.Do(tctx, app.SetSession(tok), chromedp.Navigate(app.URL+"/area-personale"),
		chromedp.WaitVisible(chromedp.CSS(`a[href$="/paga"]`)),
		kerneltest.Screenshot("/tmp/payments-area-personale.png"),
		chromedp.Click(chromedp.CSS(`a[href$="/paga"]`)),
		kerneltest.AwaitVisible(chromedp.CSS("#importo")),
		kerneltest.Screenshot("/tmp/payments-checkout.png"),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		kerneltest.AwaitVisible(chromedp.CSS(`a[href$="/ricevuta.pdf"]`)),
		kerneltest.Screenshot("/tmp/payments-paid.png"),
	)
	if err != nil {
		t.Fatal(err)
	}
	body, err := chromedp.Run(tctx, chromedp.Text(chromedp.CSS("body")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, "Pagato il") || !strings.Contains(body, "Scarica la ricevuta") {
		t.Errorf("the paid notice is not listed as paid:\n%s", body)
	}

	// Staff close the simulated day from the back office instead of waiting
	// for midnight: the simulator writes the day's flows and journals.
	kerneltest.Do(t, ctx, "closing the simulated day", app.SetSession(app.StaffSession(t, "operatore", payments.PermManage)),
		chromedp.Navigate(app.URL+"/admin/pagamenti"),
		kerneltest.AwaitVisible(chromedp.CSS("#chiudi-giornata")),
		kerneltest.Screenshot("/tmp/payments-sim-close-day.png"))
	kerneltest.AssertAccessible(t, ctx, "/admin/pagamenti with the simulator")
	kerneltest.Do(t, ctx, "closing the simulated day", chromedp.Click(chromedp.CSS("#chiudi-giornata")),
		kerneltest.AwaitVisible(chromedp.CSS("#file-scritti")),
		kerneltest.Screenshot("/tmp/payments-sim-day-closed.png"))
	kerneltest.AssertAccessible(t, ctx, "day closed")
	if n, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#file-scritti"))); err != nil || n == "0" {
		t.Errorf("files written at the end of the day: %q %v", n, err)
	}
}

// Staff find a citizen's positions and open one.
func TestBrowserStaffSearch(t *testing.T) {
	ctx := kerneltest.Browser(t)
	m := payments.New()
	app := kerneltest.NewWith(t, kerneltest.Options{Env: map[string]string{"ARENGO_PAGOPA_SIM_DIR": t.TempDir()}}, portal.New(), m)
	kerneltest.Eventually(t, 5*time.Second, "server up", func() bool {
		resp, err := http.Get(app.URL + "/")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	})
	if err := m.SeedDemo(context.Background(), app.Deps); err != nil {
		t.Fatal(err)
	}
	tok := app.StaffSession(t, "operatore", payments.PermManage)
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	err := chromedp.Do(tctx, app.SetSession(tok), chromedp.Navigate(app.URL+"/admin/pagamenti"),
		chromedp.SendKeys(chromedp.CSS("#debitore"), "Bianchi"),
		chromedp.Click(chromedp.CSS(`form[role=search] button[type=submit]`)),
		// Wait for what only the next page has: the unfiltered list already
		// shows a table, and every page's header has an h2.
		kerneltest.AwaitVisible(chromedp.CSS(`#debitore[value="Bianchi"]`)),
		kerneltest.AwaitVisible(chromedp.CSS("table caption")),
		kerneltest.Screenshot("/tmp/payments-staff-list.png"),
		chromedp.Click(chromedp.CSS("tbody a")),
		kerneltest.AwaitVisible(chromedp.Search(`//h2[contains(., "Storico")]`)),
		kerneltest.Screenshot("/tmp/payments-staff-detail.png"),
	)
	if err != nil {
		t.Fatal(err)
	}
	body, err := chromedp.Run(tctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, "Laura Bianchi") || !strings.Contains(body, "Storico") {
		t.Errorf("detail page:\n%s", body)
	}
}
