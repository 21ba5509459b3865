package notify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/notify"
)

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func post(t *testing.T, c *http.Client, u string, form url.Values) (int, string, string) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header.Get("Location")
}

func TestInboxReadUnreadAndPreferences(t *testing.T) {
	app, _ := newApp(t)
	id, err := send(t, app, kernel.Notification{FiscalCode: mario, Template: "reports.state_changed", Data: map[string]any{"number": "7", "state": "chiusa"}})
	if err != nil {
		t.Fatal(err)
	}
	send(t, app, kernel.Notification{FiscalCode: laura, Template: "reports.state_changed", Data: map[string]any{"number": "8", "state": "aperta"}})
	c := app.Client(t)
	app.LoginCitizen(t, c, mario)
	st, body := get(t, c, app.URL+"/area-personale/notifiche")
	if st != 200 || !strings.Contains(body, "La segnalazione 7 è chiusa") || strings.Contains(body, "segnalazione 8") {
		t.Fatalf("inbox %d: must list only Mario's message\n%s", st, body)
	}
	st, body = get(t, c, app.URL+"/area-personale/notifiche?stato=non-letti")
	if !strings.Contains(body, "segnalazione 7") {
		t.Error("unread filter hides an unread message")
	}
	st, body = get(t, c, app.URL+"/area-personale/notifiche/"+id)
	if st != 200 || !strings.Contains(body, "<strong>7</strong>") {
		t.Fatalf("message page %d", st)
	}
	if st, _, _ := post(t, c, app.URL+"/area-personale/notifiche/"+id+"/letto", url.Values{"read": {"1"}}); st != http.StatusSeeOther {
		t.Fatalf("mark read: %d", st)
	}
	_, body = get(t, c, app.URL+"/area-personale/notifiche?stato=non-letti")
	if strings.Contains(body, "segnalazione 7") {
		t.Error("read message still listed as unread")
	}
	// Another citizen cannot open it.
	other := app.Client(t)
	app.LoginCitizen(t, other, laura)
	if st, _ := get(t, other, app.URL+"/area-personale/notifiche/"+id); st != http.StatusNotFound {
		t.Errorf("another citizen's message: %d", st)
	}
	// Preferences: the form is prefilled with the login e-mail; a bad address names the field.
	_, body = get(t, c, app.URL+"/area-personale/notifiche/preferenze")
	if !strings.Contains(body, "rssmra80a01h501u@example.it") {
		t.Error("preferences not prefilled with the login e-mail")
	}
	st, body, _ = post(t, c, app.URL+"/area-personale/notifiche/preferenze", url.Values{"io": {"1"}, "email": {"1"}, "email_address": {"non-valido"}, "lang": {"it"}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "email_address") {
		t.Errorf("bad address: %d", st)
	}
	st, _, _ = post(t, c, app.URL+"/area-personale/notifiche/preferenze", url.Values{"email": {"1"}, "email_address": {"mario@example.org"}, "lang": {"en"}})
	if st != http.StatusSeeOther {
		t.Fatalf("save preferences: %d", st)
	}
	// Now Mario gets e-mail only, in English.
	id2, err := send(t, app, kernel.Notification{FiscalCode: mario, Template: "reports.state_changed", Data: map[string]any{"number": "9", "state": "closed"}})
	if err != nil {
		t.Fatal(err)
	}
	waitStatus(t, app, id2, "email", "sent")
	d := deliveries(t, app, id2)
	if _, ok := d["io"]; ok {
		t.Errorf("IO used after the citizen turned it off: %v", d)
	}
	var subject string
	app.Deps.DB.QueryRowContext(context.Background(), `SELECT subject FROM notify_messages WHERE id = $1`, id2).Scan(&subject)
	if subject != "Report 9 is closed" {
		t.Errorf("subject %q, want the English text", subject)
	}
}

func TestAdminPagesAndCSV(t *testing.T) {
	app, _ := newApp(t)
	id, _ := send(t, app, kernel.Notification{FiscalCode: mario, Template: "reports.state_changed", Data: map[string]any{"number": "7", "state": "chiusa"}})
	c := app.Client(t)
	if st, _ := get(t, c, app.URL+"/admin/notifiche"); st == 200 {
		t.Fatal("admin list open to anonymous visitors")
	}
	app.LoginStaff(t, c, "operatore", notify.PermRead, notify.PermManage)
	st, body := get(t, c, app.URL+"/admin/notifiche?cf="+mario)
	if st != 200 || !strings.Contains(body, "La segnalazione 7 è chiusa") || !strings.Contains(body, "App IO: simulatore") {
		t.Fatalf("admin list %d", st)
	}
	st, body = get(t, c, app.URL+"/admin/notifiche/"+id)
	if st != 200 || !strings.Contains(body, "preferenze del cittadino") || !strings.Contains(body, "consegnato") {
		t.Fatalf("admin detail %d: the route must be shown", st)
	}
	st, body = get(t, c, app.URL+"/admin/notifiche.csv?cf="+mario)
	if st != 200 || !strings.HasPrefix(body, "id,creato,codice_fiscale") || !strings.Contains(body, id) {
		t.Fatalf("csv %d %q", st, body)
	}
	// Template: preview shows both languages; an edit that does not parse is refused.
	st, body = get(t, c, app.URL+"/admin/notifiche/modelli/reports.state_changed")
	if st != 200 || !strings.Contains(body, "«number»") {
		t.Fatalf("template page %d", st)
	}
	form := url.Values{"subject_it": {"Segnalazione {{.number"}, "body_it": {"x"}, "action": {"save"}}
	if st, body, _ := post(t, c, app.URL+"/admin/notifiche/modelli/reports.state_changed", form); st != 422 || !strings.Contains(body, "oggetto (IT)") {
		t.Errorf("broken template: %d", st)
	}
	form = url.Values{"subject_it": {"Aggiornamento sulla segnalazione {{.number}}"}, "subject_en": {"Update on report {{.number}}"},
		"body_it": {stateChanged.Body.IT}, "body_en": {stateChanged.Body.EN}, "action": {"save"}}
	if st, _, _ := post(t, c, app.URL+"/admin/notifiche/modelli/reports.state_changed", form); st != http.StatusSeeOther {
		t.Fatalf("save template: %d", st)
	}
	id2, err := send(t, app, kernel.Notification{FiscalCode: mario, Template: "reports.state_changed", Data: map[string]any{"number": "11", "state": "chiusa"}})
	if err != nil {
		t.Fatal(err)
	}
	var subject string
	app.Deps.DB.QueryRowContext(context.Background(), `SELECT subject FROM notify_messages WHERE id = $1`, id2).Scan(&subject)
	if subject != "Aggiornamento sulla segnalazione 11" {
		t.Errorf("edited template not used: %q", subject)
	}
}

func TestAPI(t *testing.T) {
	app, _ := newApp(t)
	sendKey := app.APIKey(t, notify.PermSend)
	readKey := app.APIKey(t, notify.PermRead)
	call := func(key, method, path, body string) (int, map[string]any) {
		req, _ := http.NewRequest(method, app.URL+"/api/v1"+path, bytes.NewBufferString(body))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	st, out := call(sendKey, "POST", "/notify/messages", `{"fiscal_code":"RSSMRA80A01H501U","template":"reports.state_changed","data":{"number":"1"}}`)
	if st != 422 || !strings.Contains(out["detail"].(string), "mancano i dati state") {
		t.Fatalf("missing data: %d %v", st, out)
	}
	st, out = call(sendKey, "POST", "/notify/messages", `{"fiscal_code":"RSSMRA80A01H501A","template":"reports.state_changed","data":{"number":"1","state":"chiusa"}}`)
	if st != 422 || !strings.Contains(out["detail"].(string), "fiscal_code") {
		t.Fatalf("bad fiscal code: %d %v", st, out)
	}
	st, out = call(sendKey, "POST", "/notify/messages", `{"fiscal_code":"RSSMRA80A01H501U","template":"reports.state_changed","data":{"number":"1","state":"chiusa"},"idempotency_key":"k1"}`)
	if st != 201 {
		t.Fatalf("send: %d %v", st, out)
	}
	id := out["id"].(string)
	if st, _ := call(sendKey, "GET", "/notify/messages", ""); st != 403 {
		t.Errorf("search with a send-only key: %d", st)
	}
	kerneltest.Eventually(t, 10*time.Second, "IO processed", func() bool {
		_, m := call(readKey, "GET", "/notify/messages/"+id, "")
		ds, _ := m["deliveries"].([]any)
		for _, d := range ds {
			if d.(map[string]any)["channel"] == "io" && d.(map[string]any)["status"] == "processed" {
				return true
			}
		}
		return false
	})
	st, out = call(readKey, "GET", "/notify/messages?fiscal_code=RSSMRA80A01H501U&channel=io&status=processed", "")
	if st != 200 || out["total"].(float64) != 1 {
		t.Errorf("search: %d %v", st, out)
	}
}
