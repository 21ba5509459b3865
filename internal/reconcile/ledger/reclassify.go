package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/arengo-pa/arengo/internal/reconcile/match"
	"github.com/arengo-pa/arengo/internal/store"
)

// classifyBatch is how many keys one transaction reclassifies: enough to
// keep commits few, few enough to keep memory small. Tests lower it to run
// many batches on a small day.
var classifyBatch = 2000

// analyzeAbove is the backlog after which statistics are refreshed first: a
// bulk load leaves the planners guessing, and a guess of "few rows" turns each
// IUV lookup into a scan of the whole table.
var analyzeAbove int64 = 5000

func (l *Ledger) analyze(ctx context.Context) error {
	if l.DB.Engine == store.SQLite {
		// A sample is enough to tell the planner the tables are big; a full
		// ANALYZE reads every index of a million-row load.
		if _, err := l.DB.Writer().ExecContext(ctx, "PRAGMA analysis_limit = 1000"); err != nil {
			return fmt.Errorf("analysis_limit: %w", err)
		}
	}
	for _, t := range []string{"reconcile_flow", "reconcile_flow_row", "reconcile_receipt", "reconcile_notification", "reconcile_movement", "reconcile_item", "reconcile_dirty"} {
		if _, err := l.DB.Writer().ExecContext(ctx, "ANALYZE "+t); err != nil {
			return fmt.Errorf("analyze %s: %w", t, err)
		}
	}
	return nil
}

// Stats counts what a reclassification did.
type Stats struct {
	Keys    int64 `json:"keys"`
	Changed int64 `json:"changed"`
	Removed int64 `json:"removed"`
}

// run is one reclassification and the flows read in its current batch.
type run struct {
	l        *Ledger
	notified map[string]bool
	flows    map[string]*match.FlowEvidence // by IUF, this batch only; nil = no flow loaded
	// SQLite: the items' insert and upsert, prepared once per run.
	added, updated *statements
	now            time.Time
	stats          Stats

	// SQLite, payments: the next batch's evidence, read on a read connection
	// while this one is written, and the writer's state when this one ended.
	next   <-chan prefetched
	writer writerState

	// PostgreSQL: claim keys after this one (see claim); the largest key of
	// the last batch.
	after, last string
}

// Pending counts the keys waiting for reclassification.
func (l *Ledger) Pending(ctx context.Context) (int64, error) {
	var n int64
	err := l.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM reconcile_dirty").Scan(&n)
	return n, err
}

// Reclassify classifies every key marked since the last run, in batches, and
// reports progress as keys done out of keys pending at the start. Running it
// again with nothing new changes nothing.
func (l *Ledger) Reclassify(ctx context.Context, progress func(done, total int64)) (Stats, error) {
	rn := &run{l: l, notified: map[string]bool{}, flows: map[string]*match.FlowEvidence{}, now: store.Now()}
	rows, err := l.DB.QueryContext(ctx, "SELECT debt_type FROM reconcile_debt_type WHERE notified = TRUE")
	if err != nil {
		return rn.stats, err
	}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return rn.stats, err
		}
		rn.notified[t] = true
	}
	rows.Close()
	total, err := l.Pending(ctx)
	if err != nil {
		return rn.stats, err
	}
	if l.DB.Engine == store.SQLite {
		if rn.added, err = prepareInserter(ctx, l.DB, itemInsert, "", itemCols); err != nil {
			return rn.stats, err
		}
		defer rn.added.close()
		if rn.updated, err = prepareInserter(ctx, l.DB, itemInsert, itemUpsert, itemCols); err != nil {
			return rn.stats, err
		}
		defer rn.updated.close()
	}
	var mu sync.Mutex // done may be called from two goroutines at once
	did := false
	done := func(n int) {
		mu.Lock()
		defer mu.Unlock()
		did = true
		rn.stats.Keys += int64(n)
		if progress != nil {
			progress(min(rn.stats.Keys, total), max(total, rn.stats.Keys))
		}
	}
	if err := rn.filesAndStatistics(ctx, total >= analyzeAbove, done); err != nil {
		return rn.stats, err
	}
	for {
		// Files first: they queue their payments; flows mark their payments
		// and movements; payments mark their single-payment credits; movements
		// mark nothing.
		for _, kind := range []string{dirtyFiles, dirtyIUF, dirtyIUV, dirtyMov} {
			if (kind == dirtyIUV || kind == dirtyMov) && l.DB.Engine == store.Postgres {
				if err := rn.parallel(ctx, kind, done); err != nil {
					return rn.stats, err
				}
				continue
			}
			batch := rn.batch
			switch kind {
			case dirtyFiles:
				batch = rn.fileBatch
			case dirtyIUV:
				batch = rn.paymentBatch
			}
			for {
				n, err := batch(ctx, kind)
				if err != nil {
					return rn.stats, err
				}
				if n == 0 {
					break
				}
				done(n)
			}
		}
		if !did {
			return rn.stats, nil
		}
		did = false
	}
}

