package datasov

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/arengo-pa/arengo/internal/datasov/snapshot"
	"github.com/arengo-pa/arengo/internal/events"
	"github.com/arengo-pa/arengo/internal/store"
)

// Run is one export, as listed on the admin page.
type Run struct {
	ID, Kind, Dir, Engine, Error string
	Tables, Rows, Attachments    int64
	StartedAt, FinishedAt        time.Time
}

// Seconds is how long the run took.
func (r Run) Seconds() float64 { return r.FinishedAt.Sub(r.StartedAt).Seconds() }

// Export writes the snapshot to dir and records the run.
func (m *Module) Export(ctx context.Context, dir string, progress snapshot.Progress) (snapshot.Manifest, error) {
	started := store.Now()
	man, err := snapshot.Export(ctx, m.deps.DB, m.deps.Blob, dir, progress)
	return man, m.record(ctx, "export", dir, started, man, err)
}

// Import loads the export in dir into this (empty) installation. It writes nothing of its own in the
// database, so an export of the copy is identical to the one it came from; the command's output and
// the log record it.
func (m *Module) Import(ctx context.Context, dir string, progress snapshot.Progress) (snapshot.Manifest, error) {
	man, err := snapshot.Import(ctx, m.deps.DB, m.deps.Blob, dir, snapshot.ImportOptions{FreshIfEmpty: "kernel_outbox", Progress: progress})
	if err == nil {
		m.deps.Log.Info("datasov: import done", "dir", dir, "tables", len(man.Tables), "rows", man.Rows(), "attachments", len(man.Blobs),
			"source_engine", man.SourceEngine, "exported_at", man.CreatedAt)
	}
	return man, err
}

func (m *Module) record(ctx context.Context, kind, dir string, started time.Time, man snapshot.Manifest, runErr error) error {
	r := Run{ID: store.NewID(), Kind: kind, Dir: dir, Engine: string(m.deps.DB.Engine), Tables: int64(len(man.Tables)),
		Rows: man.Rows(), Attachments: int64(len(man.Blobs)), StartedAt: started, FinishedAt: store.Now()}
	if runErr != nil {
		r.Error = runErr.Error()
	}
	err := m.deps.DB.Transact(context.WithoutCancel(ctx), func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO datasov_runs (id, kind, dir, engine, tables, rows_total, attachments, started_at, finished_at, error)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, r.ID, r.Kind, r.Dir, r.Engine, r.Tables, r.Rows, r.Attachments,
			r.StartedAt, r.FinishedAt, r.Error); err != nil {
			return err
		}
		return events.Append(ctx, tx, events.Event{Type: "datasov." + kind + "_finished", AggregateType: "datasov_run",
			AggregateID: r.ID, AggregateVersion: 1, Data: r})
	})
	if err != nil {
		err = fmt.Errorf("registrazione dell'operazione: %w", err)
	}
	return errors.Join(runErr, err)
}

// Runs lists the last exports and imports, newest first.
func (m *Module) Runs(ctx context.Context, limit int) ([]Run, error) {
	rows, err := m.deps.DB.QueryContext(ctx, `SELECT id, kind, dir, engine, tables, rows_total, attachments, started_at, finished_at, error
		FROM datasov_runs ORDER BY started_at DESC, id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var r Run
		if err := rows.Scan(&r.ID, &r.Kind, &r.Dir, &r.Engine, &r.Tables, &r.Rows, &r.Attachments, &r.StartedAt, &r.FinishedAt, &r.Error); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
