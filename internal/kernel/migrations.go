package kernel

import (
	"embed"
	"io/fs"

	"github.com/arengo-pa/arengo/internal/store"
)

//go:embed migrations
var migrationsFS embed.FS

func sub(dir string) fs.FS {
	f, err := fs.Sub(migrationsFS, dir)
	if err != nil {
		panic(err)
	}
	return f
}

// Migrations is the kernel's own schema: outbox, jobs, identity, audit.
var Migrations = store.Migrations{Module: "kernel", SQLite: sub("migrations/sqlite"), Postgres: sub("migrations/postgres")}
