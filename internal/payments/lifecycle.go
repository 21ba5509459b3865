package payments

import (
	"context"
	"fmt"
	"time"

	"github.com/arengo-pa/arengo/internal/events"
	"github.com/arengo-pa/arengo/internal/jobs"
	"github.com/arengo-pa/arengo/internal/payments/gpd"
	"github.com/arengo-pa/arengo/internal/store"
)

// The lifecycle job applies GPD's two date rules (pagopa-debt-position's
// DebtPositionStatusScheduler) to the local positions:
//
//   - PUBLISHED → VALID once validityDate is reached;
//   - with switchToExpired, every unpaid option past its due date becomes
//     PO_EXPIRED (GPD v3's installment EXPIRED) and can no longer be paid; a
//     VALID position whose options have all expired becomes EXPIRED (GPD v1:
//     max due date past and every option unpaid).
//
// GPD runs the same rules on its copy, so nothing is sent to GPD. The job is a
// kernel schedule, so it runs once across processes; it works in batches, each
// in its own transaction, and rechecks every position inside the transaction,
// so a receipt committed meanwhile wins.
const (
	jobLifecycle   = "payments.lifecycle"
	lifecycleBatch = 200
	// LifecycleSchedule is when the lifecycle job runs (every five minutes).
	LifecycleSchedule = "*/5 * * * *"
)

// LifecycleResult counts what one run changed.
type LifecycleResult struct {
	Valid          int // PUBLISHED → VALID
	ExpiredOptions int // PO_UNPAID → PO_EXPIRED
	Expired        int // VALID → EXPIRED
}

func (s *Service) lifecycleJob(ctx context.Context, _ *jobs.Job) error {
	res, err := s.RunLifecycle(ctx)
	if err == nil && res != (LifecycleResult{}) {
		s.d.Log.Info("payments lifecycle", "valid", res.Valid, "expired_options", res.ExpiredOptions, "expired", res.Expired)
	}
	return err
}

// RunLifecycle applies the date rules at the service's current time.
func (s *Service) RunLifecycle(ctx context.Context) (LifecycleResult, error) {
	var res LifecycleResult
	now := s.now()
	for {
		ids, err := store.Column[string](ctx, s.d.DB, `SELECT id FROM payments_position WHERE status = 'PUBLISHED' AND validity_date <= $1
			ORDER BY validity_date LIMIT $2`, now, lifecycleBatch)
		if err != nil || len(ids) == 0 {
			if err != nil {
				return res, err
			}
			break
		}
		n, err := s.validateBatch(ctx, ids, now)
		res.Valid += n
		if err != nil {
			return res, err
		}
		if len(ids) < lifecycleBatch {
			break
		}
	}
	// Due dates are dates: an option stays payable for its whole due day.
	cut := now.AddDate(0, 0, -1)
	for {
		ids, err := store.Column[string](ctx, s.d.DB, `SELECT DISTINCT p.id FROM payments_position p JOIN payments_option o ON o.position_id = p.id
			WHERE p.switch_to_expired = TRUE AND p.status IN ('VALID', 'PARTIALLY_PAID') AND o.status = 'PO_UNPAID'
			AND o.due_date <= $1 ORDER BY p.id LIMIT $2`, cut, lifecycleBatch)
		if err != nil || len(ids) == 0 {
			if err != nil {
				return res, err
			}
			break
		}
		opts, pos, err := s.expireBatch(ctx, ids, now)
		res.ExpiredOptions += opts
		res.Expired += pos
		if err != nil {
			return res, err
		}
		if len(ids) < lifecycleBatch || opts == 0 {
			break
		}
	}
	return res, nil
}

// validateBatch moves published positions whose validity date is reached to
// VALID and tells the debtor, as publishing a payable position does.
func (s *Service) validateBatch(ctx context.Context, ids []string, now time.Time) (int, error) {
	n := 0
	err := s.d.DB.Transact(ctx, func(tx *store.Tx) error {
		n = 0
		for _, id := range ids {
			p, err := s.position(ctx, tx, id)
			if err != nil {
				return err
			}
			if p.Status != gpd.StatusPublished || p.ValidityDate == nil || p.ValidityDate.After(now) {
				continue
			}
			if err := s.setStatus(ctx, tx, p, gpd.StatusValid, "data di inizio validità raggiunta"); err != nil {
				return err
			}
			if err := s.notifyNew(ctx, tx, p); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// expireBatch expires the unpaid options past their due date of positions with
// switchToExpired, and the positions left with nothing payable.
func (s *Service) expireBatch(ctx context.Context, ids []string, now time.Time) (options, positions int, err error) {
	err = s.d.DB.Transact(ctx, func(tx *store.Tx) error {
		options, positions = 0, 0
		for _, id := range ids {
			p, err := s.position(ctx, tx, id)
			if err != nil {
				return err
			}
			if !p.SwitchToExpired || (p.Status != gpd.StatusValid && p.Status != gpd.StatusPartiallyPaid) {
				continue
			}
			n, err := s.expireOptions(ctx, tx, p, now)
			if err != nil {
				return err
			}
			options += n
			if n == 0 {
				continue
			}
			if p.Status == gpd.StatusValid && allExpired(p) {
				if err := s.setStatus(ctx, tx, p, gpd.StatusExpired, "scadenza superata senza pagamento"); err != nil {
					return err
				}
				positions++
			}
		}
		return nil
	})
	return options, positions, err
}

func (s *Service) expireOptions(ctx context.Context, tx *store.Tx, p *Position, now time.Time) (int, error) {
	n := 0
	for i := range p.Options {
		o := &p.Options[i]
		if !p.expiredAt(*o, now) {
			continue
		}
		o.Status = gpd.OptionExpired
		if _, err := tx.ExecContext(ctx, `UPDATE payments_option SET status = $1 WHERE id = $2 AND status = 'PO_UNPAID'`,
			gpd.OptionExpired, o.ID); err != nil {
			return n, err
		}
		what := "unica soluzione"
		if o.IsPartial {
			what = fmt.Sprintf("rata %d", o.Instalment)
		}
		reason := fmt.Sprintf("%s, avviso %s, scaduta il %s", what, o.NoticeNumber, o.DueDate.Format("02/01/2006"))
		p.Version++
		p.UpdatedAt = store.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE payments_position SET version = $1, updated_at = $2 WHERE id = $3`,
			p.Version, p.UpdatedAt, p.ID); err != nil {
			return n, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO payments_status_history (id, position_id, from_status, to_status,
			reason, actor, at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, store.NewID(), p.ID, gpd.OptionUnpaid, gpd.OptionExpired,
			reason, actorOf(ctx), p.UpdatedAt); err != nil {
			return n, err
		}
		if err := events.Append(ctx, tx, events.Event{Type: "payments.option_expired", AggregateType: "position",
			AggregateID: p.ID, AggregateVersion: p.Version, Data: map[string]any{
				"position_id": p.ID, "iupd": p.IUPD, "option_id": o.ID, "iuv": o.IUV, "notice_number": o.NoticeNumber,
				"due_date": o.DueDate.Format(time.RFC3339), "amount_cents": o.AmountCents, "debt_type": p.DebtType}}); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func allExpired(p *Position) bool {
	for _, o := range p.Options {
		if o.Status != gpd.OptionExpired {
			return false
		}
	}
	return len(p.Options) > 0
}
