package reports

import (
	"context"
	"encoding/json"
	"io"
	"mime/quotedprintable"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/events"
	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/store"
)

var confirmLinkRE = regexp.MustCompile(`/segnalazioni-conferma/[A-Za-z0-9_-]+`)

// TestAnonymousReportConfirmationEmail files an anonymous report through the
// citizen journey, waits for the confirmation e-mail in the hub's SMTP
// simulator, opens the link in it and checks the report becomes public.
func TestAnonymousReportConfirmationEmail(t *testing.T) {
	e := fullEnv(t)
	app, m, hub := e.app, e.mod, e.hub

	c := app.Client(t)
	number := fileReport(t, e, c, url.Values{"category": {"rifiuti"}, "title": {"Sacchi davanti alla scuola"}, "details": {"Tre sacchi"},
		"address": {"Via Roma 3"}, "email": {"anna.bianchi@example.it"}})
	if st, _, _ := get(t, c, app.URL+"/segnalazioni/"+number); st != 404 {
		t.Fatalf("unconfirmed report is public: %d", st)
	}
	var mail string
	kerneltest.Eventually(t, 20*time.Second, "confirmation e-mail", func() bool {
		for _, ml := range hub.Simulators().SMTP.Mails() {
			if len(ml.To) == 1 && ml.To[0] == "anna.bianchi@example.it" && strings.Contains(ml.Subject, number) {
				b, _ := io.ReadAll(quotedprintable.NewReader(strings.NewReader(ml.Data)))
				mail = string(b)
				return true
			}
		}
		return false
	})
	link := confirmLinkRE.FindString(mail)
	if link == "" || !strings.Contains(mail, "Sacchi davanti alla scuola") {
		t.Fatalf("the e-mail has no confirmation link or title:\n%s", mail)
	}
	// The hub's copy: e-mail only, the address forgotten once sent, no Area personale copy.
	kerneltest.Eventually(t, 10*time.Second, "address forgotten", func() bool {
		var addr string
		app.Deps.DB.QueryRowContext(context.Background(), `SELECT email FROM notify_messages WHERE template = $1`, tmplConfirm).Scan(&addr)
		return addr == ""
	})
	var ref string
	var channels int
	app.Deps.DB.QueryRowContext(context.Background(), `SELECT m.email_ref, (SELECT COUNT(*) FROM notify_deliveries d WHERE d.message_id = m.id)
		FROM notify_messages m WHERE m.template = $1`, tmplConfirm).Scan(&ref, &channels)
	if !strings.HasPrefix(ref, "a…@e….it #") || channels != 1 {
		t.Errorf("hub message: ref %q, %d deliveries (want the e-mail only)", ref, channels)
	}

	// The event delivered again (delivery is at least once): still one message.
	var id, code string
	app.Deps.DB.QueryRowContext(context.Background(), `SELECT id, confirm_code FROM reports_report WHERE number = $1`, number).Scan(&id, &code)
	payload, _ := json.Marshal(map[string]string{"number": number, "email": "anna.bianchi@example.it", "code": code})
	if err := m.sendConfirmation(context.Background(), events.Event{Type: "reports.confirmation_requested", AggregateID: id, Payload: payload}); err != nil {
		t.Fatal(err)
	}
	// An event without address and code (what the event should become) works from the report alone.
	if err := m.sendConfirmation(context.Background(), events.Event{Type: "reports.confirmation_requested", AggregateID: id, Payload: json.RawMessage(`{"number":"` + number + `"}`)}); err != nil {
		t.Fatal(err)
	}
	// A stale code sends nothing new.
	if err := m.sendConfirmation(context.Background(), events.Event{Type: "reports.confirmation_requested", AggregateID: store.NewID(), Payload: json.RawMessage(`{"code":"x"}`)}); err != nil {
		t.Fatal(err)
	}
	var msgs int
	app.Deps.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM notify_messages WHERE template = $1`, tmplConfirm).Scan(&msgs)
	if msgs != 1 || "/segnalazioni-conferma/"+code != link {
		t.Errorf("after a repeated event: %d messages; link %s, code %s", msgs, link, code)
	}

	st, body, _ := get(t, c, app.URL+link)
	if st != 200 {
		t.Fatalf("confirm link: %d", st)
	}
	mustContain(t, body, "Conferma la segnalazione")
	st, body = postForm(t, c, app.URL+link, url.Values{})
	if st != 200 {
		t.Fatalf("confirm: %d", st)
	}
	mustContain(t, body, "Segnalazione confermata")
	st, body, _ = get(t, c, app.URL+"/segnalazioni/"+number)
	if st != 200 {
		t.Fatalf("confirmed report: %d", st)
	}
	mustContain(t, body, "Sacchi davanti alla scuola")
	mustNotContain(t, body, "anna.bianchi")
	if st, _ := postForm(t, c, app.URL+link, url.Values{}); st != 404 {
		t.Errorf("the link works twice: %d", st)
	}
	// A second delivery of the same event (at least once) sends nothing more.
	if n := len(hub.Simulators().SMTP.Mails()); n != 1 {
		t.Errorf("%d mails, want 1", n)
	}
}
