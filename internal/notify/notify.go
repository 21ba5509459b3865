package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/arengo-pa/arengo/internal/events"
	"github.com/arengo-pa/arengo/internal/fiscalcode"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/notify/channel"
	"github.com/arengo-pa/arengo/internal/store"
)

var (
	noticeNumberShape = regexp.MustCompile(`^[0123][0-9]{17}$`)
	orgFiscalCode     = regexp.MustCompile(`^[0-9]{11}$`)
)

// Notify validates n and queues it in tx: the message, its inbox copy, one
// delivery per chosen channel and one job per delivery, all committed with
// the caller's change or not at all. Anything wrong with the request is
// refused with kernel.EINVALID before a row is written.
func (m *Module) Notify(ctx context.Context, tx *store.Tx, n kernel.Notification) (string, error) {
	msg, chans, err := m.prepare(ctx, tx, n)
	if err != nil {
		return "", err
	}
	if n.IdempotencyKey != "" {
		var id string
		err := tx.QueryRowContext(ctx, `SELECT id FROM notify_messages WHERE idempotency_key = $1`, n.IdempotencyKey).Scan(&id)
		if err == nil {
			return id, nil // same key, same message: never twice
		}
		if !isNoRows(err) {
			return "", err
		}
	}
	return msg.ID, m.queue(ctx, tx, msg, chans)
}

// prepare validates and renders; it writes nothing.
func (m *Module) prepare(ctx context.Context, tx *store.Tx, n kernel.Notification) (Message, []string, error) {
	cf := fiscalcode.Normalize(n.FiscalCode)
	var addr string // recipient known only by e-mail
	if cf == "" && strings.TrimSpace(n.Email) != "" {
		a, ok := normalizeEmail(n.Email)
		if !ok {
			return Message{}, nil, fieldError("email", "l'indirizzo e-mail del destinatario non è valido")
		}
		if n.Legal {
			return Message{}, nil, fieldError("legal", "una notifica legale richiede il codice fiscale del destinatario")
		}
		addr = a
	} else if err := fiscalcode.Person(cf); err != nil {
		return Message{}, nil, fieldError("fiscal_code", "%v", err)
	}
	t, ok, err := m.template(ctx, tx, n.Template)
	if err != nil {
		return Message{}, nil, err
	}
	if !ok {
		return Message{}, nil, fieldError("template", "il modello di notifica %q non esiste", n.Template)
	}
	lang := n.Lang
	switch lang {
	case "":
		lang = "it"
	case "it", "en":
	default:
		return Message{}, nil, fieldError("lang", "lingua %q non gestita: it oppure en", n.Lang)
	}
	prefs := emailOnly(addr, lang)
	if addr == "" {
		if prefs, err = m.citizenPreferences(ctx, tx, cf); err != nil {
			return Message{}, nil, err
		}
	}
	// Both languages must fit IO's limits: the citizen may switch language
	// between now and a retry, and the admin preview shows both.
	var rendered = map[string]string{}
	for _, lang := range []string{"it", "en"} {
		r, err := t.RenderForIO(lang, n.Data)
		if err != nil {
			return Message{}, nil, fieldError("data", "%v", err)
		}
		if lang == prefs.Lang {
			rendered["subject"], rendered["body"] = r.Subject, r.Markdown
		}
	}
	var pay *Payment
	if p := n.Payment; p != nil {
		if !noticeNumberShape.MatchString(p.NoticeNumber) {
			return Message{}, nil, fieldError("payment.notice_number", "il numero avviso %q deve avere 18 cifre e iniziare con 0, 1, 2 o 3", p.NoticeNumber)
		}
		if p.AmountCents < 1 || p.AmountCents > 9999999999 {
			return Message{}, nil, fieldError("payment.amount_cents", "importo %d centesimi fuori dai limiti pagoPA", p.AmountCents)
		}
		if p.PayeeFiscalCode != "" && !orgFiscalCode.MatchString(p.PayeeFiscalCode) {
			return Message{}, nil, fieldError("payment.payee_fiscal_code", "il codice fiscale dell'ente %q deve avere 11 cifre", p.PayeeFiscalCode)
		}
		pay = &Payment{NoticeNumber: p.NoticeNumber, AmountCents: p.AmountCents, PayeeFiscalCode: p.PayeeFiscalCode, InvalidAfterDueDate: p.InvalidAfterDueDate}
	}
	if n.Legal && m.channels.send == nil {
		return Message{}, nil, invalid("le notifiche legali richiedono SEND, che non è configurato")
	}
	data, err := json.Marshal(n.Data)
	if err != nil {
		return Message{}, nil, fieldError("data", "dati non serializzabili: %v", err)
	}
	id := store.NewID()
	key := n.IdempotencyKey
	if key == "" {
		key = id
	}
	msg := Message{ID: id, IdempotencyKey: key, FiscalCode: cf, Template: n.Template, Data: string(data), Lang: prefs.Lang,
		Subject: rendered["subject"], Body: rendered["body"], DueDate: n.DueDate, Payment: pay, Legal: n.Legal, CreatedAt: store.Now()}
	if msg.DueDate != nil {
		d := msg.DueDate.UTC()
		msg.DueDate = &d
	}
	if addr != "" {
		msg.Email, msg.EmailRef = addr, m.emailRef(addr)
		msg.Route = []string{"destinatario senza codice fiscale: solo e-mail"}
		return msg, []string{channel.Email}, nil
	}
	msg.Route = plan(prefs, n.Legal)
	return msg, channelsFor(prefs, n.Legal), nil
}

