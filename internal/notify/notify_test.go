package notify_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/notify"
	"github.com/arengo-pa/arengo/internal/store"
	"github.com/arengo-pa/arengo/internal/web"
)

const (
	mario    = "RSSMRA80A01H501U"
	laura    = "BNCLRA85M41G224B"
	giuseppe = "VRDGPP70T10G224J"
	stefania = "FRRSFN92C55G224U"
)

var stateChanged = kernel.NotificationTemplate{
	Key:      "reports.state_changed",
	Subject:  web.Msg{IT: "La segnalazione {{.number}} è {{.state}}", EN: "Report {{.number}} is {{.state}}"},
	Body:     web.Msg{IT: "Gentile cittadino,\n\nla segnalazione **{{.number}}** è ora *{{.state}}*. Puoi seguirla nell'Area personale del Comune.", EN: "Dear citizen,\n\nreport **{{.number}}** is now *{{.state}}*. You can follow it in the personal area of the municipality."},
	Required: []string{"number", "state"},
}

// reportsStub is a module that defines a template the way reports does.
type reportsStub struct{}

func (reportsStub) Name() string                 { return "reportsstub" }
func (reportsStub) Migrations() store.Migrations { return store.Migrations{} }
func (reportsStub) Init(d *kernel.Deps) error {
	d.Notifier.DefineTemplate(stateChanged)
	return nil
}

