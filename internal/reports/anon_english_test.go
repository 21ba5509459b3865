package reports

import (
	"context"
	"io"
	"mime/quotedprintable"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/reports/workflow"
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

// TestAnonymousEnglishEmails files an anonymous report in English: the
// confirmation e-mail in the SMTP simulator is in English, and so are the
// state-change e-mails the reporter gets once the address is confirmed
// (but not "has it been fixed?", whose answer needs a login).
func TestAnonymousEnglishEmails(t *testing.T) {
	e := fullEnv(t)
	app, hub := e.app, e.hub
	const addr = "anne.smith@example.org"
	c := app.Client(t)
	u, _ := url.Parse(app.URL)
	c.Jar.SetCookies(u, []*http.Cookie{{Name: web.LangCookie, Value: "en", Path: "/"}})
	number := fileReport(t, e, c, url.Values{"category": {"rifiuti"}, "title": {"Bags by the school"}, "details": {"Three bags"},
		"address": {"Via Roma 3"}, "email": {addr}})
	mailTo := func(to, subject string) string {
		t.Helper()
		var body string
		kerneltest.Eventually(t, 20*time.Second, "e-mail "+subject, func() bool {
			for _, ml := range hub.Simulators().SMTP.Mails() {
				if len(ml.To) == 1 && ml.To[0] == to && ml.Subject == subject {
					b, _ := io.ReadAll(quotedprintable.NewReader(strings.NewReader(ml.Data)))
					body = string(b)
					return true
				}
			}
			return false
		})
		return body
	}
	mailWith := func(subject string) string { t.Helper(); return mailTo(addr, subject) }
	mail := mailWith("Confirm report " + number)
	link := confirmLinkRE.FindString(mail)
	if link == "" || !strings.Contains(mail, "confirm this address is yours") || !strings.Contains(mail, `lang="en"`) || strings.Contains(mail, "Hai inviato") {
		t.Fatalf("confirmation e-mail not in English or without link:\n%s", mail)
	}
	_, body, _ := get(t, c, app.URL+link)
	mustContain(t, body, "Confirm the report", `lang="en"`)
	st, body := postForm(t, c, app.URL+link, url.Values{})
	if st != 200 {
		t.Fatalf("confirm: %d", st)
	}
	mustContain(t, body, "Report confirmed")

	ctx := context.Background()
	if _, err := e.svc.Apply(ctx, number, 0, Change{To: workflow.InProgress, Public: "A crew is on its way.", Staff: true}); err != nil {
		t.Fatal(err)
	}
	mail = mailWith("Report " + number + ": In progress")
	mustContain(t, mail, "is now", "A crew is on its way.")
	if _, err := e.svc.Apply(ctx, number, 0, Change{To: workflow.FixedCouncil, Staff: true}); err != nil {
		t.Fatal(err)
	}
	mailWith("Report " + number + ": Fixed by the council")
	// Staff acting on a report whose address was never confirmed send it nothing.
	unconfirmed := fileReport(t, e, c, url.Values{"category": {"rifiuti"}, "title": {"Bags again"}, "details": {"Two bags"},
		"address": {"Via Roma 5"}, "email": {"someone.else@example.org"}})
	if _, err := e.svc.Apply(ctx, unconfirmed, 0, Change{To: workflow.InProgress, Staff: true}); err != nil {
		t.Fatal(err)
	}
	mailTo("someone.else@example.org", "Confirm report "+unconfirmed)
	time.Sleep(300 * time.Millisecond) // room for a follow-up that must not come
	var followUps int
	app.Deps.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM notify_messages WHERE template = $1`, tmplFollowUp).Scan(&followUps)
	if n := len(hub.Simulators().SMTP.Mails()); n != 4 || followUps != 0 {
		t.Errorf("%d mails, %d follow-ups; want two confirmations and the first report's two state changes only", n, followUps)
	}
}
