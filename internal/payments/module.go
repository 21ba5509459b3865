// Package payments is the pagoPA payments module: debt positions ("dovuti") in
// the GPD model with their notice numbers, payment notices, MyPay imports and
// exports, the GPD connector, receipts, the citizen's "I miei pagamenti" and the
// staff pages. Sub-packages hold the domain-pure parts (iuv, mypay, notice, gpd,
// ident) and the pagoPA simulator (pagopasim).
package payments

import (
	"context"
	"embed"

	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/jobs"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/payments/gpd"
	"github.com/arengo-pa/arengo/internal/store"
	"github.com/arengo-pa/arengo/internal/web"
)

//go:embed migrations
var migrationsFS embed.FS

//go:embed templates
var templatesFS embed.FS

const (
	// PermManage lets staff search, create, cancel and import positions.
	PermManage = "payments.manage"
	// PermReceipts lets pagoPA (an API key) deliver receipts.
	PermReceipts = "payments.receipts"
)

// Module is the payments module.
type Module struct {
	svc   *Service
	d     *kernel.Deps
	pages pages
}

// New returns the payments module.
func New() *Module { return &Module{} }

func (m *Module) Name() string { return "payments" }

func (m *Module) Migrations() store.Migrations {
	return store.EmbeddedMigrations("payments", migrationsFS)
}

// Service is the module's Go API for other modules (nil before Init).
func (m *Module) Service() *Service { return m.svc }

func (m *Module) Init(d *kernel.Deps) error {
	cfg, err := loadSettings(d.Config)
	if err != nil {
		return err
	}
	m.d = d
	m.svc = &Service{d: d, cfg: cfg}
	if cfg.GPDURL != "" {
		m.svc.gpd.Store(&gpdClient{gpd.NewHTTPClient(cfg.GPDURL, cfg.GPDKey)})
	}
	if cfg.CheckoutURL != "" {
		m.svc.checkout.Store(&cfg.CheckoutURL)
	}
	d.Auth.DeclarePermission(PermManage, "Gestire i pagamenti pagoPA")
	d.Auth.DeclarePermission(PermReceipts, "Consegnare ricevute pagoPA (paSendRT)")
	d.Auth.DeclareRole(auth.Role{Name: "operatore-pagamenti", Label: "Operatore pagamenti", Permissions: []string{PermManage}})
	m.svc.defineTemplates()
	d.Jobs.Register(jobGPDSync, m.svc.syncGPD, jobs.MaxAttempts(10))
	d.Jobs.Register(jobImport, m.svc.importJob, jobs.MaxAttempts(3))
	d.Jobs.Register(jobReminders, m.svc.remindDue, jobs.MaxAttempts(3))
	d.Jobs.Register(jobLifecycle, m.svc.lifecycleJob, jobs.MaxAttempts(3))
	if err := d.Jobs.Schedule("payments-gpd-sync", "* * * * *", jobGPDSync, map[string]string{}); err != nil {
		return err
	}
	if err := d.Jobs.Schedule("payments-lifecycle", LifecycleSchedule, jobLifecycle, map[string]string{}); err != nil {
		return err
	}
	if err := d.Jobs.Schedule("payments-due-reminders", "0 8 * * *", jobReminders, map[string]string{}); err != nil {
		return err
	}
	d.Web.AddMessages(messages)
	m.pages = parsePages(d.Web)
	m.routes(d.Web)
	m.registerAPI(d)
	d.Web.AddNav(web.NavItem{Label: web.Msg{IT: "Gestione pagamenti", EN: "Manage payments"}, Href: "/admin/pagamenti", Access: web.Perm(PermManage), Order: 41})
	d.Web.AddPanel(web.Panel{ID: "payments", Title: web.Msg{IT: "I miei pagamenti", EN: "My payments"}, Order: 20, Render: m.panel})
	return nil
}

const jobReminders = "payments.due_reminders"

// Start runs the in-process pagoPA simulator when configured (the demo).
func (m *Module) Start(ctx context.Context, d *kernel.Deps) error {
	if !m.svc.cfg.Sim {
		<-ctx.Done()
		return nil
	}
	return m.svc.runSimulator(ctx)
}
