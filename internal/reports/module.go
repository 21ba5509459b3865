// Package reports is the segnalazioni module: citizens report problems in
// the city (potholes, street lights, waste…), offices take them in charge
// and fix them, and everyone can follow them — through the web, the Area
// personale, the back office and Open311 GeoReport v2.
package reports

import (
	"context"
	"embed"
	"io/fs"
	"time"

	"github.com/arengo-pa/arengo/internal/auth"

	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/store"
	"github.com/arengo-pa/arengo/internal/web"
)

//go:embed migrations
var migrationsFS embed.FS

//go:embed templates
var templatesFS embed.FS

//go:embed static
var staticFS embed.FS

// PermManage lets staff work the queue, answer, moderate and administer
// categories; PermOpen311 lets an API key file and update requests.
const (
	PermManage  = "reports.manage"
	PermOpen311 = "reports.open311"
)

// Module is the reports module; New returns it ready to plug into the kernel.
type Module struct {
	svc   *Service
	deps  *kernel.Deps
	pages pages
	// pages311 caches encoded Open311 listings (see pagecache.go).
	pages311 pageCache
}

// New returns the reports module.
func New() *Module { return &Module{} }

func (m *Module) Name() string { return "reports" }

func (m *Module) Migrations() store.Migrations {
	return store.EmbeddedMigrations("reports", migrationsFS)
}

// Service gives other code (the benchmark, other modules) the Go API.
func (m *Module) Service() *Service { return m.svc }

func (m *Module) Init(d *kernel.Deps) error {
	m.deps = d
	m.svc = &Service{db: d.DB, blob: d.Blob, notify: d.Notifier, baseURL: d.Config.BaseURL,
		now: func() time.Time { return store.Now() }}
	if err := m.svc.seedStates(context.Background()); err != nil {
		return err
	}
	d.Auth.DeclarePermission(PermManage, "Gestire le segnalazioni")
	d.Auth.DeclarePermission(PermOpen311, "Inviare e aggiornare segnalazioni via Open311")
	d.Auth.DeclareRole(auth.Role{Name: "operatore-segnalazioni", Label: "Operatore segnalazioni (URP)", Permissions: []string{PermManage}})
	if d.Notifier != nil {
		for _, t := range notificationTemplates {
			d.Notifier.DefineTemplate(t)
		}
	}
	d.Web.AddMessages(messages)
	static, _ := fs.Sub(staticFS, "static")
	d.Web.Static("reports", static)
	m.pages = parsePages(d.Web)
	m.routes(d.Web)
	d.Web.AddNav(web.NavItem{Label: web.Msg{IT: "Segnalazioni", EN: "Reports"}, Href: "/segnalazioni", Access: web.Public, Order: 30})
	d.Web.AddNav(web.NavItem{Label: web.Msg{IT: "Gestione segnalazioni", EN: "Manage reports"}, Href: "/admin/segnalazioni", Access: web.Perm(PermManage), Order: 31})
	d.Web.AddPanel(web.Panel{ID: "reports", Title: web.Msg{IT: "Le mie segnalazioni", EN: "My reports"}, Order: 30, Render: m.panel})
	return nil
}
