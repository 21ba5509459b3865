package payments

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/arengo-pa/arengo/internal/store"
)

// rowsPerStatement is how many rows one INSERT carries: enough to save most
// round trips, few enough that binding stays cheap. Every full chunk reuses one
// prepared statement, so SQL text is parsed once per table per transaction.
const rowsPerStatement = 64

// insertMany writes rows with multi-row INSERT statements: one statement per
// rowsPerStatement rows instead of one per row, which is what makes a
// 100,000-row import keep up with a bare insert.
//
// On SQLite the placeholders are "?", the one place this module leaves the
// shared "$N" syntax: SQLite resolves "$N" by name with a linear search, so a
// statement with thousands of them costs the square of that to prepare and bind.
func insertMany(ctx context.Context, tx *store.Tx, engine store.Engine, table string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	var full *sql.Stmt
	for start := 0; start < len(rows); start += rowsPerStatement {
		chunk := rows[start:min(start+rowsPerStatement, len(rows))]
		args := make([]any, 0, len(chunk)*len(cols))
		for _, row := range chunk {
			args = append(args, row...)
		}
		var err error
		if len(chunk) == rowsPerStatement {
			if full == nil {
				if full, err = tx.PrepareContext(ctx, insertSQL(engine, table, cols, len(chunk))); err != nil {
					return fmt.Errorf("insert %s: %w", table, err)
				}
				defer full.Close()
			}
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, insertSQL(engine, table, cols, len(chunk)), args...)
		}
		if err != nil {
			return fmt.Errorf("insert %s: %w", table, err)
		}
	}
	return nil
}

func insertSQL(engine store.Engine, table string, cols []string, n int) string {
	var b strings.Builder
	if engine == store.SQLite {
		// A multi-row INSERT that may stop half-way (a conflict under the default
		// ABORT, an immediate foreign key) makes SQLite keep a statement journal
		// (pages copied to a temporary file) so the statement alone can be undone.
		// Nothing here is undone alone: any error rolls the whole transaction
		// back. OR FAIL gives that outcome without the journal, for tables whose
		// foreign keys are deferred (payments_transfer, migration 003).
		b.WriteString("INSERT OR FAIL INTO ")
	} else {
		b.WriteString("INSERT INTO ")
	}
	b.WriteString(table + " (" + strings.Join(cols, ", ") + ") VALUES ")
	p := 0
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for j := range cols {
			if j > 0 {
				b.WriteByte(',')
			}
			p++
			if engine == store.SQLite {
				b.WriteByte('?')
			} else {
				fmt.Fprintf(&b, "$%d", p)
			}
		}
		b.WriteByte(')')
	}
	return b.String()
}

var (
	positionCols = []string{"id", "iupd", "debt_type", "debtor_type", "debtor_cf", "debtor_name", "street", "civic",
		"postal_code", "city", "province", "country", "email", "description", "status", "gpd_sync", "source",
		"import_iud", "import_id", "import_line", "content_hash", "collection", "budget", "total_cents", "paid_cents",
		"version", "created_at", "updated_at"}
	optionCols = []string{"id", "position_id", "iuv", "notice_number", "amount_cents", "description", "due_date",
		"is_partial", "instalment", "status"}
	transferCols = []string{"option_id", "idx", "amount_cents", "creditor_cf", "company_name", "iban",
		"postal_iban", "remittance", "category"}
)

// rows collects new positions for insertMany.
type rows struct {
	positions, options, transfers [][]any
}

// importRef ties an imported position to its row of a MyPay file.
type importRef struct {
	ImportID, IUD, Hash, Collection, Budget string
	Line                                    int
}

// add queues a new position. Its creation is not a history row: the position
// keeps when and how it was made (created_at, source, import file and line) and
// the audit log keeps who; the history lists the changes that follow.
func (r *rows) add(p *Position, ref *importRef) {
	var iud, importID any
	line, hash, collection, budget := 0, "", "", ""
	if ref != nil {
		iud, importID, line, hash, collection, budget = ref.IUD, ref.ImportID, ref.Line, ref.Hash, ref.Collection, ref.Budget
	}
	d := p.Debtor
	r.positions = append(r.positions, []any{p.ID, p.IUPD, p.DebtType, d.Type, d.FiscalCode, d.Name, d.Street, d.Civic,
		d.PostalCode, d.City, d.Province, d.Country, d.Email, p.Description, p.Status, p.GPDSync, p.Source,
		iud, importID, line, hash, collection, budget, p.TotalCents, p.PaidCents, p.Version, p.CreatedAt, p.UpdatedAt})
	for _, o := range p.Options {
		r.options = append(r.options, []any{o.ID, p.ID, o.IUV, o.NoticeNumber, o.AmountCents, o.Description,
			o.DueDate, o.IsPartial, o.Instalment, o.Status})
		for _, t := range o.Transfers {
			r.transfers = append(r.transfers, []any{o.ID, t.Index, t.AmountCents, t.CreditorCF,
				t.CompanyName, t.IBAN, t.PostalIBAN, t.Remittance, t.Category})
		}
	}
}

func (r *rows) flush(ctx context.Context, tx *store.Tx, engine store.Engine) error {
	for _, step := range []struct {
		table string
		cols  []string
		rows  [][]any
	}{
		{"payments_position", positionCols, r.positions},
		{"payments_option", optionCols, r.options},
		{"payments_transfer", transferCols, r.transfers},
	} {
		if err := insertMany(ctx, tx, engine, step.table, step.cols, step.rows); err != nil {
			return err
		}
	}
	*r = rows{}
	return nil
}