// filesAndStatistics expands the queued files and, after a bulk load, refreshes
// the planners' statistics. On PostgreSQL the two run at once on two
// connections: the expansion is one long statement of the server's (8 s at a
// million payments) and the statistics another 1.5 s, neither needing the
// other. The statistics still come before any classification, which they are
// for; once they are fresh, the flows are classified while the expansion goes
// on (at 300,000 payments 1.9 s of the expansion's 4.7). Neither needs the
// other: a flow reads its rows and credits, not the payments' marks, and marks
// only payments already classified, which a bulk load's are not. Where both
// mark the same payment, one waits for the other, or PostgreSQL breaks the
// deadlock and Transact retries the flows.
func (rn *run) filesAndStatistics(ctx context.Context, analyze bool, done func(n int)) error {
	drain := func() error {
		for {
			n, err := rn.fileBatch(ctx, dirtyFiles)
			if err != nil || n == 0 {
				return err
			}
			done(n)
		}
	}
	if rn.l.DB.Engine == store.SQLite || !analyze {
		if err := drain(); err != nil {
			return err
		}
		if !analyze {
			return nil
		}
		return rn.l.analyze(ctx)
	}
	files := make(chan error, 1)
	go func() { files <- drain() }()
	err := rn.l.analyze(ctx)
	for err == nil {
		var n int
		if n, err = rn.batch(ctx, dirtyIUF); n == 0 {
			break
		}
		done(n)
	}
	if ferr := <-files; err == nil {
		err = ferr
	}
	return err
}

// classifyWorkers is how many batches of payments or movements PostgreSQL
// classifies at once, each in its own transaction on its own keys: while one
// batch's items are written by the server, another's evidence is read and
// classified here. (Flows stay one at a time: two flows may mark the same
// movement, and two batches marking in different orders would deadlock.)
var classifyWorkers = max(2, min(runtime.GOMAXPROCS(0), 4))

// parallel runs batches of a kind on classifyWorkers connections until the
// queue is empty, calling done (one caller at a time) after each batch.
// Claims skip the keys another transaction holds (claim), so the workers —
// and other processes reclassifying — never wait for each other.
func (rn *run) parallel(ctx context.Context, kind string, done func(n int)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var mu sync.Mutex
	cursor := "" // the largest key claimed: the next claims start after it
	errs := make(chan error, classifyWorkers)
	for range classifyWorkers {
		go func() {
			w := &run{l: rn.l, notified: rn.notified, flows: map[string]*match.FlowEvidence{}, now: rn.now}
			err := func() error {
				for {
					mu.Lock()
					w.after = cursor
					mu.Unlock()
					n, err := w.batch(ctx, kind)
					if err == nil && n == 0 && w.after != "" {
						// Keys queued or released behind the cursor.
						w.after = ""
						n, err = w.batch(ctx, kind)
					}
					if err != nil || n == 0 {
						return err
					}
					mu.Lock()
					cursor = max(cursor, w.last)
					done(n)
					mu.Unlock()
				}
			}()
			if err != nil {
				cancel()
			}
			mu.Lock()
			rn.stats.Changed += w.stats.Changed
			rn.stats.Removed += w.stats.Removed
			mu.Unlock()
			errs <- err
		}()
	}
	var first error
	for range classifyWorkers {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// claim takes the next batch of keys (at most limit) of a kind off the queue,
// sorted. On SQLite, whose writer is alone, it is the first keys of the queue
// up to the limit-th: the claim deletes that range (no list to build) and
// returns what it deleted, including a key another transaction queued
// meanwhile. PostgreSQL claims the first keys after the given one ("": from
// the start) and skips those another transaction holds: a batch being
// classified, or keys an import is marking again — that import reclassifies
// once committed, as every import does. Claimed keys leave dead entries at
// the head of the queue's index until a vacuum, and a claim from the start
// walks through them: at a million payments, claims from the start took 5 s
// of a 32 s classification, so workers claim after the largest key claimed.
func claim(ctx context.Context, tx *store.Tx, kind, after string, limit int) ([]string, error) {
	var keys []string
	var err error
	if tx.Engine == store.Postgres {
		from, args := "", []any{kind, limit}
		if after != "" {
			from, args = " AND key > $3", append(args, after)
		}
		// By row address: the rows are locked, so it cannot change, and a
		// lookup per key in the index would cost three times the claim.
		keys, err = store.Column[string](ctx, tx, `DELETE FROM reconcile_dirty WHERE ctid = ANY(ARRAY(
			SELECT ctid FROM reconcile_dirty WHERE kind = $1`+from+` ORDER BY key LIMIT $2 FOR UPDATE SKIP LOCKED)) RETURNING key`, args...)
	} else {
		var last sql.NullString
		if err := tx.QueryRowContext(ctx, "SELECT MAX(key) FROM (SELECT key FROM reconcile_dirty WHERE kind = $1 ORDER BY key LIMIT $2) b",
			kind, limit).Scan(&last); err != nil || !last.Valid {
			return nil, err
		}
		keys, err = store.Column[string](ctx, tx, "DELETE FROM reconcile_dirty WHERE kind = $1 AND key <= $2 RETURNING key", kind, last.String)
	}
	slices.Sort(keys)
	return keys, err
}

func (rn *run) batch(ctx context.Context, kind string) (int, error) {
	var n int
	err := rn.l.DB.Transact(ctx, func(tx *store.Tx) error {
		keys, err := claim(ctx, tx, kind, rn.after, classifyBatch)
		if n = len(keys); err != nil || n == 0 {
			return err
		}
		rn.last = keys[n-1]
		// Flows are read afresh in every transaction: another import or run may
		// have changed them since the previous batch.
		clear(rn.flows)
		before := rn.stats
		switch kind {
		case dirtyIUF:
			err = rn.flowKeys(ctx, tx, keys)
		case dirtyIUV:
			err = rn.paymentKeys(ctx, tx, keys)
		case dirtyMov:
			err = rn.movementKeys(ctx, tx, keys)
		}
		if err != nil {
			return err
		}
		return rn.l.emit(ctx, tx, EventItemsClassified, kind+":"+keys[0], map[string]any{"kind": kind, "keys": n,
			"changed": rn.stats.Changed - before.Changed, "removed": rn.stats.Removed - before.Removed})
	})
	return n, err
}

// writerState tells whether anyone else wrote between two of our
// transactions on SQLite: total_changes() counts every row the single writer
// connection changed (imports of this process included), data_version
// changes when another connection (another process) commits.
type writerState struct{ changes, version int64 }

func readWriterState(ctx context.Context, tx *store.Tx) (writerState, error) {
	var w writerState
	if err := tx.QueryRowContext(ctx, "SELECT total_changes()").Scan(&w.changes); err != nil {
		return w, err
	}
	err := tx.QueryRowContext(ctx, "PRAGMA data_version").Scan(&w.version)
	return w, err
}

type prefetched struct {
	p   payments
	err error
}

// prefetch reads the evidence of the payments queued after the given IUV on
// a read connection. It starts inside a payment transaction, which holds SQLite's
// write lock, so its snapshot is that transaction's starting state, with or
// without what the transaction itself writes: items of other IUVs, claims of
// smaller keys and movement marks — nothing the next batch reads. The result
// holds if nobody else writes before the next transaction begins, which
// checks it (writerState).
func (rn *run) prefetch(ctx context.Context, after string) <-chan prefetched {
	out := make(chan prefetched, 1)
	go func() {
		pre := &run{l: rn.l, notified: rn.notified, flows: map[string]*match.FlowEvidence{}, now: rn.now}
		p, err := pre.readPayments(ctx, after)
		if err == nil {
			p.items = p.classify()
		}
		out <- prefetched{p, err}
	}()
	return out
}

func (rn *run) readPayments(ctx context.Context, after string) (payments, error) {
	rtx, err := rn.l.DB.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return payments{}, err
	}
	defer rtx.Rollback()
	tx := &store.Tx{Tx: rtx, Engine: rn.l.DB.Engine}
	keys, err := store.Column[string](ctx, tx, "SELECT key FROM reconcile_dirty WHERE kind = $1 AND key > $2 ORDER BY key LIMIT $3", dirtyIUV, after, classifyBatch)
	if err != nil || len(keys) == 0 {
		return payments{keys: keys}, err
	}
	srtx, err := rn.l.DB.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return payments{}, err
	}
	defer srtx.Rollback()
	return rn.paymentEvidence(ctx, tx, &store.Tx{Tx: srtx, Engine: rn.l.DB.Engine}, keys)
}

