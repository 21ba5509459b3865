package main

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/arengo-pa/arengo/internal/config"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/reports"
	"github.com/arengo-pa/arengo/internal/store"
	"github.com/arengo-pa/arengo/internal/web"
)

// floor is a module of this binary serving pre-encoded bytes through the
// same server, middleware and mux as the real endpoint.
type floor struct{ body []byte }

func (f *floor) Name() string                 { return "benchfloor" }
func (f *floor) Migrations() store.Migrations { return store.Migrations{} }
func (f *floor) Init(d *kernel.Deps) error {
	d.Web.HandleFunc("GET /bench/floor.json", web.Public, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(f.body)
	})
	return nil
}

type app struct {
	*kernel.App
	url    string
	mod    *reports.Module
	floor  *floor
	cancel context.CancelFunc
	drop   func()
}

// start runs the kernel with the reports module on a fresh database, filled
// by fill before the server and its background work start: as a process
// started on a filled database, which builds its listing index at start.
func start(ctx context.Context, engine string, fill func(*kernel.App, *reports.Module) error) (*app, error) {
	dir, err := os.MkdirTemp("", "arengo-bench-reports")
	if err != nil {
		return nil, err
	}
	dsn, drop := filepath.Join(dir, "arengo.db"), func() { os.RemoveAll(dir) }
	if engine == "postgres" {
		if dsn, drop, err = freshSchema(os.Getenv("ARENGO_TEST_POSTGRES"), dir); err != nil {
			return nil, err
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	env := map[string]string{"ARENGO_DB": dsn, "ARENGO_ADDR": ln.Addr().String(), "ARENGO_BASE_URL": "http://" + ln.Addr().String(),
		"ARENGO_DATA_DIR": dir, "ARENGO_LOG_FORMAT": "text"}
	cfg, err := config.Load(nil, func(k string) string { return env[k] })
	if err != nil {
		return nil, err
	}
	mod, fl := reports.New(), &floor{}
	rctx, cancel := context.WithCancel(ctx)
	a, err := kernel.New(rctx, cfg, []kernel.Module{mod, fl}, kernel.Options{Version: "bench", Migrate: true})
	if err != nil {
		cancel()
		return nil, err
	}
	if err := fill(a, mod); err != nil {
		cancel()
		_ = a.Close()
		drop()
		return nil, err
	}
	go func() { _ = a.Run(rctx, ln) }()
	b := &app{App: a, url: "http://" + ln.Addr().String(), mod: mod, floor: fl, cancel: cancel, drop: drop}
	for i := 0; i < 100; i++ {
		if resp, err := http.Get(b.url + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return b, nil
			}
		}
		sleep(50)
	}
	return nil, fmt.Errorf("server not ready")
}

func (a *app) stop() {
	a.cancel()
	sleep(200)
	_ = a.Close()
	a.drop()
}

// freshSchema makes an empty schema on the PostgreSQL server.
func freshSchema(pg, dir string) (string, func(), error) {
	schema := "bench_" + strings.ReplaceAll(store.NewID(), "-", "")[12:]
	admin, err := sql.Open("pgx", pg)
	if err != nil {
		return "", nil, err
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		return "", nil, fmt.Errorf("create schema: %w", err)
	}
	u, err := url.Parse(pg)
	if err != nil {
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
		os.RemoveAll(dir)
	}, nil
}
