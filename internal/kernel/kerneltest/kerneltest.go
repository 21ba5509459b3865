// Package kerneltest starts the whole kernel with chosen modules on a fresh
// database — SQLite in a temp dir, or PostgreSQL in a fresh schema when
// ARENGO_TEST_POSTGRES holds a DSN — serving real HTTP on a loopback port.
package kerneltest

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/config"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/store"
	"github.com/arengo-pa/arengo/internal/web"
)

// App is a running kernel for one test.
type App struct {
	*kernel.App
	URL  string
	Deps *kernel.Deps
}

// Options tune New.
type Options struct {
	// Env adds ARENGO_* settings (a module's own, or ARENGO_DEMO).
	Env map[string]string
	// DB reuses a database DSN instead of making a fresh one (two servers
	// on one database).
	DB string
	// NoRun builds the app without starting HTTP, outbox and jobs.
	NoRun bool
}

// New starts the kernel with mods on a fresh database.
func New(t testing.TB, mods ...kernel.Module) *App {
	return NewWith(t, Options{}, mods...)
}

// NewWith is New with options.
func NewWith(t testing.TB, o Options, mods ...kernel.Module) *App {
	t.Helper()
	dsn := o.DB
	if dsn == "" {
		dsn = FreshDB(t)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	env := map[string]string{
		"ARENGO_DB": dsn, "ARENGO_ADDR": ln.Addr().String(), "ARENGO_BASE_URL": base,
		"ARENGO_DATA_DIR": t.TempDir(), "ARENGO_LOG_FORMAT": "text", "ARENGO_SHUTDOWN_TIMEOUT": "5s",
	}
	for k, v := range o.Env {
		env[k] = v
	}
	cfg, err := config.Load(nil, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	cfg.Demo = env["ARENGO_DEMO"] == "1"
	level := slog.LevelWarn
	if os.Getenv("ARENGO_TEST_LOG") != "" {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: level}))
	ctx, cancel := context.WithCancel(context.Background())
	a, err := kernel.New(ctx, cfg, mods, kernel.Options{Version: "test", Log: log, Migrate: true})
	if err != nil {
		cancel()
		ln.Close()
		t.Fatal(err)
	}
	a.Deps.Auth.BcryptCost = 4
	app := &App{App: a, URL: base, Deps: a.Deps}
	// Roles and other declared state exist before the test's first request.
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	if o.NoRun {
		ln.Close()
		close(done)
	} else {
		go func() {
			defer close(done)
			// A test may end while the app is still starting: that is no failure.
			if err := a.Run(ctx, ln); err != nil && err != http.ErrServerClosed && ctx.Err() == nil {
				t.Errorf("server: %v", err)
			}
		}()
	}
	t.Cleanup(func() {
		cancel()
		<-done
		a.Close()
	})
	return app
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// FreshDB returns the DSN of an empty database: a SQLite file in a temp dir,
// or a new schema on ARENGO_TEST_POSTGRES, dropped when the test ends.
func FreshDB(t testing.TB) string {
	t.Helper()
	pg := os.Getenv("ARENGO_TEST_POSTGRES")
	if pg == "" {
		return filepath.Join(t.TempDir(), "arengo.db")
	}
	schema := "t_" + strings.ReplaceAll(store.NewID(), "-", "")[12:]
	admin, err := sql.Open("pgx", pg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema on %s: %v", pg, err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(pg)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Client is an HTTP client with a cookie jar that does not follow redirects,
// so tests see the redirect itself.
func (a *App) Client(t testing.TB) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// StaffSession creates (or updates) a staff user holding perms through a
// role of their own, and returns a session token.
func (a *App) StaffSession(t testing.TB, username string, perms ...string) string {
	t.Helper()
	ctx := context.Background()
	role := "test-" + username
	var userID string
	err := a.Deps.DB.Transact(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO kernel_roles (name, label) VALUES ($1, $1) ON CONFLICT (name) DO NOTHING`, role); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM kernel_role_permissions WHERE role = $1`, role); err != nil {
			return err
		}
		for _, p := range perms {
			if _, err := tx.ExecContext(ctx, `INSERT INTO kernel_role_permissions (role, permission) VALUES ($1, $2)`, role, p); err != nil {
				return err
			}
		}
		var err error
		userID, err = a.Deps.Auth.CreateUser(ctx, tx, username, "Utente "+username, username+"@example.it", "password-di-prova", []string{role})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := a.Deps.Auth.StartSession(ctx, auth.Staff, userID)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// CitizenSession records a citizen and returns a session token.
func (a *App) CitizenSession(t testing.TB, fiscalCode string) string {
	t.Helper()
	ctx := context.Background()
	var id string
	err := a.Deps.DB.Transact(ctx, func(tx *store.Tx) error {
		var err error
		id, err = a.Deps.Auth.UpsertCitizen(ctx, tx, auth.CitizenInfo{FiscalCode: fiscalCode, Name: "Cittadino " + fiscalCode[:6],
			Email: strings.ToLower(fiscalCode) + "@example.it"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := a.Deps.Auth.StartSession(ctx, auth.Citizen, id)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// LoginStaff puts a staff session for username, holding perms, in c's jar.
func (a *App) LoginStaff(t testing.TB, c *http.Client, username string, perms ...string) {
	a.setCookie(t, c, a.StaffSession(t, username, perms...))
}

// LoginCitizen puts a citizen session in c's jar.
func (a *App) LoginCitizen(t testing.TB, c *http.Client, fiscalCode string) {
	a.setCookie(t, c, a.CitizenSession(t, fiscalCode))
}

func (a *App) setCookie(t testing.TB, c *http.Client, tok string) {
	u, _ := url.Parse(a.URL)
	c.Jar.SetCookies(u, []*http.Cookie{{Name: web.SessionCookie, Value: tok, Path: "/"}})
}

// APIKey creates a key with scopes and returns its secret.
func (a *App) APIKey(t testing.TB, scopes ...string) string {
	t.Helper()
	var key string
	err := a.Deps.DB.Transact(context.Background(), func(tx *store.Tx) error {
		var err error
		_, key, err = a.Deps.Auth.CreateAPIKey(context.Background(), tx, fmt.Sprintf("test %v", scopes), scopes)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// Eventually polls cond until it holds or the timeout passes.
func Eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("timed out after %s waiting for %s", timeout, what)
}
