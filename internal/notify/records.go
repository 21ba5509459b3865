package notify

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/store"
)

// Delivery statuses.
const (
	Queued    = "queued"    // decided, not yet handed to the channel
	Sent      = "sent"      // the channel accepted it
	Processed = "processed" // the channel confirmed it reached the citizen (IO inbox, SEND accepted, Area personale)
	Failed    = "failed"    // the channel will not deliver it; reason says why
)

// Message is a stored notification.
type Message struct {
	ID             string
	IdempotencyKey string
	FiscalCode     string
	Email          string // recipient without a fiscal code; emptied once the e-mail is settled
	EmailRef       string // pseudonym of Email, kept
	Template       string
	Data           string
	Lang           string
	Subject        string
	Body           string
	DueDate        *time.Time
	Payment        *Payment
	Legal          bool
	CampaignID     string
	Route          []string // why each path was taken, in order
	ReadAt         *time.Time
	CreatedAt      time.Time
}

// Payment is the pagoPA notice of a message, as stored.
type Payment struct {
	NoticeNumber        string `json:"notice_number"`
	AmountCents         int64  `json:"amount_cents"`
	PayeeFiscalCode     string `json:"payee_fiscal_code,omitempty"`
	InvalidAfterDueDate bool   `json:"invalid_after_due_date,omitempty"`
}

