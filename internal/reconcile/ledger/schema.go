package ledger

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

// Schema is the module's tables, one folder per engine.
var Schema = store.Migrations{Module: "reconcile", SQLite: sub("migrations/sqlite"), Postgres: sub("migrations/postgres")}
