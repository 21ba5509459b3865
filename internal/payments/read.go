package payments

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/payments/iuv"
)

// querier is what reads need: the database or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

const positionSelect = `SELECT id, iupd, debt_type, debtor_type, debtor_cf, debtor_name, street, civic, postal_code,
	city, province, country, email, description, status, gpd_sync, source, COALESCE(import_iud, ''), total_cents,
	paid_cents, version, created_at, updated_at, paid_at, validity_date, switch_to_expired FROM payments_position`

func scanPosition(sc interface{ Scan(...any) error }) (*Position, error) {
	p := &Position{}
	d := &p.Debtor
	var paid, validity sql.NullTime
	if err := sc.Scan(&p.ID, &p.IUPD, &p.DebtType, &d.Type, &d.FiscalCode, &d.Name, &d.Street, &d.Civic,
		&d.PostalCode, &d.City, &d.Province, &d.Country, &d.Email, &p.Description, &p.Status, &p.GPDSync,
		&p.Source, &p.ImportIUD, &p.TotalCents, &p.PaidCents, &p.Version, &p.CreatedAt, &p.UpdatedAt, &paid,
		&validity, &p.SwitchToExpired); err != nil {
		return nil, err
	}
	if validity.Valid {
		t := validity.Time.UTC()
		p.ValidityDate = &t
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	if paid.Valid {
		t := paid.Time.UTC()
		p.PaidAt = &t
	}
	return p, nil
}

// Position loads a position with its options and transfers.
func (s *Service) Position(ctx context.Context, id string) (*Position, error) {
	return s.position(ctx, s.d.DB, id)
}

func (s *Service) position(ctx context.Context, q querier, id string) (*Position, error) {
	p, err := scanPosition(q.QueryRowContext(ctx, positionSelect+` WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.ENOTFOUND, "posizione debitoria non trovata")
	}
	if err != nil {
		return nil, err
	}
	return p, s.loadOptions(ctx, q, p)
}

// PositionByNotice finds the position that owns an 18-digit notice number.
func (s *Service) PositionByNotice(ctx context.Context, nav string) (*Position, error) {
	n, err := iuv.Parse(nav)
	if err != nil {
		return nil, errs.Field("codice_avviso", "%v", err)
	}
	var id string
	err = s.d.DB.QueryRowContext(ctx, `SELECT position_id FROM payments_option WHERE iuv = $1 AND notice_number = $2`,
		n.IUV, n.Number).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.ENOTFOUND, "nessuna posizione con il codice avviso %s", n.Number)
	}
	if err != nil {
		return nil, err
	}
	return s.Position(ctx, id)
}

// PositionByIUV finds the position that owns an IUV (what FdR rows carry).
func (s *Service) PositionByIUV(ctx context.Context, iuvCode string) (*Position, error) {
	var id string
	err := s.d.DB.QueryRowContext(ctx, `SELECT position_id FROM payments_option WHERE iuv = $1`, iuvCode).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.ENOTFOUND, "nessuna posizione con lo IUV %s", iuvCode)
	}
	if err != nil {
		return nil, err
	}
	return s.Position(ctx, id)
}

func (s *Service) loadOptions(ctx context.Context, q querier, p *Position) error {
	rows, err := q.QueryContext(ctx, `SELECT id, iuv, notice_number, amount_cents, description, due_date, is_partial,
		instalment, status, paid_at, COALESCE(receipt_id, '') FROM payments_option WHERE position_id = $1
		ORDER BY instalment`, p.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	idx := map[string]int{}
	p.Options = nil
	for rows.Next() {
		var o Option
		var paid sql.NullTime
		if err := rows.Scan(&o.ID, &o.IUV, &o.NoticeNumber, &o.AmountCents, &o.Description, &o.DueDate, &o.IsPartial,
			&o.Instalment, &o.Status, &paid, &o.ReceiptID); err != nil {
			return err
		}
		o.DueDate = o.DueDate.UTC()
		if paid.Valid {
			t := paid.Time.UTC()
			o.PaidAt = &t
		}
		idx[o.ID] = len(p.Options)
		p.Options = append(p.Options, o)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	trows, err := q.QueryContext(ctx, `SELECT t.option_id, t.idx, t.amount_cents, t.creditor_cf, t.company_name, t.iban,
		t.postal_iban, t.remittance, t.category FROM payments_transfer t JOIN payments_option o ON o.id = t.option_id
		WHERE o.position_id = $1 ORDER BY t.option_id, t.idx`, p.ID)
	if err != nil {
		return err
	}
	defer trows.Close()
	for trows.Next() {
		var optID string
		var t Transfer
		if err := trows.Scan(&optID, &t.Index, &t.AmountCents, &t.CreditorCF, &t.CompanyName, &t.IBAN, &t.PostalIBAN,
			&t.Remittance, &t.Category); err != nil {
			return err
		}
		o := &p.Options[idx[optID]]
		o.Transfers = append(o.Transfers, t)
	}
	return trows.Err()
}

// Filter selects positions in staff searches and exports.
type Filter struct {
	Debtor   string // fiscal code or part of the name
	Notice   string // notice number or IUV
	DebtType string
	Status   string
	Limit    int
	Offset   int
}

func (f Filter) where() (string, []any) {
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + itoa(len(args))
	}
	if d := strings.TrimSpace(f.Debtor); d != "" {
		conds = append(conds, "(p.debtor_cf = "+arg(strings.ToUpper(d))+" OR LOWER(p.debtor_name) LIKE "+arg("%"+strings.ToLower(d)+"%")+")")
	}
	if n := strings.ReplaceAll(strings.TrimSpace(f.Notice), " ", ""); n != "" {
		// A notice number is found through its IUV (indexed); anything else is taken as an IUV.
		if nt, err := iuv.Parse(n); err == nil {
			n = nt.IUV
		}
		conds = append(conds, "EXISTS (SELECT 1 FROM payments_option o WHERE o.position_id = p.id AND o.iuv = "+arg(n)+")")
	}
	if f.DebtType != "" {
		conds = append(conds, "p.debt_type = "+arg(f.DebtType))
	}
	if f.Status != "" {
		conds = append(conds, "p.status = "+arg(f.Status))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Search lists positions (without options) matching f, newest first, and the total count.
func (s *Service) Search(ctx context.Context, f Filter) ([]*Position, int, error) {
	where, args := f.where()
	var total int
	if err := s.d.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM payments_position p`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	q := strings.Replace(positionSelect, "FROM payments_position", "FROM payments_position p", 1) + where +
		" ORDER BY p.created_at DESC, p.id DESC LIMIT " + itoa(f.Limit) + " OFFSET " + itoa(f.Offset)
	rows, err := s.d.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*Position
	for rows.Next() {
		p, err := scanPosition(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, p)
	}
	return out, total, rows.Err()
}

// ForDebtor lists a citizen's positions with their options, newest first.
func (s *Service) ForDebtor(ctx context.Context, fiscalCode string) ([]*Position, error) {
	rows, err := s.d.DB.QueryContext(ctx, positionSelect+` WHERE debtor_cf = $1 AND status <> 'DRAFT'
		ORDER BY created_at DESC LIMIT 200`, strings.ToUpper(fiscalCode))
	if err != nil {
		return nil, err
	}
	var out []*Position
	for rows.Next() {
		p, err := scanPosition(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, p)
	}
	rows.Close()
	for _, p := range out {
		if err := s.loadOptions(ctx, s.d.DB, p); err != nil {
			return nil, err
		}
	}
	return out, rows.Err()
}

// Total is what is due and collected for one dovuto type.
type Total struct {
	DebtType       string
	Positions      int
	DueCents       int64 // still to collect on payable positions
	CollectedCents int64
}

// Totals sums positions per dovuto type (cancelled positions count for nothing).
func (s *Service) Totals(ctx context.Context) ([]Total, error) {
	rows, err := s.d.DB.QueryContext(ctx, `SELECT debt_type, COUNT(*),
		COALESCE(SUM(CASE WHEN status IN ('VALID', 'PUBLISHED', 'PARTIALLY_PAID', 'EXPIRED') THEN total_cents - paid_cents ELSE 0 END), 0),
		COALESCE(SUM(paid_cents), 0)
		FROM payments_position WHERE status <> 'INVALID' GROUP BY debt_type ORDER BY debt_type`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Total
	for rows.Next() {
		var t Total
		if err := rows.Scan(&t.DebtType, &t.Positions, &t.DueCents, &t.CollectedCents); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// DebtTypes lists the dovuto types.
func (s *Service) DebtTypes(ctx context.Context) ([]DebtType, error) {
	rows, err := s.d.DB.QueryContext(ctx, `SELECT code, description, category, iban, postal_account, due_date_required,
		active FROM payments_debt_type ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DebtType
	for rows.Next() {
		var dt DebtType
		if err := rows.Scan(&dt.Code, &dt.Description, &dt.Category, &dt.IBAN, &dt.PostalAccount, &dt.DueDateRequired, &dt.Active); err != nil {
			return nil, err
		}
		out = append(out, dt)
	}
	return out, rows.Err()
}

// History is one status change of a position.
type History struct {
	From, To, Reason, Actor string
	At                      time.Time
}

// History lists the status changes of a position, oldest first.
func (s *Service) History(ctx context.Context, positionID string) ([]History, error) {
	rows, err := s.d.DB.QueryContext(ctx, `SELECT from_status, to_status, reason, actor, at FROM payments_status_history
		WHERE position_id = $1 ORDER BY at, id`, positionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []History
	for rows.Next() {
		var h History
		if err := rows.Scan(&h.From, &h.To, &h.Reason, &h.Actor, &h.At); err != nil {
			return nil, err
		}
		h.At = h.At.UTC()
		out = append(out, h)
	}
	return out, rows.Err()
}
