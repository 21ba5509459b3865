package notify

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/arengo-pa/arengo/internal/events"
	"github.com/arengo-pa/arengo/internal/notify/channel"
	"github.com/arengo-pa/arengo/internal/store"
)

const (
	// deliverAttempts bounds the retries of a temporary failure (429, 5xx,
	// network) before the channel is given up and the fallback taken.
	deliverAttempts = 8
	pollAttempts    = 10
)

// deliverOne hands one leased delivery to its channel. It runs at least
// once per delivery; a rerun after a crash finds the delivery already sent,
// or sends again with the same idempotency key, which the receiver
// recognises.
func (m *Module) deliverOne(ctx context.Context, d Delivery) error {
	msg, err := getMessage(ctx, m.deps.DB, d.MessageID)
	if err != nil {
		return err
	}
	prefs := emailOnly(msg.Email, msg.Lang)
	if msg.FiscalCode != "" {
		if prefs, err = m.citizenPreferences(ctx, m.deps.DB, msg.FiscalCode); err != nil {
			return err
		}
	}
	cm := toChannelMessage(msg, d, prefs)
	if d.Channel == channel.SEND {
		if c, err := m.deps.Auth.CitizenByFiscalCode(ctx, msg.FiscalCode); err == nil {
			cm.Name = c.Name
		}
	}
	out, err := m.channels.deliver(ctx, d.Channel, cm)
	d.Attempts++
	if r, refused := channel.IsRefusal(err); refused {
		return m.fail(ctx, d, msg, prefs, r.Reason)
	}
	if err != nil {
		if d.Attempts >= deliverAttempts {
			return m.fail(ctx, d, msg, prefs, fmt.Sprintf("nessuna consegna dopo %d tentativi: %v", d.Attempts, err))
		}
		d.Detail = fmt.Sprintf("tentativo %d non riuscito, si riprova: %v", d.Attempts, err)
		return m.deps.DB.Transact(ctx, func(tx *store.Tx) error {
			return m.reschedule(ctx, tx, d, store.Now().Add(retryBackoff(d.Attempts)))
		})
	}
	return m.deps.DB.Transact(ctx, func(tx *store.Tx) error {
		d.Status, d.ExternalID, d.Detail = Sent, out.ExternalID, ""
		var next *time.Time
		if d.Channel == channel.IO || d.Channel == channel.SEND {
			t := store.Now().Add(m.cfg.PollDelay)
			next = &t // ask later what became of it
		}
		if err := m.settle(ctx, tx, d, next); err != nil {
			return err
		}
		if msg.FiscalCode == "" {
			if err := forgetEmail(ctx, tx, msg.ID); err != nil {
				return err
			}
		}
		return deliveryEvent(ctx, tx, d)
	})
}

// retryBackoff is the wait before attempt n+1: 2s, 4s, 8s … capped at 10 minutes.
func retryBackoff(n int) time.Duration {
	return min(time.Duration(1<<min(n, 10))*time.Second, 10*time.Minute)
}

// settle stores the delivery, releases its lease and sets when it is due
// again (nil: never).
func (m *Module) settle(ctx context.Context, tx *store.Tx, d Delivery, next *time.Time) error {
	var at sql.NullTime
	if next != nil {
		at = sql.NullTime{Time: next.UTC(), Valid: true}
	}
	_, err := tx.ExecContext(ctx, `UPDATE notify_deliveries SET status = $1, reason = $2, external_id = $3, detail = $4,
		attempts = $5, polls = $6, next_at = $7, lease_until = NULL, lease_owner = '', updated_at = $8 WHERE id = $9`,
		d.Status, d.Reason, d.ExternalID, d.Detail, d.Attempts, d.Polls, at, store.Now(), d.ID)
	if err != nil || next == nil {
		return err
	}
	return m.wakeAt(ctx, tx, *next)
}

func (m *Module) reschedule(ctx context.Context, tx *store.Tx, d Delivery, at time.Time) error {
	return m.settle(ctx, tx, d, &at)
}