// paymentBatch is batch for payments on SQLite, with the evidence of the next
// batch read on a read connection while this one is written: reads and
// writes overlap instead of following each other. A prefetched batch is used
// only if nobody else wrote in between (its claim then deletes exactly its
// keys); otherwise its evidence is read again inside the transaction.
func (rn *run) paymentBatch(ctx context.Context, kind string) (int, error) {
	var n int
	var next <-chan prefetched
	var end writerState
	err := rn.l.DB.Transact(ctx, func(tx *store.Tx) error {
		n, next = 0, nil
		var pre *payments
		if rn.next != nil {
			got := <-rn.next
			rn.next = nil
			if got.err != nil {
				return got.err
			}
			now, err := readWriterState(ctx, tx)
			if err != nil {
				return err
			}
			if now == rn.writer {
				if len(got.p.keys) == 0 {
					return nil // nothing was queued, and nothing was since
				}
				pre = &got.p
			}
		}
		var last string
		if pre != nil {
			last = pre.keys[len(pre.keys)-1]
		} else {
			var max sql.NullString
			if err := tx.QueryRowContext(ctx, "SELECT MAX(key) FROM (SELECT key FROM reconcile_dirty WHERE kind = $1 ORDER BY key LIMIT $2) b",
				kind, classifyBatch).Scan(&max); err != nil {
				return err
			}
			if !max.Valid {
				return nil
			}
			last = max.String
		}
		var keys []string
		var err error
		if pre != nil {
			// Nobody wrote since the prefetch read exactly these keys up to
			// last, so the claim need not return them (RETURNING buffers
			// every deleted row first); the count only confirms it, and a
			// mismatch would be a broken invariant, not a race to recover.
			res, err := tx.ExecContext(ctx, "DELETE FROM reconcile_dirty WHERE kind = $1 AND key <= $2", kind, last)
			if err != nil {
				return err
			}
			deleted, err := res.RowsAffected()
			if err != nil {
				return err
			}
			if deleted != int64(len(pre.keys)) {
				return fmt.Errorf("claim of payments %s to %s deleted %d keys, %d prefetched", pre.keys[0], last, deleted, len(pre.keys))
			}
			keys = pre.keys
		} else {
			keys, err = store.Column[string](ctx, tx, "DELETE FROM reconcile_dirty WHERE kind = $1 AND key <= $2 RETURNING key", kind, last)
			if err != nil {
				return err
			}
			slices.Sort(keys)
		}
		if n = len(keys); n == 0 {
			return nil
		}
		next = rn.prefetch(ctx, last)
		before := rn.stats
		if pre != nil {
			err = rn.writePayments(ctx, tx, *pre)
		} else {
			clear(rn.flows)
			err = rn.paymentKeys(ctx, tx, keys)
		}
		if err != nil {
			return err
		}
		if err := rn.l.emit(ctx, tx, EventItemsClassified, kind+":"+keys[0], map[string]any{"kind": kind, "keys": n,
			"changed": rn.stats.Changed - before.Changed, "removed": rn.stats.Removed - before.Removed}); err != nil {
			return err
		}
		end, err = readWriterState(ctx, tx)
		return err
	})
	if err != nil {
		return 0, err
	}
	rn.next, rn.writer = next, end
	if betweenPaymentBatches != nil {
		betweenPaymentBatches()
	}
	return n, nil
}

// betweenPaymentBatches lets a test write between two payment transactions.
var betweenPaymentBatches func()

