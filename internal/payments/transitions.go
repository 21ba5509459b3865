package payments

import (
	"context"
	"time"

	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/events"
	"github.com/arengo-pa/arengo/internal/payments/gpd"
	"github.com/arengo-pa/arengo/internal/store"
)

// transitions lists, per action, the statuses it may start from (GPD's table).
var transitions = map[string][]string{
	"publish": {gpd.StatusDraft},
	"cancel":  {gpd.StatusDraft, gpd.StatusPublished, gpd.StatusValid},
}

func allowed(action, from string) bool {
	for _, s := range transitions[action] {
		if s == from {
			return true
		}
	}
	return false
}

// Publish makes a draft payable: VALID, or PUBLISHED until its validity date
// (GPD's PublishPaymentUtil).
func (s *Service) Publish(ctx context.Context, id string) (*Position, error) {
	return s.change(ctx, id, "publish", "", "U", "pubblicazione")
}

// publishedStatus is where publishing leads at a given time.
func publishedStatus(p *Position, now time.Time) string {
	if p.ValidityDate != nil && p.ValidityDate.After(now) {
		return gpd.StatusPublished
	}
	return gpd.StatusValid
}

// Cancel withdraws a position (GPD invalidate); paid positions cannot be cancelled.
func (s *Service) Cancel(ctx context.Context, id, reason string) (*Position, error) {
	if reason == "" {
		reason = "annullamento"
	}
	return s.change(ctx, id, "cancel", gpd.StatusInvalid, "D", reason)
}

func (s *Service) change(ctx context.Context, id, action, to, sync, reason string) (*Position, error) {
	var out *Position
	err := s.d.DB.Transact(ctx, func(tx *store.Tx) error {
		p, err := s.position(ctx, tx, id)
		if err != nil {
			return err
		}
		if !allowed(action, p.Status) {
			return errs.E(errs.ECONFLICT, "la posizione è %q: %s non consentito", StatusLabel(p.Status), reason)
		}
		before := positionEvent(p)
		// A draft never reached GPD as payable: publishing it is still a create.
		if p.GPDSync == "P" && action == "publish" {
			sync = "P"
		}
		if action == "publish" {
			to = publishedStatus(p, s.now())
		}
		if err := s.setStatus(ctx, tx, p, to, reason); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE payments_position SET gpd_sync = $1 WHERE id = $2`, sync, p.ID); err != nil {
			return err
		}
		p.GPDSync = sync
		if err := auditRecord(ctx, tx, "payments."+action, p.ID, p.Debtor.FiscalCode, before, positionEvent(p)); err != nil {
			return err
		}
		if action == "publish" {
			if err := s.notifyNew(ctx, tx, p); err != nil {
				return err
			}
		}
		out = p
		return s.wakeSync(ctx, tx)
	})
	return out, err
}

// setStatus moves a position, records the history and appends the event.
func (s *Service) setStatus(ctx context.Context, tx *store.Tx, p *Position, to, reason string) error {
	from := p.Status
	now := store.Now()
	p.Status, p.Version, p.UpdatedAt = to, p.Version+1, now
	if _, err := tx.ExecContext(ctx, `UPDATE payments_position SET status = $1, version = $2, updated_at = $3,
		paid_cents = $4, paid_at = $5 WHERE id = $6`, to, p.Version, now, p.PaidCents, p.PaidAt, p.ID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO payments_status_history (id, position_id, from_status, to_status,
		reason, actor, at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, store.NewID(), p.ID, from, to, reason, actorOf(ctx), now); err != nil {
		return err
	}
	return events.Append(ctx, tx, events.Event{Type: "payments.status_changed", AggregateType: "position",
		AggregateID: p.ID, AggregateVersion: p.Version, Data: map[string]any{
			"position_id": p.ID, "iupd": p.IUPD, "from": from, "to": to, "reason": reason, "debt_type": p.DebtType}})
}

// recompute applies GPD's rule after a payment: options grouped into plans (all
// instalments form one plan, each single payment its own); a fully paid plan
// makes the position PAID, any paid option PARTIALLY_PAID.
func recompute(p *Position) string {
	type plan struct{ all, paid, reported int }
	var instalments plan
	var plans []plan
	anyPaid := false
	for _, o := range p.Options {
		pl := plan{all: 1}
		if gpd.OptionPaidStatus(o.Status) {
			pl.paid, anyPaid = 1, true
		}
		if o.Status == gpd.OptionReported {
			pl.reported = 1
		}
		if o.IsPartial {
			instalments.all += pl.all
			instalments.paid += pl.paid
			instalments.reported += pl.reported
		} else {
			plans = append(plans, pl)
		}
	}
	if instalments.all > 0 {
		plans = append(plans, instalments)
	}
	for _, pl := range plans {
		if pl.reported == pl.all {
			return gpd.StatusReported
		}
	}
	for _, pl := range plans {
		if pl.paid == pl.all {
			return gpd.StatusPaid
		}
	}
	if anyPaid {
		return gpd.StatusPartiallyPaid
	}
	return p.Status
}
