package payments

import (
	"context"
	"time"

	"github.com/arengo-pa/arengo/internal/jobs"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/payments/gpd"
	"github.com/arengo-pa/arengo/internal/store"
	"github.com/arengo-pa/arengo/internal/web"
)

const (
	tmplNew      = "payments.position_created"
	tmplDue      = "payments.due_soon"
	reminderDays = 7
)

func (s *Service) defineTemplates() {
	if s.d.Notifier == nil {
		return
	}
	s.d.Notifier.DefineTemplate(kernel.NotificationTemplate{
		Key: tmplNew,
		Subject: web.Msg{IT: "Nuovo avviso di pagamento: {{.description}}",
			EN: "New payment notice: {{.description}}"},
		Body: web.Msg{
			IT: "Il {{.creditor}} ti ha inviato un avviso di pagamento.\n\n**{{.description}}**\n\nImporto: **{{.amount}}**, scadenza {{.due_date}}.\n\nCodice avviso: {{.notice_number}}. Puoi pagare dall'Area personale, nell'app IO o presso i prestatori aderenti a pagoPA.",
			EN: "{{.creditor}} sent you a payment notice.\n\n**{{.description}}**\n\nAmount: **{{.amount}}**, due {{.due_date}}.\n\nNotice number: {{.notice_number}}. You can pay from your personal area, in the IO app or at any pagoPA provider.",
		},
		Required: []string{"description", "amount", "due_date", "notice_number", "creditor"},
	})
	s.d.Notifier.DefineTemplate(kernel.NotificationTemplate{
		Key:     tmplDue,
		Subject: web.Msg{IT: "Scadenza vicina: {{.description}}", EN: "Due soon: {{.description}}"},
		Body: web.Msg{
			IT: "Ti ricordiamo che l'avviso **{{.description}}** di **{{.amount}}** scade il {{.due_date}}.\n\nCodice avviso: {{.notice_number}}. Se hai già pagato, ignora questo messaggio.",
			EN: "A reminder that **{{.description}}** of **{{.amount}}** is due on {{.due_date}}.\n\nNotice number: {{.notice_number}}. If you have already paid, please ignore this message.",
		},
		Required: []string{"description", "amount", "due_date", "notice_number"},
	})
}

// notifyNew tells the debtor about a payable position, in the caller's
// transaction. The App IO message carries the first notice's payment data.
func (s *Service) notifyNew(ctx context.Context, tx *store.Tx, p *Position) error {
	if s.d.Notifier == nil || p.Status != gpd.StatusValid || p.Debtor.Type != "F" || len(p.Options) == 0 {
		return nil
	}
	o := p.Options[0]
	due := o.DueDate
	_, err := s.d.Notifier.Notify(ctx, tx, kernel.Notification{
		FiscalCode: p.Debtor.FiscalCode,
		Template:   tmplNew,
		Data: map[string]any{"description": p.Description, "amount": web.Euro(o.AmountCents),
			"due_date": due.Format("02/01/2006"), "notice_number": o.NoticeNumber, "creditor": s.cfg.CreditorName},
		DueDate:        &due,
		Payment:        &kernel.PaymentData{NoticeNumber: o.NoticeNumber, AmountCents: o.AmountCents, PayeeFiscalCode: s.cfg.CreditorCF},
		IdempotencyKey: "payments.new." + p.ID,
	})
	return err
}

// remindDue notifies every unpaid option falling due within reminderDays; the
// idempotency key makes a second run of the same day send nothing new.
func (s *Service) remindDue(ctx context.Context, _ *jobs.Job) error {
	if s.d.Notifier == nil {
		return nil
	}
	now := store.Now()
	rows, err := s.d.DB.QueryContext(ctx, `SELECT o.id, o.notice_number, o.amount_cents, o.description, o.due_date,
		p.debtor_cf FROM payments_option o JOIN payments_position p ON p.id = o.position_id
		WHERE o.status = 'PO_UNPAID' AND p.status IN ('VALID', 'PARTIALLY_PAID') AND p.debtor_type = 'F'
		AND o.due_date >= $1 AND o.due_date < $2 ORDER BY o.due_date LIMIT 10000`, now, now.AddDate(0, 0, reminderDays))
	if err != nil {
		return err
	}
	type due struct {
		id, nav, desc, cf string
		cents             int64
		at                time.Time
	}
	var list []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.id, &d.nav, &d.cents, &d.desc, &d.at, &d.cf); err != nil {
			rows.Close()
			return err
		}
		list = append(list, d)
	}
	rows.Close()
	for _, d := range list {
		at := d.at.UTC()
		err := s.d.DB.Transact(ctx, func(tx *store.Tx) error {
			_, err := s.d.Notifier.Notify(ctx, tx, kernel.Notification{
				FiscalCode: d.cf, Template: tmplDue,
				Data: map[string]any{"description": d.desc, "amount": web.Euro(d.cents),
					"due_date": at.Format("02/01/2006"), "notice_number": d.nav},
				DueDate:        &at,
				Payment:        &kernel.PaymentData{NoticeNumber: d.nav, AmountCents: d.cents, PayeeFiscalCode: s.cfg.CreditorCF},
				IdempotencyKey: "payments.due." + d.id,
			})
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}
