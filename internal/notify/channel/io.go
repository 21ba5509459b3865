package channel

import (
	"context"
	"errors"
	"fmt"

	"github.com/arengo-pa/arengo/internal/notify/appio"
)

// AppIO sends through the App IO Services API with one API key per IO
// service; the service is chosen by the message's module.
type AppIO struct {
	Client     *appio.Client
	DefaultKey string
	ModuleKeys map[string]string // module → API key of its IO service
	PayeeCF    string            // the comune's 11-digit fiscal code, for payment_data.payee
}

func (c *AppIO) key(module string) string {
	if k, ok := c.ModuleKeys[module]; ok {
		return k
	}
	return c.DefaultKey
}

// Send checks the profile, then submits. A citizen who is not on IO or has
// disabled the service is a Refusal, as is any 4xx answer.
func (c *AppIO) Send(ctx context.Context, m Message) (Outcome, error) {
	svc := c.Client.Service(c.key(m.Module))
	p, err := svc.Profile(ctx, m.FiscalCode)
	if errors.Is(err, appio.ErrNotUser) {
		return Outcome{}, &Refusal{Reason: "il cittadino non usa App IO"}
	}
	if err != nil {
		return Outcome{}, refusalIfPermanent(err)
	}
	if !p.SenderAllowed {
		return Outcome{}, &Refusal{Reason: "il cittadino ha disattivato il servizio su App IO"}
	}
	nm := appio.NewMessage{FiscalCode: m.FiscalCode, Content: appio.MessageContent{Subject: m.Subject, Markdown: m.Markdown}}
	if m.DueDate != nil {
		nm.Content.DueDate = &appio.Timestamp{Time: m.DueDate.UTC()}
	}
	if p := m.Payment; p != nil {
		payee := p.PayeeFiscalCode
		if payee == "" {
			payee = c.PayeeCF
		}
		nm.Content.PaymentData = &appio.PaymentData{Amount: p.AmountCents, NoticeNumber: p.NoticeNumber, InvalidAfterDueDate: p.InvalidAfterDueDate}
		if payee != "" {
			nm.Content.PaymentData.Payee = &appio.Payee{FiscalCode: payee}
		}
	}
	if err := nm.Validate(); err != nil {
		return Outcome{}, &Refusal{Reason: "messaggio non accettabile da App IO: " + err.Error()}
	}
	id, err := svc.Submit(ctx, nm, m.IdempotencyKey)
	if err != nil {
		return Outcome{}, refusalIfPermanent(err)
	}
	return Outcome{ExternalID: id}, nil
}

// Status asks IO what became of a submitted message: "processed", "failed"
// (with the reason) or "" while IO is still working on it.
func (c *AppIO) Status(ctx context.Context, module, fiscalCode, id string) (status, reason string, err error) {
	r, err := c.Client.Service(c.key(module)).Message(ctx, fiscalCode, id)
	if err != nil {
		return "", "", err
	}
	switch r.Status {
	case appio.StatusProcessed:
		return "processed", "", nil
	case appio.StatusRejected:
		return "failed", "App IO ha respinto il messaggio (destinatario inesistente o servizio bloccato)", nil
	case appio.StatusFailed:
		return "failed", "App IO non è riuscita a consegnare il messaggio", nil
	}
	return "", "", nil
}

func refusalIfPermanent(err error) error {
	var e *appio.Error
	if errors.As(err, &e) && !e.Temporary() {
		return &Refusal{Reason: fmt.Sprintf("App IO ha rifiutato il messaggio: %v", err)}
	}
	return err
}