// Delivery is the state of one message on one channel.
type Delivery struct {
	ID             string
	MessageID      string
	Channel        string
	IdempotencyKey string
	Status         string
	Reason         string
	ExternalID     string
	Detail         string
	Attempts       int
	Polls          int
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

var messageColumns = messageCols("")

// messageCols lists the columns scanMessage reads, qualified by alias ("m.").
func messageCols(alias string) string {
	cols := []string{"id", "idempotency_key", "fiscal_code", "template", "data", "lang", "subject", "body", "due_date", "payment", "legal",
		"campaign_id", "route", "read_at", "created_at", "email", "email_ref"}
	for i, c := range cols {
		cols[i] = alias + c
		if c == "campaign_id" {
			cols[i] = "COALESCE(" + alias + c + ", '')"
		}
	}
	return strings.Join(cols, ", ")
}

type scanner interface{ Scan(...any) error }

func scanMessage(s scanner) (Message, error) {
	var m Message
	var due, read sql.NullTime
	var payment sql.NullString
	var route string
	err := s.Scan(&m.ID, &m.IdempotencyKey, &m.FiscalCode, &m.Template, &m.Data, &m.Lang, &m.Subject, &m.Body,
		&due, &payment, &m.Legal, &m.CampaignID, &route, &read, &m.CreatedAt, &m.Email, &m.EmailRef)
	if err != nil {
		return m, err
	}
	if due.Valid {
		t := due.Time.UTC()
		m.DueDate = &t
	}
	if read.Valid {
		t := read.Time.UTC()
		m.ReadAt = &t
	}
	if payment.Valid && payment.String != "" {
		m.Payment = &Payment{}
		if err := json.Unmarshal([]byte(payment.String), m.Payment); err != nil {
			return m, err
		}
	}
	_ = json.Unmarshal([]byte(route), &m.Route)
	m.CreatedAt = m.CreatedAt.UTC()
	return m, nil
}

func insertMessage(ctx context.Context, tx *store.Tx, m Message) error {
	var payment sql.NullString
	if m.Payment != nil {
		b, _ := json.Marshal(m.Payment)
		payment = sql.NullString{String: string(b), Valid: true}
	}
	var due sql.NullTime
	if m.DueDate != nil {
		due = sql.NullTime{Time: m.DueDate.UTC(), Valid: true}
	}
	var campaign sql.NullString
	if m.CampaignID != "" {
		campaign = sql.NullString{String: m.CampaignID, Valid: true}
	}
	route, _ := json.Marshal(nonNil(m.Route))
	_, err := tx.ExecContext(ctx, `INSERT INTO notify_messages (id, idempotency_key, fiscal_code, template, data, lang, subject, body,
		due_date, payment, legal, campaign_id, route, read_at, created_at, email, email_ref)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, NULL, $14, $15, $16)`,
		m.ID, m.IdempotencyKey, m.FiscalCode, m.Template, m.Data, m.Lang, m.Subject, m.Body, due, payment, m.Legal, campaign, string(route), m.CreatedAt,
		m.Email, m.EmailRef)
	return err
}

// forgetEmail empties the address of a message once its e-mail is settled:
// only the pseudonym stays.
func forgetEmail(ctx context.Context, tx *store.Tx, messageID string) error {
	_, err := tx.ExecContext(ctx, `UPDATE notify_messages SET email = '' WHERE id = $1 AND email <> ''`, messageID)
	return err
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// appendRoute adds a note on the path the message took.
func appendRoute(ctx context.Context, tx *store.Tx, messageID, note string) error {
	var raw string
	if err := tx.QueryRowContext(ctx, `SELECT route FROM notify_messages WHERE id = $1`, messageID).Scan(&raw); err != nil {
		return err
	}
	var route []string
	_ = json.Unmarshal([]byte(raw), &route)
	b, _ := json.Marshal(append(route, note))
	_, err := tx.ExecContext(ctx, `UPDATE notify_messages SET route = $1 WHERE id = $2`, string(b), messageID)
	return err
}

func getMessage(ctx context.Context, q querier, id string) (Message, error) {
	return scanMessage(q.QueryRowContext(ctx, `SELECT `+messageColumns+` FROM notify_messages WHERE id = $1`, id))
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

const deliveryColumns = `id, message_id, channel, idempotency_key, status, reason, external_id, detail, attempts, polls, created_at, updated_at`

func scanDelivery(s scanner) (Delivery, error) {
	var d Delivery
	err := s.Scan(&d.ID, &d.MessageID, &d.Channel, &d.IdempotencyKey, &d.Status, &d.Reason, &d.ExternalID, &d.Detail, &d.Attempts, &d.Polls, &d.CreatedAt, &d.UpdatedAt)
	d.CreatedAt, d.UpdatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC()
	return d, err
}

func getDelivery(ctx context.Context, q querier, id string) (Delivery, error) {
	return scanDelivery(q.QueryRowContext(ctx, `SELECT `+deliveryColumns+` FROM notify_deliveries WHERE id = $1`, id))
}

func deliveriesOf(ctx context.Context, q querier, messageID string) ([]Delivery, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM notify_deliveries WHERE message_id = $1 ORDER BY created_at, channel`, messageID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// insertDelivery stores a delivery; the idempotency key is the message's key
// and the channel, so a second decision for the same pair is a no-op.
func insertDelivery(ctx context.Context, tx *store.Tx, msg Message, channel, status, reason string, next *time.Time) (Delivery, bool, error) {
	now := store.Now()
	d := Delivery{ID: store.NewID(), MessageID: msg.ID, Channel: channel, IdempotencyKey: msg.IdempotencyKey + ":" + channel,
		Status: status, Reason: reason, CreatedAt: now, UpdatedAt: now}
	var at sql.NullTime
	if next != nil {
		at = sql.NullTime{Time: next.UTC(), Valid: true}
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO notify_deliveries (id, message_id, channel, idempotency_key, status, reason,
		external_id, detail, attempts, polls, next_at, lease_owner, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, '', '', 0, 0, $7, '', $8, $8)
		ON CONFLICT (message_id, channel) DO NOTHING`, d.ID, d.MessageID, d.Channel, d.IdempotencyKey, d.Status, d.Reason, at, now)
	if err != nil {
		return d, false, err
	}
	n, _ := res.RowsAffected()
	return d, n == 1, nil
}

var errNoRows = sql.ErrNoRows

func isNoRows(err error) bool { return errors.Is(err, errNoRows) }

// Badge is the Bootstrap Italia badge class of the delivery's status.
func (d Delivery) Badge() string {
	switch d.Status {
	case Processed:
		return "bg-success"
	case Sent:
		return "bg-primary"
	case Failed:
		return "bg-danger"
	}
	return "bg-secondary"
}
