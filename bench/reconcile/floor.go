package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/reconcile/flows"
	"github.com/arengo-pa/arengo/internal/reconcile/gen"
	"github.com/arengo-pa/arengo/internal/store"
)

// minimalLoad is the floor: the same readers, the raw rows into plain tables
// (primary key only), one transaction per file, no archive, no matching.
func minimalLoad(ctx context.Context, db *store.DB, files gen.Files, by perKind) (int64, error) {
	big, ts := "INTEGER", "TIMESTAMP"
	if db.Engine == store.Postgres {
		big, ts = "BIGINT", "TIMESTAMPTZ"
	}
	for _, ddl := range []string{
		"CREATE TABLE bench_raw_flow_row (file TEXT NOT NULL, idx " + big + " NOT NULL, iuv TEXT NOT NULL, iur TEXT NOT NULL, transfer_index " + big + " NOT NULL, amount_cents " + big + " NOT NULL, outcome TEXT NOT NULL, pay_date " + ts + " NOT NULL, PRIMARY KEY (file, idx))",
		"CREATE TABLE bench_raw_movement (id TEXT PRIMARY KEY, op TEXT NOT NULL, year " + big + " NOT NULL, bill TEXT NOT NULL, op_date " + ts + " NOT NULL, amount_cents " + big + " NOT NULL, causale TEXT NOT NULL, payer TEXT NOT NULL)",
		"CREATE TABLE bench_raw_receipt (id TEXT PRIMARY KEY, iuv TEXT NOT NULL, iur TEXT NOT NULL, ec TEXT NOT NULL, amount_cents " + big + " NOT NULL, payment_date " + ts + " NOT NULL, debt_type TEXT NOT NULL, transfers TEXT NOT NULL)",
		"CREATE TABLE bench_raw_notification (iud TEXT PRIMARY KEY, iuv TEXT NOT NULL, amount_cents " + big + " NOT NULL, pay_date " + ts + " NOT NULL, debt_type TEXT NOT NULL)",
	} {
		if _, err := db.ExecContext(ctx, ddl); err != nil {
			return 0, err
		}
	}
	var total int64
	for _, p := range files.All() {
		start := time.Now()
		n, err := loadRaw(ctx, db, p)
		by.add(files.Label(p), start)
		if err != nil {
			return total, fmt.Errorf("%s: %w", p, err)
		}
		total += n
	}
	return total, nil
}

func loadRaw(ctx context.Context, db *store.DB, path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 256<<10)
	head, _ := br.Peek(4096)
	var n int64
	err = db.Transact(ctx, func(tx *store.Tx) error {
		var in *rawInserter
		var err error
		switch kind := flows.Detect(head); kind {
		case flows.KindFdRXML, flows.KindFdRJSON:
			in = newRaw(ctx, tx, "INSERT INTO bench_raw_flow_row (file, idx, iuv, iur, transfer_index, amount_cents, outcome, pay_date)", 8)
			read := flows.ReadFdRXML
			if kind == flows.KindFdRJSON {
				read = flows.ReadFdRJSON
			}
			_, err = read(br, func(r flows.FlowRow) error {
				return in.add(path, r.Index, r.IUV, r.IUR, r.TransferIndex, r.AmountCents, r.Outcome, r.Date)
			})
		case flows.KindOPI, flows.KindGdCCSV:
			in = newRaw(ctx, tx, "INSERT INTO bench_raw_movement (id, op, year, bill, op_date, amount_cents, causale, payer)", 8)
			add := func(m flows.Movement) error {
				return in.add(m.Key+"#"+m.Op, m.Op, m.Year, m.Bill, m.Date, m.AmountCents, m.Causale, m.Payer)
			}
			if kind == flows.KindOPI {
				_, err = flows.ReadOPI(br, add)
			} else {
				_, err = flows.ReadGdCCSV(br, add)
			}
		case flows.KindReceipt, flows.KindMyPay:
			in = newRaw(ctx, tx, "INSERT INTO bench_raw_receipt (id, iuv, iur, ec, amount_cents, payment_date, debt_type, transfers)", 8)
			add := func(r flows.Receipt) error {
				t, err := json.Marshal(r.Transfers)
				if err != nil {
					return err
				}
				return in.add(r.ReceiptID, r.IUV, r.IUR, r.ECFiscalCode, r.AmountCents, r.PaymentDate, r.DebtType, string(t))
			}
			if kind == flows.KindMyPay {
				_, _, err = flows.ReadMyPayExport(br, add)
			} else {
				_, err = flows.ReadReceiptsJSONL(br, add)
			}
		case flows.KindNotify:
			in = newRaw(ctx, tx, "INSERT INTO bench_raw_notification (iud, iuv, amount_cents, pay_date, debt_type)", 5)
			_, err = flows.ReadNotifications(br, func(v flows.Notification) error {
				return in.add(v.IUD, v.IUV, v.AmountCents, v.Date, v.DebtType)
			})
		default:
			return fmt.Errorf("unknown format")
		}
		if err != nil {
			return err
		}
		err = in.close()
		n = int64(in.rows)
		return err
	})
	return n, err
}

// rawInserter writes multi-row INSERTs as the ledger does: up to 3000
// parameters on SQLite (positional "?", the full batch prepared per
// transaction), 6000 on PostgreSQL (the full batch's text left to the
// driver's statement cache, so its plan is kept across transactions).
type rawInserter struct {
	ctx        context.Context
	tx         *store.Tx
	head       string
	cols, rows int
	batch      int
	pending    int
	args       []any
	full       *sql.Stmt
	fullSQL    string
}

func newRaw(ctx context.Context, tx *store.Tx, head string, cols int) *rawInserter {
	params := 6000
	if tx.Engine == store.SQLite {
		params = 3000
	}
	return &rawInserter{ctx: ctx, tx: tx, head: head, cols: cols, batch: max(1, params/cols)}
}

func (r *rawInserter) sql(rows int) string {
	var b strings.Builder
	b.WriteString(r.head + " VALUES ")
	n := 1
	for i := 0; i < rows; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for c := 0; c < r.cols; c++ {
			if c > 0 {
				b.WriteByte(',')
			}
			if r.tx.Engine == store.SQLite {
				b.WriteByte('?')
			} else {
				fmt.Fprintf(&b, "$%d", n)
			}
			n++
		}
		b.WriteByte(')')
	}
	return b.String()
}

func (r *rawInserter) add(vals ...any) error {
	r.args = append(r.args, vals...)
	r.pending++
	r.rows++
	if r.pending == r.batch {
		return r.flush()
	}
	return nil
}

func (r *rawInserter) flush() error {
	if r.pending == 0 {
		return nil
	}
	var err error
	if r.pending == r.batch && r.tx.Engine == store.Postgres {
		if r.fullSQL == "" {
			r.fullSQL = r.sql(r.batch)
		}
		_, err = r.tx.ExecContext(r.ctx, r.fullSQL, r.args...)
	} else if r.pending == r.batch {
		if r.full == nil {
			if r.full, err = r.tx.PrepareContext(r.ctx, r.sql(r.batch)); err != nil {
				return err
			}
		}
		_, err = r.full.ExecContext(r.ctx, r.args...)
	} else {
		_, err = r.tx.ExecContext(r.ctx, r.sql(r.pending), r.args...)
	}
	r.pending, r.args = 0, r.args[:0]
	return err
}

func (r *rawInserter) close() error {
	err := r.flush()
	if r.full != nil {
		r.full.Close()
	}
	return err
}
