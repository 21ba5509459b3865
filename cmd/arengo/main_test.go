package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// Bad settings, an unreachable database or an unknown command each end in
// one clear error line, never a panic.
func TestRunRefusesBadSetupWithOneLine(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"bad address", []string{"db", "status"}, map[string]string{"ARENGO_ADDR": "nowhere"}, "ARENGO_ADDR"},
		{"bad flag value", []string{"db", "status", "--log-format", "xml"}, nil, "ARENGO_LOG_FORMAT"},
		{"bad duration", []string{"serve"}, map[string]string{"ARENGO_SHUTDOWN_TIMEOUT": "soon"}, "ARENGO_SHUTDOWN_TIMEOUT"},
		{"unreachable postgres", []string{"db", "migrate"}, map[string]string{"ARENGO_DB": "postgres://nobody@127.0.0.1:1/x?connect_timeout=2"}, "not reachable"},
		{"unknown command", []string{"frobnicate"}, nil, "unknown command"},
		{"no command", nil, nil, "missing command"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := map[string]string{"ARENGO_DATA_DIR": dir, "ARENGO_DB": filepath.Join(dir, "x.db")}
			for k, v := range c.env {
				e[k] = v
			}
			var out, errOut bytes.Buffer
			err := run(context.Background(), c.args, env(e), &out, &errOut)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to mention %q", err, c.want)
			}
		})
	}
}

func TestDBMigrateThenStatus(t *testing.T) {
	dir := t.TempDir()
	e := env(map[string]string{"ARENGO_DATA_DIR": dir, "ARENGO_DB": filepath.Join(dir, "arengo.db")})
	var out bytes.Buffer
	if err := run(context.Background(), []string{"db", "status"}, e, &out, &out); err == nil {
		t.Fatalf("status on an empty database reported no pending migrations:\n%s", out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"db", "migrate"}, e, &out, &out); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"db", "status"}, e, &out, &out); err != nil {
		t.Fatalf("status after migrate: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "kernel") {
		t.Fatalf("status lists no kernel schema:\n%s", out.String())
	}
	out.Reset()
	err := run(context.Background(), []string{"user", "add", "--username", "Giulia", "--name", "Giulia", "--password", "abbastanza-lunga", "--roles", "admin"}, e, &out, &out)
	if err != nil || !strings.Contains(out.String(), "user giulia saved") {
		t.Fatalf("user add: %v\n%s", err, out.String())
	}
}
