package cloudplan

import (
	"context"
	"strings"

	"github.com/arengo-pa/arengo/internal/cloudplan/plan"
	"github.com/arengo-pa/arengo/internal/cloudplan/synth"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/store"
)

// Demo portfolio size: the scale of Padova's (about 300 virtual servers and
// more than 200 applications).
const demoServers, demoApps = 300, 250

// demoTeam are the team levels the kit's template ships as its example.
var demoTeam = []int{1, 2, 3, 4, 5, 4, 3, 2, 1, 2, 3, 4, 5, 4, 3, 2}

// SeedDemo loads a synthetic portfolio once; it does nothing when the
// module already holds applications.
func (m *Module) SeedDemo(ctx context.Context, d *kernel.Deps) error {
	var n int
	if err := d.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM cloudplan_app`).Scan(&n); err != nil || n > 0 {
		return err
	}
	p := synth.Generate(2026, demoServers, demoApps)
	return d.DB.Transact(ctx, func(tx *store.Tx) error {
		ids := map[string]string{}
		byName := map[string]*App{}
		for i := range p.Apps {
			a := &App{App: p.Apps[i], Services: p.Apps[i].Assessment.Services}
			synthID := a.ID
			a.ID, a.DependsOn, a.Servers = "", nil, 0
			if err := insertApp(ctx, tx, a); err != nil {
				return err
			}
			ids[synthID] = a.ID
			byName[a.Name] = a
		}
		for _, sa := range p.Apps {
			for _, dep := range sa.DependsOn {
				if _, err := tx.ExecContext(ctx, `INSERT INTO cloudplan_dependency (app_id, depends_on) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
					ids[sa.ID], ids[dep]); err != nil {
					return err
				}
			}
		}
		lower := map[string]*App{}
		for name, a := range byName {
			lower[strings.ToLower(name)] = a
		}
		if _, err := storeServers(ctx, tx, p.Servers, lower); err != nil {
			return err
		}
		skills := plan.DefaultSkills()
		for i := range skills {
			skills[i].Team = demoTeam[i%len(demoTeam)]
		}
		if _, err := storeParsed(ctx, tx, parsed{skills: skills}); err != nil {
			return err
		}
		return changed(ctx, tx, "demo_seeded", "portfolio", "demo", 0, nil, map[string]int{"apps": demoApps, "servers": demoServers})
	})
}
