// Package notify is Arengo's notification hub: other modules ask it to tell
// a citizen something (kernel.Notifier); it renders the template, stores the
// message in the citizen's Area personale inbox and delivers it over App IO,
// e-mail or SEND according to the citizen's preferences, with fallback,
// per-channel tracking, retries and campaigns. Each channel talks to its real
// endpoint or to an in-process simulator, by configuration.
package notify

import (
	"context"
	"embed"
	"io/fs"
	"sync"

	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/jobs"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/notify/tmpl"
	"github.com/arengo-pa/arengo/internal/store"
)

//go:embed migrations
var migrationsFS embed.FS

//go:embed templates
var templatesFS embed.FS

// Permissions (and API scopes).
const (
	PermRead   = "notify.read"   // search messages and see their delivery
	PermManage = "notify.manage" // edit templates, run campaigns
	PermSend   = "notify.send"   // queue a message through the API
)

// Module is the hub; it implements kernel.Module, kernel.Notifier,
// kernel.Starter and kernel.Seeder.
type Module struct {
	cfg      Config
	mu       sync.RWMutex
	defaults map[string]tmpl.Template
	deps     *kernel.Deps
	channels *channels
	sims     *Simulators
	owner    string // this process, in delivery leases
	refKey   []byte // HMAC key of the e-mail pseudonyms (emailRef)
}

var (
	_ kernel.Module   = (*Module)(nil)
	_ kernel.Notifier = (*Module)(nil)
	_ kernel.Starter  = (*Module)(nil)
	_ kernel.Seeder   = (*Module)(nil)
)

// New returns the hub. Pass ConfigFromEnv(os.Getenv) in production; the
// zero Config simulates every channel.
func New(cfg Config) *Module {
	return &Module{cfg: cfg.withDefaults(), defaults: map[string]tmpl.Template{}, owner: store.NewID()}
}

// Name is the module's name.
func (m *Module) Name() string { return "notify" }

// Migrations are the hub's tables.
func (m *Module) Migrations() store.Migrations {
	sq, _ := fs.Sub(migrationsFS, "migrations/sqlite")
	pg, _ := fs.Sub(migrationsFS, "migrations/postgres")
	return store.Migrations{Module: "notify", SQLite: sq, Postgres: pg}
}

// Simulators returns the in-process simulators in use (nil fields for
// channels wired to a real endpoint).
func (m *Module) Simulators() *Simulators { return m.sims }

// Init wires channels, jobs, pages, API and panels.
func (m *Module) Init(d *kernel.Deps) error {
	m.deps = d
	if d.Config != nil {
		key, err := d.Config.Key(pseudonymPurpose)
		if err != nil {
			return err
		}
		m.refKey = key
	}
	if d.Config != nil && d.Config.Comune != "" && m.cfg.SenderName == "Comune" {
		m.cfg.SenderName = "Comune di " + d.Config.Comune
	}
	ch, sims, err := build(m.cfg)
	if err != nil {
		return err
	}
	m.channels, m.sims = ch, sims
	if d.Config != nil && d.Config.Demo {
		m.configureDemoSimulators()
	}
	d.Auth.DeclarePermission(PermRead, "Consultare le notifiche inviate ai cittadini")
	d.Auth.DeclarePermission(PermManage, "Gestire modelli e campagne di notifica")
	d.Auth.DeclarePermission(PermSend, "Inviare notifiche tramite API")
	d.Auth.DeclareRole(auth.Role{Name: "operatore-notifiche", Label: "Operatore notifiche", Permissions: []string{PermRead, PermManage, PermSend}})
	// A failed dispatch leaves its deliveries due; the minute sweep (and
	// the next wake-up) takes them again, so the job itself retries little.
	d.Jobs.Register(jobDispatch, m.runDispatch, jobs.MaxAttempts(3))
	if err := d.Jobs.Schedule("notify.dispatch-sweep", "* * * * *", jobDispatch, struct{}{}); err != nil {
		return err
	}
	d.Jobs.Register(jobCampaign, m.runCampaign, jobs.MaxAttempts(10))
	m.defineOwnTemplates()
	m.routes(d)
	m.registerAPI(d)
	return nil
}

// Start keeps the simulators up while the app runs and stops them after.
func (m *Module) Start(ctx context.Context, d *kernel.Deps) error {
	<-ctx.Done()
	if m.sims != nil {
		return m.sims.Close()
	}
	return nil
}
