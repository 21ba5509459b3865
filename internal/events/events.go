// Package events is the transactional outbox: a module appends a domain event
// in the same transaction as its change, and a dispatcher delivers committed
// events to durable subscribers in commit order.
package events

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/store"
)

// Event is one committed fact. Seq is its position in commit order across
// the whole database.
type Event struct {
	Seq              int64
	ID               string
	Type             string // "<module>.<event>", e.g. "reports.state_changed"
	AggregateType    string
	AggregateID      string
	AggregateVersion int64
	// Data is what Append marshals into Payload; delivered events carry Payload.
	Data       any `json:"-"`
	Payload    json.RawMessage
	OccurredAt time.Time
}

// Module is the part of Type before the first dot.
func (e Event) Module() string {
	m, _, _ := strings.Cut(e.Type, ".")
	return m
}

// Decode unmarshals the payload into v.
func (e Event) Decode(v any) error { return json.Unmarshal(e.Payload, v) }

// Append records e in tx. Seq is taken under a lock held until commit (the
// single writer on SQLite, a transaction-level advisory lock on PostgreSQL),
// so sequence order is commit order and a reader never sees a later event
// before an earlier one has committed.
func Append(ctx context.Context, tx *store.Tx, e Event) error {
	return AppendAll(ctx, tx, []Event{e})
}

// AppendAll records es in tx in their order, as Append would one by one,
// with one lock and one statement: a group of changes committed together
// (the reports module's concurrent filings) costs two round trips to
// PostgreSQL instead of two per event. Nothing is written when any event is
// malformed.
func AppendAll(ctx context.Context, tx *store.Tx, es []Event) error {
	if len(es) == 0 {
		return nil
	}
	var q strings.Builder
	q.WriteString(`
		INSERT INTO kernel_outbox (seq, id, type, aggregate_type, aggregate_id, aggregate_version, payload, occurred_at)
		VALUES `)
	args := make([]any, 0, 7*len(es))
	for i, e := range es {
		if m, ev, ok := strings.Cut(e.Type, "."); !ok || m == "" || ev == "" {
			return fmt.Errorf("event type %q: want <module>.<event>", e.Type)
		}
		if e.AggregateType == "" || e.AggregateID == "" {
			return fmt.Errorf("event %s: aggregate type and id are required", e.Type)
		}
		if e.ID == "" {
			e.ID = store.NewID()
		}
		if e.OccurredAt.IsZero() {
			e.OccurredAt = store.Now()
		}
		payload := e.Payload
		if payload == nil {
			var err error
			if payload, err = json.Marshal(e.Data); err != nil {
				return fmt.Errorf("event %s payload: %w", e.Type, err)
			}
		}
		if i > 0 {
			q.WriteString(", ")
		}
		// Every row's subquery reads the table as it was before the
		// statement (both engines evaluate the rows before inserting
		// them), so the events take the next len(es) numbers in order.
		n := len(args)
		fmt.Fprintf(&q, "((SELECT COALESCE(MAX(seq), 0) + %d FROM kernel_outbox), $%d, $%d, $%d, $%d, $%d, $%d, $%d)",
			i+1, n+1, n+2, n+3, n+4, n+5, n+6, n+7)
		args = append(args, e.ID, e.Type, e.AggregateType, e.AggregateID, e.AggregateVersion, string(payload), e.OccurredAt.UTC())
	}
	if tx.Engine == store.Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7308151)`); err != nil {
			return fmt.Errorf("outbox lock: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
		return fmt.Errorf("outbox append %s: %w", es[0].Type, err)
	}
	tx.AfterCommit(wakeAll)
	return nil
}
