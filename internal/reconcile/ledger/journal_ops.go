package ledger

import (
	"context"
	"fmt"

	"github.com/arengo-pa/arengo/internal/reconcile/flows"
	"github.com/arengo-pa/arengo/internal/store"
)

// journalOps are a treasury journal's operations on movements received
// before (STORNATO deletes one, REGOLARIZZATO and RIPRISTINATO set whether its
// sospeso is regularised), applied a batch at a time: one at a time, each
// cost a flush of the pending inserts and four statements, a second per
// thousand operations on PostgreSQL. A batch holds each movement once, so its
// operations commute; a second operation on a movement, or its execution
// again, applies the batch first, which keeps the file's order.
type journalOps struct {
	ctx     context.Context
	tx      *store.Tx
	res     *ImportResult
	inserts *inserter // the journal's executed movements, which operations may refer to
	ops     []flows.Movement
	keys    map[string]bool
	touched map[string][]string // dirty keys, by kind, of the movements changed
}

// opsBatch bounds a batch, and with it the statements' lists.
const opsBatch = 1000

func newJournalOps(ctx context.Context, tx *store.Tx, res *ImportResult, inserts *inserter) *journalOps {
	return &journalOps{ctx: ctx, tx: tx, res: res, inserts: inserts, keys: map[string]bool{}, touched: map[string][]string{}}
}

// pending tells whether an operation on the movement waits in the batch.
func (j *journalOps) pending(key string) bool { return j.keys[key] }

func (j *journalOps) add(m flows.Movement) error {
	if j.keys[m.Key] || len(j.ops) == opsBatch {
		if err := j.apply(); err != nil {
			return err
		}
	}
	j.ops = append(j.ops, m)
	j.keys[m.Key] = true
	return nil
}

// apply runs the batch: the movements it refers to may still sit in the
// inserter, so that is flushed first.
func (j *journalOps) apply() error {
	if len(j.ops) == 0 {
		return nil
	}
	if err := j.inserts.flush(); err != nil {
		return err
	}
	var reversed, regularized, restored []string
	for _, m := range j.ops {
		switch m.Op {
		case "STORNATO":
			reversed = append(reversed, m.Key)
		case "REGOLARIZZATO":
			regularized = append(regularized, m.Key)
		default:
			restored = append(restored, m.Key)
		}
	}
	found := map[string]bool{}
	if err := j.reverse(reversed, found); err != nil {
		return err
	}
	for _, set := range []struct {
		keys  []string
		value bool
	}{{regularized, true}, {restored, false}} {
		if len(set.keys) == 0 {
			continue
		}
		if err := j.changed(found, "UPDATE reconcile_movement SET regularized = "+params(j.tx.Engine, 1, 1)+" WHERE id IN ("+
			params(j.tx.Engine, 2, len(set.keys))+") RETURNING id, iuf, iuv", append([]any{set.value}, anys(set.keys)...)...); err != nil {
			return err
		}
	}
	for _, m := range j.ops {
		if !found[m.Key] {
			j.res.Problems = append(j.res.Problems, flows.Problem{Code: "MOVIMENTO_SCONOSCIUTO", Msg: fmt.Sprintf("riga %d: %s di un movimento %s mai ricevuto", m.Line, m.Op, m.Key)})
		}
	}
	j.ops = j.ops[:0]
	clear(j.keys)
	return nil
}

// reverse deletes reversed movements with their manual links and the splits
// of their amount, whose flows are then reclassified.
func (j *journalOps) reverse(keys []string, found map[string]bool) error {
	if len(keys) == 0 {
		return nil
	}
	in, args := params(j.tx.Engine, 1, len(keys)), anys(keys)
	if _, err := j.tx.ExecContext(j.ctx, "DELETE FROM reconcile_link WHERE movement_id IN ("+in+")", args...); err != nil {
		return err
	}
	if err := dropSplits(j.ctx, j.tx, keys...); err != nil {
		return err
	}
	return j.changed(found, "DELETE FROM reconcile_movement WHERE id IN ("+in+") RETURNING id, iuf, iuv", args...)
}

// changed runs a statement returning the id, IUF and IUV of the movements it
// changed, and queues them.
func (j *journalOps) changed(found map[string]bool, q string, args ...any) error {
	rows, err := j.tx.QueryContext(j.ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, iuf, iuv string
		if err := rows.Scan(&id, &iuf, &iuv); err != nil {
			return err
		}
		found[id] = true
		j.touched[dirtyMov] = append(j.touched[dirtyMov], id)
		j.touched[dirtyIUF] = append(j.touched[dirtyIUF], iuf)
		j.touched[dirtyIUV] = append(j.touched[dirtyIUV], iuv)
	}
	return rows.Err()
}

// close applies what is left and queues every movement changed.
func (j *journalOps) close() error {
	if err := j.apply(); err != nil {
		return err
	}
	for kind, keys := range j.touched {
		if err := markDirty(j.ctx, j.tx, kind, keys...); err != nil {
			return err
		}
	}
	return nil
}
