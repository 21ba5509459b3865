package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/database"
)

// Migrations is one module's embedded schema history, one folder per engine.
type Migrations struct {
	Module   string
	SQLite   fs.FS
	Postgres fs.FS
}

// MigrationStatus is where one module's schema stands.
type MigrationStatus struct {
	Module  string
	Current int64
	Latest  int64
}

// Pending tells whether migrations are left to apply.
func (s MigrationStatus) Pending() bool { return s.Current < s.Latest }

func (db *DB) provider(m Migrations) (*goose.Provider, error) {
	fsys, dialect := m.SQLite, database.DialectSQLite3
	if db.Engine == Postgres {
		fsys, dialect = m.Postgres, database.DialectPostgres
	}
	if fsys == nil {
		return nil, fmt.Errorf("module %s has no %s migrations", m.Module, db.Engine)
	}
	// One version table per module, so modules number their files freely.
	st, err := database.NewStore(dialect, "goose_"+m.Module)
	if err != nil {
		return nil, err
	}
	return goose.NewProvider("", db.write, fsys, goose.WithStore(st), goose.WithDisableGlobalRegistry(true))
}

// Migrate applies every pending migration of each module in order. A failing
// migration is reported with its module and file.
func (db *DB) Migrate(ctx context.Context, sets []Migrations) error {
	for _, m := range sets {
		p, err := db.provider(m)
		if err != nil {
			return fmt.Errorf("migrations of %s: %w", m.Module, err)
		}
		if _, err := p.Up(ctx); err != nil {
			var perr *goose.PartialError
			if errors.As(err, &perr) && perr.Failed != nil && perr.Failed.Source != nil {
				return fmt.Errorf("migration %s/%s failed: %v", m.Module, perr.Failed.Source.Path, perr.Err)
			}
			return fmt.Errorf("migrations of %s: %w", m.Module, err)
		}
	}
	return nil
}

// Status reports the current and latest version of each module's schema.
func (db *DB) Status(ctx context.Context, sets []Migrations) ([]MigrationStatus, error) {
	out := make([]MigrationStatus, 0, len(sets))
	for _, m := range sets {
		p, err := db.provider(m)
		if err != nil {
			return nil, fmt.Errorf("migrations of %s: %w", m.Module, err)
		}
		cur, err := p.GetDBVersion(ctx)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("schema version of %s: %w", m.Module, err)
		}
		latest := int64(0)
		if srcs := p.ListSources(); len(srcs) > 0 {
			latest = srcs[len(srcs)-1].Version
		}
		out = append(out, MigrationStatus{Module: m.Module, Current: cur, Latest: latest})
	}
	return out, nil
}

// EmbeddedMigrations builds a module's Migrations from an embedded tree that
// holds migrations/sqlite and migrations/postgres, the layout every module
// uses. A missing folder is a build mistake, so it panics.
func EmbeddedMigrations(module string, fsys fs.FS) Migrations {
	sub := func(dir string) fs.FS {
		f, err := fs.Sub(fsys, dir)
		if err != nil {
			panic(fmt.Sprintf("migrations of %s: %v", module, err))
		}
		return f
	}
	return Migrations{Module: module, SQLite: sub("migrations/sqlite"), Postgres: sub("migrations/postgres")}
}