func newApp(t *testing.T) (*kerneltest.App, *notify.Module) {
	t.Helper()
	m := notify.New(notify.Config{PollDelay: 50 * time.Millisecond})
	app := kerneltest.New(t, m, reportsStub{})
	// Wait until the app serves: a test that ends while the kernel is still
	// starting makes Run fail on the cancelled context.
	kerneltest.Eventually(t, 10*time.Second, "app ready", func() bool {
		resp, err := http.Get(app.URL + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	return app, m
}

func send(t *testing.T, app *kerneltest.App, n kernel.Notification) (string, error) {
	t.Helper()
	var id string
	err := app.Deps.DB.Transact(context.Background(), func(tx *store.Tx) error {
		var err error
		id, err = app.Deps.Notifier.Notify(context.Background(), tx, n)
		return err
	})
	return id, err
}

func savePrefs(t *testing.T, app *kerneltest.App, cf string, io, email bool, addr string) {
	t.Helper()
	_, err := app.Deps.DB.ExecContext(context.Background(), `INSERT INTO notify_preferences (fiscal_code, io, email, email_address, lang, updated_at)
		VALUES ($1, $2, $3, $4, 'it', $5)`, cf, io, email, addr, store.Now())
	if err != nil {
		t.Fatal(err)
	}
}

// deliveries returns channel → "status: reason" for a message.
func deliveries(t *testing.T, app *kerneltest.App, id string) map[string]string {
	t.Helper()
	rows, err := app.Deps.DB.QueryContext(context.Background(), `SELECT channel, status, reason FROM notify_deliveries WHERE message_id = $1`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var ch, st, reason string
		rows.Scan(&ch, &st, &reason)
		out[ch] = st + ": " + reason
	}
	return out
}

func waitStatus(t *testing.T, app *kerneltest.App, id, ch, status string) {
	t.Helper()
	kerneltest.Eventually(t, 15*time.Second, ch+" "+status, func() bool {
		return strings.HasPrefix(deliveries(t, app, id)[ch], status+":")
	})
}

func TestNotifyReachesIOAndInbox(t *testing.T) {
	app, m := newApp(t)
	due := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	id, err := send(t, app, kernel.Notification{FiscalCode: mario, Template: "reports.state_changed",
		Data: map[string]any{"number": "2026/17", "state": "chiusa"}, DueDate: &due,
		Payment: &kernel.PaymentData{NoticeNumber: "301000000000000123", AmountCents: 4200}})
	if err != nil {
		t.Fatal(err)
	}
	waitStatus(t, app, id, "io", "processed")
	if d := deliveries(t, app, id); !strings.HasPrefix(d["inbox"], "processed") {
		t.Errorf("inbox delivery: %v", d)
	}
	got := m.Simulators().IO.Messages()
	if len(got) != 1 || got[0].Content.Subject != "La segnalazione 2026/17 è chiusa" || got[0].IdempotencyKey != id+":io" ||
		got[0].Content.PaymentData == nil || got[0].Content.PaymentData.Amount != 4200 || got[0].Content.PaymentData.Payee.FiscalCode != "00644060287" {
		t.Fatalf("IO received %+v", got)
	}
}

func TestFallback(t *testing.T) {
	app, m := newApp(t)
	m.Simulators().IO.NotUser(giuseppe)
	m.Simulators().IO.Block(stefania)
	savePrefs(t, app, giuseppe, true, false, "giuseppe@example.it")
	savePrefs(t, app, stefania, true, false, "stefania@example.it")
	savePrefs(t, app, laura, true, false, "") // no address: inbox only
	data := map[string]any{"number": "1", "state": "presa in carico"}
	cases := []struct {
		cf, ioReason, route string
		email               bool
	}{
		{giuseppe, "non usa App IO", "ripiego sull'e-mail", true},
		{stefania, "disattivato il servizio", "ripiego sull'e-mail", true},
	}
	for _, c := range cases {
		id, err := send(t, app, kernel.Notification{FiscalCode: c.cf, Template: "reports.state_changed", Data: data})
		if err != nil {
			t.Fatal(err)
		}
		waitStatus(t, app, id, "email", "sent")
		d := deliveries(t, app, id)
		if !strings.Contains(d["io"], c.ioReason) || !strings.HasPrefix(d["io"], "failed") || !strings.Contains(d["email"], "ripiego da App IO") {
			t.Errorf("%s: deliveries %v", c.cf, d)
		}
		assertRoute(t, app, id, c.route)
	}
	m.Simulators().IO.NotUser(laura)
	id, err := send(t, app, kernel.Notification{FiscalCode: laura, Template: "reports.state_changed", Data: data})
	if err != nil {
		t.Fatal(err)
	}
	waitStatus(t, app, id, "io", "failed")
	if _, ok := deliveries(t, app, id)["email"]; ok {
		t.Error("e-mail attempted without an address")
	}
	assertRoute(t, app, id, "solo Area personale")
	if n, _ := m.Simulators().SMTP.Stats(); n != 2 {
		t.Errorf("SMTP received %d mails, want 2", n)
	}
}

func assertRoute(t *testing.T, app *kerneltest.App, id, want string) {
	t.Helper()
	var route string
	app.Deps.DB.QueryRowContext(context.Background(), `SELECT route FROM notify_messages WHERE id = $1`, id).Scan(&route)
	if !strings.Contains(route, want) {
		t.Errorf("route %s does not say %q", route, want)
	}
}

func TestNotifyRefusesBeforeQueueing(t *testing.T) {
	app, _ := newApp(t)
	cases := []struct {
		name string
		n    kernel.Notification
		want string
	}{
		{"unknown template", kernel.Notification{FiscalCode: mario, Template: "reports.nope"}, "non esiste"},
		{"missing data", kernel.Notification{FiscalCode: mario, Template: "reports.state_changed", Data: map[string]any{"number": "1"}}, "mancano i dati state"},
		{"invalid fiscal code", kernel.Notification{FiscalCode: "RSSMRA80A01H501X", Template: "reports.state_changed", Data: map[string]any{"number": "1", "state": "x"}}, "carattere di controllo"},
		{"subject too long for IO", kernel.Notification{FiscalCode: mario, Template: "reports.state_changed", Data: map[string]any{"number": strings.Repeat("9", 120), "state": "x"}}, "App IO ne accetta da 10 a 120"},
		{"bad notice number", kernel.Notification{FiscalCode: mario, Template: "reports.state_changed", Data: map[string]any{"number": "1", "state": "chiusa"},
			Payment: &kernel.PaymentData{NoticeNumber: "123", AmountCents: 100}}, "18 cifre"},
	}
	for _, c := range cases {
		_, err := send(t, app, c.n)
		if errs.CodeOf(err) != errs.EINVALID || !strings.Contains(errs.MessageOf(err), c.want) {
			t.Errorf("%s: err = %v, want EINVALID mentioning %q", c.name, err, c.want)
		}
	}
	var n int
	app.Deps.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM notify_messages`).Scan(&n)
	if n != 0 {
		t.Errorf("%d messages stored", n)
	}
}

func TestSameIdempotencyKeySameMessage(t *testing.T) {
	app, m := newApp(t)
	n := kernel.Notification{FiscalCode: mario, Template: "reports.state_changed", Data: map[string]any{"number": "5", "state": "chiusa"}, IdempotencyKey: "reports:5:closed"}
	a, err := send(t, app, n)
	if err != nil {
		t.Fatal(err)
	}
	b, err := send(t, app, n)
	if err != nil || a != b {
		t.Fatalf("second Notify gave %q, %v; first %q", b, err, a)
	}
	waitStatus(t, app, a, "io", "processed")
	if got, _ := m.Simulators().IO.Stats(); got != 1 {
		t.Errorf("IO received %d messages", got)
	}
}

func TestLegalNoticeThroughSEND(t *testing.T) {
	app, m := newApp(t)
	id, err := send(t, app, kernel.Notification{FiscalCode: mario, Template: "reports.state_changed", Legal: true,
		Data: map[string]any{"number": "9", "state": "sanzionata"}})
	if err != nil {
		t.Fatal(err)
	}
	waitStatus(t, app, id, "send", "processed")
	var reason, detail string
	app.Deps.DB.QueryRowContext(context.Background(), `SELECT reason, detail FROM notify_deliveries WHERE message_id = $1 AND channel = 'send'`, id).Scan(&reason, &detail)
	if !strings.HasPrefix(reason, "IUN ") || !strings.Contains(detail, "REQUEST_ACCEPTED") {
		t.Errorf("SEND delivery reason %q detail %q: IUN and timeline must be kept", reason, detail)
	}
	if _, ok := deliveries(t, app, id)["io"]; ok {
		t.Error("a legal notice went to IO as well")
	}
	if n, _ := m.Simulators().SEND.Stats(); n != 1 {
		t.Errorf("SEND received %d", n)
	}
}

func TestSearchFilters(t *testing.T) {
	app, m := newApp(t)
	m.Simulators().IO.NotUser(laura)
	data := map[string]any{"number": "3", "state": "chiusa"}
	a, _ := send(t, app, kernel.Notification{FiscalCode: mario, Template: "reports.state_changed", Data: data})
	b, _ := send(t, app, kernel.Notification{FiscalCode: laura, Template: "reports.state_changed", Data: data})
	waitStatus(t, app, b, "io", "failed")
	cases := []struct {
		f    notify.Filter
		want []string
	}{
		{notify.Filter{}, []string{b, a}},
		{notify.Filter{FiscalCode: mario}, []string{a}},
		{notify.Filter{Channel: "io", Status: "failed"}, []string{b}},
		{notify.Filter{Text: "SEGNALAZIONE 3"}, []string{b, a}},
		{notify.Filter{Template: "notify.avviso"}, nil},
	}
	for i, c := range cases {
		rows, total, err := m.Search(context.Background(), c.f)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rows {
			got = append(got, r.ID)
		}
		if total != len(c.want) || strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("case %d: got %v (total %d), want %v", i, got, total, c.want)
		}
	}
}

func TestSeedDemoIsIdempotent(t *testing.T) {
	app, m := newApp(t)
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if err := m.SeedDemo(ctx, app.Deps); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	app.Deps.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM notify_messages`).Scan(&n)
	if n != 8 {
		t.Errorf("%d messages after seeding twice, want 8 (two per demo citizen)", n)
	}
}
