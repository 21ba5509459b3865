package kernel

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/arengo-pa/arengo/internal/api"
	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/blob"
	"github.com/arengo-pa/arengo/internal/config"
	"github.com/arengo-pa/arengo/internal/events"
	"github.com/arengo-pa/arengo/internal/jobs"
	"github.com/arengo-pa/arengo/internal/store"
	"github.com/arengo-pa/arengo/internal/web"
)

// App is Arengo assembled: the shared services with every module
// initialised on them.
type App struct {
	Deps    *Deps
	Modules []Module
	Owner   string
	handler http.Handler
}

// Options tune New.
type Options struct {
	Version string
	Log     *slog.Logger
	// Migrate applies pending migrations before the modules start.
	Migrate bool
}

// New opens the database, optionally migrates it, and initialises modules.
func New(ctx context.Context, cfg *config.Config, modules []Module, o Options) (*App, error) {
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	a, err := assemble(ctx, cfg, db, modules, o, log)
	if err != nil {
		db.Close()
		return nil, err
	}
	return a, nil
}

func assemble(ctx context.Context, cfg *config.Config, db *store.DB, modules []Module, o Options, log *slog.Logger) (*App, error) {
	host, _ := os.Hostname()
	owner := fmt.Sprintf("%s-%d-%s", host, os.Getpid(), store.NewID()[24:])
	a := &App{Modules: modules, Owner: owner}
	if o.Migrate {
		if err := db.Migrate(ctx, a.Migrations()); err != nil {
			return nil, err
		}
	}
	var bs blob.Store
	var err error
	if cfg.BlobURL == "" {
		bs, err = blob.NewLocal(cfg.Path("blobs"))
	} else {
		bs, err = blob.NewS3(ctx, cfg.BlobURL)
	}
	if err != nil {
		return nil, fmt.Errorf("attachment store: %w", err)
	}
	reg, hm := newRegistry()
	authSvc := auth.New(db)
	site := web.Site{Comune: cfg.Comune, ComuneCode: cfg.ComuneCode, BaseURL: cfg.BaseURL, Demo: cfg.Demo,
		Version: o.Version, MapTiles: cfg.Env("ARENGO_MAP_TILES")}
	ws := web.NewServer(log, authSvc, site)
	apiHandle, apiMux := api.New(o.Version)
	d := &Deps{Config: cfg, DB: db, Blob: bs, Events: events.NewBus(db, log, owner), Jobs: jobs.New(db, log, owner),
		Auth: authSvc, Web: ws, API: apiHandle, Log: log, Metrics: reg}
	for _, m := range modules {
		if n, ok := m.(Notifier); ok {
			d.Notifier = n
		}
	}
	a.Deps = d
	for _, m := range modules {
		if err := m.Init(d); err != nil {
			return nil, fmt.Errorf("module %s: %w", m.Name(), err)
		}
	}
	d.Jobs.Register("kernel.purge_sessions", func(ctx context.Context, j *jobs.Job) error { return authSvc.PurgeSessions(ctx) })
	if err := d.Jobs.Schedule("kernel.purge_sessions", "17 3 * * *", "kernel.purge_sessions", nil); err != nil {
		return nil, err
	}
	ws.Mount(api.Prefix+"/", apiMux)
	ws.HandleFunc("GET /healthz", web.Public, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	ws.HandleFunc("GET /readyz", web.Public, a.ready)
	ws.Handle("GET /metrics", web.Public, promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	a.handler = ws.Handler(hm.observe)
	return a, nil
}

// Migrations lists the kernel's schema and every module's.
func (a *App) Migrations() []store.Migrations {
	sets := []store.Migrations{Migrations}
	for _, m := range a.Modules {
		if ms := m.Migrations(); ms.SQLite != nil || ms.Postgres != nil {
			sets = append(sets, ms)
		}
	}
	return sets
}

// Handler is the whole site.
func (a *App) Handler() http.Handler { return a.handler }

// ready answers 200 only when the database answers and no migration is pending.
func (a *App) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := a.Deps.DB.PingContext(ctx); err != nil {
		http.Error(w, "database unreachable", http.StatusServiceUnavailable)
		return
	}
	st, err := a.Deps.DB.Status(ctx, a.Migrations())
	if err != nil {
		http.Error(w, "schema status unknown", http.StatusServiceUnavailable)
		return
	}
	for _, s := range st {
		if s.Pending() {
			http.Error(w, "migrations pending for "+s.Module, http.StatusServiceUnavailable)
			return
		}
	}
	w.Write([]byte("ready\n"))
}

// Start prepares stored state the modules declared (roles).
func (a *App) Start(ctx context.Context) error {
	return a.Deps.Auth.SeedRoles(ctx)
}

// Run serves HTTP on ln and runs the outbox, the jobs and the modules'
// background work until ctx ends; then it stops taking requests, drains
// those in flight and lets running jobs finish or hand back their lease.
func (a *App) Run(ctx context.Context, ln net.Listener) error {
	if err := a.Start(ctx); err != nil {
		return err
	}
	d := a.Deps
	srv := &http.Server{Handler: a.handler, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(d.Log.Handler(), slog.LevelWarn)}
	bgCtx, stopBg := context.WithCancel(context.WithoutCancel(ctx))
	defer stopBg()
	var wg sync.WaitGroup
	errc := make(chan error, 1)
	goBg := func(name string, f func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(bgCtx); err != nil && !errors.Is(err, context.Canceled) {
				d.Log.Error("background task stopped", "task", name, "err", err)
			}
		}()
	}
	goBg("outbox", d.Events.Run)
	goBg("jobs", func(c context.Context) error { return d.Jobs.Run(c, d.Config.ShutdownTimeout) })
	for _, m := range a.Modules {
		if s, ok := m.(Starter); ok {
			goBg(m.Name(), func(c context.Context) error { return s.Start(c, d) })
		}
	}
	go func() { errc <- srv.Serve(ln) }()
	d.Log.Info("serving", "addr", ln.Addr().String(), "url", d.Config.BaseURL, "engine", d.DB.Engine, "owner", a.Owner)
	select {
	case err := <-errc:
		stopBg()
		wg.Wait()
		return err
	case <-ctx.Done():
	}
	d.Log.Info("shutting down: draining requests and jobs")
	shutCtx, cancel := context.WithTimeout(context.Background(), d.Config.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(shutCtx)
	stopBg()
	wg.Wait()
	return err
}

// Close releases the database.
func (a *App) Close() error { return a.Deps.DB.Close() }
