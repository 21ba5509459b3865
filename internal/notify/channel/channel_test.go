package channel_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/notify/appio"
	"github.com/arengo-pa/arengo/internal/notify/appiosim"
	"github.com/arengo-pa/arengo/internal/notify/channel"
	"github.com/arengo-pa/arengo/internal/notify/email"
	"github.com/arengo-pa/arengo/internal/notify/send"
	"github.com/arengo-pa/arengo/internal/notify/sendsim"
	"github.com/arengo-pa/arengo/internal/notify/smtpsim"
)

var body = strings.Repeat("La tua segnalazione è stata presa in carico dall'ufficio competente. ", 2)

func msg(cf string) channel.Message {
	due := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	return channel.Message{IdempotencyKey: "m-" + cf, Module: "payments", FiscalCode: cf, Lang: "it", Subject: "Nuovo avviso di pagamento",
		Markdown: body, Email: "mario@example.org", DueDate: &due, Protocol: "P1",
		Payment: &channel.Payment{NoticeNumber: "301000000000000123", AmountCents: 5000}}
}

func TestAppIO(t *testing.T) {
	sim, _ := appiosim.New("")
	sim.AddService("k-default", "S0")
	sim.AddService("k-pay", "S1")
	sim.NotUser("VRDGPP70B02F205N")
	sim.Block("BNCLCU85C41G224Q")
	srv := httptest.NewServer(sim)
	defer srv.Close()
	io := &channel.AppIO{Client: &appio.Client{BaseURL: srv.URL + "/api/v1", BaseDelay: time.Millisecond},
		DefaultKey: "k-default", ModuleKeys: map[string]string{"payments": "k-pay"}, PayeeCF: "00644060287"}
	ctx := context.Background()
	out, err := io.Send(ctx, msg("RSSMRA80A01H501U"))
	if err != nil {
		t.Fatal(err)
	}
	got := sim.Messages()
	if len(got) != 1 || got[0].ServiceID != "S1" || got[0].Content.PaymentData.Payee.FiscalCode != "00644060287" {
		t.Fatalf("IO received %+v: the payments module must use its own IO service", got)
	}
	if st, _, err := io.Status(ctx, "payments", "RSSMRA80A01H501U", out.ExternalID); err != nil || st != "processed" {
		t.Errorf("status %q %v", st, err)
	}
	for cf, want := range map[string]string{"VRDGPP70B02F205N": "non usa App IO", "BNCLCU85C41G224Q": "disattivato"} {
		_, err := io.Send(ctx, msg(cf))
		if r, ok := channel.IsRefusal(err); !ok || !strings.Contains(r.Reason, want) {
			t.Errorf("%s: %v", cf, err)
		}
	}
	sim.Inject(appiosim.OpProfile, 500, 10, "")
	if _, err := io.Send(ctx, msg("RSSMRA80A01H501U")); err == nil {
		t.Error("500s swallowed")
	} else if _, ok := channel.IsRefusal(err); ok {
		t.Error("a 500 must be retried later, not treated as a refusal")
	}
}

func TestEmail(t *testing.T) {
	srv, err := smtpsim.Start("127.0.0.1:0", "")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c := &channel.EmailChannel{Config: email.Config{Addr: srv.Addr(), From: "noreply@comune.padova.it", TLS: srv.ClientTLS()}, Domain: "arengo"}
	m := msg("RSSMRA80A01H501U")
	if _, err := c.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if !srv.HasMessageID(m.IdempotencyKey + "@arengo") {
		t.Error("mail not keyed by the idempotency key")
	}
	m.Email = ""
	if _, err := c.Send(context.Background(), m); err == nil {
		t.Error("no address must be a refusal")
	}
}

func TestSENDToAccepted(t *testing.T) {
	sim, _ := sendsim.New("k", "")
	sim.WaitingPolls = 0
	srv := httptest.NewServer(sim)
	defer srv.Close()
	c := &channel.SENDChannel{Client: &send.Client{BaseURL: srv.URL, APIKey: "k"}, SenderDenomination: "Comune di Padova", SenderTaxID: "00644060287", TaxonomyCode: "010202N"}
	out, err := c.Send(context.Background(), msg("RSSMRA80A01H501U"))
	if err != nil {
		t.Fatal(err)
	}
	st, iun, timeline, _, err := c.Progress(context.Background(), out.ExternalID)
	if err != nil || st != "processed" || !send.ValidIUN(iun) || !strings.Contains(timeline, "REQUEST_ACCEPTED") {
		t.Fatalf("%q %q %q %v", st, iun, timeline, err)
	}
}
