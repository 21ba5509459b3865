package reports

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/arengo-pa/arengo/internal/audit"
	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/reports/workflow"
	"github.com/arengo-pa/arengo/internal/store"
)

// Change is what an operator (or the reporter, or a back-end system) does
// to a report in one step: a new state and/or a public answer and/or an
// internal note.
type Change struct {
	To          string // state code; "" keeps the state
	Public      string // answer shown to everyone and sent to the reporter
	Internal    string // note only staff see
	DuplicateOf string // request number of the original, for "duplicate"
	Staff       bool
	Author      string // office name shown with public answers
}

// Apply performs c on the report with the given number and returns it
// updated. The version check refuses a change made on a stale page.
func (s *Service) Apply(ctx context.Context, number string, version int64, c Change) (*Report, error) {
	r, err := s.Get(ctx, number)
	if err != nil {
		return nil, err
	}
	if version != 0 && version != r.Version {
		return nil, errs.E(errs.ECONFLICT, "la segnalazione %s è stata modificata da qualcun altro: ricaricare la pagina", number)
	}
	c.Public, c.Internal = strings.TrimSpace(c.Public), strings.TrimSpace(c.Internal)
	if c.To == "" && c.Public == "" && c.Internal == "" {
		return nil, errs.Field("state", "nessuna modifica: scegliere uno stato o scrivere una risposta o una nota")
	}
	from, err := s.state(ctx, r.State)
	if err != nil {
		return nil, err
	}
	to := from
	var original *Report
	if c.To != "" {
		if to, err = s.state(ctx, c.To); err != nil {
			return nil, err
		}
		tr := workflow.Transition{From: from, To: to, DuplicateOf: c.DuplicateOf, Staff: c.Staff}
		if err := tr.Check(); err != nil {
			return nil, errs.Field("state", "%s", err.Error())
		}
		if to.Code == workflow.Duplicate {
			if original, err = s.Get(ctx, strings.TrimSpace(c.DuplicateOf)); err != nil {
				return nil, errs.Field("duplicate_of", "segnalazione originale %q inesistente", c.DuplicateOf)
			}
			if original.ID == r.ID {
				return nil, errs.Field("duplicate_of", "una segnalazione non può essere duplicata di sé stessa")
			}
		}
	}
	before := *r
	now := s.now()
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		if to.Code != from.Code {
			tr := workflow.Transition{From: from, To: to, Staff: c.Staff}
			r.State, r.StateLabel, r.StateType = to.Code, to.Label, to.Type
			if tr.TakesInCharge() && !r.TakenAt.Valid {
				r.TakenAt.Time, r.TakenAt.Valid = now, true
			}
			switch to.Type {
			case workflow.Fixed:
				r.FixedAt.Time, r.FixedAt.Valid = now, true
				r.ClosedAt.Time, r.ClosedAt.Valid = now, true
			case workflow.Closed:
				r.ClosedAt.Time, r.ClosedAt.Valid = now, true
			case workflow.Open:
				r.FixedAt.Valid, r.ClosedAt.Valid = false, false
			}
			if original != nil {
				r.DuplicateOf = original.Number
			}
		}
		r.UpdatedAt = now
		res, err := tx.ExecContext(ctx, `UPDATE reports_report SET state=$1, state_type=$2, taken_at=$3, fixed_at=$4, closed_at=$5,
			duplicate_of=$6, updated_at=$7, version=version+1 WHERE id=$8 AND version=$9`,
			r.State, string(r.StateType), r.TakenAt, r.FixedAt, r.ClosedAt, r.DuplicateOf, now, r.ID, r.Version)
		if err != nil {
			return fmt.Errorf("update report: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.ECONFLICT, "la segnalazione %s è stata modificata nel frattempo: riprovare", number)
		}
		r.Version++
		kind := KindAnswer
		if to.Code != from.Code {
			kind = KindState
		}
		if to.Code != from.Code || c.Public != "" {
			if err := s.addUpdate(ctx, tx, Update{ReportID: r.ID, Kind: kind, Public: true, StateFrom: from.Code, StateTo: to.Code,
				Text: c.Public, Author: c.Author}); err != nil {
				return err
			}
		}
		if c.Internal != "" {
			if err := s.addUpdate(ctx, tx, Update{ReportID: r.ID, Kind: KindNote, Public: false, Text: c.Internal, Author: c.Author}); err != nil {
				return err
			}
		}
		if original != nil {
			if err := s.mergeInto(ctx, tx, r, original); err != nil {
				return err
			}
		}
		if err := s.event(ctx, tx, "state_changed", r, map[string]any{"number": r.Number, "from": from.Code, "to": to.Code,
			"type": string(to.Type), "public": c.Public != ""}); err != nil {
			return err
		}
		if c.Staff {
			if err := audit.Record(ctx, tx, audit.Entry{Action: "reports.change", ObjectType: "report", ObjectID: r.Number,
				Subject: r.Reporter.FiscalCode, Before: summary(&before), After: map[string]any{"state": r.State, "public": c.Public, "internal": c.Internal}}); err != nil {
				return err
			}
		}
		return s.notifyChange(ctx, tx, r, from, to, c.Public)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// mergeInto moves the duplicate's supporters (and its reporter) to the
// original, so they follow the report that will be worked on.
func (s *Service) mergeInto(ctx context.Context, tx *store.Tx, dup, original *Report) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO reports_supporter (report_id, supporter, created_at)
		SELECT $1, supporter, created_at FROM reports_supporter WHERE report_id = $2
		ON CONFLICT (report_id, supporter) DO NOTHING`, original.ID, dup.ID); err != nil {
		return fmt.Errorf("merge supporters: %w", err)
	}
	if key := supporterKey(dup.Reporter); key != "" {
		if _, err := tx.ExecContext(ctx, `INSERT INTO reports_supporter (report_id, supporter, created_at) VALUES ($1,$2,$3)
			ON CONFLICT (report_id, supporter) DO NOTHING`, original.ID, key, s.now()); err != nil {
			return fmt.Errorf("merge reporter: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE reports_report SET support_count =
		(SELECT COUNT(*) FROM reports_supporter WHERE report_id = $1), updated_at = $2, version = version + 1 WHERE id = $1`,
		original.ID, s.now()); err != nil {
		return fmt.Errorf("merge count: %w", err)
	}
	original.Version++
	if err := s.addUpdate(ctx, tx, Update{ReportID: original.ID, Kind: KindMerge, Public: true,
		Text: messages["reports.h.merged"].IT + dup.Number}); err != nil {
		return err
	}
	return s.event(ctx, tx, "merged", original, map[string]string{"number": original.Number, "duplicate": dup.Number})
}

