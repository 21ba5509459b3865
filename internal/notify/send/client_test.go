package send_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/notify/send"
	"github.com/arengo-pa/arengo/internal/notify/sendsim"
)

const apiKey = "send-key"

func setup(t *testing.T, journal string) (*sendsim.Sim, *send.Client) {
	t.Helper()
	sim, err := sendsim.New(apiKey, journal)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return sim, &send.Client{BaseURL: srv.URL, APIKey: apiKey, BaseDelay: time.Millisecond}
}

func request(protocol, taxID string) send.NewNotificationRequest {
	return send.NewNotificationRequest{
		PaProtocolNumber: protocol, IdempotenceToken: "1", Subject: "Avviso di accertamento TARI 2025",
		Recipients: []send.Recipient{{RecipientType: "PF", TaxID: taxID, Denomination: "Mario Rossi",
			PhysicalAddress: &send.PhysicalAddress{Address: "Via Roma 1", Zip: "35100", Municipality: "Padova", Province: "PD"},
			Payments:        []send.Payment{{PagoPa: &send.PagoPaPayment{NoticeCode: "301000000000000123", CreditorTaxID: "00644060287"}}}}},
		PhysicalCommunicationType: "AR_REGISTERED_LETTER", NotificationFeePolicy: "FLAT_RATE",
		SenderDenomination: "Comune di Padova", SenderTaxID: "00644060287", TaxonomyCode: "010202N",
	}
}

var pdf = []byte("%PDF-1.4\n% atto di accertamento\n")

func TestFlowToAcceptedNotification(t *testing.T) {
	_, c := setup(t, "")
	ctx := context.Background()
	resp, err := c.Submit(ctx, request("PROT-2026-1", "RSSMRA80A01H501U"), []send.File{{Title: "Atto", ContentType: "application/pdf", Data: pdf}})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.NotificationRequestID) != 36 {
		t.Errorf("notificationRequestId %q is not 36 characters", resp.NotificationRequestID)
	}
	st, err := c.RequestStatus(ctx, resp.NotificationRequestID)
	if err != nil || st.NotificationRequestStatus != send.RequestWaiting || st.IUN != "" {
		t.Fatalf("first poll: %+v %v", st, err)
	}
	st, err = c.WaitAccepted(ctx, resp.NotificationRequestID, time.Millisecond)
	if err != nil || st.NotificationRequestStatus != send.RequestAccepted {
		t.Fatalf("acceptance: %+v %v", st, err)
	}
	if !send.ValidIUN(st.IUN) {
		t.Errorf("IUN %q has the wrong shape", st.IUN)
	}
	n, err := c.Notification(ctx, st.IUN)
	if err != nil {
		t.Fatal(err)
	}
	if n.IUN != st.IUN || len(n.Timeline) == 0 || n.Timeline[0].Category != "REQUEST_ACCEPTED" || n.NotificationStatusHistory[0].Status != "ACCEPTED" {
		t.Errorf("notification = %+v", n)
	}
}

func TestRepeatedRequestIsNotSentTwice(t *testing.T) {
	path := t.TempDir() + "/send.jsonl"
	_, c := setup(t, path)
	ctx := context.Background()
	files := []send.File{{Title: "Atto", ContentType: "application/pdf", Data: pdf}}
	first, err := c.Submit(ctx, request("PROT-2026-2", "RSSMRA80A01H501U"), files)
	if err != nil {
		t.Fatal(err)
	}
	// A new simulator over the same journal stands for SEND after our crash and restart.
	sim2, c2 := setup(t, path)
	second, err := c2.Submit(ctx, request("PROT-2026-2", "RSSMRA80A01H501U"), files)
	if err != nil {
		t.Fatal(err)
	}
	if second.NotificationRequestID != first.NotificationRequestID {
		t.Errorf("resubmission created request %s, first was %s", second.NotificationRequestID, first.NotificationRequestID)
	}
	if n, dups := sim2.Stats(); n != 1 || dups != 1 {
		t.Errorf("stats %d requests, %d duplicates; want 1, 1", n, dups)
	}
}

func TestRefusedNotificationCarriesErrors(t *testing.T) {
	sim, c := setup(t, "")
	sim.Refuse("VRDGPP70B02F205N", "indirizzo fisico non valido")
	ctx := context.Background()
	resp, err := c.Submit(ctx, request("PROT-2026-3", "VRDGPP70B02F205N"), []send.File{{Title: "Atto", ContentType: "application/pdf", Data: pdf}})
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.WaitAccepted(ctx, resp.NotificationRequestID, time.Millisecond)
	if err != nil || st.NotificationRequestStatus != send.RequestRefused || len(st.Errors) == 0 || st.IUN != "" {
		t.Fatalf("%+v %v", st, err)
	}
}

func TestUploadWithWrongChecksumIsRefused(t *testing.T) {
	_, c := setup(t, "")
	ctx := context.Background()
	slots, err := c.Preload(ctx, []send.PreLoadRequest{{PreloadIdx: "0", ContentType: "application/pdf", Sha256: send.Sha256Base64(pdf)}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Upload(ctx, slots[0], send.File{ContentType: "application/pdf", Data: []byte("altro contenuto")})
	var e *send.Error
	if !errors.As(err, &e) || e.Status != 400 {
		t.Fatalf("err = %v", err)
	}
}

func TestInvalidRequestAndKey(t *testing.T) {
	sim, c := setup(t, "")
	ctx := context.Background()
	bad := request("PROT-2026-4", "RSSMRA80A01H501U")
	bad.TaxonomyCode = "X"
	_, err := c.Submit(ctx, bad, []send.File{{Title: "Atto", ContentType: "application/pdf", Data: pdf}})
	if err == nil || !strings.Contains(err.Error(), "taxonomyCode") {
		t.Errorf("err = %v", err)
	}
	sim.Inject(sendsim.OpPreload, 503, 1)
	if _, err := c.Preload(ctx, []send.PreLoadRequest{{PreloadIdx: "0", ContentType: "application/pdf", Sha256: send.Sha256Base64(pdf)}}); err != nil {
		t.Errorf("503 was not retried: %v", err)
	}
	c.APIKey = "sbagliata"
	_, err = c.Preload(ctx, []send.PreLoadRequest{{PreloadIdx: "0", ContentType: "application/pdf", Sha256: send.Sha256Base64(pdf)}})
	var e *send.Error
	if !errors.As(err, &e) || e.Status != 403 {
		t.Errorf("err = %v", err)
	}
}
