package reports

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/arengo-pa/arengo/internal/store"
)

// maxBatch bounds how many filings share one transaction.
const maxBatch = 32

// batcher groups filings that arrive together into one transaction (group
// commit): the first caller leads and commits everything queued behind it
// at that moment, the others wait for that commit. The group's statements
// cover all of its filings at once (Service.file: numbers and rows, media,
// one outbox append), so on PostgreSQL a group costs the same few round
// trips as a single filing. Every filing is in a transaction that
// commits before its caller gets an answer, so nothing acknowledged can be
// lost. If the shared transaction fails, every filing of it is retried
// alone, so one bad filing fails only itself.
type batcher struct {
	mu      sync.Mutex
	queue   []*batchJob
	leading bool
}

// groupWork stores a group of filings in tx. It may run more than once
// (the transaction can be retried, or the group split) and must only touch
// the database through tx.
type groupWork func(ctx context.Context, tx *store.Tx, group []*filing) error

type batchJob struct {
	ctx  context.Context
	f    *filing
	work groupWork
	done chan error
	lead chan struct{}
}

// run stores f, possibly in one transaction with the filings queued at the
// same time. Every caller of a batcher passes the same work: the group's is
// run by whichever leads.
func (b *batcher) run(ctx context.Context, db *store.DB, f *filing, work groupWork) error {
	j := &batchJob{ctx: ctx, f: f, work: work, done: make(chan error, 1), lead: make(chan struct{})}
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
	group := make([]*filing, len(live))
	for i, j := range live {
		group[i] = j.f
	}
	// A caller that goes away must not spoil the others' transaction.
	ctx := context.WithoutCancel(live[0].ctx)
	err := transact(ctx, db, func(tx *store.Tx) error { return live[0].work(ctx, tx, group) })
	if err == nil || len(live) == 1 {
		for _, j := range live {
			j.done <- err
		}
		return
	}
	for _, j := range live {
		j.done <- transact(j.ctx, db, func(tx *store.Tx) error { return j.work(j.ctx, tx, []*filing{j.f}) })
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

// multiRow repeats the VALUES tuple of a one-row statement for rows rows,
// numbering the placeholders of row i from i*width+1: tuple uses $1..$width.
func multiRow(tuple string, width, rows int) string {
	var b strings.Builder
	for i := 0; i < rows; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		rest := tuple
		for {
			k := strings.IndexByte(rest, '$')
			if k < 0 {
				b.WriteString(rest)
				break
			}
			b.WriteString(rest[:k+1])
			rest = rest[k+1:]
			d := 0
			for d < len(rest) && rest[d] >= '0' && rest[d] <= '9' {
				d++
			}
			if d == 0 {
				continue
			}
			n, _ := strconv.Atoi(rest[:d])
			b.WriteString(strconv.Itoa(n + i*width))
			rest = rest[d:]
		}
	}
	return b.String()
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
