package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/arengo-pa/arengo/internal/store"
)

// Run claims and runs jobs and fires schedules until ctx ends. Then it stops
// claiming, gives running jobs up to drain to finish, and releases the leases
// of those still running so another process takes them over at once.
func (q *Queue) Run(ctx context.Context, drain time.Duration) error {
	if err := q.storeSchedules(ctx); err != nil {
		return err
	}
	jobCtx, cancelJobs := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelJobs()
	slots := make(chan struct{}, q.Workers)
	var running sync.WaitGroup
	for {
		if err := q.fireSchedules(ctx); err != nil && ctx.Err() == nil {
			q.log.Warn("schedules", "err", err)
		}
		for ctx.Err() == nil {
			select {
			case slots <- struct{}{}:
			default:
				goto wait
			}
			j, k, err := q.claim(ctx)
			if err != nil || j == nil {
				<-slots
				if err != nil && ctx.Err() == nil {
					q.log.Warn("job claim", "err", err)
				}
				break
			}
			running.Add(1)
			go func() {
				defer running.Done()
				q.execute(jobCtx, j, k)
				<-slots
				// A free worker looks for the next job now, not at the next poll.
				q.poke()
			}()
		}
	wait:
		select {
		case <-ctx.Done():
			finished := make(chan struct{})
			go func() { running.Wait(); close(finished) }()
			select {
			case <-finished:
			case <-time.After(drain):
				cancelJobs()
				<-finished
			}
			return nil
		case <-q.wake:
		case <-time.After(q.PollInterval):
		}
	}
}