// flow loads the current version of a flow and the movements that carry its id.
func (rn *run) flow(ctx context.Context, tx *store.Tx, iuf string, fresh bool) (*match.FlowEvidence, error) {
	if f, ok := rn.flows[iuf]; ok && !fresh {
		return f, nil
	}
	f := &match.FlowEvidence{IUF: iuf}
	err := tx.QueryRowContext(ctx, "SELECT id, total_cents, regulation_date FROM reconcile_flow WHERE iuf = $1 AND is_current = TRUE",
		iuf).Scan(&f.VersionID, &f.TotalCents, &f.RegulationDate)
	if err == sql.ErrNoRows {
		rn.flows[iuf] = nil
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, flowCreditsSQL, iuf)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c match.Credit
		if err := rows.Scan(&c.MovementID, &c.AmountCents); err != nil {
			return nil, err
		}
		f.Movements = append(f.Movements, c)
	}
	rn.flows[iuf] = f
	return f, rows.Err()
}

func (rn *run) flowKeys(ctx context.Context, tx *store.Tx, keys []string) error {
	for _, iuf := range keys {
		f, err := rn.flow(ctx, tx, iuf, true)
		if err != nil {
			return err
		}
		if err := markDirtySelect(ctx, tx, dirtyMov, "SELECT id FROM reconcile_movement WHERE iuf = $1 AND truncated = FALSE", iuf); err != nil {
			return err
		}
		if err := markSplitMovements(ctx, tx, iuf); err != nil {
			return err
		}
		old, err := rn.existing(ctx, tx, match.KindFlow, "kind = $1 AND key = $2", match.KindFlow, iuf)
		if err != nil {
			return err
		}
		var items []match.Item
		if f != nil {
			items = []match.Item{match.ClassifyFlow(*f)}
		}
		changed, err := rn.save(ctx, tx, match.KindFlow, items, old)
		if err != nil {
			return err
		}
		// The payments of a flow depend on whether it was collected.
		if changed && f != nil {
			q := "SELECT DISTINCT iuv FROM reconcile_flow_row WHERE flow_id = $1"
			if len(old) == 0 {
				// Its import marked them, and they usually wait behind it in
				// the queue; but a run may have classified them already (the
				// import committed between that run's flows and its payments).
				// Only those are marked again: a bulk load's flows come first,
				// and re-marking all their payments would double the marks.
				q = `SELECT DISTINCT r.iuv FROM reconcile_flow_row r JOIN reconcile_item i
					ON i.kind = '` + match.KindPayment + `' AND i.key = r.iuv || '/' || CAST(r.transfer_index AS TEXT) WHERE r.flow_id = $1`
			}
			if err := markDirtySelect(ctx, tx, dirtyIUV, q, f.VersionID); err != nil {
				return err
			}
		}
	}
	return nil
}

// filesPerBatch bounds the files of each kind one statement expands on
// SQLite, where the DISTINCT is kept in memory (the writer's temp_store): a
// million payments' FdRs at once would hold a million IUVs there. On
// PostgreSQL, at a million payments, 64 files a statement cost 1.2 s more
// than all of them in one.
const filesPerBatch = 64

// fileBatch claims a batch of keys of each file kind and queues the payments
// of those files in one statement: a bulk load's files hold the same IUVs
// (notification, receipt, FdR rows), and one statement over all of them checks
// each IUV against the queue once, not once per file. A mark already queued is
// left alone, also on PostgreSQL (no row lock as an import takes, see
// onDirtyConflict): the files' rows were committed before their keys could be
// claimed, so a run that takes the mark meanwhile reads them. The marks go in
// key order: PostgreSQL's DISTINCT by hashing gives them in random order, and
// a million marks inserted at random places in the queue's index took 8.5 s
// against 5.4 s in order.
func (rn *run) fileBatch(ctx context.Context, _ string) (int, error) {
	var n int
	err := rn.l.DB.Transact(ctx, func(tx *store.Tx) error {
		n = 0
		var parts []string
		var args []any
		limit := filesPerBatch
		if tx.Engine == store.Postgres {
			limit = classifyBatch // its DISTINCT spills to disk past work_mem
		}
		for _, kind := range []string{dirtyNotifications, dirtyReceipts, dirtyRows} {
			keys, err := claim(ctx, tx, kind, "", limit)
			if err != nil {
				return err
			}
			if len(keys) > 0 {
				n += len(keys)
				parts = append(parts, fmt.Sprintf(expansions[kind], params(tx.Engine, len(args)+1, len(keys))))
				args = append(args, anys(keys)...)
			}
		}
		if n == 0 {
			return nil
		}
		union := strings.Join(parts, " UNION ALL ")
		var err error
		if tx.Engine == store.Postgres {
			err = queueFilesPostgres(ctx, tx, `SELECT DISTINCT '`+dirtyIUV+`', iuv FROM (`+union+`) f`, args)
		} else {
			err = queueFilesSQLite(ctx, tx, union, args)
		}
		if err != nil {
			return fmt.Errorf("queue the payments of %d files: %w", n, err)
		}
		return nil
	})
	return n, err
}

