package smtpsim

import (
	"net/smtp"
	"strings"
	"testing"
)

func TestMailBeforeSTARTTLSIsRefused(t *testing.T) {
	srv, err := Start("127.0.0.1:0", "")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c, err := smtp.Dial(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Mail("a@example.org"); err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("MAIL in clear text: %v", err)
	}
}

func TestJournalRemembersMessageIDs(t *testing.T) {
	path := t.TempDir() + "/smtp.jsonl"
	srv, err := Start("127.0.0.1:0", path)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.store(Mail{Data: "Message-ID: <k1@arengo>\r\nSubject: =?utf-8?q?Citt=C3=A0?=\r\n\r\nbody"}); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	srv, err = Start("127.0.0.1:0", path)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if !srv.HasMessageID("k1@arengo") || srv.Mails()[0].Subject != "Città" {
		t.Fatalf("restarted server lost the mail: %+v", srv.Mails())
	}
}

func FuzzAddress(f *testing.F) {
	for _, s := range []string{"FROM:<a@b.it>", "TO:<a@b.it> SIZE=10", "FROM: a@b", "TO:", ":<>", "<"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if a := address(s); !strings.Contains(s, a) {
			t.Fatalf("address(%q) = %q is not taken from the command", s, a)
		}
	})
}