// fail records why a channel gave up and takes the fallback: App IO falls
// back to e-mail when an address is known, anything else to the Area
// personale alone (where the message already is).
func (m *Module) fail(ctx context.Context, d Delivery, msg Message, prefs Preferences, reason string) error {
	return m.deps.DB.Transact(ctx, func(tx *store.Tx) error {
		d.Status, d.Reason = Failed, reason
		if err := m.settle(ctx, tx, d, nil); err != nil {
			return err
		}
		note := channelLabel(d.Channel) + ": " + reason
		switch {
		case d.Channel == channel.IO && prefs.EmailAddress != "":
			has, err := hasDelivery(ctx, tx, msg.ID, channel.Email)
			if err != nil {
				return err
			}
			if has {
				note += " → resta l'e-mail già prevista"
			} else {
				note += " → ripiego sull'e-mail"
				if err := m.startDelivery(ctx, tx, msg, channel.Email, "ripiego da App IO: "+reason); err != nil {
					return err
				}
			}
		case d.Channel == channel.IO:
			note += " → nessun indirizzo e-mail: solo Area personale"
		case msg.FiscalCode == "":
			note += " → nessun altro canale per un destinatario senza codice fiscale"
			if err := forgetEmail(ctx, tx, msg.ID); err != nil {
				return err
			}
		default:
			note += " → solo Area personale"
		}
		if err := appendRoute(ctx, tx, msg.ID, note); err != nil {
			return err
		}
		return deliveryEvent(ctx, tx, d)
	})
}

func hasDelivery(ctx context.Context, tx *store.Tx, messageID, ch string) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM notify_deliveries WHERE message_id = $1 AND channel = $2`, messageID, ch).Scan(&n)
	return n > 0, err
}

// pollOne asks IO or SEND what became of a sent delivery.
func (m *Module) pollOne(ctx context.Context, d Delivery) error {
	msg, err := getMessage(ctx, m.deps.DB, d.MessageID)
	if err != nil {
		return err
	}
	var status, reason, detail string
	switch d.Channel {
	case channel.IO:
		status, reason, err = m.channels.io.Status(ctx, moduleOf(msg.Template), msg.FiscalCode, d.ExternalID)
	case channel.SEND:
		var iun string
		status, iun, detail, reason, err = m.channels.send.Progress(ctx, d.ExternalID)
		if iun != "" {
			reason = "IUN " + iun
		}
	}
	d.Polls++
	return m.deps.DB.Transact(ctx, func(tx *store.Tx) error {
		if err != nil || status == "" {
			if d.Polls >= pollAttempts {
				return m.settle(ctx, tx, d, nil) // stays "sent": the channel took it, it just never confirmed
			}
			return m.reschedule(ctx, tx, d, store.Now().Add(m.cfg.PollDelay*time.Duration(d.Polls+1)))
		}
		d.Status, d.Reason = status, reason
		if detail != "" {
			d.Detail = detail
		}
		if err := m.settle(ctx, tx, d, nil); err != nil {
			return err
		}
		if status == Failed {
			if err := appendRoute(ctx, tx, msg.ID, channelLabel(d.Channel)+": "+reason); err != nil {
				return err
			}
		}
		return deliveryEvent(ctx, tx, d)
	})
}

func deliveryEvent(ctx context.Context, tx *store.Tx, d Delivery) error {
	return events.Append(ctx, tx, events.Event{Type: "notify.delivery_" + d.Status, AggregateType: "message", AggregateID: d.MessageID,
		Data: map[string]any{"delivery_id": d.ID, "channel": d.Channel, "status": d.Status, "reason": d.Reason}})
}

func toChannelMessage(msg Message, d Delivery, prefs Preferences) channel.Message {
	cm := channel.Message{IdempotencyKey: d.IdempotencyKey, Module: moduleOf(msg.Template), FiscalCode: msg.FiscalCode,
		Lang: msg.Lang, Subject: msg.Subject, Markdown: msg.Body, Email: prefs.EmailAddress, DueDate: msg.DueDate, Protocol: d.IdempotencyKey}
	if p := msg.Payment; p != nil {
		cm.Payment = &channel.Payment{NoticeNumber: p.NoticeNumber, AmountCents: p.AmountCents, PayeeFiscalCode: p.PayeeFiscalCode, InvalidAfterDueDate: p.InvalidAfterDueDate}
	}
	return cm
}

func moduleOf(template string) string {
	for i := 0; i < len(template); i++ {
		if template[i] == '.' {
			return template[:i]
		}
	}
	return template
}

func channelLabel(ch string) string {
	switch ch {
	case channel.IO:
		return "App IO"
	case channel.Email:
		return "e-mail"
	case channel.SEND:
		return "SEND"
	case channel.Inbox:
		return "Area personale"
	}
	return ch
}