// queueFilesSQLite inserts the marks not queued yet. Most are (a bulk load's
// receipts mark their IUVs as they load), and skipping those before grouping
// leaves the insert only the new ones; one GROUP BY both removes duplicates
// and sorts, where DISTINCT and ORDER BY built a temporary B-tree each. At a
// million payments the expansion took a fifth less (2.6 → 2.0 s). The writer
// is alone, so nothing can queue a key between the check and the insert.
func queueFilesSQLite(ctx context.Context, tx *store.Tx, union string, args []any) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO reconcile_dirty (kind, key) SELECT '`+dirtyIUV+`', iuv FROM (`+union+`) f
		WHERE NOT EXISTS (SELECT 1 FROM reconcile_dirty d WHERE d.kind = '`+dirtyIUV+`' AND d.key = f.iuv) GROUP BY iuv ORDER BY iuv`, args...)
	return err
}

// queueFilesPostgres inserts the marks not queued yet as plain rows, under a
// savepoint: ON CONFLICT's speculative insertion costs the server about
// twice as much (1.07 s against 0.68 s for the 100,000 marks of a bulk load).
// A transaction queuing one of the same keys meanwhile makes the plain insert
// fail once it commits; the marks are then inserted with ON CONFLICT. The
// statement sorts a batch of files' IUVs (three million rows for a million
// payments), which spills to disk past the default 4 MB of work_mem.
func queueFilesPostgres(ctx context.Context, tx *store.Tx, iuvs string, args []any) error {
	if _, err := tx.ExecContext(ctx, "SET LOCAL work_mem = '64MB'"); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "SAVEPOINT queue_files"); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO reconcile_dirty (kind, key) `+iuvs+
		` WHERE NOT EXISTS (SELECT 1 FROM reconcile_dirty d WHERE d.kind = '`+dirtyIUV+`' AND d.key = f.iuv) ORDER BY iuv`, args...)
	if !store.IsUniqueViolation(err) {
		return err
	}
	if _, err := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT queue_files"); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO reconcile_dirty (kind, key) `+iuvs+` ORDER BY iuv ON CONFLICT (kind, key) DO NOTHING`, args...)
	return err
}

// existing reads the stored items of a kind matching where.
func (rn *run) existing(ctx context.Context, tx *store.Tx, kind, where string, args ...any) (map[string]stored, error) {
	rows, err := tx.QueryContext(ctx, "SELECT kind, key, code, amount_cents, day, iuv, iuf, debt_type, why FROM reconcile_item WHERE "+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]stored{}
	for rows.Next() {
		var k string
		var s stored
		if err := rows.Scan(&k, &s.key, &s.code, &s.amount, &s.day, &s.iuv, &s.iuf, &s.debtType, &s.why); err != nil {
			return nil, err
		}
		if k == kind {
			out[s.key] = s
		}
	}
	return out, rows.Err()
}

type stored struct {
	key, code, iuv, iuf, debtType, why string
	amount                             int64
	day                                time.Time
}

const (
	itemInsert = "INSERT INTO reconcile_item (kind, key, code, severity, amount_cents, day, iuv, iuf, debt_type, why, classified_at)"
	itemUpsert = `ON CONFLICT (kind, key) DO UPDATE SET code = excluded.code, severity = excluded.severity, amount_cents = excluded.amount_cents,
		day = excluded.day, iuv = excluded.iuv, iuf = excluded.iuf, debt_type = excluded.debt_type, why = excluded.why,
		classified_at = excluded.classified_at, hidden = CASE WHEN reconcile_item.code <> excluded.code THEN FALSE ELSE reconcile_item.hidden END`
	itemCols = 11
)

// save writes the items that differ from what is stored and deletes the stored
// ones no longer produced; it tells whether anything changed.
func (rn *run) save(ctx context.Context, tx *store.Tx, kind string, items []match.Item, old map[string]stored) (bool, error) {
	c := rn.diff(kind, items, old)
	return c.changed(), rn.write(ctx, tx, c)
}

// changes are the item rows to write (itemCols values each) and the keys to
// delete, worked out from the evidence before anything is written. Rows of
// keys not stored are plain inserts, which cost PostgreSQL half an upsert:
// a key's items are written only by the transaction holding its claim, so
// none can appear between reading what is stored and writing.
type changes struct {
	kind           string
	added, updated [][]any
	gone           []string
}

func (c changes) changed() bool { return len(c.added) > 0 || len(c.updated) > 0 || len(c.gone) > 0 }

