package cloudplan

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/arengo-pa/arengo/internal/cloudplan/kit"
	"github.com/arengo-pa/arengo/internal/cloudplan/plan"
	"github.com/arengo-pa/arengo/internal/errs"
)

// App is a stored application: what the planner needs plus the list's
// inventory columns and who chose the strategy.
type App struct {
	plan.App
	Interlocutor   string
	Services       string
	Licences       string
	StrategyBy     string
	StrategyReason string
	StrategyAt     time.Time
	KPIs           []plan.KPI
	Version        int64
	UpdatedAt      time.Time
}

// Server is a stored virtual machine with the applications it serves.
type Server struct {
	ID string
	kit.Server
	AppIDs []string
}

const appColumns = `id, name, interlocutor, services, licences, opportunity, risk, ease, level_override, acn_class, model,
	origin, target, declared_mode, started_on, first_step_on, strategy, strategy_by, strategy_reason, strategy_at, state,
	effort_days, assessment, judgements, costs, kpis, version, updated_at`

func scanApp(sc interface{ Scan(...any) error }) (App, error) {
	var a App
	var class, model, origin, target, mode, strategy, state, started, firstStep string
	var strategyAt sql.NullTime
	var assessment sql.NullString
	var judgements, costs, kpis string
	err := sc.Scan(&a.ID, &a.Name, &a.Interlocutor, &a.Services, &a.Licences, &a.Opportunity, &a.Risk, &a.Ease, &a.LevelOverride,
		&class, &model, &origin, &target, &mode, &started, &firstStep, &strategy, &a.StrategyBy, &a.StrategyReason, &strategyAt,
		&state, &a.EffortDays, &assessment, &judgements, &costs, &kpis, &a.Version, &a.UpdatedAt)
	if err != nil {
		return a, err
	}
	a.Class, a.Model, a.Origin, a.Target = plan.Class(class), plan.Model(model), plan.Origin(origin), plan.Target(target)
	a.DeclaredMode, a.Chosen, a.State = plan.Mode(mode), plan.Strategy(strategy), plan.AppState(state)
	a.Started, _ = time.Parse(dateLayout, started)
	a.FirstStep, _ = time.Parse(dateLayout, firstStep)
	a.StrategyAt = strategyAt.Time
	if assessment.Valid && assessment.String != "" {
		a.Assessment = &kit.Assessment{}
		if err := json.Unmarshal([]byte(assessment.String), a.Assessment); err != nil {
			return a, err
		}
	}
	for _, j := range []struct {
		src string
		dst any
	}{{judgements, &a.Judgements}, {costs, &a.Costs}, {kpis, &a.KPIs}} {
		if err := json.Unmarshal([]byte(j.src), j.dst); err != nil {
			return a, err
		}
	}
	return a, nil
}

const dateLayout = "2006-01-02"

func dateText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(dateLayout)
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// loadApps reads every application with its dependencies and server count:
// the planner works on the whole portfolio (a few hundred rows).
func loadApps(ctx context.Context, q querier) ([]App, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+appColumns+` FROM cloudplan_app ORDER BY name`)
	if err != nil {
		return nil, err
	}
	var apps []App
	idx := map[string]int{}
	for rows.Next() {
		a, err := scanApp(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		idx[a.ID] = len(apps)
		apps = append(apps, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT app_id, depends_on FROM cloudplan_dependency ORDER BY app_id, depends_on`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var a, d string
		if err := rows.Scan(&a, &d); err != nil {
			rows.Close()
			return nil, err
		}
		if i, ok := idx[a]; ok {
			apps[i].DependsOn = append(apps[i].DependsOn, d)
		}
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, `SELECT app_id, COUNT(*) FROM cloudplan_server_app GROUP BY app_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var a string
		var n int
		if err := rows.Scan(&a, &n); err != nil {
			return nil, err
		}
		if i, ok := idx[a]; ok {
			apps[i].Servers = n
		}
	}
	return apps, rows.Err()
}

func getApp(ctx context.Context, q querier, id string) (App, error) {
	a, err := scanApp(q.QueryRowContext(ctx, `SELECT `+appColumns+` FROM cloudplan_app WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, errs.E(errs.ENOTFOUND, "applicativo inesistente")
	}
	return a, err
}

func loadServers(ctx context.Context, q querier) ([]Server, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name, vcpu, memory_mb, disks_mb, os, cluster FROM cloudplan_server ORDER BY name`)
	if err != nil {
		return nil, err
	}
	var out []Server
	idx := map[string]int{}
	for rows.Next() {
		var s Server
		var disks string
		if err := rows.Scan(&s.ID, &s.Name, &s.VCPU, &s.MemoryMB, &disks, &s.OS, &s.Cluster); err != nil {
			rows.Close()
			return nil, err
		}
		if err := json.Unmarshal([]byte(disks), &s.DisksMB); err != nil {
			rows.Close()
			return nil, err
		}
		idx[s.ID] = len(out)
		out = append(out, s)
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, `SELECT sa.server_id, sa.app_id, a.name FROM cloudplan_server_app sa JOIN cloudplan_app a ON a.id = sa.app_id ORDER BY a.name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var sid, aid, name string
		if err := rows.Scan(&sid, &aid, &name); err != nil {
			return nil, err
		}
		if i, ok := idx[sid]; ok {
			out[i].AppIDs = append(out[i].AppIDs, aid)
			out[i].Applications = append(out[i].Applications, name)
		}
	}
	return out, rows.Err()
}

// loadSkills returns the stored skills matrix, or the kit's default.
func loadSkills(ctx context.Context, q querier) ([]kit.Skill, error) {
	rows, err := q.QueryContext(ctx, `SELECT name, team, required, description FROM cloudplan_skill ORDER BY position`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []kit.Skill
	for rows.Next() {
		var s kit.Skill
		var req string
		if err := rows.Scan(&s.Name, &s.Team, &req, &s.Description); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(req), &s.Required); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return plan.DefaultSkills(), rows.Err()
	}
	return out, rows.Err()
}

// Settings are the planning options chosen by the user.
type Settings struct {
	Capacity int
	Measure  plan.Measure
}

func loadSettings(ctx context.Context, q querier) (Settings, error) {
	s := Settings{Capacity: 25, Measure: plan.ByServers}
	rows, err := q.QueryContext(ctx, `SELECT key, value FROM cloudplan_setting`)
	if err != nil {
		return s, err
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return s, err
		}
		switch k {
		case "capacity":
			_ = json.Unmarshal([]byte(v), &s.Capacity)
		case "measure":
			s.Measure = plan.Measure(v)
		}
	}
	return s, rows.Err()
}
