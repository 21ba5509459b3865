package channel

import (
	"context"
	"encoding/json"
	"errors"
	"html"

	"github.com/arengo-pa/arengo/internal/notify/send"
)

func escape(s string) string { return html.EscapeString(s) }

// SENDChannel notifies legal acts through SEND.
type SENDChannel struct {
	Client             *send.Client
	SenderDenomination string
	SenderTaxID        string
	TaxonomyCode       string
}

// Send preloads the act as PDF, uploads it and requests the notification.
// The paProtocolNumber is the idempotency key, so a repeat is answered 409
// by SEND and resolved to the first request.
func (c *SENDChannel) Send(ctx context.Context, m Message) (Outcome, error) {
	doc, err := ActPDF(m, c.SenderDenomination)
	if err != nil {
		return Outcome{}, err
	}
	name := m.Name
	if name == "" {
		name = m.FiscalCode
	}
	rc := send.Recipient{RecipientType: "PF", TaxID: m.FiscalCode, Denomination: name}
	req := send.NewNotificationRequest{
		PaProtocolNumber: m.IdempotencyKey, IdempotenceToken: "1", Subject: truncate(m.Subject, 134),
		Recipients: []send.Recipient{rc}, PhysicalCommunicationType: "AR_REGISTERED_LETTER", NotificationFeePolicy: "FLAT_RATE",
		SenderDenomination: c.SenderDenomination, SenderTaxID: c.SenderTaxID, TaxonomyCode: c.TaxonomyCode,
	}
	if p := m.Payment; p != nil {
		req.Recipients[0].Payments = []send.Payment{{PagoPa: &send.PagoPaPayment{NoticeCode: p.NoticeNumber, CreditorTaxID: c.SenderTaxID}}}
		req.Amount = p.AmountCents
		if m.DueDate != nil {
			req.PaymentExpirationDate = m.DueDate.UTC().Format("2006-01-02")
		}
	}
	resp, err := c.Client.Submit(ctx, req, []send.File{{Title: m.Subject, ContentType: "application/pdf", Data: doc}})
	var se *send.Error
	var ve *send.ValidationError
	switch {
	case errors.As(err, &ve):
		return Outcome{}, &Refusal{Reason: err.Error()}
	case errors.As(err, &se) && !se.Temporary():
		return Outcome{}, &Refusal{Reason: "SEND ha rifiutato la richiesta: " + err.Error()}
	case err != nil:
		return Outcome{}, err
	}
	return Outcome{ExternalID: resp.NotificationRequestID}, nil
}

// Progress polls acceptance: status "" while SEND validates, "processed"
// with the IUN and the timeline (JSON) once accepted, "failed" if refused.
func (c *SENDChannel) Progress(ctx context.Context, requestID string) (status, iun, timeline, reason string, err error) {
	st, err := c.Client.RequestStatus(ctx, requestID)
	if err != nil {
		return "", "", "", "", err
	}
	switch st.NotificationRequestStatus {
	case send.RequestRefused:
		b, _ := json.Marshal(st.Errors)
		return "failed", "", "", "SEND ha respinto la notifica: " + string(b), nil
	case send.RequestAccepted:
		n, err := c.Client.Notification(ctx, st.IUN)
		if err != nil {
			return "", "", "", "", err
		}
		b, _ := json.Marshal(n)
		return "processed", st.IUN, string(b), "", nil
	}
	return "", "", "", "", nil
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
