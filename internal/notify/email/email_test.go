package email_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"

	"github.com/arengo-pa/arengo/internal/notify/email"
	"github.com/arengo-pa/arengo/internal/notify/smtpsim"
)

func TestSendOverSTARTTLSMultipart(t *testing.T) {
	srv, err := smtpsim.Start("127.0.0.1:0", "")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	srv.Users = map[string]string{"arengo": "segreto"}
	cfg := email.Config{Addr: srv.Addr(), From: "Comune di Padova <noreply@comune.padova.it>", Username: "arengo", Password: "segreto", TLS: srv.ClientTLS()}
	m := email.Message{To: "mario.rossi@example.org", Subject: "La segnalazione è chiusa", Text: "Testo **semplice**", HTML: "<p>Testo <strong>HTML</strong></p>", MessageID: "m1.email@arengo"}
	if err := email.Send(context.Background(), cfg, m); err != nil {
		t.Fatal(err)
	}
	// The same Message-ID again is recognised by the receiver as a resubmission.
	if err := email.Send(context.Background(), cfg, m); err != nil {
		t.Fatal(err)
	}
	mails := srv.Mails()
	if n, dups := srv.Stats(); n != 1 || dups != 1 || !mails[0].TLS {
		t.Fatalf("stats %d/%d, mails %+v", n, dups, mails)
	}
	got := mails[0]
	if got.Subject != "La segnalazione è chiusa" || got.To[0] != "mario.rossi@example.org" || got.MessageID != "m1.email@arengo" {
		t.Errorf("mail = %+v", got)
	}
	msg, err := mail.ReadMessage(bufio.NewReader(strings.NewReader(got.Data)))
	if err != nil {
		t.Fatal(err)
	}
	_, params, _ := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	r := multipart.NewReader(msg.Body, params["boundary"])
	var types []string
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(p)
		types = append(types, p.Header.Get("Content-Type")+"="+string(body))
	}
	if len(types) != 2 || !strings.Contains(types[0], "text/plain") || !strings.Contains(types[1], "<strong>HTML</strong>") {
		t.Errorf("parts = %q", types)
	}
}

func TestWrongPasswordIsPermanent(t *testing.T) {
	srv, err := smtpsim.Start("127.0.0.1:0", "")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	srv.Users = map[string]string{"arengo": "segreto"}
	cfg := email.Config{Addr: srv.Addr(), From: "noreply@comune.padova.it", Username: "arengo", Password: "no", TLS: srv.ClientTLS()}
	err = email.Send(context.Background(), cfg, email.Message{To: "a@example.org", Subject: "x", Text: "x", HTML: "x"})
	var pe *email.PermanentError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v", err)
	}
}

func TestUntrustedCertificateIsRefused(t *testing.T) {
	srv, err := smtpsim.Start("127.0.0.1:0", "")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	cfg := email.Config{Addr: srv.Addr(), From: "noreply@comune.padova.it"} // system roots do not trust the simulator
	if err := email.Send(context.Background(), cfg, email.Message{To: "a@example.org", Subject: "x"}); err == nil {
		t.Fatal("mail sent over an unverified TLS connection")
	}
	if n, _ := srv.Stats(); n != 0 {
		t.Fatal("mail stored")
	}
}
