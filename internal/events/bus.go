package events

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/arengo-pa/arengo/internal/store"
)

// Handler processes one event. Delivery is at least once: a handler must be
// idempotent (the event ID is a natural key for that).
type Handler func(ctx context.Context, e Event) error

type subscriber struct {
	name     string
	prefixes []string
	handle   Handler
}

func (s *subscriber) wants(typ string) bool {
	if len(s.prefixes) == 0 {
		return true
	}
	for _, p := range s.prefixes {
		if strings.HasPrefix(typ, p) {
			return true
		}
	}
	return false
}

// Bus runs this process's durable subscribers. Each subscriber's cursor lives
// in the database under a lease, so across several processes exactly one runs
// a given subscriber at a time and a restarted process resumes where the last
// one stopped.
type Bus struct {
	db    *store.DB
	log   *slog.Logger
	owner string

	mu   sync.Mutex
	subs []*subscriber

	PollInterval time.Duration
	LeaseFor     time.Duration
	BatchSize    int
}

// NewBus returns a bus; owner identifies this process in leases.
func NewBus(db *store.DB, log *slog.Logger, owner string) *Bus {
	return &Bus{db: db, log: log, owner: owner, PollInterval: 500 * time.Millisecond, LeaseFor: 30 * time.Second, BatchSize: 500}
}

// Subscribe registers a durable subscriber before Run. name must be unique
// and stable: it keys the stored cursor. prefixes filter event types
// ("reports." or "payments.receipt_received"); none means every event.
func (b *Bus) Subscribe(name string, prefixes []string, h Handler) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, s := range b.subs {
		if s.name == name {
			panic("events: subscriber " + name + " registered twice")
		}
	}
	b.subs = append(b.subs, &subscriber{name: name, prefixes: prefixes, handle: h})
}

// Run delivers events until ctx ends.
func (b *Bus) Run(ctx context.Context) error {
	b.mu.Lock()
	subs := append([]*subscriber(nil), b.subs...)
	b.mu.Unlock()
	if len(subs) == 0 {
		<-ctx.Done()
		return nil
	}
	wake := addWaker()
	defer removeWaker(wake)
	backoff := map[string]time.Time{}
	failures := map[string]int{}
	for {
		for _, s := range subs {
			if time.Now().Before(backoff[s.name]) {
				continue
			}
			if err := b.deliver(ctx, s); err != nil {
				if ctx.Err() != nil {
					break
				}
				if errors.Is(err, errLeaseLost) {
					b.log.Info("subscriber taken over by another process", "subscriber", s.name)
					continue
				}
				failures[s.name]++
				wait := min(time.Duration(1<<min(failures[s.name], 8))*100*time.Millisecond, time.Minute)
				backoff[s.name] = time.Now().Add(wait)
				b.log.Warn("event delivery failed", "subscriber", s.name, "retry_in", wait, "err", err)
			} else {
				failures[s.name] = 0
			}
		}
		select {
		case <-ctx.Done():
			b.releaseAll(subs)
			return nil
		case <-wake:
		case <-time.After(b.PollInterval):
		}
	}
}

// deliver runs one subscriber until it has caught up, under its lease. A
// batch that takes long checkpoints its position and renews the lease on the
// way, so a slow handler neither loses its lease to another process (which
// would then deliver the same events again) nor repeats much after a crash.
func (b *Bus) deliver(ctx context.Context, s *subscriber) error {
	for {
		pos, ok, err := b.lease(ctx, s.name)
		if err != nil || !ok {
			return err
		}
		leased := time.Now()
		batch, err := b.read(ctx, pos)
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		done := pos
		var herr error
		for _, e := range batch {
			if s.wants(e.Type) {
				if herr = s.handle(ctx, e); herr != nil {
					herr = fmt.Errorf("event %d (%s): %w", e.Seq, e.Type, herr)
					break
				}
			}
			done = e.Seq
			if time.Since(leased) > b.LeaseFor/3 {
				if err := b.advance(ctx, s.name, done, nil); err != nil {
					return err
				}
				leased = time.Now()
			}
		}
		if err := b.advance(ctx, s.name, done, herr); err != nil {
			return err
		}
		if herr != nil {
			return herr
		}
	}
}

