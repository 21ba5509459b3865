package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/arengo-pa/arengo/internal/store"
)

func dbCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "migrate" && args[0] != "status") {
		return fmt.Errorf("usage: arengo db migrate|status [options]")
	}
	cfg, _, err := loadConfig("db "+args[0], args[1:], getenv, stderr, nil)
	if err != nil {
		return err
	}
	migrate := args[0] == "migrate"
	app, err := openApp(ctx, cfg, stderr, migrate)
	if err != nil {
		return err
	}
	defer app.Close()
	st, err := app.Deps.DB.Status(ctx, app.Migrations())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%-12s %8s %8s\n", "module", "current", "latest")
	pending := 0
	for _, s := range st {
		mark := ""
		if s.Pending() {
			mark = "  pending"
			pending++
		}
		fmt.Fprintf(stdout, "%-12s %8d %8d%s\n", s.Module, s.Current, s.Latest, mark)
	}
	if migrate {
		fmt.Fprintf(stdout, "database %s migrated (%s)\n", redactDSN(cfg.DB), app.Deps.DB.Engine)
	} else if pending > 0 {
		return fmt.Errorf("%d module(s) have pending migrations: run arengo db migrate", pending)
	}
	return nil
}

func redactDSN(dsn string) string {
	if !store.IsPostgres(dsn) {
		return dsn
	}
	if at := strings.LastIndexByte(dsn, '@'); at > 0 {
		return "postgres://…" + dsn[at:]
	}
	return dsn
}

func userCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return fmt.Errorf("usage: arengo user add --username U --name N --email E --password P --roles r1,r2")
	}
	var username, name, email, password, roles string
	cfg, _, err := loadConfig("user add", args[1:], getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&username, "username", "", "login name")
		fs.StringVar(&name, "name", "", "full name")
		fs.StringVar(&email, "email", "", "e-mail address")
		fs.StringVar(&password, "password", "", "password (at least 8 characters; or ARENGO_USER_PASSWORD)")
		fs.StringVar(&roles, "roles", "", "comma-separated roles, e.g. admin")
	})
	if err != nil {
		return err
	}
	if password == "" {
		password = getenv("ARENGO_USER_PASSWORD")
	}
	if username == "" || password == "" {
		return fmt.Errorf("--username and --password are required")
	}
	app, err := openApp(ctx, cfg, stderr, true)
	if err != nil {
		return err
	}
	defer app.Close()
	if err := app.Start(ctx); err != nil {
		return err
	}
	var roleList []string
	for _, r := range strings.Split(roles, ",") {
		if r = strings.TrimSpace(r); r != "" {
			roleList = append(roleList, r)
		}
	}
	var id string
	err = app.Deps.DB.Transact(ctx, func(tx *store.Tx) error {
		id, err = app.Deps.Auth.CreateUser(ctx, tx, username, name, email, password, roleList)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "user %s saved (id %s, roles %s)\n", strings.ToLower(strings.TrimSpace(username)), id, strings.Join(roleList, ", "))
	return nil
}
