package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/arengo-pa/arengo/internal/events"
	"github.com/arengo-pa/arengo/internal/jobs"
	"github.com/arengo-pa/arengo/internal/notify/channel"
	"github.com/arengo-pa/arengo/internal/store"
)

const (
	jobDeliver = "notify.deliver"
	jobPoll    = "notify.poll"
	// deliverAttempts bounds the retries of a temporary failure (429, 5xx,
	// network) before the channel is given up and the fallback taken.
	deliverAttempts = 8
	pollAttempts    = 10
)

type deliverPayload struct {
	Delivery string `json:"delivery"`
}

type pollPayload struct {
	Delivery string `json:"delivery"`
	N        int    `json:"n"`
}

// runDeliver hands one delivery to its channel. It runs at least once per
// delivery; a rerun after a crash finds the delivery already sent, or sends
// again with the same idempotency key, which the receiver recognises.
func (m *Module) runDeliver(ctx context.Context, j *jobs.Job) error {
	var p deliverPayload
	if err := j.Decode(&p); err != nil {
		return err
	}
	d, err := getDelivery(ctx, m.deps.DB, p.Delivery)
	if err != nil {
		return err
	}
	if d.Status != Queued {
		return nil
	}
	msg, err := getMessage(ctx, m.deps.DB, d.MessageID)
	if err != nil {
		return err
	}
	prefs, err := m.citizenPreferences(ctx, m.deps.DB, msg.FiscalCode)
	if err != nil {
		return err
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
		if j.Attempt >= deliverAttempts {
			return m.fail(ctx, d, msg, prefs, fmt.Sprintf("nessuna consegna dopo %d tentativi: %v", j.Attempt, err))
		}
		d.Detail = fmt.Sprintf("tentativo %d non riuscito, si riprova: %v", j.Attempt, err)
		if uerr := m.deps.DB.Transact(ctx, func(tx *store.Tx) error { return updateDelivery(ctx, tx, d) }); uerr != nil {
			return uerr
		}
		return err
	}
	return m.deps.DB.Transact(ctx, func(tx *store.Tx) error {
		d.Status, d.ExternalID, d.Detail = Sent, out.ExternalID, ""
		if err := updateDelivery(ctx, tx, d); err != nil {
			return err
		}
		if d.Channel == channel.IO || d.Channel == channel.SEND {
			if _, err := m.deps.Jobs.Enqueue(ctx, tx, jobPoll, pollPayload{Delivery: d.ID, N: 1},
				jobs.Opts{RunAt: store.Now().Add(m.cfg.PollDelay), UniqueKey: "notify.poll:" + d.ID + ":1"}); err != nil {
				return err
			}
		}
		return deliveryEvent(ctx, tx, d)
	})
}

// fail records why a channel gave up and takes the fallback: App IO falls
// back to e-mail when an address is known, anything else to the Area
// personale alone (where the message already is).
func (m *Module) fail(ctx context.Context, d Delivery, msg Message, prefs Preferences, reason string) error {
	return m.deps.DB.Transact(ctx, func(tx *store.Tx) error {
		d.Status, d.Reason = Failed, reason
		if err := updateDelivery(ctx, tx, d); err != nil {
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

// runPoll asks IO or SEND what became of a sent delivery.
func (m *Module) runPoll(ctx context.Context, j *jobs.Job) error {
	var p pollPayload
	if err := j.Decode(&p); err != nil {
		return err
	}
	d, err := getDelivery(ctx, m.deps.DB, p.Delivery)
	if err != nil || d.Status != Sent {
		return err
	}
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
	default:
		return nil
	}
	if err != nil {
		return err
	}
	return m.deps.DB.Transact(ctx, func(tx *store.Tx) error {
		if status == "" {
			if p.N >= pollAttempts {
				return nil // stays "sent": the channel took it, it just never confirmed
			}
			next := pollPayload{Delivery: d.ID, N: p.N + 1}
			_, err := m.deps.Jobs.Enqueue(ctx, tx, jobPoll, next, jobs.Opts{
				RunAt: store.Now().Add(m.cfg.PollDelay * time.Duration(next.N)), UniqueKey: fmt.Sprintf("notify.poll:%s:%d", d.ID, next.N)})
			return err
		}
		d.Status, d.Reason = status, reason
		if detail != "" {
			d.Detail = detail
		}
		if err := updateDelivery(ctx, tx, d); err != nil {
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
