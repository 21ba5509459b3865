// Package datasov keeps the comune in control of its data: a near-real-time change feed of every
// committed event to sinks the comune owns (NATS JetStream, NDJSON files in a directory or bucket),
// a full export and import in open formats, and an admin page that shows both.
package datasov

import (
	"context"
	"embed"

	"github.com/arengo-pa/arengo/internal/auth"

	"github.com/arengo-pa/arengo/internal/jobs"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/store"
)

//go:embed migrations
var migrationsFS embed.FS

//go:embed templates
var templatesFS embed.FS

// PermAdmin lets staff see the Data page and start an export.
const PermAdmin = "datasov.admin"

const jobExport = "datasov.export"

// Module implements kernel.Module, kernel.Starter and kernel.Commander.
type Module struct {
	deps  *kernel.Deps
	sinks []*feedSink
}

var (
	_ kernel.Module    = (*Module)(nil)
	_ kernel.Starter   = (*Module)(nil)
	_ kernel.Commander = (*Module)(nil)
)

// New returns the module; its sinks are read from the ARENGO_FEED_* settings at Init.
func New() *Module { return &Module{} }

func (m *Module) Name() string { return "datasov" }

func (m *Module) Migrations() store.Migrations {
	return store.EmbeddedMigrations("datasov", migrationsFS)
}

// Init subscribes one durable subscriber per configured sink and registers the page and metrics.
func (m *Module) Init(d *kernel.Deps) error {
	m.deps = d
	cfgs, err := sinksFromEnv(d.Config.Env)
	if err != nil {
		return err
	}
	metrics := newFeedMetrics()
	for _, c := range cfgs {
		f := &feedSink{cfg: c, dataDir: d.Config.DataDir, log: d.Log, metrics: metrics}
		d.Events.Subscribe(f.subscriber(), nil, f.handle)
		m.sinks = append(m.sinks, f)
	}
	if d.Metrics != nil {
		d.Metrics.MustRegister(metrics.delivered, metrics.delay, newLagCollector(d.Events, m.sinks))
	}
	d.Auth.DeclarePermission(PermAdmin, "Gestire i dati: flusso delle modifiche, esportazioni")
	d.Auth.DeclareRole(auth.Role{Name: "responsabile-dati", Label: "Responsabile dei dati", Permissions: []string{PermAdmin}})
	d.Jobs.Register(jobExport, m.runExportJob, jobs.MaxAttempts(1))
	d.Web.AddMessages(messages)
	m.routes(d)
	return nil
}

// Start ticks the NDJSON sinks (hourly rotation without traffic) until ctx ends.
func (m *Module) Start(ctx context.Context, d *kernel.Deps) error {
	return runFeed(ctx, m.sinks)
}
