package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"strings"

	"github.com/arengo-pa/arengo/internal/config"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/payments"
	"github.com/arengo-pa/arengo/internal/portal"
	"github.com/arengo-pa/arengo/internal/reconcile"
)

// loadConfig parses the shared settings from flags and environment; extra
// lets a subcommand add its own flags.
func loadConfig(name string, args []string, getenv func(string) string, stderr io.Writer, extra func(*flag.FlagSet)) (*config.Config, *flag.FlagSet, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	vals := config.Flags(fs)
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	cfg, err := config.Load(vals, getenv)
	return cfg, fs, err
}

func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// openApp assembles Arengo with every module, migrating when asked.
func openApp(ctx context.Context, cfg *config.Config, stderr io.Writer, migrate bool) (*kernel.App, error) {
	return kernel.New(ctx, cfg, modules(cfg), kernel.Options{Version: version, Log: newLogger(cfg, stderr), Migrate: migrate})
}

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, demo bool) error {
	if demo {
		// A newcomer reads the demo's logs in a terminal.
		getenv = withDefault(getenv, "ARENGO_LOG_FORMAT", "text")
		getenv = withDefault(getenv, "ARENGO_DB", "data/demo.db")
	}
	name := "serve"
	if demo {
		name = "demo"
	}
	cfg, _, err := loadConfig(name, args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	cfg.Demo = demo
	if demo {
		for k, v := range demoWiring(cfg.Env, cfg.DataDir) {
			cfg.Env = withDefault(cfg.Env, k, v)
		}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s (ARENGO_ADDR): %v", cfg.Addr, err)
	}
	defer ln.Close()
	app, err := openApp(ctx, cfg, stderr, true)
	if err != nil {
		return err
	}
	defer app.Close()
	if demo {
		if err := seedDemo(ctx, app); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
		if err := printDemo(ctx, app, stdout); err != nil {
			return err
		}
	}
	return app.Run(ctx, ln)
}

// demoWiring returns the settings that connect the demo's modules, each used
// unless set: the pagoPA simulator writes its end-of-day flows and treasury
// journals into the folder the reconciliation watches (polled every 2s), and
// the reconciliation's ente is the comune the payments are made to. So a day
// paid in the demo reconciles without anyone moving files, and the flow for
// another ente (the provincia's share) is set aside.
func demoWiring(getenv func(string) string, dataDir string) map[string]string {
	inbox := getenv(reconcile.EnvInbox)
	if inbox == "" {
		inbox = filepath.Join(dataDir, "flussi-in-arrivo")
	}
	ec := getenv("ARENGO_PAGOPA_FISCAL_CODE")
	if ec == "" {
		ec = payments.DefaultFiscalCode
	}
	return map[string]string{
		reconcile.EnvInbox: inbox, "ARENGO_PAGOPA_SIM_FILES": inbox, reconcile.EnvInbox + "_POLL": "2s", reconcile.EnvEC: ec,
	}
}

func withDefault(getenv func(string) string, key, def string) func(string) string {
	return func(k string) string {
		if v := getenv(k); v != "" || k != key {
			return v
		}
		return def
	}
}

func seedDemo(ctx context.Context, app *kernel.App) error {
	if err := app.Start(ctx); err != nil {
		return err
	}
	for _, m := range app.Modules {
		if s, ok := m.(kernel.Seeder); ok {
			if err := s.SeedDemo(ctx, app.Deps); err != nil {
				return fmt.Errorf("%s: %w", m.Name(), err)
			}
		}
	}
	return nil
}

func printDemo(ctx context.Context, app *kernel.App, w io.Writer) error {
	staff, err := portal.DemoStaff(ctx, app.Deps)
	if err != nil {
		return err
	}
	cfg := app.Deps.Config
	fmt.Fprintf(w, "\nArengo demo — %s\n\n", cfg.Comune)
	fmt.Fprintf(w, "  Sito:            %s/\n", cfg.BaseURL)
	fmt.Fprintf(w, "  Database:        %s\n", cfg.DB)
	fmt.Fprintf(w, "  Operatori:       %s/login  (password: %s)\n", cfg.BaseURL, portal.DemoPassword)
	fmt.Fprintf(w, "                   utenti: %s\n", strings.Join(staff, ", "))
	fmt.Fprintf(w, "  Cittadini:       %s/accedi  (accesso dimostrativo)\n", cfg.BaseURL)
	for _, c := range portal.DemoCitizens {
		fmt.Fprintf(w, "                   %s  %s\n", c.FiscalCode, c.Name)
	}
	fmt.Fprintf(w, "  Chiave API:      %s\n", portal.DemoAPIKey)
	fmt.Fprintf(w, "  API:             %s/api/v1/docs\n\n", cfg.BaseURL)
	return nil
}