func (rn *run) diff(kind string, items []match.Item, old map[string]stored) changes {
	c := changes{kind: kind}
	seen := make(map[string]bool, len(items))
	var buf []byte
	for _, it := range items {
		seen[it.Key] = true
		it.Day = civilDay(it.Day, rn.now)
		buf = it.Why.AppendJSON(buf[:0])
		why := string(buf)
		row := []any{kind, it.Key, string(it.Code), string(it.Code.Severity()), it.AmountCents, it.Day, it.IUV, it.IUF, it.DebtType, why, rn.now}
		o, ok := old[it.Key]
		switch {
		case !ok:
			c.added = append(c.added, row)
		case o.code != string(it.Code) || o.amount != it.AmountCents || !o.day.Equal(it.Day) || o.iuv != it.IUV ||
			o.iuf != it.IUF || o.debtType != it.DebtType || o.why != why:
			c.updated = append(c.updated, row)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(old)) {
		if !seen[k] {
			c.gone = append(c.gone, k)
		}
	}
	return c
}

func (rn *run) write(ctx context.Context, tx *store.Tx, c changes) error {
	if err := writeItems(ctx, tx, "", rn.added, c.added); err != nil {
		return err
	}
	if err := writeItems(ctx, tx, itemUpsert, rn.updated, c.updated); err != nil {
		return err
	}
	rn.stats.Changed += int64(len(c.added) + len(c.updated))
	gone := c.gone
	for len(gone) > 0 {
		part := gone[:min(len(gone), classifyBatch)]
		gone = gone[len(part):]
		if _, err := tx.ExecContext(ctx, "DELETE FROM reconcile_item WHERE kind = $1 AND key IN ("+params(tx.Engine, 2, len(part))+")",
			append([]any{c.kind}, anys(part)...)...); err != nil {
			return err
		}
		rn.stats.Removed += int64(len(part))
	}
	return nil
}

// writeItems writes item rows (itemCols values each, as diff makes them):
// on SQLite with the statements prepared for the run, on PostgreSQL as arrays
// (a multi-row VALUES of thousands of parameters costs it a parse, a bind and
// a plan for every statement).
func writeItems(ctx context.Context, tx *store.Tx, onConflict string, prepared *statements, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	ins := newInserter(ctx, tx, itemInsert, onConflict, itemCols).use(prepared).
		asArrays("text", "text", "text", "text", "bigint", "timestamptz", "text", "text", "text", "text", "timestamptz")
	for _, r := range rows {
		if err := ins.add(r...); err != nil {
			return err
		}
	}
	return ins.close()
}

// rangeFrom is the smallest batch read by walking an IUV range: below it the
// lookups are few anyway.
const rangeFrom = 64

// byIUV runs one evidence query for a batch of IUVs (sorted) and hands each
// row to scan, which returns the row's IUV and what to do with the row. A
// batch claimed from the queue in key order is usually a dense run of IUVs
// (a bulk load marks every one of them): then a single walk of the index from
// the first IUV to the last reads the same rows as a lookup per IUV, for a
// fraction of the work (no IN list to bind and sort, no descent per key). Rows
// of IUVs inside the range but outside the batch are skipped. A sparse batch —
// a range holding far more rows than the batch can use — stops the walk at a
// bound, and the query runs again with the IN list. q holds "%s" where the
// condition on col goes.
func byIUV(ctx context.Context, tx *store.Tx, q, col string, iuvs []string, in map[string]*match.PaymentEvidence,
	scan func(*sql.Rows) (string, func(), error)) error {
	cond := col + " >= " + params(tx.Engine, 1, 1) + " AND " + col + " <= " + params(tx.Engine, 2, 1)
	return walkRange(ctx, tx, strings.Replace(q, "%s", cond, 1), []any{iuvs[0], iuvs[len(iuvs)-1]}, len(iuvs),
		func() (string, []any) {
			return strings.Replace(q, "%s", col+" IN ("+params(tx.Engine, 1, len(iuvs))+")", 1), anys(iuvs)
		}, in, scan)
}

// walkRange is byIUV's walk: the range query (without its LIMIT) for n keys,
// and the query for a sparse batch.
func walkRange(ctx context.Context, tx *store.Tx, ranged string, args []any, n int, sparse func() (string, []any),
	in map[string]*match.PaymentEvidence, scan func(*sql.Rows) (string, func(), error)) error {
	if n >= rangeFrom {
		limit := 4*n + 64
		rows, err := tx.QueryContext(ctx, ranged+" LIMIT "+strconv.Itoa(limit), args...)
		if err != nil {
			return err
		}
		var apply []func()
		got := 0
		for rows.Next() {
			got++
			iuv, fn, err := scan(rows)
			if err != nil {
				rows.Close()
				return err
			}
			if in[iuv] != nil {
				apply = append(apply, fn)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if got < limit {
			for _, fn := range apply {
				fn()
			}
			return nil
		}
	}
	q, qargs := sparse()
	rows, err := tx.QueryContext(ctx, q, qargs...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		iuv, fn, err := scan(rows)
		if err != nil {
			return err
		}
		if in[iuv] != nil {
			fn()
		}
	}
	return rows.Err()
}

// storedPayments reads the stored payment items of a batch of IUVs by key
// range on the primary key: a payment's key is its IUV, "/" and the transfer
// index (or N), so every key of IUV v lies in [v, v+"0") — "0" follows "/".
// A sparse batch joins a list of those ranges instead.
func storedPayments(ctx context.Context, tx *store.Tx, iuvs []string, in map[string]*match.PaymentEvidence) (map[string]stored, error) {
	const cols = "i.key, i.code, i.amount_cents, i.day, i.iuv, i.iuf, i.debt_type, i.why"
	lo, hi := iuvs[0], iuvs[0]+"0"
	for _, v := range iuvs {
		lo, hi = min(lo, v), max(hi, v+"0")
	}
	old := map[string]stored{}
	err := walkRange(ctx, tx, "SELECT "+cols+" FROM reconcile_item i WHERE i.kind = '"+match.KindPayment+"' AND i.key >= "+
		params(tx.Engine, 1, 1)+" AND i.key < "+params(tx.Engine, 2, 1), []any{lo, hi}, len(iuvs),
		func() (string, []any) {
			args := make([]any, 0, 2*len(iuvs))
			for _, v := range iuvs {
				args = append(args, v, v+"0")
			}
			var b strings.Builder
			for i := range iuvs {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteString("(" + params(tx.Engine, 1+2*i, 2) + ")")
			}
			return "WITH r (lo, hi) AS (VALUES " + b.String() + ") SELECT " + cols + " FROM r CROSS JOIN reconcile_item i WHERE i.kind = '" +
				match.KindPayment + "' AND i.key >= r.lo AND i.key < r.hi", args
		}, in,
		func(rows *sql.Rows) (string, func(), error) {
			var s stored
			if err := rows.Scan(&s.key, &s.code, &s.amount, &s.day, &s.iuv, &s.iuf, &s.debtType, &s.why); err != nil {
				return "", nil, err
			}
			return s.iuv, func() { old[s.key] = s }, nil
		})
	return old, err
}

func (rn *run) paymentKeys(ctx context.Context, tx *store.Tx, iuvs []string) error {
	p, err := rn.paymentEvidence(ctx, tx, nil, iuvs)
	if err != nil {
		return err
	}
	return rn.writePayments(ctx, tx, p)
}

// payments is the evidence of a batch of payments, ready to be classified
// and written.
type payments struct {
	keys     []string // the IUVs
	evidence map[string]*match.PaymentEvidence
	old      map[string]stored // the items stored for them
	credited []string          // movements crediting these IUVs
	items    []match.Item      // their classification, when the prefetch made it
}

// writePayments writes what changed in a batch, classifying it first unless
// the prefetch did. The SQLite prefetch classifies what it read but leaves the
// comparison with the stored items, and their encoding, to the writer: at a
// million payments the writer is the critical path without the first (it
// waited 0.3 s for the prefetch, payments took 19–21 s) and the prefetch is
// with both (the writer waited 2.5 s); split so, the payments took 17–19 s.
func (rn *run) writePayments(ctx context.Context, tx *store.Tx, p payments) error {
	items := p.items
	if items == nil {
		items = p.classify()
	}
	if err := rn.write(ctx, tx, rn.diff(match.KindPayment, items, p.old)); err != nil {
		return err
	}
	// Single-payment credits depend on the receipts of their IUV.
	return markDirty(ctx, tx, dirtyMov, p.credited...)
}

func (p payments) classify() []match.Item {
	// Most payments have one transfer; growing the slice of large items
	// instead cost 1.6 s of a million payments.
	items := make([]match.Item, 0, len(p.keys)+len(p.keys)/4)
	for _, v := range p.keys {
		items = append(items, match.ClassifyPayment(*p.evidence[v])...)
	}
	return items
}

// paymentEvidence reads the evidence of a batch of IUVs and their stored
// items; it only reads, so it may run on a read transaction. With side set
// (a second read transaction of the same state), the notifications and
// receipts are read there while the flow rows, credits and stored items are
// read on tx: a SQLite prefetch is as long as the writer's work, and its two
// halves take about as long (at 300,000 payments 3.0 and 2.1 s of one core).
func (rn *run) paymentEvidence(ctx context.Context, tx, side *store.Tx, iuvs []string) (payments, error) {
	p := payments{keys: iuvs}
	ev := make(map[string]*match.PaymentEvidence, len(iuvs))
	for _, v := range iuvs {
		ev[v] = &match.PaymentEvidence{IUV: v, Flows: map[string]match.FlowState{}}
	}
	var receipts chan error
	if side != nil {
		receipts = make(chan error, 1)
		go func() { receipts <- rn.readReceipts(ctx, side, iuvs, ev) }()
	} else if err := rn.readReceipts(ctx, tx, iuvs, ev); err != nil {
		return p, err
	}
	credited, old, err := rn.readFlowRows(ctx, tx, iuvs, ev)
	if receipts != nil {
		if rerr := <-receipts; err == nil {
			err = rerr
		}
	}
	if err != nil {
		return p, err
	}
	p.evidence, p.old, p.credited = ev, old, credited
	return p, nil
}

// readReceipts reads the notifications and receipts of a batch of IUVs into
// their evidence (the fields no other reader of the batch writes).
func (rn *run) readReceipts(ctx context.Context, tx *store.Tx, iuvs []string, ev map[string]*match.PaymentEvidence) error {
	err := byIUV(ctx, tx, "SELECT iuv, iud, amount_cents, pay_date FROM reconcile_notification WHERE %s", "iuv", iuvs, ev,
		func(rows *sql.Rows) (string, func(), error) {
			var iuv string
			var n match.Notification
			if err := rows.Scan(&iuv, &n.IUD, &n.AmountCents, &n.Date); err != nil {
				return "", nil, err
			}
			return iuv, func() { ev[iuv].Notifications = append(ev[iuv].Notifications, n) }, nil
		})
	if err != nil {
		return err
	}
	err = byIUV(ctx, tx, "SELECT iuv, id, iur, amount_cents, payment_date, debt_type, transfers FROM reconcile_receipt WHERE %s", "iuv", iuvs, ev,
		func(rows *sql.Rows) (string, func(), error) {
			var iuv string
			var transfers []byte
			var r match.Receipt
			if err := rows.Scan(&iuv, &r.ID, &r.IUR, &r.AmountCents, &r.PaymentDate, &r.DebtType, &transfers); err != nil {
				return "", nil, err
			}
			if ev[iuv] == nil {
				return iuv, nil, nil
			}
			ts, err := decodeTransfers(transfers)
			if err != nil {
				return "", nil, fmt.Errorf("ricevuta %s: versamenti illeggibili: %w", r.ID, err)
			}
			for _, t := range ts {
				if rn.l.EC != "" && t.FiscalCodePA != "" && t.FiscalCodePA != rn.l.EC {
					continue // another beneficiary's transfer: reported to that ente
				}
				r.Transfers = append(r.Transfers, match.ReceiptTransfer{Index: t.Index, AmountCents: t.AmountCents, Stamp: t.Stamp})
			}
			r.NeedsNotification = rn.notified[r.DebtType]
			return iuv, func() { ev[iuv].Receipts = append(ev[iuv].Receipts, r) }, nil
		})
	return err
}

// readFlowRows reads the flow rows, single-payment credits and stored items
// of a batch of IUVs, and the state of the flows the rows belong to; it
// returns the movements crediting the batch and the stored items.
func (rn *run) readFlowRows(ctx context.Context, tx *store.Tx, iuvs []string, ev map[string]*match.PaymentEvidence) ([]string, map[string]stored, error) {
	err := byIUV(ctx, tx, `SELECT r.iuv, r.flow_id, r.idx, f.iuf, r.transfer_index, r.amount_cents, r.iur, r.outcome, r.pay_date
		FROM reconcile_flow_row r JOIN reconcile_flow f ON f.id = r.flow_id WHERE f.is_current = TRUE AND %s`, "r.iuv", iuvs, ev,
		func(rows *sql.Rows) (string, func(), error) {
			var iuv, flowID string
			var idx int64
			var fr match.FlowRow
			if err := rows.Scan(&iuv, &flowID, &idx, &fr.IUF, &fr.TransferIndex, &fr.AmountCents, &fr.IUR, &fr.Outcome, &fr.Date); err != nil {
				return "", nil, err
			}
			fr.ID = flowID + "#" + strconv.FormatInt(idx, 10)
			return iuv, func() { ev[iuv].Rows = append(ev[iuv].Rows, fr) }, nil
		})
	if err != nil {
		return nil, nil, err
	}
	credited := []string{}
	err = byIUV(ctx, tx, "SELECT iuv, id, amount_cents FROM reconcile_movement WHERE %s", "iuv", iuvs, ev,
		func(rows *sql.Rows) (string, func(), error) {
			var iuv string
			var c match.Credit
			if err := rows.Scan(&iuv, &c.MovementID, &c.AmountCents); err != nil {
				return "", nil, err
			}
			return iuv, func() {
				ev[iuv].Credits = append(ev[iuv].Credits, c)
				credited = append(credited, c.MovementID)
			}, nil
		})
	if err != nil {
		return nil, nil, err
	}
	for _, v := range iuvs {
		e := ev[v]
		for _, r := range e.Rows {
			if _, ok := e.Flows[r.IUF]; ok {
				continue
			}
			f, err := rn.flow(ctx, tx, r.IUF, false)
			if err != nil {
				return nil, nil, err
			}
			st := match.FlowState{IUF: r.IUF}
			if f != nil {
				st.TotalCents = f.TotalCents
				for _, m := range f.Movements {
					st.TreasuryCents += m.AmountCents
					st.TreasuryCount++
					st.MovementIDs = append(st.MovementIDs, m.MovementID)
				}
			}
			e.Flows[r.IUF] = st
		}
	}
	old, err := storedPayments(ctx, tx, iuvs, ev)
	return credited, old, err
}

func (rn *run) movementKeys(ctx context.Context, tx *store.Tx, ids []string) error {
	args := anys(ids)
	rows, err := tx.QueryContext(ctx, `SELECT m.id, m.amount_cents, m.op_date, m.iuf, m.iuv, m.truncated, COALESCE(k.linked_by, '')
		FROM reconcile_movement m LEFT JOIN reconcile_link k ON k.movement_id = m.id WHERE m.id IN (`+params(tx.Engine, 1, len(ids))+")", args...)
	if err != nil {
		return err
	}
	var ms []match.MovementEvidence
	linkedBy := map[string]string{}
	iuvSet := map[string]bool{}
	for rows.Next() {
		var m match.MovementEvidence
		var by string
		if err := rows.Scan(&m.ID, &m.AmountCents, &m.Date, &m.IUF, &m.IUV, &m.Truncated, &by); err != nil {
			rows.Close()
			return err
		}
		if by != "" {
			linkedBy[m.ID] = by
		}
		if m.IUV != "" {
			iuvSet[m.IUV] = true
		}
		ms = append(ms, m)
	}
	rows.Close()
	receipts, credits := map[string]int64{}, map[string]int64{}
	if len(iuvSet) > 0 {
		iuvs := slices.Sorted(maps.Keys(iuvSet))
		in := "(" + params(tx.Engine, 1, len(iuvs)) + ")"
		rows, err := tx.QueryContext(ctx, "SELECT iuv, amount_cents FROM reconcile_receipt WHERE iuv IN "+in+" ORDER BY id DESC", anys(iuvs)...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var iuv string
			var a int64
			if err := rows.Scan(&iuv, &a); err != nil {
				rows.Close()
				return err
			}
			receipts[iuv] = a // descending order: the first receipt by id wins, as in the payment's classification
		}
		rows.Close()
		rows, err = tx.QueryContext(ctx, "SELECT iuv, SUM(amount_cents) FROM reconcile_movement WHERE iuv IN "+in+" GROUP BY iuv", anys(iuvs)...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var iuv string
			var a int64
			if err := rows.Scan(&iuv, &a); err != nil {
				rows.Close()
				return err
			}
			credits[iuv] = a
		}
		rows.Close()
	}
	items := make([]match.Item, 0, len(ms))
	for _, m := range ms {
		if m.IUF != "" && !m.Truncated {
			if m.Flow, err = rn.flow(ctx, tx, m.IUF, false); err != nil {
				return err
			}
		}
		if m.IUV != "" {
			m.ReceiptCents, m.HasReceipt = receipts[m.IUV]
			m.CreditCents = credits[m.IUV]
		}
		it := match.ClassifyMovement(m)
		if by, ok := linkedBy[m.ID]; ok {
			it.Why.LinkedBy = by
		}
		items = append(items, it)
	}
	if err := rn.splitItems(ctx, tx, ms, items); err != nil {
		return err
	}
	old, err := rn.existing(ctx, tx, match.KindMovement, "kind = $1 AND key IN ("+params(tx.Engine, 2, len(ids))+")", append([]any{match.KindMovement}, args...)...)
	if err != nil {
		return err
	}
	_, err = rn.save(ctx, tx, match.KindMovement, items, old)
	return err
}

// civilDay keeps only the Italian calendar date (as midnight UTC), so items
// group by day with plain SQL on both engines; no date means today.
func civilDay(t, now time.Time) time.Time {
	if t.IsZero() {
		t = now
	}
	y, m, d := t.In(rome).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

var rome = func() *time.Location {
	l, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		return time.UTC
	}
	return l
}()
