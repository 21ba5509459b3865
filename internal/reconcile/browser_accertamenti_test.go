package reconcile_test

import (
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/reconcile"
)

// TestBrowserAccertamentoAndSplit: an operator creates an accertamento,
// assigns a payment by hand and the rest of the period, closes it, then splits
// a bank credit over the two flows it paid. Every page passes axe-core's WCAG
// 2.1 AA rules.
func TestBrowserAccertamentoAndSplit(t *testing.T) {
	d := newSplitDay(t)
	app := d.app
	ctx := kerneltest.Browser(t)
	shots := kerneltest.ScreenshotDir(t)
	staff := app.StaffSession(t, "ragioneria", reconcile.PermManage)
	base := app.URL + "/admin/riconciliazione/accertamenti"

	kerneltest.Do(t, ctx, "list", app.SetSession(staff), chromedp.Navigate(base), chromedp.WaitVisible(chromedp.CSS("#nuovo-accertamento")),
		chromedp.SendKeys(chromedp.CSS("#nome"), "TARI novembre"), chromedp.SetValue(chromedp.CSS("#tipo"), "TARI"),
		chromedp.SendKeys(chromedp.CSS("#capitolo"), "1010"), chromedp.SendKeys(chromedp.CSS("#numero"), "101"),
		chromedp.SendKeys(chromedp.CSS("#previsto"), "5.000,00"), kerneltest.Screenshot(filepath.Join(shots, "6-accertamenti.png")))
	kerneltest.AssertAccessible(t, ctx, "accertamenti")
	kerneltest.Do(t, ctx, "create", chromedp.Click(chromedp.CSS("#nuovo-accertamento button[type=submit]")), kerneltest.AwaitVisible(chromedp.CSS(`label[for="sel-0"]`)))
	page, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	page = strings.SplitN(page, "?", 2)[0]
	// Each step waits for what only the page after it shows: the page before
	// may still be on screen when the wait starts.
	kerneltest.Do(t, ctx, "assign one", chromedp.Click(chromedp.CSS(`label[for="sel-0"]`)), chromedp.Click(chromedp.CSS("#assegna button[type=submit]")),
		kerneltest.AwaitVisible(chromedp.CSS(`form[action$="/rimuovi"] button`)), kerneltest.Screenshot(filepath.Join(shots, "7-accertamento.png")))
	kerneltest.AssertAccessible(t, ctx, "accertamento")
	kerneltest.Do(t, ctx, "assign the period", chromedp.Navigate(page+"?dal=2000-01-01&al=2100-01-01"), chromedp.WaitVisible(chromedp.CSS("#assegna-periodo")),
		chromedp.Click(chromedp.CSS("#assegna-periodo button[type=submit]")), kerneltest.AwaitVisible(chromedp.CSS(".alert-success")))
	kerneltest.Do(t, ctx, "close", chromedp.Click(chromedp.CSS("#chiudi button[type=submit]")), kerneltest.AwaitVisible(chromedp.CSS("#stato .bg-success")),
		kerneltest.Screenshot(filepath.Join(shots, "8-accertamento-chiuso.png")))
	kerneltest.AssertAccessible(t, ctx, "closed accertamento")
	state, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#stato")))
	if err != nil || !strings.Contains(state, "Chiuso") {
		t.Fatalf("state after closing: %q %v", state, err)
	}
	if n := count(t, app, "SELECT assigned_count FROM reconcile_accertamento WHERE name = 'TARI novembre' AND state = 'CHIUSO'"); n < 2 {
		t.Fatalf("closed accertamento with %d payments", n)
	}

	detail := app.URL + "/admin/riconciliazione/voce?tipo=movement&chiave=" + url.QueryEscape(d.mov)
	kerneltest.Do(t, ctx, "split", chromedp.Navigate(detail), chromedp.WaitVisible(chromedp.CSS("#ripartisci")),
		chromedp.SendKeys(chromedp.CSS("#iuf_elenco"), d.a+" "+d.b), kerneltest.Screenshot(filepath.Join(shots, "9-ripartisci.png")))
	kerneltest.AssertAccessible(t, ctx, "split form")
	kerneltest.Do(t, ctx, "split submit", chromedp.Click(chromedp.CSS("#ripartisci button[type=submit]")), kerneltest.AwaitVisible(chromedp.CSS(".alert-success")))
	d.reclassify(t)
	kerneltest.Do(t, ctx, "split shown", chromedp.Navigate(detail), chromedp.WaitVisible(chromedp.CSS("#ripartizione")),
		kerneltest.Screenshot(filepath.Join(shots, "10-ripartito.png")))
	kerneltest.AssertAccessible(t, ctx, "split credit")
	if got := d.code(t, "movement", d.mov); got != "RT_IUF_TES" {
		t.Fatalf("split credit classified %s", got)
	}
}
