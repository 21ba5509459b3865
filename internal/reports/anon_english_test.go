package reports

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/arengo-pa/arengo/internal/web"
)

// TestAnonymousJourneyInEnglish walks the citizen journey with English
// chosen: every step speaks English, no translation key shows through, and
// the Italian default is untouched.
func TestAnonymousJourneyInEnglish(t *testing.T) {
	e := fullEnv(t)
	base := e.app.URL
	c := e.app.Client(t)
	u, _ := url.Parse(base)
	c.Jar.SetCookies(u, []*http.Cookie{{Name: web.LangCookie, Value: "en", Path: "/"}})
	noKeys := func(page, body string) {
		t.Helper()
		if i := strings.Index(body, ">reports."); i >= 0 {
			t.Errorf("%s shows a translation key: %s", page, body[i:min(len(body), i+60)])
		}
		for _, it := range []string{"Seleziona", "Indirizzo", "Dettagli", "Riepilogo", "Passo ", "obbligatori"} {
			if strings.Contains(body, it) {
				t.Errorf("%s: Italian %q left in the English page", page, it)
			}
		}
	}
	_, body, _ := get(t, c, base+"/segnalazioni/nuova")
	mustContain(t, body, "Privacy notice", "I have read and understood the privacy notice", "Step 1 of 3", "Times and deadlines", "within 7 days (also without logging in)")
	noKeys("privacy", body)
	resp, err := c.PostForm(base+"/segnalazioni/nuova", url.Values{"privacy": {"1"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	dati := resp.Header.Get("Location")
	_, body, _ = get(t, c, base+dati)
	mustContain(t, body, "Report details", "Kind of problem", "Fields marked with an asterisk (*) are required.", "Images (JPEG or PNG, at most 3;",
		"You are not logged in", "Questions for «Buche stradali»")
	noKeys("data", body)
	st, body, loc := postMultipart(t, c, base+dati, url.Values{"category": {"rifiuti"}, "title": {"Bags"}, "details": {"Three bags"},
		"address": {"Via Roma 3"}, "email": {"anne@example.org"}, "action": {"next"}})
	if st != http.StatusSeeOther {
		t.Fatalf("data step: %d %s", st, truncate(body, 3000))
	}
	_, body, _ = get(t, c, base+loc)
	mustContain(t, body, "Please note", "Kind of problem", "0 photos, 0 documents", "not logged in (to be confirmed by e-mail)", "Confirm and send")
	noKeys("summary", body)
	draft := strings.TrimSuffix(strings.TrimPrefix(loc, "/segnalazioni/nuova/"), "/riepilogo")
	st, body = postForm(t, c, base+"/segnalazioni/nuova/"+draft+"/invia", nil)
	if st != 200 {
		t.Fatalf("send: %d", st)
	}
	mustContain(t, body, "Check your e-mail", "It will become visible once you confirm it from the link sent to anne@example.org.")
	noKeys("notice", body)

	// A citizen's confirmation page and the "has it been fixed?" page.
	cit := e.app.Client(t)
	cit.Jar.SetCookies(u, []*http.Cookie{{Name: web.LangCookie, Value: "en", Path: "/"}})
	e.app.LoginCitizen(t, cit, mario)
	number := fileReport(t, e, cit, url.Values{"category": {"rifiuti"}, "title": {"Bags"}, "details": {"Three bags"}, "address": {"Via Roma 3"}})
	_, body, _ = get(t, cit, base+"/segnalazioni/"+number+"/inviata")
	mustContain(t, body, "Thank you, we have received your report.", "Download the receipt (PDF)", "How easy was it to use this service?", "1 star", "Sometimes the instructions were not clear")
	noKeys("done", body)
	_, body, _ = get(t, cit, base+"/segnalazioni/"+number+"/risolta")
	mustContain(t, body, "Has report "+number+" been fixed?", "Yes, it is fixed", "Comment (required to reopen)")
	noKeys("follow-up", body)

	// Italian stays the default.
	_, body, _ = get(t, e.app.Client(t), base+"/segnalazioni/nuova")
	mustContain(t, body, "Informativa sul trattamento dei dati personali", "Passo 1 di 3", "entro 7 giorni (anche senza accesso)")
}
