package notify_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/notify"
)

func TestEmailOnlyRecipient(t *testing.T) {
	app, m := newApp(t)
	const addr = "Anna.Verdi@Example.it"
	data := map[string]any{"number": "SGN-1", "state": "da confermare"}
	for _, n := range []kernel.Notification{
		{Email: "non-un-indirizzo", Template: "reports.state_changed", Data: data},
		{Email: "Anna <anna@example.it>", Template: "reports.state_changed", Data: data},
		{Email: addr, Template: "reports.state_changed", Data: data, Legal: true},
		{Template: "reports.state_changed", Data: data}, // nobody
	} {
		if _, err := send(t, app, n); errs.CodeOf(err) != errs.EINVALID {
			t.Errorf("%+v: want EINVALID, got %v", n, err)
		}
	}
	var n int
	app.Deps.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM notify_messages`).Scan(&n)
	if n != 0 {
		t.Fatalf("refused notifications stored %d messages", n)
	}

	id, err := send(t, app, kernel.Notification{Email: addr, Template: "reports.state_changed", Data: data, IdempotencyKey: "anon-1"})
	if err != nil {
		t.Fatal(err)
	}
	if again, err := send(t, app, kernel.Notification{Email: addr, Template: "reports.state_changed", Data: data, IdempotencyKey: "anon-1"}); err != nil || again != id {
		t.Fatalf("same key: %q %v, want %q", again, err, id)
	}
	waitStatus(t, app, id, "email", "sent")
	ds := deliveries(t, app, id)
	if len(ds) != 1 {
		t.Errorf("deliveries %v: only the e-mail (no inbox, no IO)", ds)
	}
	mails := m.Simulators().SMTP.Mails()
	if len(mails) != 1 || mails[0].To[0] != "Anna.Verdi@example.it" || !strings.Contains(mails[0].Subject, "SGN-1") {
		t.Fatalf("mails: %+v", mails)
	}
	// Once sent, only the pseudonym stays.
	var stored, ref, fc string
	app.Deps.DB.QueryRowContext(context.Background(), `SELECT email, email_ref, fiscal_code FROM notify_messages WHERE id = $1`, id).Scan(&stored, &ref, &fc)
	if stored != "" || fc != "" || !strings.HasPrefix(ref, "a…@e….it #") || strings.Contains(ref, "verdi") {
		t.Errorf("after sending: email %q, ref %q, fiscal code %q", stored, ref, fc)
	}

	// Staff: list, search by the address, detail, CSV show the pseudonym, never the address.
	c := app.Client(t)
	app.LoginStaff(t, c, "operatore", notify.PermRead)
	for _, u := range []string{"/admin/notifiche", "/admin/notifiche?cf=anna.verdi%40example.it", "/admin/notifiche/" + id, "/admin/notifiche.csv?cf=anna.verdi%40example.it"} {
		st, body := get(t, c, app.URL+u)
		if i := strings.LastIndex(body, "</form>"); i >= 0 {
			body = body[i:] // the search form keeps what staff typed
		}
		if st != 200 || !strings.Contains(body, ref) || strings.Contains(strings.ToLower(body), "anna.verdi") {
			t.Errorf("%s: %d, pseudonym shown %v, address shown %v", u, st, strings.Contains(body, ref), strings.Contains(strings.ToLower(body), "anna.verdi"))
		}
	}
	if _, body := get(t, c, app.URL+"/admin/notifiche?cf=altra%40example.it"); strings.Contains(body, ref) {
		t.Error("a search by another address finds the message")
	}
	// A citizen never sees it in the Area personale.
	cit := app.Client(t)
	app.LoginCitizen(t, cit, mario)
	if st, _ := get(t, cit, app.URL+"/area-personale/notifiche/"+id); st != 404 {
		t.Errorf("citizen opens an e-mail-only message: %d", st)
	}
	// The API: pseudonym only; search by e-mail.
	readKey := app.APIKey(t, notify.PermRead)
	req, _ := http.NewRequest("GET", app.URL+"/api/v1/notify/messages?email=anna.verdi@example.it", nil)
	req.Header.Set("Authorization", "Bearer "+readKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	resp.Body.Close()
	var page struct {
		Total int `json:"total"`
		Items []struct {
			EmailRef string `json:"email_ref"`
		} `json:"items"`
	}
	json.Unmarshal(buf.Bytes(), &page)
	if page.Total != 1 || page.Items[0].EmailRef != ref || strings.Contains(strings.ToLower(buf.String()), "anna.verdi") {
		t.Errorf("API search: %s", buf.String())
	}
	// The audit log names the pseudonym.
	var subjects int
	app.Deps.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM kernel_audit WHERE subject = $1`, ref).Scan(&subjects)
	if subjects == 0 {
		t.Error("staff reads of the message are not audited under the pseudonym")
	}
}

