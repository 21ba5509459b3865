package reports

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"github.com/arengo-pa/arengo/internal/store"
)

// maxBatch bounds how many filings share one transaction.
const maxBatch = 32

// batcher groups filings that arrive together into one transaction (group
// commit): the first caller leads and commits everything queued behind it
// at that moment, the others wait for that commit. Each filing still runs
// all of its statements — number, row, outbox event, notification — in a
// transaction that commits before its caller gets an answer, so nothing
// acknowledged can be lost; what is shared is the BEGIN/COMMIT, the WAL
// write or fsync, and (PostgreSQL) the outbox lock. If the shared
// transaction fails, every filing of it is retried alone, so one bad
// filing fails only itself.
type batcher struct {
	mu      sync.Mutex
	queue   []*batchJob
	leading bool
}

type batchJob struct {
	ctx  context.Context
	work func(ctx context.Context, tx *store.Tx) error
	done chan error
	lead chan struct{}
}

// run executes work inside a write transaction, possibly shared with other
// callers' work. work must only touch the database through tx and may run
// more than once (the transaction can be retried).
func (b *batcher) run(ctx context.Context, db *store.DB, work func(ctx context.Context, tx *store.Tx) error) error {
	j := &batchJob{ctx: ctx, work: work, done: make(chan error, 1), lead: make(chan struct{})}
	b.mu.Lock()
	b.queue = append(b.queue, j)
	lead := !b.leading
	b.leading = true
	b.mu.Unlock()
	if lead {
		b.commitNext(db)
	}
	promoted := j.lead
	for {
		select {
		case err := <-j.done:
			return err
		case <-promoted:
			// A closed channel stays ready: lead once.
			promoted = nil
			b.commitNext(db)
		}
	}
}

// commitNext commits the jobs queued now, then hands the lead to the
// first job still queued (whose caller is waiting), or gives it up.
func (b *batcher) commitNext(db *store.DB) {
	b.mu.Lock()
	n := min(len(b.queue), maxBatch)
	batch := append([]*batchJob(nil), b.queue[:n]...)
	b.queue = b.queue[n:]
	b.mu.Unlock()

	defer func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		if len(b.queue) > 0 {
			close(b.queue[0].lead)
		} else {
			b.leading = false
		}
	}()
	b.commit(db, batch)
}

func (b *batcher) commit(db *store.DB, batch []*batchJob) {
	live := batch[:0]
	for _, j := range batch {
		if err := j.ctx.Err(); err != nil {
			j.done <- err
			continue
		}
		live = append(live, j)
	}
	if len(live) == 0 {
		return
	}
	// A caller that goes away must not spoil the others' transaction.
	ctx := context.WithoutCancel(live[0].ctx)
	err := transact(ctx, db, func(tx *store.Tx) error {
		for _, j := range live {
			if err := j.work(context.WithoutCancel(j.ctx), tx); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil || len(live) == 1 {
		for _, j := range live {
			j.done <- err
		}
		return
	}
	for _, j := range live {
		j.done <- transact(j.ctx, db, func(tx *store.Tx) error { return j.work(j.ctx, tx) })
	}
}

// transact is db.Transact with a panic turned into the error of the
// transaction, so that one filing's bug cannot leave the others waiting.
func transact(ctx context.Context, db *store.DB, fn func(tx *store.Tx) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("filing panicked: %v", p)
		}
	}()
	return db.Transact(ctx, fn)
}

// stmts are statements prepared once on the writer: SQLite parses a
// statement anew at every Exec otherwise, and the filing's insert is long.
// get must be called outside a transaction (on SQLite the writer has one
// connection, which a transaction holds); tx.StmtContext then binds the
// statement to a transaction, reusing the connection's prepared copy.
type stmts struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

func (p *stmts) get(ctx context.Context, db *store.DB, query string) (*sql.Stmt, error) {
	p.mu.Lock()
	st, ok := p.m[query]
	p.mu.Unlock()
	if ok {
		return st, nil
	}
	st, err := db.Writer().PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if old, ok := p.m[query]; ok {
		st.Close()
		return old, nil
	}
	if p.m == nil {
		p.m = map[string]*sql.Stmt{}
	}
	p.m[query] = st
	return st, nil
}
