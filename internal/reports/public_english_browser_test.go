package reports

import (
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
)

// TestBrowserPublicPagesInEnglish: a visitor opens the public list, picks
// English in the header, then a report and the map tab; every page is
// marked lang="en" and speaks English.
func TestBrowserPublicPagesInEnglish(t *testing.T) {
	e := fullEnv(t)
	c := e.app.Client(t)
	e.app.LoginCitizen(t, c, mario)
	number := fileReport(t, e, c, url.Values{"category": {"rifiuti"}, "title": {"Bags by the school"}, "details": {"Three bags on the pavement"},
		"address": {"Via Roma 3"}, "lat": {"45.4064"}, "lon": {"11.8768"}})
	ctx := kerneltest.Browser(t)
	shots := kerneltest.ScreenshotDir(t)
	read := func(what string, a chromedp.Action[string]) string {
		t.Helper()
		tctx, cancel := contextWithTimeout(ctx, 30*time.Second)
		defer cancel()
		v, err := chromedp.Run(tctx, a)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
	kerneltest.Do(t, ctx, "list in Italian, then English",
		chromedp.Navigate(e.app.URL+"/segnalazioni"),
		chromedp.WaitVisible(chromedp.CSS("html[lang=it] [data-element=resolved-count]")),
		chromedp.Click(chromedp.CSS("a[href^='/lingua?l=en']")),
		kerneltest.AwaitVisible(chromedp.CSS("html[lang=en] [data-element=resolved-count]")),
		kerneltest.Screenshot(filepath.Join(shots, "en-1-list.png")),
	)
	page := read("list text", chromedp.Text(chromedp.CSS("main")))
	for _, want := range []string{"List of reports", "In the last 12 months 0 reports were resolved.", "Remove all filters", "Results: 1",
		"Download as CSV (open data)", "Bags by the school"} {
		if !strings.Contains(page, want) {
			t.Errorf("English list lacks %q:\n%s", want, page)
		}
	}
	kerneltest.AssertAccessible(t, ctx, "public list in English")
	kerneltest.Do(t, ctx, "open the report",
		chromedp.Click(chromedp.CSS("a[href='/segnalazioni/"+number+"']")),
		kerneltest.AwaitVisible(chromedp.CSS("html[lang=en] .reports-details")),
		chromedp.WaitVisible(chromedp.CSS("#reports-map .leaflet-interactive")),
		kerneltest.Screenshot(filepath.Join(shots, "en-2-report.png")),
	)
	page = read("report text", chromedp.Text(chromedp.CSS("main")))
	for _, want := range []string{"Details", "Three bags on the pavement", "Place", "Sent on", "People supporting it", "Request number " + number, "History"} {
		if !strings.Contains(page, want) {
			t.Errorf("English report page lacks %q:\n%s", want, page)
		}
	}
	for _, it := range []string{"Dettagli", "Luogo", "Inviata il", "Persone che"} {
		if strings.Contains(page, it) {
			t.Errorf("English report page shows Italian %q", it)
		}
	}
	kerneltest.AssertAccessible(t, ctx, "report page in English")
	kerneltest.Do(t, ctx, "map tab",
		chromedp.Navigate(e.app.URL+"/segnalazioni"),
		chromedp.WaitVisible(chromedp.CSS("html[lang=en] [data-element=resolved-count]")),
		chromedp.Click(chromedp.CSS("a[href$='vista=mappa']")),
		kerneltest.AwaitVisible(chromedp.CSS("html[lang=en] #reports-map path.leaflet-interactive")),
		kerneltest.Screenshot(filepath.Join(shots, "en-3-map.png")),
	)
	if label := read("map label", chromedp.Evaluate[string](`document.getElementById("reports-map").getAttribute("aria-label")`)); label != "Map of the reports" {
		t.Errorf("map label %q", label)
	}
}