func TestEmailOnlyRecipientRefusedByServer(t *testing.T) {
	app, m := newApp(t)
	m.Simulators().SMTP.RejectRecipient = func(to string) bool { return strings.HasPrefix(to, "rifiuto@") }
	id, err := send(t, app, kernel.Notification{Email: "rifiuto@example.it", Template: "reports.state_changed",
		Data: map[string]any{"number": "SGN-2", "state": "x"}})
	if err != nil {
		t.Fatal(err)
	}
	waitStatus(t, app, id, "email", "failed")
	assertRoute(t, app, id, "nessun altro canale")
	kerneltest.Eventually(t, 5*time.Second, "address forgotten", func() bool {
		var stored string
		app.Deps.DB.QueryRowContext(context.Background(), `SELECT email FROM notify_messages WHERE id = $1`, id).Scan(&stored)
		return stored == ""
	})
}

// An e-mail-only recipient gets the language the sender gives; a citizen
// known by fiscal code keeps their own preference; other languages are refused.
func TestEmailOnlyRecipientLanguage(t *testing.T) {
	app, m := newApp(t)
	data := map[string]any{"number": "SGN-3", "state": "fixed"}
	if _, err := send(t, app, kernel.Notification{Email: "a@example.it", Lang: "de", Template: "reports.state_changed", Data: data}); errs.CodeOf(err) != errs.EINVALID {
		t.Errorf("lang de: %v", err)
	}
	en, err := send(t, app, kernel.Notification{Email: "john@example.org", Lang: "en", Template: "reports.state_changed", Data: data})
	if err != nil {
		t.Fatal(err)
	}
	it, err := send(t, app, kernel.Notification{Email: "anna@example.it", Template: "reports.state_changed", Data: data})
	if err != nil {
		t.Fatal(err)
	}
	savePrefs(t, app, mario, false, true, "mario@example.it")
	cit, err := send(t, app, kernel.Notification{FiscalCode: mario, Lang: "en", Template: "reports.state_changed", Data: data})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{en, it, cit} {
		waitStatus(t, app, id, "email", "sent")
	}
	subjects := map[string]string{}
	for _, ml := range m.Simulators().SMTP.Mails() {
		subjects[ml.To[0]] = ml.Subject
		if ml.To[0] == "john@example.org" && !strings.Contains(ml.Data, `lang=3D"en"`) { // quoted-printable
			t.Error("the English e-mail's HTML part is not marked lang=\"en\"")
		}
	}
	want := map[string]string{"john@example.org": "Report SGN-3 is fixed", "anna@example.it": "La segnalazione SGN-3 è fixed",
		"mario@example.it": "La segnalazione SGN-3 è fixed"}
	for to, s := range want {
		if !strings.Contains(subjects[to], s) {
			t.Errorf("%s: subject %q, want %q", to, subjects[to], s)
		}
	}
}

// The pseudonym is keyed with the installation secret: the same address
// gets the same pseudonym under one secret (across restarts, or another
// process given the same ARENGO_SECRET), another under a different secret,
// and it is not the unkeyed SHA-256 a known address could be checked against.
func TestEmailPseudonymIsKeyed(t *testing.T) {
	const addr = "Anna.Verdi@example.it"
	db := kerneltest.FreshDB(t)
	ref := func(env map[string]string) string {
		t.Helper()
		m := notify.New(notify.Config{})
		app := kerneltest.NewWith(t, kerneltest.Options{DB: db, Env: env, NoRun: true}, m, reportsStub{})
		id, err := send(t, app, kernel.Notification{Email: addr, Template: "reports.state_changed", Data: map[string]any{"number": "SGN-4", "state": "x"}})
		if err != nil {
			t.Fatal(err)
		}
		var r string
		app.Deps.DB.QueryRowContext(context.Background(), `SELECT email_ref FROM notify_messages WHERE id = $1`, id).Scan(&r)
		return r
	}
	dir := t.TempDir()
	first := ref(map[string]string{"ARENGO_DATA_DIR": dir})
	restarted := ref(map[string]string{"ARENGO_DATA_DIR": dir})
	s1 := map[string]string{"ARENGO_SECRET": strings.Repeat("s", 32)}
	a, b := ref(s1), ref(s1)
	other := ref(map[string]string{"ARENGO_SECRET": strings.Repeat("t", 32)})
	if first == "" || first != restarted || a != b {
		t.Errorf("not stable: generated secret %q then %q; same ARENGO_SECRET %q and %q", first, restarted, a, b)
	}
	if a == other || a == first {
		t.Errorf("different secrets give the same pseudonym %q", a)
	}
	sum := sha256.Sum256([]byte(strings.ToLower(addr)))
	for _, r := range []string{first, a, other} {
		if !strings.HasPrefix(r, "a…@e….it #") || strings.Contains(r, hex.EncodeToString(sum[:4])) || strings.Contains(strings.ToLower(r), "verdi") {
			t.Errorf("pseudonym %q: unkeyed hash or address in it", r)
		}
	}
}
