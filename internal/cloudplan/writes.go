package cloudplan

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/arengo-pa/arengo/internal/audit"
	"github.com/arengo-pa/arengo/internal/cloudplan/plan"
	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/events"
	"github.com/arengo-pa/arengo/internal/store"
)

// changed appends the outbox event and the audit entry every write needs.
func changed(ctx context.Context, tx *store.Tx, event, objType, id string, version int64, before, after any) error {
	if err := events.Append(ctx, tx, events.Event{Type: "cloudplan." + event, AggregateType: objType, AggregateID: id,
		AggregateVersion: version, Data: map[string]any{"id": id, "action": event}}); err != nil {
		return err
	}
	return audit.Record(ctx, tx, audit.Entry{Action: "cloudplan." + event, ObjectType: objType, ObjectID: id, Before: before, After: after})
}

// insertApp stores a new application (version 1).
func insertApp(ctx context.Context, tx *store.Tx, a *App) error {
	if a.ID == "" {
		a.ID = store.NewID()
	}
	now := store.Now()
	a.Version, a.UpdatedAt = 1, now
	if a.State == "" {
		a.State = "da_valutare"
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO cloudplan_app (`+appColumns+`, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27,$28,$29)`,
		appArgs(a, now)...)
	if store.IsUniqueViolation(err) {
		return errs.Field("name", "esiste già un applicativo chiamato %q", a.Name)
	}
	return err
}

func appArgs(a *App, now any) []any {
	var assessment any
	if a.Assessment != nil {
		assessment = jsonText(a.Assessment)
	}
	var strategyAt any
	if !a.StrategyAt.IsZero() {
		strategyAt = a.StrategyAt
	}
	kpis := a.KPIs
	if kpis == nil {
		kpis = []plan.KPI{}
	}
	return []any{a.ID, a.Name, a.Interlocutor, a.Services, a.Licences, a.Opportunity, a.Risk, a.Ease, a.LevelOverride,
		string(a.Class), string(a.Model), string(a.Origin), string(a.Target), string(a.DeclaredMode), dateText(a.Started), dateText(a.FirstStep),
		string(a.Chosen), a.StrategyBy, a.StrategyReason, strategyAt, string(a.State), a.EffortDays, assessment,
		jsonText(a.Judgements), jsonText(a.Costs), jsonText(kpis), a.Version, a.UpdatedAt, now}
}

// updateApp writes every column of a, refusing a stale version so two
// people editing the same application do not overwrite each other.
func updateApp(ctx context.Context, tx *store.Tx, a *App) error {
	prev := a.Version
	a.Version++
	a.UpdatedAt = store.Now()
	args := appArgs(a, nil)[:28]
	res, err := tx.ExecContext(ctx, `UPDATE cloudplan_app SET name=$2, interlocutor=$3, services=$4, licences=$5, opportunity=$6,
		risk=$7, ease=$8, level_override=$9, acn_class=$10, model=$11, origin=$12, target=$13, declared_mode=$14, started_on=$15,
		first_step_on=$16, strategy=$17, strategy_by=$18, strategy_reason=$19, strategy_at=$20, state=$21, effort_days=$22,
		assessment=$23, judgements=$24, costs=$25, kpis=$26, version=$27, updated_at=$28 WHERE id=$1 AND version=$29`,
		append(args, prev)...)
	if store.IsUniqueViolation(err) {
		return errs.Field("name", "esiste già un applicativo chiamato %q", a.Name)
	}
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.E(errs.ECONFLICT, "l'applicativo è stato modificato da qualcun altro: ricaricare la pagina")
	}
	return nil
}

// saveApp is the one path for staff edits of an application.
func (m *Module) saveApp(ctx context.Context, event string, before App, edit func(a *App) error) (App, error) {
	after := before
	if err := edit(&after); err != nil {
		return before, err
	}
	err := m.deps.DB.Transact(ctx, func(tx *store.Tx) error {
		a := after
		if err := updateApp(ctx, tx, &a); err != nil {
			return err
		}
		after = a
		return changed(ctx, tx, event, "app", a.ID, a.Version, before, a)
	})
	return after, err
}

// setDependencies replaces what app depends on.
func (m *Module) setDependencies(ctx context.Context, appID string, deps []string) error {
	return m.deps.DB.Transact(ctx, func(tx *store.Tx) error {
		var before []string
		rows, err := tx.QueryContext(ctx, `SELECT depends_on FROM cloudplan_dependency WHERE app_id = $1 ORDER BY depends_on`, appID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var d string
			if err := rows.Scan(&d); err != nil {
				rows.Close()
				return err
			}
			before = append(before, d)
		}
		rows.Close()
		if _, err := tx.ExecContext(ctx, `DELETE FROM cloudplan_dependency WHERE app_id = $1`, appID); err != nil {
			return err
		}
		for _, d := range deps {
			if d == appID {
				return errs.Field("depends_on", "un applicativo non può dipendere da sé stesso")
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO cloudplan_dependency (app_id, depends_on) VALUES ($1, $2) ON CONFLICT DO NOTHING`, appID, d); err != nil {
				if store.IsForeignKeyViolation(err) {
					return errs.Field("depends_on", "applicativo %q inesistente", d)
				}
				return err
			}
		}
		return changed(ctx, tx, "dependencies_changed", "app", appID, 0, before, deps)
	})
}

// linkServer replaces the applications a server serves.
func (m *Module) linkServer(ctx context.Context, serverID string, appIDs []string) error {
	return m.deps.DB.Transact(ctx, func(tx *store.Tx) error {
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM cloudplan_server WHERE id = $1`, serverID).Scan(&exists); err != nil {
			return err
		}
		if exists == 0 {
			return errs.E(errs.ENOTFOUND, "server inesistente")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM cloudplan_server_app WHERE server_id = $1`, serverID); err != nil {
			return err
		}
		for _, a := range appIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO cloudplan_server_app (server_id, app_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, serverID, a); err != nil {
				if store.IsForeignKeyViolation(err) {
					return errs.Field("app", "applicativo %q inesistente", a)
				}
				return err
			}
		}
		return changed(ctx, tx, "server_linked", "server", serverID, 0, nil, appIDs)
	})
}

func (m *Module) saveSettings(ctx context.Context, s Settings) error {
	return m.deps.DB.Transact(ctx, func(tx *store.Tx) error {
		for k, v := range map[string]string{"capacity": strconv.Itoa(s.Capacity), "measure": string(s.Measure)} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO cloudplan_setting (key, value) VALUES ($1, $2)
				ON CONFLICT (key) DO UPDATE SET value = excluded.value`, k, v); err != nil {
				return err
			}
		}
		return changed(ctx, tx, "settings_changed", "settings", "plan", 0, nil, s)
	})
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
