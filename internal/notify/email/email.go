// Package email sends a notification as a multipart/alternative mail
// (plain text and HTML) over SMTP, insisting on TLS via STARTTLS.
package email

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"
)

// Config is how to reach the SMTP server.
type Config struct {
	Addr     string // host:port
	From     string // "Comune di Padova <noreply@comune.padova.it>"
	Username string // AUTH PLAIN when not empty
	Password string
	TLS      *tls.Config // nil: system roots, server name from Addr
	Timeout  time.Duration
}

// Message is one mail to send.
type Message struct {
	To        string
	Subject   string
	Text      string
	HTML      string
	MessageID string // stable per message and channel: the receiver recognises a resubmission
}

// PermanentError is a 5xx SMTP answer: retrying the same mail will not help.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Send delivers m. The connection is upgraded with STARTTLS before any
// credentials or content are sent; a server without STARTTLS is refused.
func Send(ctx context.Context, cfg Config, m Message) error {
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return fmt.Errorf("mittente %q non valido: %w", cfg.From, err)
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return &PermanentError{fmt.Errorf("indirizzo e-mail %q non valido: %w", m.To, err)}
	}
	raw, err := Build(from, to, m, time.Now())
	if err != nil {
		return err
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("SMTP %s: %w", cfg.Addr, err)
	}
	conn.SetDeadline(time.Now().Add(timeout))
	host, _, _ := net.SplitHostPort(cfg.Addr)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return classify(err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); !ok {
		return errors.New("il server SMTP non offre STARTTLS: invio rifiutato")
	}
	tc := cfg.TLS
	if tc == nil {
		tc = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	if err := c.StartTLS(tc); err != nil {
		return fmt.Errorf("STARTTLS: %w", err)
	}
	if cfg.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", cfg.Username, cfg.Password, host)); err != nil {
			return classify(err)
		}
	}
	if err := c.Mail(from.Address); err != nil {
		return classify(err)
	}
	if err := c.Rcpt(to.Address); err != nil {
		return classify(err)
	}
	w, err := c.Data()
	if err != nil {
		return classify(err)
	}
	if _, err := w.Write(raw); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return classify(err)
	}
	return c.Quit()
}

func classify(err error) error {
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 {
		return &PermanentError{err}
	}
	return err
}

// Build writes the RFC 5322 message: headers, then a multipart/alternative
// body with a quoted-printable text part and HTML part.
func Build(from, to *mail.Address, m Message, now time.Time) ([]byte, error) {
	boundary := randomBoundary()
	var b bytes.Buffer
	h := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	h("From", from.String())
	h("To", to.String())
	h("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	h("Date", now.Format(time.RFC1123Z))
	if m.MessageID != "" {
		h("Message-ID", "<"+m.MessageID+">")
	}
	h("MIME-Version", "1.0")
	h("Content-Type", `multipart/alternative; boundary="`+boundary+`"`)
	b.WriteString("\r\n")
	for _, part := range []struct{ ctype, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		fmt.Fprintf(&b, "--%s\r\nContent-Type: %s; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n", boundary, part.ctype)
		qp := quotedprintable.NewWriter(&b)
		if _, err := qp.Write([]byte(strings.ReplaceAll(part.body, "\n", "\r\n"))); err != nil {
			return nil, err
		}
		if err := qp.Close(); err != nil {
			return nil, err
		}
		b.WriteString("\r\n")
	}
	fmt.Fprintf(&b, "--%s--\r\n", boundary)
	return b.Bytes(), nil
}

func randomBoundary() string {
	var r [12]byte
	_, _ = rand.Read(r[:])
	return fmt.Sprintf("arengo-%x", r)
}
