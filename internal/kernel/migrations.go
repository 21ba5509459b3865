package kernel

import (
	"embed"

	"github.com/arengo-pa/arengo/internal/store"
)

//go:embed migrations
var migrationsFS embed.FS

// Migrations is the kernel's own schema: outbox, jobs, identity, audit.
var Migrations = store.EmbeddedMigrations("kernel", migrationsFS)
