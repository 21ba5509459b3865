package notify

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"github.com/arengo-pa/arengo/internal/jobs"
	"github.com/arengo-pa/arengo/internal/store"
)

// The dispatcher drains due deliveries in leased batches. Deliveries are
// rows with next_at set; the kernel's job queue only wakes the dispatcher
// (at most one wake-up job per second), so a burst of a hundred thousand
// messages is a hundred thousand rows here, not a hundred thousand jobs.
const (
	jobDispatch      = "notify.dispatch"
	dispatchBatch    = 64
	dispatchWorkers  = 8
	dispatchMaxSlice = 5 * time.Minute // then the job hands over to a fresh one
)

// wakeAt makes sure a dispatch job runs at (or just after) t.
func (m *Module) wakeAt(ctx context.Context, tx *store.Tx, t time.Time) error {
	sec := t.UTC().Truncate(time.Second).Add(time.Second)
	_, err := m.deps.Jobs.Enqueue(ctx, tx, jobDispatch, struct{}{}, jobs.Opts{RunAt: sec, UniqueKey: fmt.Sprintf("%s:%d", jobDispatch, sec.Unix())})
	return err
}

// lease takes up to n due deliveries for this process. The conditional
// UPDATE is the compare-and-swap that keeps two dispatchers apart.
func (m *Module) lease(ctx context.Context, owner string, n int) ([]Delivery, error) {
	var out []Delivery
	err := m.deps.DB.Transact(ctx, func(tx *store.Tx) error {
		now := store.Now()
		rows, err := tx.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM notify_deliveries
			WHERE next_at <= $1 AND (lease_until IS NULL OR lease_until < $1) ORDER BY next_at LIMIT $2`, now, n)
		if err != nil {
			return err
		}
		var due []Delivery
		for rows.Next() {
			d, err := scanDelivery(rows)
			if err != nil {
				rows.Close()
				return err
			}
			due = append(due, d)
		}
		rows.Close()
		for _, d := range due {
			res, err := tx.ExecContext(ctx, `UPDATE notify_deliveries SET lease_until = $1, lease_owner = $2
				WHERE id = $3 AND next_at <= $4 AND (lease_until IS NULL OR lease_until < $4)`, now.Add(m.cfg.DeliveryLease), owner, d.ID, now)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 1 {
				out = append(out, d)
			}
		}
		return nil
	})
	return out, err
}

// runDispatch delivers or polls every due delivery, dispatchWorkers at a
// time, then schedules itself for the next one due.
func (m *Module) runDispatch(ctx context.Context, j *jobs.Job) error {
	start := time.Now()
	owner := m.owner + "/" + j.ID // each run holds its own leases, even within one process
	stop := m.heartbeat(ctx, owner)
	defer stop()
	for time.Since(start) < dispatchMaxSlice {
		batch, err := m.lease(ctx, owner, dispatchBatch)
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			return m.scheduleNext(ctx)
		}
		m.work(ctx, batch)
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return m.deps.DB.Transact(ctx, func(tx *store.Tx) error { return m.wakeAt(ctx, tx, store.Now()) })
}

// heartbeat renews the leases this run holds, so they run out only if the
// process dies: a slow channel never lets a second dispatcher take a
// delivery that is still being handed over.
func (m *Module) heartbeat(ctx context.Context, owner string) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(m.cfg.DeliveryLease / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				if _, err := m.deps.DB.Writer().ExecContext(ctx, `UPDATE notify_deliveries SET lease_until = $1 WHERE lease_owner = $2`,
					store.Now().Add(m.cfg.DeliveryLease), owner); err != nil && ctx.Err() == nil {
					m.deps.Log.Warn("notify: lease renewal", "err", err)
				}
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

func (m *Module) work(ctx context.Context, batch []Delivery) {
	next := make(chan Delivery)
	var wg sync.WaitGroup
	for w := 0; w < dispatchWorkers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range next {
				var err error
				if d.Status == Queued {
					err = m.deliverOne(ctx, d)
				} else {
					err = m.pollOne(ctx, d)
				}
				if err != nil {
					// The lease runs out and the next dispatch takes it again.
					m.deps.Log.Warn("notify: delivery not settled", "delivery", d.ID, "channel", d.Channel, "err", err)
				}
			}
		}()
	}
	for _, d := range batch {
		next <- d
	}
	close(next)
	wg.Wait()
}

// scheduleNext wakes the dispatcher when the next delivery falls due, or
// when the earliest lease held by a process that may have died runs out.
func (m *Module) scheduleNext(ctx context.Context) error {
	now := store.Now()
	var free, leased sql.NullTime
	err := m.deps.DB.QueryRowContext(ctx, `SELECT next_at FROM notify_deliveries WHERE next_at IS NOT NULL
		AND (lease_until IS NULL OR lease_until < $1) ORDER BY next_at LIMIT 1`, now).Scan(&free)
	if err != nil && err != sql.ErrNoRows {
		return err
	}
	err = m.deps.DB.QueryRowContext(ctx, `SELECT lease_until FROM notify_deliveries WHERE next_at IS NOT NULL
		AND lease_until >= $1 ORDER BY lease_until LIMIT 1`, now).Scan(&leased)
	if err != nil && err != sql.ErrNoRows {
		return err
	}
	at := free
	if leased.Valid && (!at.Valid || leased.Time.Before(at.Time)) {
		at = leased
	}
	if !at.Valid {
		return nil
	}
	return m.deps.DB.Transact(ctx, func(tx *store.Tx) error { return m.wakeAt(ctx, tx, at.Time) })
}
