// Package jobs is a job queue kept in the database: jobs are leased so that
// exactly one process runs each even with several processes, retried with
// backoff, and scheduled cron-style for nightly work.
package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/arengo-pa/arengo/internal/store"
)

// Status of a job.
const (
	Queued    = "queued"
	Running   = "running"
	Done      = "done"
	Failed    = "failed"
	Cancelled = "cancelled"
)

// Job is one unit of background work as a handler sees it.
type Job struct {
	ID       string
	Kind     string
	Payload  json.RawMessage
	Attempt  int
	queue    *Queue
	lastSave time.Time
}

// Decode unmarshals the payload into v.
func (j *Job) Decode(v any) error { return json.Unmarshal(j.Payload, v) }

// Progress records how far the job is; the web progress bar reads it.
// Calls are throttled so a tight loop can call it on every row.
func (j *Job) Progress(ctx context.Context, done, total int64, msg string) error {
	if done < total && time.Since(j.lastSave) < 250*time.Millisecond {
		return nil
	}
	j.lastSave = time.Now()
	_, err := j.queue.db.Writer().ExecContext(ctx, `UPDATE kernel_jobs SET progress_done = $1, progress_total = $2,
		progress_message = $3, updated_at = $4 WHERE id = $5`, done, total, msg, store.Now(), j.ID)
	return err
}

// Handler runs a job. Returning an error retries it with backoff until its
// attempts run out. A handler must stop when ctx ends.
type Handler func(ctx context.Context, j *Job) error

type kind struct {
	handle      Handler
	maxAttempts int
	timeout     time.Duration
}

// Option tunes a registered kind.
type Option func(*kind)

// MaxAttempts sets how many times a failing job runs before it is marked failed.
func MaxAttempts(n int) Option { return func(k *kind) { k.maxAttempts = n } }

// Timeout bounds one run of the job.
func Timeout(d time.Duration) Option { return func(k *kind) { k.timeout = d } }

type schedule struct {
	name, spec, kind string
	payload          []byte
	sched            cron.Schedule
}

// Queue stores, leases and runs jobs.
type Queue struct {
	db    *store.DB
	log   *slog.Logger
	owner string

	mu        sync.Mutex
	kinds     map[string]*kind
	schedules []schedule

	Workers      int
	PollInterval time.Duration
	LeaseFor     time.Duration
	wake         chan struct{}
}

// New returns a queue; owner identifies this process in leases.
func New(db *store.DB, log *slog.Logger, owner string) *Queue {
	return &Queue{db: db, log: log, owner: owner, kinds: map[string]*kind{},
		Workers: 4, PollInterval: time.Second, LeaseFor: time.Minute, wake: make(chan struct{}, 1)}
}