// emailOnly are the "preferences" of a recipient known only by address:
// e-mail, in the language the sender gave for them.
func emailOnly(addr, lang string) Preferences {
	return Preferences{Email: addr != "", EmailAddress: addr, Lang: lang}
}

// plan says which channels to use and notes why.
func plan(p Preferences, legal bool) []string {
	if legal {
		return []string{"notifica legale: SEND e Area personale"}
	}
	var chosen []string
	if p.IO {
		chosen = append(chosen, "App IO")
	}
	if p.Email && p.EmailAddress != "" {
		chosen = append(chosen, "e-mail")
	}
	if len(chosen) == 0 {
		return []string{"preferenze del cittadino: solo Area personale"}
	}
	return []string{"preferenze del cittadino: " + strings.Join(chosen, " e ") + ", sempre in Area personale"}
}

func channelsFor(p Preferences, legal bool) []string {
	if legal {
		return []string{channel.SEND}
	}
	var out []string
	if p.IO {
		out = append(out, channel.IO)
	}
	if p.Email && p.EmailAddress != "" {
		out = append(out, channel.Email)
	}
	return out
}

// queue writes the message, its deliveries and their jobs.
func (m *Module) queue(ctx context.Context, tx *store.Tx, msg Message, chans []string) error {
	if err := insertMessage(ctx, tx, msg); err != nil {
		return fmt.Errorf("notify: insert message: %w", err)
	}
	// The Area personale copy is delivered by being stored; a recipient
	// without a fiscal code has no Area personale.
	if msg.FiscalCode != "" {
		if _, _, err := insertDelivery(ctx, tx, msg, channel.Inbox, Processed, "", nil); err != nil {
			return err
		}
	}
	for _, ch := range chans {
		if err := m.startDelivery(ctx, tx, msg, ch, ""); err != nil {
			return err
		}
	}
	return events.Append(ctx, tx, events.Event{Type: "notify.message_queued", AggregateType: "message", AggregateID: msg.ID,
		AggregateVersion: 1, Data: map[string]any{"template": msg.Template, "legal": msg.Legal, "campaign_id": msg.CampaignID}})
}

// startDelivery records the decision to send on a channel, due now, and
// wakes the dispatcher, in the same transaction: after a crash the decision
// is still there, and its idempotency key stops a second hand-over.
func (m *Module) startDelivery(ctx context.Context, tx *store.Tx, msg Message, ch, reason string) error {
	now := store.Now()
	_, created, err := insertDelivery(ctx, tx, msg, ch, Queued, reason, &now)
	if err != nil || !created {
		return err
	}
	if err := m.wakeAt(ctx, tx, now); err != nil {
		return fmt.Errorf("notify: wake the dispatcher: %w", err)
	}
	return nil
}
