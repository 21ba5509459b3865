package payments

import (
	"context"
	"fmt"
	"strings"

	"github.com/arengo-pa/arengo/internal/store"
)

// maxParams keeps one statement well under SQLite's and PostgreSQL's limits on
// bound parameters (32766 and 65535).
const maxParams = 8000

// insertMany writes rows with multi-row INSERT statements: one round trip per
// few hundred rows instead of one per row, which is what makes a 100,000-row
// import keep up with a bare insert.
//
// On SQLite the placeholders are "?", the one place this module leaves the
// shared "$N" syntax: SQLite resolves "$N" by name with a linear search, so a
// statement with thousands of them costs the square of that to prepare and bind.
func insertMany(ctx context.Context, tx *store.Tx, engine store.Engine, table string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	per := maxParams / len(cols)
	for start := 0; start < len(rows); start += per {
		end := min(start+per, len(rows))
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
		args := make([]any, 0, (end-start)*len(cols))
		for i, row := range rows[start:end] {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('(')
			for j := range row {
				if j > 0 {
					b.WriteByte(',')
				}
				if engine == store.SQLite {
					b.WriteByte('?')
				} else {
					fmt.Fprintf(&b, "$%d", len(args)+j+1)
				}
			}
			b.WriteByte(')')
			args = append(args, row...)
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("insert %s: %w", table, err)
		}
	}
	return nil
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
	historyCols = []string{"id", "position_id", "from_status", "to_status", "reason", "actor", "at"}
)

// rows collects new positions for insertMany.
type rows struct {
	positions, options, transfers, history [][]any
}

// importRef ties an imported position to its row of a MyPay file.
type importRef struct {
	ImportID, IUD, Hash, Collection, Budget string
	Line                                    int
}

func (r *rows) add(p *Position, ref *importRef, actor, reason string) {
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
	r.history = append(r.history, []any{store.NewID(), p.ID, "", p.Status, reason, actor, p.CreatedAt})
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
		{"payments_status_history", historyCols, r.history},
	} {
		if err := insertMany(ctx, tx, engine, step.table, step.cols, step.rows); err != nil {
			return err
		}
	}
	*r = rows{}
	return nil
}
