package appio_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/notify/appio"
	"github.com/arengo-pa/arengo/internal/notify/appiosim"
)

const (
	key       = "key-tributi"
	citizen   = "RSSMRA80A01H501U"
	notUser   = "VRDGPP70B02F205N"
	blocked   = "BNCLCU85C41G224Q"
	serviceID = "01TRIBUTI"
)

var body80 = strings.Repeat("Il Comune di Padova ti informa che è disponibile un nuovo avviso. ", 2)

func setup(t *testing.T) (*appiosim.Sim, *appio.Service) {
	t.Helper()
	sim, err := appiosim.New("")
	if err != nil {
		t.Fatal(err)
	}
	sim.AddService(key, serviceID)
	sim.NotUser(notUser)
	sim.Block(blocked)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	c := &appio.Client{BaseURL: srv.URL + "/api/v1", BaseDelay: time.Millisecond, MaxAttempts: 3}
	return sim, c.Service(key)
}

func message(cf string) appio.NewMessage {
	due := appio.Timestamp{Time: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}
	return appio.NewMessage{FiscalCode: cf, Content: appio.MessageContent{
		Subject: "Nuovo avviso TARI 2026", Markdown: body80, DueDate: &due,
		PaymentData: &appio.PaymentData{Amount: 12345, NoticeNumber: "301000000000000123", Payee: &appio.Payee{FiscalCode: "00644060287"}},
	}}
}

