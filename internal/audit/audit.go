// Package audit keeps the log of every staff action and every access to a
// citizen's personal data: who, what, when, before and after.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/store"
)

// Entry is one audited action.
type Entry struct {
	Action     string // "<module>.<verb>", e.g. "reports.state_change", "payments.view_position"
	ObjectType string
	ObjectID   string
	Subject    string // fiscal code of the citizen whose data was touched, if any
	Before     any
	After      any
}

type ctxKey int

const (
	requestIDKey ctxKey = iota
	clientIPKey
)

// WithRequest records the request id and client address for entries made
// while serving the request.
func WithRequest(ctx context.Context, requestID, clientIP string) context.Context {
	ctx = context.WithValue(ctx, requestIDKey, requestID)
	return context.WithValue(ctx, clientIPKey, clientIP)
}

// RequestID returns the id set by WithRequest.
func RequestID(ctx context.Context) string {
	s, _ := ctx.Value(requestIDKey).(string)
	return s
}

// Record writes e in tx, with the actor taken from ctx (or "system" for
// background work).
func Record(ctx context.Context, tx *store.Tx, e Entry) error {
	actorKind, actorID, actorName := "system", "", ""
	if p := auth.FromContext(ctx); p != nil {
		actorKind, actorID = string(p.Kind), p.ID
		actorName = p.Username
		if actorName == "" {
			actorName = p.Name
		}
	}
	before, err := marshal(e.Before)
	if err != nil {
		return err
	}
	after, err := marshal(e.After)
	if err != nil {
		return err
	}
	ip, _ := ctx.Value(clientIPKey).(string)
	_, err = tx.ExecContext(ctx, `INSERT INTO kernel_audit (id, at, actor_kind, actor_id, actor_name, action, object_type, object_id,
		subject, before_json, after_json, client_ip, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		store.NewID(), store.Now(), actorKind, actorID, actorName, e.Action, e.ObjectType, e.ObjectID, e.Subject,
		before, after, ip, RequestID(ctx))
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// RecordNow writes e in its own transaction, for reads of personal data that
// change nothing else.
func RecordNow(ctx context.Context, db *store.DB, e Entry) error {
	return db.Transact(ctx, func(tx *store.Tx) error { return Record(ctx, tx, e) })
}

func marshal(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	return string(b), err
}

// Row is a stored entry.
type Row struct {
	ID, ActorKind, ActorID, ActorName, Action, ObjectType, ObjectID, Subject, Before, After, ClientIP, RequestID string
	At                                                                                                           time.Time
}

// Filter narrows a search; empty fields match everything.
type Filter struct {
	Actor, Action, Object, Subject string
	From, To                       time.Time
	Limit, Offset                  int
}

// Search returns entries newest first, and how many match in all.
func Search(ctx context.Context, db *store.DB, f Filter) ([]Row, int, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	if f.To.IsZero() {
		f.To = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	where := `WHERE ($1 = '' OR actor_name = $1 OR actor_id = $1) AND ($2 = '' OR action LIKE $2 || '%')
		AND ($3 = '' OR object_id = $3) AND ($4 = '' OR subject = $4) AND at >= $5 AND at < $6`
	args := []any{f.Actor, f.Action, f.Object, f.Subject, f.From.UTC(), f.To.UTC()}
	var total int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM kernel_audit `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.QueryContext(ctx, `SELECT id, at, actor_kind, actor_id, actor_name, action, object_type, object_id, subject,
		before_json, after_json, client_ip, request_id FROM kernel_audit `+where+` ORDER BY at DESC, id DESC LIMIT $7 OFFSET $8`,
		append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var r Row
		if err := rows.Scan(&r.ID, &r.At, &r.ActorKind, &r.ActorID, &r.ActorName, &r.Action, &r.ObjectType, &r.ObjectID,
			&r.Subject, &r.Before, &r.After, &r.ClientIP, &r.RequestID); err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}
