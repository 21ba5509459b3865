// Package cloudplan is the cloud migration planner: the Cloud Enablement
// kit's method (list, classify, prioritise, assess, choose among six
// strategies, weigh costs and skills, plan waves, track) as a module for
// the Comune's IT office.
package cloudplan

import (
	"context"
	"embed"

	"github.com/arengo-pa/arengo/internal/auth"

	"github.com/arengo-pa/arengo/internal/cloudplan/kit"
	"github.com/arengo-pa/arengo/internal/cloudplan/plan"
	"github.com/arengo-pa/arengo/internal/jobs"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/store"
	"github.com/arengo-pa/arengo/internal/web"
)

//go:embed migrations
var migrationsFS embed.FS

//go:embed templates
var templatesFS embed.FS

// PermManage lets IT staff run the migration plan; API keys use the same scope.
const PermManage = "cloudplan.manage"

// Module is the cloud migration planner.
type Module struct {
	deps  *kernel.Deps
	pages pages
}

// New returns the module ready to plug into the kernel.
func New() *Module { return &Module{} }

func (m *Module) Name() string { return "cloudplan" }

func (m *Module) Migrations() store.Migrations {
	return store.EmbeddedMigrations("cloudplan", migrationsFS)
}

func (m *Module) Init(d *kernel.Deps) error {
	m.deps = d
	d.Auth.DeclarePermission(PermManage, "Pianificare la migrazione al cloud")
	d.Auth.DeclareRole(auth.Role{Name: "ufficio-informatica", Label: "Ufficio informatica (migrazione al cloud)", Permissions: []string{PermManage}})
	d.Web.AddMessages(messages)
	m.pages = parsePages(d.Web)
	m.routes(d.Web)
	m.registerAPI(d)
	d.Jobs.Register(importJob, m.runImport, jobs.MaxAttempts(3))
	d.Web.AddNav(web.NavItem{Label: web.Msg{IT: "Migrazione cloud", EN: "Cloud migration"}, Href: "/admin/cloud", Access: web.Perm(PermManage), Order: 80})
	return nil
}

// snapshot is the portfolio and the plan computed from it. The plan is
// never stored: it is recomputed from the data on every request, so every
// change is reflected at once (planning 250 applications takes a few ms).
type snapshot struct {
	Apps     []App
	Plan     plan.Plan
	Settings Settings
	Skills   []kit.Skill
	byID     map[string]int
}

func (m *Module) snapshot(ctx context.Context) (*snapshot, error) {
	apps, err := loadApps(ctx, m.deps.DB)
	if err != nil {
		return nil, err
	}
	settings, err := loadSettings(ctx, m.deps.DB)
	if err != nil {
		return nil, err
	}
	skills, err := loadSkills(ctx, m.deps.DB)
	if err != nil {
		return nil, err
	}
	in := make([]plan.App, len(apps))
	s := &snapshot{Apps: apps, Settings: settings, Skills: skills, byID: make(map[string]int, len(apps))}
	for i := range apps {
		in[i] = apps[i].App
		s.byID[apps[i].ID] = i
	}
	s.Plan = plan.Build(in, skills, plan.Options{Capacity: settings.Capacity, Measure: settings.Measure})
	return s, nil
}

// appPlan returns the stored app and its computed plan by id.
func (s *snapshot) appPlan(id string) (*App, *plan.AppPlan, bool) {
	i, ok := s.byID[id]
	if !ok {
		return nil, nil, false
	}
	return &s.Apps[i], &s.Plan.Apps[i], true
}

func (s *snapshot) name(id string) string {
	if i, ok := s.byID[id]; ok {
		return s.Apps[i].Name
	}
	return id
}