// lease takes or renews the subscriber's lease and returns its position.
// ok is false when another process holds it.
func (b *Bus) lease(ctx context.Context, name string) (pos int64, ok bool, err error) {
	now := store.Now()
	until := now.Add(b.LeaseFor)
	err = b.db.Transact(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO kernel_subscriptions (name, position, lease_owner, lease_until, updated_at)
			VALUES ($1, 0, NULL, NULL, $2) ON CONFLICT (name) DO NOTHING`, name, now); err != nil {
			return err
		}
		row := tx.QueryRowContext(ctx, `
			UPDATE kernel_subscriptions SET lease_owner = $1, lease_until = $2
			WHERE name = $3 AND (lease_owner IS NULL OR lease_owner = $1 OR lease_until < $4)
			RETURNING position`, b.owner, until, name, now)
		switch err := row.Scan(&pos); {
		case errors.Is(err, sql.ErrNoRows):
			return nil
		case err != nil:
			return err
		}
		ok = true
		return nil
	})
	return pos, ok, err
}

func (b *Bus) read(ctx context.Context, after int64) ([]Event, error) {
	rows, err := b.db.QueryContext(ctx, `SELECT `+eventColumns+` FROM kernel_outbox WHERE seq > $1 ORDER BY seq LIMIT $2`, after, b.BatchSize)
	if err != nil {
		return nil, fmt.Errorf("outbox read: %w", err)
	}
	return scanEvents(rows)
}

// errLeaseLost means another process took the subscriber over: this one
// stops delivering and leaves the position to the new holder.
var errLeaseLost = errors.New("subscriber lease lost to another process")

// advance stores the position and renews the lease, which must still be ours.
func (b *Bus) advance(ctx context.Context, name string, pos int64, herr error) error {
	var lastErr sql.NullString
	if herr != nil {
		lastErr = sql.NullString{String: herr.Error(), Valid: true}
	}
	now := store.Now()
	return b.db.Transact(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `
			UPDATE kernel_subscriptions SET position = $1, last_error = $2, updated_at = $3, lease_until = $4
			WHERE name = $5 AND lease_owner = $6`, pos, lastErr, now, now.Add(b.LeaseFor), name, b.owner)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return errLeaseLost
		}
		return nil
	})
}

func (b *Bus) releaseAll(subs []*subscriber) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, s := range subs {
		b.db.Transact(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE kernel_subscriptions SET lease_owner = NULL, lease_until = NULL
				WHERE name = $1 AND lease_owner = $2`, s.name, b.owner)
			return err
		})
	}
}

// SubscriberState is what the admin and /metrics show of a subscriber.
type SubscriberState struct {
	Name      string
	Position  int64
	Head      int64
	LastError string
	UpdatedAt time.Time
}

// Lag is how many events the subscriber still has to see.
func (s SubscriberState) Lag() int64 { return s.Head - s.Position }

// States lists every subscriber known to the database with its lag.
func (b *Bus) States(ctx context.Context) ([]SubscriberState, error) {
	var head int64
	if err := b.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM kernel_outbox`).Scan(&head); err != nil {
		return nil, err
	}
	rows, err := b.db.QueryContext(ctx, `SELECT name, position, COALESCE(last_error, ''), updated_at FROM kernel_subscriptions ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SubscriberState
	stored := map[string]bool{}
	for rows.Next() {
		s := SubscriberState{Head: head}
		if err := rows.Scan(&s.Name, &s.Position, &s.LastError, &s.UpdatedAt); err != nil {
			return nil, err
		}
		stored[s.Name] = true
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// A subscriber of this process that has not run yet has no row: it is
	// behind by everything, not caught up.
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, sub := range b.subs {
		if !stored[sub.name] {
			out = append(out, SubscriberState{Name: sub.name, Head: head})
		}
	}
	return out, nil
}
