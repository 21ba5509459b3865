package payments

import (
	"context"
	"database/sql"
	"io"

	"github.com/arengo-pa/arengo/internal/payments/mypay"
)

// ExportPaid streams every paid option with its receipt in MyPay's export layout.
func (s *Service) ExportPaid(ctx context.Context, w io.Writer) error {
	rows, err := s.d.DB.QueryContext(ctx, `SELECT COALESCE(i.flow_id, ''), p.import_line, COALESCE(p.import_iud, ''), o.iuv,
		r.receipt_id, r.received_at, r.psp_id, r.psp_name, p.debtor_type, p.debtor_cf, p.debtor_name, o.amount_cents,
		r.amount_cents, r.payment_date, o.description, p.collection, p.debt_type, p.budget, t.category
		FROM payments_receipt r
		JOIN payments_option o ON o.id = r.option_id
		JOIN payments_position p ON p.id = o.position_id
		LEFT JOIN payments_import i ON i.id = p.import_id
		LEFT JOIN payments_transfer t ON t.option_id = o.id AND t.idx = 1
		WHERE r.outcome = 'OK' ORDER BY r.payment_date, r.id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	ew := mypay.NewExportWriter(w)
	for rows.Next() {
		var p mypay.Paid
		var received, paid sql.NullTime
		if err := rows.Scan(&p.FlowID, &p.FlowRow, &p.IUD, &p.IUV, &p.ReceiptID, &received, &p.PSPID, &p.PSPName,
			&p.DebtorType, &p.DebtorCF, &p.DebtorName, &p.AmountCents, &p.PaidCents, &paid, &p.Remittance,
			&p.Collection, &p.DebtType, &p.Budget, &p.TaxonomyCode); err != nil {
			return err
		}
		p.ReceiptTime, p.PaymentDate = received.Time, paid.Time
		p.IUR = p.ReceiptID
		p.CreditorCF, p.CreditorName = s.cfg.CreditorCF, s.cfg.CreditorName
		if err := ew.Write(p); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return ew.Flush()
}