// claim leases one due job: either queued and due, or running under a lease
// that expired because its process died. The conditional UPDATE is the
// compare-and-swap that keeps two processes from taking the same job.
func (q *Queue) claim(ctx context.Context) (*Job, *kind, error) {
	q.mu.Lock()
	kinds := make([]string, 0, len(q.kinds))
	for k := range q.kinds {
		kinds = append(kinds, k)
	}
	q.mu.Unlock()
	if len(kinds) == 0 {
		return nil, nil, nil
	}
	now := store.Now()
	// Two queries, each an ordered range of the (status, run_at) index, so a
	// claim costs the same however long the backlog is: due queued jobs, and
	// running jobs whose process died (their lease ran out).
	type cand struct{ id, kind string }
	var cands []cand
	for _, query := range []string{
		`SELECT id, kind FROM kernel_jobs WHERE status = 'running' AND lease_until < $1 LIMIT 20`,
		`SELECT id, kind FROM kernel_jobs WHERE status = 'queued' AND run_at <= $1 ORDER BY status, run_at LIMIT 20`,
	} {
		rows, err := q.db.QueryContext(ctx, query, now)
		if err != nil {
			return nil, nil, err
		}
		for rows.Next() {
			var c cand
			if err := rows.Scan(&c.id, &c.kind); err != nil {
				rows.Close()
				return nil, nil, err
			}
			cands = append(cands, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, err
		}
	}
	for _, c := range cands {
		q.mu.Lock()
		k := q.kinds[c.kind]
		q.mu.Unlock()
		if k == nil {
			continue // a kind another version of Arengo knows
		}
		var j *Job
		err := q.db.Transact(ctx, func(tx *store.Tx) error {
			row := tx.QueryRowContext(ctx, `UPDATE kernel_jobs SET status = 'running', lease_owner = $1, lease_until = $2,
				attempts = attempts + 1, updated_at = $3
				WHERE id = $4 AND ((status = 'queued' AND run_at <= $3) OR (status = 'running' AND lease_until < $3))
				RETURNING payload, attempts`, q.owner, now.Add(q.LeaseFor), now, c.id)
			var payload string
			var attempt int
			if err := row.Scan(&payload, &attempt); err != nil {
				return err
			}
			j = &Job{ID: c.id, Kind: c.kind, Payload: []byte(payload), Attempt: attempt, queue: q}
			return nil
		})
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		return j, k, nil
	}
	return nil, nil, nil
}

func (q *Queue) execute(ctx context.Context, j *Job, k *kind) {
	runCtx, cancel := context.WithTimeout(ctx, k.timeout)
	defer cancel()
	stopBeat := q.heartbeat(runCtx, j.ID)
	err := safeRun(runCtx, k.handle, j)
	stopBeat()
	// Record the outcome even when the run was cut short by shutdown.
	saveCtx, cancelSave := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancelSave()
	now := store.Now()
	var saveErr error
	switch {
	case err == nil:
		_, saveErr = q.db.Writer().ExecContext(saveCtx, `UPDATE kernel_jobs SET status = 'done', lease_owner = NULL,
			lease_until = NULL, last_error = NULL, finished_at = $1, updated_at = $1 WHERE id = $2 AND lease_owner = $3`, now, j.ID, q.owner)
	case ctx.Err() != nil:
		// Shutdown: hand the job back without spending an attempt.
		_, saveErr = q.db.Writer().ExecContext(saveCtx, `UPDATE kernel_jobs SET status = 'queued', lease_owner = NULL,
			lease_until = NULL, attempts = attempts - 1, updated_at = $1 WHERE id = $2 AND lease_owner = $3`, now, j.ID, q.owner)
	case j.Attempt >= k.maxAttempts:
		q.log.Error("job failed for good", "job", j.ID, "kind", j.Kind, "attempt", j.Attempt, "err", err)
		_, saveErr = q.db.Writer().ExecContext(saveCtx, `UPDATE kernel_jobs SET status = 'failed', lease_owner = NULL,
			lease_until = NULL, last_error = $1, finished_at = $2, updated_at = $2 WHERE id = $3 AND lease_owner = $4`, err.Error(), now, j.ID, q.owner)
	default:
		wait := Backoff(j.Attempt)
		q.log.Warn("job failed, will retry", "job", j.ID, "kind", j.Kind, "attempt", j.Attempt, "retry_in", wait, "err", err)
		_, saveErr = q.db.Writer().ExecContext(saveCtx, `UPDATE kernel_jobs SET status = 'queued', lease_owner = NULL,
			lease_until = NULL, last_error = $1, run_at = $2, updated_at = $3 WHERE id = $4 AND lease_owner = $5`, err.Error(), now.Add(wait), now, j.ID, q.owner)
	}
	if saveErr != nil {
		q.log.Error("job outcome not saved; its lease will expire and it will run again", "job", j.ID, "err", saveErr)
	}
}

func safeRun(ctx context.Context, h Handler, j *Job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return h(ctx, j)
}

// Backoff is the wait before retry number attempt: 2s, 4s, 8s … capped at 1h.
func Backoff(attempt int) time.Duration {
	return min(time.Duration(1<<min(attempt, 12))*time.Second, time.Hour)
}

// heartbeat renews the lease while the job runs, so a long job is not taken
// over by another process.
func (q *Queue) heartbeat(ctx context.Context, id string) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(q.LeaseFor / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				q.db.Writer().ExecContext(ctx, `UPDATE kernel_jobs SET lease_until = $1 WHERE id = $2 AND lease_owner = $3`,
					store.Now().Add(q.LeaseFor), id, q.owner)
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

func (q *Queue) storeSchedules(ctx context.Context) error {
	q.mu.Lock()
	scheds := append([]schedule(nil), q.schedules...)
	q.mu.Unlock()
	now := store.Now()
	for _, s := range scheds {
		err := q.db.Transact(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO kernel_schedules (name, spec, kind, payload, next_run)
				VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, payload = excluded.payload,
				next_run = CASE WHEN kernel_schedules.spec = excluded.spec THEN kernel_schedules.next_run ELSE excluded.next_run END,
				spec = excluded.spec`, s.name, s.spec, s.kind, string(s.payload), s.sched.Next(now).UTC())
			return err
		})
		if err != nil {
			return fmt.Errorf("schedule %s: %w", s.name, err)
		}
	}
	return nil
}

// fireSchedules enqueues the occurrences that are due. The conditional update
// on next_run makes each occurrence fire in exactly one process, and the
// job's unique key guards the enqueue itself.
func (q *Queue) fireSchedules(ctx context.Context) error {
	q.mu.Lock()
	scheds := append([]schedule(nil), q.schedules...)
	q.mu.Unlock()
	now := store.Now()
	for _, s := range scheds {
		err := q.db.Transact(ctx, func(tx *store.Tx) error {
			var due time.Time
			err := tx.QueryRowContext(ctx, `SELECT next_run FROM kernel_schedules WHERE name = $1`, s.name).Scan(&due)
			if err != nil || due.After(now) {
				return err
			}
			res, err := tx.ExecContext(ctx, `UPDATE kernel_schedules SET next_run = $1, last_run = $2 WHERE name = $3 AND next_run = $4`,
				s.sched.Next(now).UTC(), now, s.name, due)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil
			}
			_, err = q.Enqueue(ctx, tx, s.kind, rawJSON(s.payload), Opts{UniqueKey: fmt.Sprintf("schedule:%s:%d", s.name, due.Unix())})
			return err
		})
		if err != nil {
			return fmt.Errorf("schedule %s: %w", s.name, err)
		}
	}
	return nil
}

type rawJSON []byte

func (r rawJSON) MarshalJSON() ([]byte, error) { return r, nil }
