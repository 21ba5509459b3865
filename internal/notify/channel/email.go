package channel

import (
	"context"
	"errors"

	"github.com/arengo-pa/arengo/internal/notify/email"
	"github.com/arengo-pa/arengo/internal/notify/markdown"
)

// EmailChannel sends a plain-text and HTML mail over SMTP with STARTTLS.
type EmailChannel struct {
	Config email.Config
	Domain string // right side of the Message-ID
}

// Send mails the message; no address is a Refusal.
func (c *EmailChannel) Send(ctx context.Context, m Message) (Outcome, error) {
	if m.Email == "" {
		return Outcome{}, &Refusal{Reason: "il cittadino non ha indicato un indirizzo e-mail"}
	}
	id := m.IdempotencyKey + "@" + c.Domain
	err := email.Send(ctx, c.Config, email.Message{
		To: m.Email, Subject: m.Subject, Text: markdown.Text(m.Markdown), HTML: htmlPage(m), MessageID: id,
	})
	var pe *email.PermanentError
	if errors.As(err, &pe) {
		return Outcome{}, &Refusal{Reason: "il server di posta ha rifiutato il messaggio: " + err.Error()}
	}
	if err != nil {
		return Outcome{}, err
	}
	return Outcome{ExternalID: id}, nil
}

func htmlPage(m Message) string {
	lang := m.Lang
	if lang == "" {
		lang = "it"
	}
	return "<!doctype html><html lang=\"" + lang + "\"><head><meta charset=\"utf-8\"><title>" +
		escape(m.Subject) + "</title></head><body><h1>" + escape(m.Subject) + "</h1>\n" + markdown.HTML(m.Markdown) + "</body></html>"
}