// supporterKey identifies a person once per report without storing more
// than the office already has: the fiscal code, or the e-mail.
func supporterKey(r Reporter) string {
	if r.FiscalCode != "" {
		return "cf:" + r.FiscalCode
	}
	if r.Email != "" {
		return "email:" + strings.ToLower(r.Email)
	}
	return ""
}

// Support records an "anche io" on an open report and makes the person
// follow it. Supporting twice is refused with a clear message.
func (s *Service) Support(ctx context.Context, number string, who Reporter) (*Report, error) {
	r, err := s.Get(ctx, number)
	if err != nil {
		return nil, err
	}
	if r.StateType != workflow.Open {
		return nil, errs.E(errs.EINVALID, "la segnalazione %s non è più aperta", number)
	}
	key := supporterKey(who)
	if key == "" {
		return nil, errs.E(errs.EFORBIDDEN, "accedere per aderire alla segnalazione")
	}
	if supporterKey(r.Reporter) == key {
		return nil, errs.E(errs.EINVALID, "la segnalazione %s è tua", number)
	}
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO reports_supporter (report_id, supporter, created_at) VALUES ($1,$2,$3)
			ON CONFLICT (report_id, supporter) DO NOTHING`, r.ID, key, s.now())
		if err != nil {
			return fmt.Errorf("support: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.ECONFLICT, "hai già aderito alla segnalazione %s", number)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE reports_report SET support_count = support_count + 1, version = version + 1 WHERE id = $1`, r.ID); err != nil {
			return err
		}
		r.Supporters++
		r.Version++
		if err := s.addUpdate(ctx, tx, Update{ReportID: r.ID, Kind: KindSupport, Public: true, Text: messages["reports.h.support"].IT}); err != nil {
			return err
		}
		return s.event(ctx, tx, "supported", r, map[string]any{"number": r.Number, "supporters": r.Supporters})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Confirm makes an anonymous report public once its e-mail link is opened.
// PendingConfirmation returns the number of the report waiting for the
// confirmation code.
func (s *Service) PendingConfirmation(ctx context.Context, code string) (string, error) {
	var number string
	err := s.db.QueryRowContext(ctx, `SELECT number FROM reports_report WHERE confirm_code = $1 AND confirm_code <> ''`, code).Scan(&number)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errs.E(errs.ENOTFOUND, "il link di conferma non è valido o è già stato usato")
	}
	return number, err
}

func (s *Service) Confirm(ctx context.Context, code string) (*Report, error) {
	number, err := s.PendingConfirmation(ctx, code)
	if err != nil {
		return nil, err
	}
	r, err := s.Get(ctx, number)
	if err != nil {
		return nil, err
	}
	now := s.now()
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE reports_report SET state=$1, state_type=$2, confirm_code='', updated_at=$3, version=version+1
			WHERE id=$4 AND confirm_code=$5`, workflow.Confirmed, string(workflow.Open), now, r.ID, code)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.ECONFLICT, "segnalazione già confermata")
		}
		r.State, r.StateType, r.Version = workflow.Confirmed, workflow.Open, r.Version+1
		if err := s.addUpdate(ctx, tx, Update{ReportID: r.ID, Kind: KindState, Public: true, StateFrom: workflow.Unconfirmed,
			StateTo: workflow.Confirmed, Text: messages["reports.h.confirmed"].IT}); err != nil {
			return err
		}
		return s.event(ctx, tx, "confirmed", r, map[string]string{"number": r.Number})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

func summary(r *Report) map[string]any {
	return map[string]any{"state": r.State, "office": r.Office, "operator": r.Operator, "priority": r.Priority,
		"title": r.Title, "details": r.Details, "deadline": r.DeadlineAt}
}
