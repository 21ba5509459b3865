package reports

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
)

// TestBrowserCitizenJourneyAndFollowUp walks the Designers Italia journey in
// Chromium with a photo and a map click, then an operator takes the report in
// charge and fixes it, and the citizen sees both in the Area personale.
func TestBrowserCitizenJourneyAndFollowUp(t *testing.T) {
	e := fullEnv(t)
	ctx := kerneltest.Browser(t)
	shots := os.Getenv("REPORTS_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	photo := filepath.Join(t.TempDir(), "buca.jpg")
	if err := os.WriteFile(photo, photoWithGPS(t), 0o600); err != nil {
		t.Fatal(err)
	}
	citizen := e.app.CitizenSession(t, mario)
	staff := e.app.StaffSession(t, "operatore", PermManage)
	base := e.app.URL
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		tctx, cancel := contextWithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(tctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
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

	run("privacy",
		e.app.SetSession(citizen),
		chromedp.Navigate(base+"/segnalazioni/nuova"),
		chromedp.Click(chromedp.CSS("#privacy")),
		chromedp.Click(chromedp.CSS("form[action='/segnalazioni/nuova'] button[type=submit]")),
		kerneltest.AwaitVisible(chromedp.CSS("#reports-picker")),
	)
	// Chosen on the live DOM: setting it through a queried node once failed
	// in CI with "No node with given id" (the node went stale between the
	// query and the set).
	if got := read("category", chromedp.Evaluate[string](`(() => {
		const c = document.getElementById("category");
		c.value = "buche";
		c.dispatchEvent(new Event("change"));
		return c.value;
	})()`)); got != "buche" {
		t.Fatalf("category: %q selected, want buche", got)
	}
	run("map",
		chromedp.WaitVisible(chromedp.CSS("#attr_buche_pericolo")),
		chromedp.SetValue(chromedp.CSS("#attr_buche_pericolo"), "si"),
		chromedp.Click(chromedp.CSS("#reports-picker")),
	)
	lat := read("lat", chromedp.Value(chromedp.CSS("#lat")))
	run("data",
		chromedp.SendKeys(chromedp.CSS("#address"), "Via Roma 12, Padova"),
		chromedp.SendKeys(chromedp.CSS("#title"), "Buca in via Roma"),
		chromedp.SendKeys(chromedp.CSS("#details"), "Buca profonda davanti al civico 12"),
		chromedp.SetUploadFiles(chromedp.CSS("#photos"), []string{photo}),
		kerneltest.Screenshot(filepath.Join(shots, "1-dati.png")),
		chromedp.Click(chromedp.CSS("#next")),
		kerneltest.AwaitVisible(chromedp.CSS("#send")),
		kerneltest.Screenshot(filepath.Join(shots, "2-riepilogo.png")),
	)
	if lat == "" {
		t.Error("clicking the map did not fill the coordinates")
	}
	run("send",
		chromedp.Click(chromedp.CSS("#send")),
		kerneltest.AwaitVisible(chromedp.CSS("#report-number")),
		kerneltest.Screenshot(filepath.Join(shots, "3-inviata.png")),
	)
	number := read("number", chromedp.Text(chromedp.CSS("#report-number")))
	if !numberRE.MatchString(number) {
		t.Fatalf("request number %q", number)
	}
	rep, err := e.svc.Get(t.Context(), number)
	if err != nil {
		t.Fatal(err)
	}
	media, _ := e.svc.Media(t.Context(), rep.ID, true)
	if len(media) != 1 || media[0].Kind != "photo" {
		t.Errorf("media = %+v", media)
	}

	for _, step := range []struct{ state, text string }{{"investigating", "Abbiamo inviato un tecnico."}, {"fixed_council", "Buca chiusa."}} {
		run("operator "+step.state,
			e.app.SetSession(staff),
			chromedp.Navigate(base+"/admin/segnalazioni/r/"+number),
			chromedp.SetValue(chromedp.CSS("#state"), step.state),
			chromedp.SendKeys(chromedp.CSS("#public"), step.text),
			chromedp.Click(chromedp.CSS("#save-state")),
			kerneltest.AwaitVisible(chromedp.CSS(".alert-success")),
		)
	}
	run("operator screenshot", kerneltest.Screenshot(filepath.Join(shots, "4-operatore.png")))

	run("area personale",
		e.app.SetSession(citizen),
		chromedp.Navigate(base+"/area-personale"),
		chromedp.WaitVisible(chromedp.CSS("tr[data-report='"+number+"']")),
		kerneltest.Screenshot(filepath.Join(shots, "5-area-personale.png")),
	)
	panel := read("panel", chromedp.Text(chromedp.CSS("tr[data-report='"+number+"']")))
	today := time.Now().In(rome).Format("02/01/2006")
	for _, want := range []string{number, "Risolta dal Comune", today} {
		if !strings.Contains(panel, want) {
			t.Errorf("Area personale row %q lacks %q", panel, want)
		}
	}
	taken := read("taken date", chromedp.Text(chromedp.CSS("tr[data-report='"+number+"'] .report-taken")))
	if strings.TrimSpace(taken) != today {
		t.Errorf("taken in charge on %q, want %s", taken, today)
	}
	run("public map",
		chromedp.Navigate(base+"/segnalazioni?vista=mappa"),
		chromedp.WaitVisible(chromedp.CSS("#reports-map path.leaflet-interactive")),
		kerneltest.Screenshot(filepath.Join(shots, "6-mappa.png")),
	)
}
