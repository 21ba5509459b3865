package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/reconcile/match"
	"github.com/arengo-pa/arengo/internal/store"
)

// classifyBatch is how many keys one transaction reclassifies: enough to
// prepare the long statements rarely, few enough to keep memory small.
const classifyBatch = 2000

// analyzeAbove is the backlog after which statistics are refreshed first: a
// bulk load leaves the planners guessing, and a guess of "few rows" turns each
// IUV lookup into a scan of the whole table.
const analyzeAbove = 5000

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
	now      time.Time
	stats    Stats
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
	if total >= analyzeAbove {
		if err := l.analyze(ctx); err != nil {
			return rn.stats, err
		}
	}
	for {
		did := false
		// Flows first: they mark their payments and movements; payments mark
		// their single-payment credits; movements mark nothing.
		for _, kind := range []string{dirtyIUF, dirtyIUV, dirtyMov} {
			for {
				n, err := rn.batch(ctx, kind)
				if err != nil {
					return rn.stats, err
				}
				if n == 0 {
					break
				}
				did = true
				rn.stats.Keys += int64(n)
				if progress != nil {
					progress(min(rn.stats.Keys, total), max(total, rn.stats.Keys))
				}
			}
		}
		if !did {
			return rn.stats, nil
		}
	}
}

func (rn *run) batch(ctx context.Context, kind string) (int, error) {
	var n int
	err := rn.l.DB.Transact(ctx, func(tx *store.Tx) error {
		// The batch is the first keys of the queue up to the classifyBatch-th:
		// the claim deletes that range (no IN list to build) and returns what
		// it deleted, including a key another transaction queued meanwhile.
		var last sql.NullString
		if err := tx.QueryRowContext(ctx, "SELECT MAX(key) FROM (SELECT key FROM reconcile_dirty WHERE kind = $1 ORDER BY key LIMIT $2) b",
			kind, classifyBatch).Scan(&last); err != nil {
			return err
		}
		if !last.Valid {
			n = 0
			return nil
		}
		keys, err := store.Column[string](ctx, tx, "DELETE FROM reconcile_dirty WHERE kind = $1 AND key <= $2 RETURNING key", kind, last.String)
		if err != nil {
			return err
		}
		n = len(keys)
		if n == 0 {
			return nil
		}
		slices.Sort(keys)
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
		if changed && len(old) > 0 && f != nil {
			if err := markDirtySelect(ctx, tx, dirtyIUV, "SELECT DISTINCT iuv FROM reconcile_flow_row WHERE flow_id = $1", f.VersionID); err != nil {
				return err
			}
		}
	}
	return nil
}

// existing reads the stored items of a kind matching where. The kind is
// checked here rather than in SQL: with "kind = …" beside an IUV list a
// planner with stale statistics walks the primary key over every item of
// the kind; the IUV list alone can only use its index.
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

// save writes the items that differ from what is stored and deletes the stored
// ones no longer produced; it tells whether anything changed.
func (rn *run) save(ctx context.Context, tx *store.Tx, kind string, items []match.Item, old map[string]stored) (bool, error) {
	ins := newInserter(ctx, tx, "INSERT INTO reconcile_item (kind, key, code, severity, amount_cents, day, iuv, iuf, debt_type, why, classified_at)",
		`ON CONFLICT (kind, key) DO UPDATE SET code = excluded.code, severity = excluded.severity, amount_cents = excluded.amount_cents,
		day = excluded.day, iuv = excluded.iuv, iuf = excluded.iuf, debt_type = excluded.debt_type, why = excluded.why,
		classified_at = excluded.classified_at, hidden = CASE WHEN reconcile_item.code <> excluded.code THEN FALSE ELSE reconcile_item.hidden END`, 11)
	changed := false
	seen := make(map[string]bool, len(items))
	for _, it := range items {
		seen[it.Key] = true
		it.Day = civilDay(it.Day, rn.now)
		why, err := json.Marshal(it.Why)
		if err != nil {
			return false, err
		}
		if o, ok := old[it.Key]; ok && o.code == string(it.Code) && o.amount == it.AmountCents && o.day.Equal(it.Day) && o.iuv == it.IUV &&
			o.iuf == it.IUF && o.debtType == it.DebtType && o.why == string(why) {
			continue
		}
		changed = true
		rn.stats.Changed++
		if err := ins.add(kind, it.Key, string(it.Code), string(it.Code.Severity()), it.AmountCents, it.Day, it.IUV, it.IUF, it.DebtType, string(why), rn.now); err != nil {
			return false, err
		}
	}
	if err := ins.close(); err != nil {
		return false, err
	}
	var gone []string
	for _, k := range slices.Sorted(maps.Keys(old)) {
		if !seen[k] {
			gone = append(gone, k)
		}
	}
	for len(gone) > 0 {
		part := gone[:min(len(gone), classifyBatch)]
		gone = gone[len(part):]
		if _, err := tx.ExecContext(ctx, "DELETE FROM reconcile_item WHERE kind = $1 AND key IN ("+params(tx.Engine, 2, len(part))+")",
			append([]any{kind}, anys(part)...)...); err != nil {
			return false, err
		}
		rn.stats.Removed += int64(len(part))
		changed = true
	}
	return changed, nil
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
	if len(iuvs) >= rangeFrom {
		limit := 4*len(iuvs) + 64
		cond := col + " >= " + params(tx.Engine, 1, 1) + " AND " + col + " <= " + params(tx.Engine, 2, 1)
		rows, err := tx.QueryContext(ctx, strings.Replace(q, "%s", cond, 1)+" LIMIT "+strconv.Itoa(limit), iuvs[0], iuvs[len(iuvs)-1])
		if err != nil {
			return err
		}
		var apply []func()
		n := 0
		for rows.Next() {
			n++
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
		if n < limit {
			for _, fn := range apply {
				fn()
			}
			return nil
		}
	}
	rows, err := tx.QueryContext(ctx, strings.Replace(q, "%s", col+" IN ("+params(tx.Engine, 1, len(iuvs))+")", 1), anys(iuvs)...)
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

func (rn *run) paymentKeys(ctx context.Context, tx *store.Tx, iuvs []string) error {
	ev := make(map[string]*match.PaymentEvidence, len(iuvs))
	for _, v := range iuvs {
		ev[v] = &match.PaymentEvidence{IUV: v, Flows: map[string]match.FlowState{}}
	}
	err := byIUV(ctx, tx, "SELECT iuv, iud, amount_cents, pay_date FROM reconcile_notification WHERE %s", "iuv", iuvs, ev,
		func(rows *sql.Rows) (string, func(), error) {
			var iuv string
			var n match.Notification
			if err := rows.Scan(&iuv, &n.IUD, &n.AmountCents, &n.Date); err != nil {
				return "", nil, err
			}
			n.ID = "notifica:" + n.IUD
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
	if err != nil {
		return err
	}
	err = byIUV(ctx, tx, `SELECT r.iuv, r.flow_id, r.idx, f.iuf, r.transfer_index, r.amount_cents, r.iur, r.outcome, r.pay_date
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
		return err
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
		return err
	}
	var items []match.Item
	for _, v := range iuvs {
		e := ev[v]
		for _, r := range e.Rows {
			if _, ok := e.Flows[r.IUF]; ok {
				continue
			}
			f, err := rn.flow(ctx, tx, r.IUF, false)
			if err != nil {
				return err
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
		items = append(items, match.ClassifyPayment(*e)...)
	}
	// The stored items of these IUVs; the kind is checked here rather than in
	// SQL (see existing).
	old := map[string]stored{}
	err = byIUV(ctx, tx, "SELECT kind, key, code, amount_cents, day, iuv, iuf, debt_type, why FROM reconcile_item WHERE %s", "iuv", iuvs, ev,
		func(rows *sql.Rows) (string, func(), error) {
			var k string
			var s stored
			if err := rows.Scan(&k, &s.key, &s.code, &s.amount, &s.day, &s.iuv, &s.iuf, &s.debtType, &s.why); err != nil {
				return "", nil, err
			}
			if k != match.KindPayment {
				return "", nil, nil
			}
			return s.iuv, func() { old[s.key] = s }, nil
		})
	if err != nil {
		return err
	}
	if _, err := rn.save(ctx, tx, match.KindPayment, items, old); err != nil {
		return err
	}
	// Single-payment credits depend on the receipts of their IUV.
	return markDirty(ctx, tx, dirtyMov, credited...)
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
			it.Why.Text += " Collegato a mano al flusso " + m.IUF + " da " + by + "."
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
