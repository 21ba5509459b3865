package events

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/arengo-pa/arengo/internal/store"
)

// A read model kept in a process's memory follows the outbox with Head and
// After instead of a durable subscriber: it has no stored cursor (a new
// process rebuilds the model from its tables) and it catches up inside the
// request that needs it, so the answer reflects every change committed
// before the request began.

// Head is the seq of the last committed event, 0 when there is none. Since
// seq order is commit order (see Append), every event up to Head has
// committed: a reader that has applied the events up to Head has seen every
// change committed before it asked.
func Head(ctx context.Context, db *store.DB) (int64, error) {
	var head int64
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM kernel_outbox`).Scan(&head); err != nil {
		return 0, fmt.Errorf("outbox head: %w", err)
	}
	return head, nil
}

// After returns, in seq order, at most limit committed events with seq above
// after whose type starts with prefix ("" for every event).
func After(ctx context.Context, db *store.DB, after int64, prefix string, limit int) ([]Event, error) {
	like := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(prefix) + "%"
	rows, err := db.QueryContext(ctx, `
		SELECT `+eventColumns+` FROM kernel_outbox WHERE seq > $1 AND type LIKE $2 ESCAPE '\'
		ORDER BY seq LIMIT $3`, after, like, limit)
	if err != nil {
		return nil, fmt.Errorf("outbox read: %w", err)
	}
	return scanEvents(rows)
}

const eventColumns = `seq, id, type, aggregate_type, aggregate_id, aggregate_version, payload, occurred_at`

// scanEvents reads rows of eventColumns and closes them.
func scanEvents(rows *sql.Rows) ([]Event, error) {
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var payload string
		if err := rows.Scan(&e.Seq, &e.ID, &e.Type, &e.AggregateType, &e.AggregateID, &e.AggregateVersion, &payload, &e.OccurredAt); err != nil {
			return nil, err
		}
		e.Payload = []byte(payload)
		e.OccurredAt = e.OccurredAt.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}