func TestSendFlow201AndStatus(t *testing.T) {
	sim, svc := setup(t)
	ctx := context.Background()
	p, err := svc.Profile(ctx, citizen)
	if err != nil || !p.SenderAllowed {
		t.Fatalf("profile: %+v %v", p, err)
	}
	id, err := svc.Submit(ctx, message(citizen), "m1:io")
	if err != nil {
		t.Fatal(err)
	}
	if len(id) != 26 {
		t.Errorf("IO id %q is not a ULID", id)
	}
	got, err := svc.Message(ctx, citizen, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != appio.StatusProcessed || got.Message.Content.PaymentData.NoticeNumber != "301000000000000123" ||
		!got.Message.Content.DueDate.Equal(time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("getMessage = %+v", got)
	}
	// Resubmitting with the same idempotency key does not create a second message.
	again, err := svc.Submit(ctx, message(citizen), "m1:io")
	if err != nil || again != id {
		t.Fatalf("resubmission gave %q, %v; want %q", again, err, id)
	}
	if n, dups := sim.Stats(); n != 1 || dups != 1 {
		t.Errorf("stats = %d messages, %d duplicates; want 1, 1", n, dups)
	}
}

func TestProfile404NotUserAndSenderNotAllowed(t *testing.T) {
	_, svc := setup(t)
	if _, err := svc.Profile(context.Background(), notUser); !errors.Is(err, appio.ErrNotUser) {
		t.Errorf("not a user: err = %v", err)
	}
	p, err := svc.Profile(context.Background(), blocked)
	if err != nil || p.SenderAllowed {
		t.Errorf("blocked: %+v %v", p, err)
	}
}

func TestGetMessage404(t *testing.T) {
	_, svc := setup(t)
	_, err := svc.Message(context.Background(), citizen, "01ZZZZZZZZZZZZZZZZZZZZZZZZ")
	var e *appio.Error
	if !errors.As(err, &e) || e.Status != http.StatusNotFound || e.Problem.Status != 404 {
		t.Fatalf("err = %v", err)
	}
}

func TestSubmit400FromTheSimulatorsOwnValidation(t *testing.T) {
	// The client refuses short subjects itself, so talk to the simulator directly.
	sim, _ := setup(t)
	srv := httptest.NewServer(sim)
	defer srv.Close()
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/messages",
		bytes.NewBufferString(`{"fiscal_code":"`+citizen+`","content":{"subject":"corto","markdown":"breve"}}`))
	req.Header.Set(appio.KeyHeader, key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 || resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("status %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

func TestClientRefusesWhatIOWouldRefuse(t *testing.T) {
	sim, svc := setup(t)
	m := message(citizen)
	m.Content.Subject = "breve"
	_, err := svc.Submit(context.Background(), m, "")
	if err == nil || !strings.Contains(err.Error(), "subject") {
		t.Fatalf("err = %v", err)
	}
	if sim.Requests(appiosim.OpSubmit) != 0 {
		t.Error("an invalid message reached IO")
	}
}

func TestStatusCodes(t *testing.T) {
	cases := []struct {
		name      string
		inject    int
		times     int
		retry     string
		wantErr   int // 0 = success after retries
		wantCalls int
	}{
		{"400 is not retried", 400, 1, "", 400, 1},
		{"403 is not retried", 403, 1, "", 403, 1},
		{"429 then success, Retry-After honoured", 429, 1, "0", 0, 2},
		{"429 until attempts run out", 429, 5, "", 429, 3},
		{"500 then success", 500, 2, "", 0, 3},
		{"500 until attempts run out", 500, 5, "", 500, 3},
		{"Retry-After too long is handed back", 429, 1, "3600", 429, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sim, svc := setup(t)
			sim.Inject(appiosim.OpSubmit, c.inject, c.times, c.retry)
			id, err := svc.Submit(context.Background(), message(citizen), "")
			var e *appio.Error
			switch {
			case c.wantErr == 0 && (err != nil || id == ""):
				t.Fatalf("want success, got %v", err)
			case c.wantErr != 0 && (!errors.As(err, &e) || e.Status != c.wantErr):
				t.Fatalf("want HTTP %d, got %v", c.wantErr, err)
			}
			if e != nil && e.Temporary() != (c.wantErr == 429 || c.wantErr >= 500) {
				t.Errorf("Temporary() = %v", e.Temporary())
			}
			if c.retry == "3600" && e.RetryAfter != time.Hour {
				t.Errorf("RetryAfter = %v", e.RetryAfter)
			}
			if got := sim.Requests(appiosim.OpSubmit); got != c.wantCalls {
				t.Errorf("calls = %d, want %d", got, c.wantCalls)
			}
		})
	}
}

func TestRestrictedService403(t *testing.T) {
	sim, svc := setup(t)
	sim.Restrict(key, citizen)
	if _, err := svc.Submit(context.Background(), message(citizen), ""); err != nil {
		t.Fatalf("allowed recipient: %v", err)
	}
	_, err := svc.Submit(context.Background(), message(blocked), "")
	var e *appio.Error
	if !errors.As(err, &e) || e.Status != 403 {
		t.Fatalf("err = %v", err)
	}
}

func TestWrongKey401(t *testing.T) {
	sim, _ := setup(t)
	srv := httptest.NewServer(sim)
	defer srv.Close()
	c := &appio.Client{BaseURL: srv.URL + "/api/v1"}
	_, err := c.Service("wrong").Profile(context.Background(), citizen)
	var e *appio.Error
	if !errors.As(err, &e) || e.Status != 401 || e.Temporary() {
		t.Fatalf("err = %v", err)
	}
}

func TestRejectedRecipientStatus(t *testing.T) {
	_, svc := setup(t)
	id, err := svc.Submit(context.Background(), message(blocked), "")
	if err != nil {
		t.Fatal(err)
	}
	m, err := svc.Message(context.Background(), blocked, id)
	if err != nil || m.Status != appio.StatusRejected {
		t.Fatalf("%+v %v", m, err)
	}
}

func TestJournalSurvivesRestart(t *testing.T) {
	path := t.TempDir() + "/io.jsonl"
	sim, err := appiosim.New(path)
	if err != nil {
		t.Fatal(err)
	}
	sim.AddService(key, serviceID)
	srv := httptest.NewServer(sim)
	c := &appio.Client{BaseURL: srv.URL + "/api/v1"}
	if _, err := c.Service(key).Submit(context.Background(), message(citizen), "k1"); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	sim.Close()

	sim2, err := appiosim.New(path)
	if err != nil {
		t.Fatal(err)
	}
	defer sim2.Close()
	if !sim2.HasKey("k1") {
		t.Fatal("restarted simulator forgot key k1")
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"": 0, "7": 7 * time.Second, "-1": 0, "soon": 0,
		"Thu, 01 Jan 2026 00:00:30 GMT": 30 * time.Second,
	} {
		if got := appio.ParseRetryAfter(in, now); got != want {
			t.Errorf("%q: %v, want %v", in, got, want)
		}
	}
}
