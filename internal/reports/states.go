package reports

import (
	"context"
	"fmt"

	"github.com/arengo-pa/arengo/internal/audit"
	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/reports/workflow"
	"github.com/arengo-pa/arengo/internal/store"
)

// seedStates inserts FixMyStreet's state table once; admins' edits survive
// restarts because existing rows are left alone.
func (s *Service) seedStates(ctx context.Context) error {
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		for _, st := range workflow.Seed {
			if _, err := tx.ExecContext(ctx, `INSERT INTO reports_state (code, label, label_en, type, open311, ord, builtin)
				VALUES ($1,$2,$3,$4,$5,$6,TRUE) ON CONFLICT (code) DO NOTHING`,
				st.Code, st.Label, st.EN, string(st.Type), st.Open311, st.Order); err != nil {
				return fmt.Errorf("seed state %s: %w", st.Code, err)
			}
		}
		return nil
	})
}

// States lists the state table in display order.
func (s *Service) States(ctx context.Context) ([]workflow.State, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT code, label, label_en, type, open311, ord FROM reports_state ORDER BY ord, code`)
	if err != nil {
		return nil, fmt.Errorf("states: %w", err)
	}
	defer rows.Close()
	var out []workflow.State
	for rows.Next() {
		var st workflow.State
		var typ string
		if err := rows.Scan(&st.Code, &st.Label, &st.EN, &typ, &st.Open311, &st.Order); err != nil {
			return nil, err
		}
		st.Type = workflow.Type(typ)
		out = append(out, st)
	}
	return out, rows.Err()
}

func (s *Service) state(ctx context.Context, code string) (workflow.State, error) {
	states, err := s.States(ctx)
	if err != nil {
		return workflow.State{}, err
	}
	for _, st := range states {
		if st.Code == code {
			return st, nil
		}
	}
	return workflow.State{}, errs.Field("state", "stato %q inesistente", code)
}

// SaveState adds a state or edits the label, type and order of one.
func (s *Service) SaveState(ctx context.Context, st workflow.State) error {
	if err := st.Validate(); err != nil {
		return errs.Field("state", "%s", err.Error())
	}
	if st.Open311 == "" {
		st.Open311 = map[workflow.Type]string{workflow.Open: "IN_PROGRESS", workflow.Fixed: "FIXED", workflow.Closed: "CLOSED", workflow.Hidden: "CLOSED"}[st.Type]
	}
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO reports_state (code, label, label_en, type, open311, ord, builtin)
			VALUES ($1,$2,$3,$4,$5,$6,FALSE) ON CONFLICT (code) DO UPDATE SET label=$2, label_en=$3, type=$4, open311=$5, ord=$6`,
			st.Code, st.Label, st.EN, string(st.Type), st.Open311, st.Order); err != nil {
			return fmt.Errorf("save state: %w", err)
		}
		if err := s.simpleEvent(ctx, tx, "state_saved", "state", st.Code, st); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "reports.state_save", ObjectType: "state", ObjectID: st.Code, After: st})
	})
}
