package payments

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/arengo-pa/arengo/internal/events"
	"github.com/arengo-pa/arengo/internal/jobs"
	"github.com/arengo-pa/arengo/internal/payments/gpd"
	"github.com/arengo-pa/arengo/internal/store"
)

const jobGPDSync = "payments.gpd_sync"

// syncGPD pushes pending local changes to GPD in batches: new positions with the
// bulk create, changes one by one. The position's gpd_sync flag (P, U, D → S or
// E) makes every step retryable by IUPD; 409 on create means GPD already has it.
func (s *Service) syncGPD(ctx context.Context, j *jobs.Job) error {
	c := s.gpdClient()
	if c == nil {
		return nil // no GPD configured (yet): positions stay pending
	}
	for {
		n, err := s.syncBatch(ctx, c)
		if err != nil || n == 0 {
			return err
		}
	}
}

func (s *Service) syncBatch(ctx context.Context, c gpd.Client) (int, error) {
	ids, err := store.Column[string](ctx, s.d.DB, `SELECT id FROM payments_position WHERE gpd_sync IN ('P', 'U', 'D')
		ORDER BY created_at LIMIT $1`, gpd.MaxBulk)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	var creates []gpd.Position
	createIDs := map[string]string{} // iupd → id
	drafts := map[string]bool{}      // iupd of positions that stay drafts in GPD
	results := map[string]error{}
	for _, id := range ids {
		p, err := s.Position(ctx, id)
		if err != nil {
			return 0, err
		}
		switch {
		case p.GPDSync == "P" && p.Status == gpd.StatusInvalid:
			results[id] = nil // withdrawn before GPD ever saw it
		case p.GPDSync == "P":
			creates = append(creates, s.toGPD(p))
			createIDs[p.IUPD] = id
			drafts[p.IUPD] = p.Status == gpd.StatusDraft
		case p.GPDSync == "U":
			_, err := c.Update(ctx, s.cfg.CreditorCF, s.toGPD(p), p.Status != gpd.StatusDraft)
			if gpd.IsStatus(err, 404) {
				err = s.createOne(ctx, c, s.toGPD(p), p.Status == gpd.StatusDraft)
			}
			results[id] = err
		case p.GPDSync == "D":
			results[id] = s.withdraw(ctx, c, p)
		}
	}
	if len(creates) > 0 {
		if err := c.CreateBulk(ctx, s.cfg.CreditorCF, creates, false); err != nil {
			// One bad or already-known position fails the whole bulk: retry one by one.
			for _, p := range creates {
				results[createIDs[p.IUPD]] = s.createOne(ctx, c, p, drafts[p.IUPD])
			}
		} else {
			for _, p := range creates {
				results[createIDs[p.IUPD]] = s.publishIfPayable(ctx, c, p, drafts[p.IUPD])
			}
		}
	}
	return len(ids), s.d.DB.Transact(ctx, func(tx *store.Tx) error {
		var synced, failed []string
		for id, err := range results {
			flag, msg := "S", ""
			if err != nil {
				flag, msg = "E", clip(err.Error(), 500)
				failed = append(failed, id)
			} else {
				synced = append(synced, id)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE payments_position SET gpd_sync = $1, gpd_error = $2 WHERE id = $3`, flag, msg, id); err != nil {
				return err
			}
		}
		return events.Append(ctx, tx, events.Event{Type: "payments.gpd_synced", AggregateType: "gpd_sync",
			AggregateID: store.NewID(), Data: map[string]any{"synced": synced, "failed": failed}})
	})
}

func (s *Service) createOne(ctx context.Context, c gpd.Client, p gpd.Position, draft bool) error {
	if _, err := c.Create(ctx, s.cfg.CreditorCF, p, false); err != nil && !gpd.IsStatus(err, 409) {
		return err
	}
	return s.publishIfPayable(ctx, c, p, draft)
}

// publishIfPayable publishes in GPD what is payable locally; drafts stay drafts.
func (s *Service) publishIfPayable(ctx context.Context, c gpd.Client, p gpd.Position, draft bool) error {
	if draft {
		return nil
	}
	_, err := c.Publish(ctx, s.cfg.CreditorCF, p.IUPD)
	return ignoreStatus(err, 409)
}

// withdraw invalidates a published position, or deletes one GPD holds as a draft.
func (s *Service) withdraw(ctx context.Context, c gpd.Client, p *Position) error {
	_, err := c.Invalidate(ctx, s.cfg.CreditorCF, p.IUPD)
	if gpd.IsStatus(err, 409) {
		err = c.Delete(ctx, s.cfg.CreditorCF, p.IUPD)
	}
	return ignoreStatus(err, 404)
}

func ignoreStatus(err error, status int) error {
	var ge *gpd.Error
	if errors.As(err, &ge) && ge.Status == status {
		return nil
	}
	return err
}

// gpdDueDate sends a due date (a day, stored at midnight UTC) as the last second
// of that day: GPD expires an option once dueDate < now, and the citizen may pay
// during the whole due day.
func gpdDueDate(t time.Time) time.Time {
	t = t.UTC()
	if t.Equal(t.Truncate(24 * time.Hour)) {
		return t.Add(24*time.Hour - time.Second)
	}
	return t
}

// toGPD maps a position to the GPD model (status is GPD's to set).
func (s *Service) toGPD(p *Position) gpd.Position {
	d := p.Debtor
	g := gpd.Position{IUPD: p.IUPD, Type: d.Type, PayStandIn: true, FiscalCode: d.FiscalCode, FullName: d.Name,
		StreetName: d.Street, CivicNumber: d.Civic, PostalCode: d.PostalCode, City: d.City, Province: d.Province,
		Country: d.Country, Email: d.Email, CompanyName: clip(s.cfg.CreditorName, 140), OfficeName: clip(s.cfg.Office, 140),
		SwitchToExpired: p.SwitchToExpired, ValidityDate: p.ValidityDate}
	for _, o := range p.Options {
		opt := gpd.Option{NAV: o.NoticeNumber, IUV: o.IUV, Amount: o.AmountCents, Description: clip(o.Description, 140),
			IsPartialPayment: o.IsPartial, DueDate: gpdDueDate(o.DueDate)}
		for _, t := range o.Transfers {
			opt.Transfer = append(opt.Transfer, gpd.Transfer{IDTransfer: fmt.Sprint(t.Index), Amount: t.AmountCents,
				OrganizationFiscalCode: t.CreditorCF, CompanyName: clip(t.CompanyName, 140),
				RemittanceInformation: clip(t.Remittance, 140), Category: t.Category, IBAN: t.IBAN, PostalIBAN: t.PostalIBAN})
		}
		g.PaymentOption = append(g.PaymentOption, opt)
	}
	return g
}