// Register declares the handler of a kind of job.
func (q *Queue) Register(name string, h Handler, opts ...Option) {
	k := &kind{handle: h, maxAttempts: 5, timeout: time.Hour}
	for _, o := range opts {
		o(k)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, dup := q.kinds[name]; dup {
		panic("jobs: kind " + name + " registered twice")
	}
	q.kinds[name] = k
}

// Opts tunes one enqueued job.
type Opts struct {
	RunAt     time.Time
	UniqueKey string // a second Enqueue with the same key returns the first job
}

// Enqueue stores a job, inside tx when given so it exists only if tx commits.
func (q *Queue) Enqueue(ctx context.Context, tx *store.Tx, kind string, payload any, o Opts) (string, error) {
	body, err := json.Marshal(payload)
	if err != nil {
		return "", fmt.Errorf("job %s payload: %w", kind, err)
	}
	q.mu.Lock()
	k, ok := q.kinds[kind]
	q.mu.Unlock()
	maxAttempts := 5
	if ok {
		maxAttempts = k.maxAttempts
	}
	now := store.Now()
	runAt := o.RunAt
	if runAt.IsZero() {
		runAt = now
	}
	var unique sql.NullString
	if o.UniqueKey != "" {
		unique = sql.NullString{String: o.UniqueKey, Valid: true}
	}
	id := store.NewID()
	insert := func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO kernel_jobs (id, kind, payload, status, run_at, attempts, max_attempts,
			unique_key, progress_done, progress_total, progress_message, created_at, updated_at)
			VALUES ($1, $2, $3, 'queued', $4, 0, $5, $6, 0, 0, '', $7, $7) ON CONFLICT (unique_key) DO NOTHING`,
			id, kind, string(body), runAt.UTC(), maxAttempts, unique, now)
		if err != nil {
			return fmt.Errorf("enqueue %s: %w", kind, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return tx.QueryRowContext(ctx, `SELECT id FROM kernel_jobs WHERE unique_key = $1`, o.UniqueKey).Scan(&id)
		}
		tx.AfterCommit(q.poke)
		return nil
	}
	if tx != nil {
		return id, insert(tx)
	}
	return id, q.db.Transact(ctx, insert)
}

func (q *Queue) poke() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// Schedule registers a recurring job. spec is a standard 5-field cron
// expression (or @daily, @hourly, @every 1h). Every process may register
// the same schedule; each occurrence runs once.
func (q *Queue) Schedule(name, spec, kind string, payload any) error {
	s, err := cron.ParseStandard(spec)
	if err != nil {
		return fmt.Errorf("schedule %s: bad spec %q: %w", name, spec, err)
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.schedules = append(q.schedules, schedule{name: name, spec: spec, kind: kind, payload: body, sched: s})
	return nil
}

// State is a job as the admin page shows it.
type State struct {
	ID, Kind, Status, LastError, ProgressMessage string
	Attempts, MaxAttempts                        int
	ProgressDone, ProgressTotal                  int64
	RunAt, CreatedAt, UpdatedAt                  time.Time
	FinishedAt                                   sql.NullTime
}

// Percent is the progress as 0–100.
func (s State) Percent() int {
	if s.Status == Done {
		return 100
	}
	if s.ProgressTotal <= 0 {
		return 0
	}
	return int(s.ProgressDone * 100 / s.ProgressTotal)
}

const stateColumns = `id, kind, status, COALESCE(last_error, ''), progress_message, attempts, max_attempts,
	progress_done, progress_total, run_at, created_at, updated_at, finished_at`

func scanState(sc interface{ Scan(...any) error }) (State, error) {
	var s State
	err := sc.Scan(&s.ID, &s.Kind, &s.Status, &s.LastError, &s.ProgressMessage, &s.Attempts, &s.MaxAttempts,
		&s.ProgressDone, &s.ProgressTotal, &s.RunAt, &s.CreatedAt, &s.UpdatedAt, &s.FinishedAt)
	return s, err
}

// Get returns one job's state.
func (q *Queue) Get(ctx context.Context, id string) (State, error) {
	s, err := scanState(q.db.QueryRowContext(ctx, `SELECT `+stateColumns+` FROM kernel_jobs WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("job %s: %w", id, err)
	}
	return s, err
}

// List returns the most recent jobs, optionally of one status.
func (q *Queue) List(ctx context.Context, status string, limit int) ([]State, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT `+stateColumns+` FROM kernel_jobs
		WHERE ($1 = '' OR status = $1) ORDER BY created_at DESC LIMIT $2`, status, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []State
	for rows.Next() {
		s, err := scanState(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// ScheduleState is a schedule as the admin page shows it.
type ScheduleState struct {
	Name, Spec, Kind string
	NextRun          time.Time
	LastRun          sql.NullTime
}

// Schedules lists the stored schedules.
func (q *Queue) Schedules(ctx context.Context) ([]ScheduleState, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT name, spec, kind, next_run, last_run FROM kernel_schedules ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ScheduleState
	for rows.Next() {
		var s ScheduleState
		if err := rows.Scan(&s.Name, &s.Spec, &s.Kind, &s.NextRun, &s.LastRun); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
