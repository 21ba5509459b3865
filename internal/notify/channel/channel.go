// Package channel delivers one rendered message over one channel (App IO,
// e-mail, SEND). Each Send is keyed by the delivery's idempotency key, so
// repeating it after a crash does not deliver twice where the receiver
// honours the key. A Refusal is permanent and means "try the next channel";
// any other error is temporary and means "retry later".
package channel

import (
	"errors"
	"time"
)

// Names of the channels.
const (
	IO    = "io"
	Email = "email"
	SEND  = "send"
	Inbox = "inbox"
)

// Message is what a channel needs to deliver.
type Message struct {
	IdempotencyKey string // per message and channel
	Module         string // the module whose template this is: picks the IO service
	FiscalCode     string
	Name           string // recipient's name when known (SEND denomination)
	Lang           string
	Subject        string
	Markdown       string
	Email          string
	DueDate        *time.Time
	Payment        *Payment
	Protocol       string // SEND paProtocolNumber
}

// Payment is a pagoPA notice attached to the message.
type Payment struct {
	NoticeNumber        string
	AmountCents         int64
	PayeeFiscalCode     string
	InvalidAfterDueDate bool
}

// Outcome is a successful hand-over.
type Outcome struct {
	ExternalID string // IO message id, SEND notificationRequestId, e-mail Message-ID
}

// Refusal means the channel will never deliver this message: fall back.
type Refusal struct{ Reason string }

func (r *Refusal) Error() string { return r.Reason }

// IsRefusal reports whether err is a Refusal and returns it.
func IsRefusal(err error) (*Refusal, bool) {
	var r *Refusal
	ok := errors.As(err, &r)
	return r, ok
}
