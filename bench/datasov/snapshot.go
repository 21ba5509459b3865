package main

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/arengo-pa/arengo/internal/datasov/snapshot"
	"github.com/arengo-pa/arengo/internal/store"
)

//go:embed migrations
var migrationsFS embed.FS

func benchMigrations() store.Migrations {
	sq, _ := fs.Sub(migrationsFS, "migrations/sqlite")
	pg, _ := fs.Sub(migrationsFS, "migrations/postgres")
	return store.Migrations{Module: "bench", SQLite: sq, Postgres: pg}
}

const columns = 7

// row i of the table: the same values every time it is generated.
func row(i int, dst []any) []any {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return append(dst, fmt.Sprintf("%012d", i), int64(i)*137, i%2 == 0, base.Add(time.Duration(i)*time.Second),
		fmt.Sprintf("Segnalazione n. %d in via Roma %d, Padova", i, i%200), float64(i)/3, "RSSMRA80A01H501U")
}

var insertCols = `INSERT INTO bench_row (id, amount_cents, paid, created_at, note, ratio, fiscal_code) VALUES `

func insertSQL(rows int) string {
	var b strings.Builder
	b.WriteString(insertCols)
	p := 1
	for r := 0; r < rows; r++ {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteString(fmt.Sprintf("($%d,$%d,$%d,$%d,$%d,$%d,$%d)", p, p+1, p+2, p+3, p+4, p+5, p+6))
		p += columns
	}
	return b.String()
}

// bareInsert is the import's floor: the same rows, the same multi-row statements and one
// transaction per batch, without reading or checking any file.
func bareInsert(ctx context.Context, db *store.DB, n int) error {
	// The import's statement shape (snapshot.statementRows): ~100 parameters on SQLite, 500 rows on PostgreSQL.
	stmtRows := 500
	if db.Engine == store.SQLite {
		stmtRows = 100 / columns
	}
	batchRows := 5000 / stmtRows * stmtRows
	vals := make([]any, 0, batchRows*columns)
	for start := 0; start < n; start += batchRows {
		vals = vals[:0]
		for i := start; i < min(n, start+batchRows); i++ {
			vals = row(i, vals)
		}
		err := db.Transact(ctx, func(tx *store.Tx) error {
			for s := 0; s < len(vals); s += stmtRows * columns {
				chunk := vals[s:min(len(vals), s+stmtRows*columns)]
				if _, err := tx.ExecContext(ctx, insertSQL(len(chunk)/columns), chunk...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// bareRead is the export's floor: the same query, every value scanned, nothing written.
func bareRead(ctx context.Context, db *store.DB) (int, error) {
	rows, err := db.QueryContext(ctx, `SELECT amount_cents, created_at, fiscal_code, id, note, paid, ratio FROM bench_row ORDER BY id`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	vals := make([]any, columns)
	ptrs := make([]any, columns)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

type heapPeak struct {
	stop chan struct{}
	wg   sync.WaitGroup
	peak atomic.Uint64
}

// watchHeap samples the live heap every 5 ms until stopped.
func watchHeap() *heapPeak {
	runtime.GC()
	h := &heapPeak{stop: make(chan struct{})}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > h.peak.Load() {
				h.peak.Store(ms.HeapInuse)
			}
			select {
			case <-h.stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	return h
}

func (h *heapPeak) MiB() float64 {
	close(h.stop)
	h.wg.Wait()
	return float64(h.peak.Load()) / (1 << 20)
}

// openDB opens an empty migrated database: a SQLite file under target, or a fresh schema on the
// PostgreSQL DSN target.
func openDB(ctx context.Context, target, name string) (*store.DB, func(), error) {
	dsn := filepath.Join(target, name+".db")
	cleanup := func() {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(dsn + suffix)
		}
	}
	if store.IsPostgres(target) {
		admin, err := sql.Open("pgx", target)
		if err != nil {
			return nil, nil, err
		}
		schema := "bench_" + name + "_" + strings.ReplaceAll(store.NewID(), "-", "")[20:]
		if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
			return nil, nil, err
		}
		cleanup = func() { admin.Exec("DROP SCHEMA " + schema + " CASCADE"); admin.Close() }
		u, _ := url.Parse(target)
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		dsn = u.String()
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	if err := db.Migrate(ctx, []store.Migrations{benchMigrations()}); err != nil {
		db.Close()
		cleanup()
		return nil, nil, err
	}
	return db, func() { db.Close(); cleanup() }, nil
}

func benchSnapshot(ctx context.Context, target, tmp string, n, repeat int) error {
	engine := "SQLite"
	if store.IsPostgres(target) {
		engine = "PostgreSQL"
	}
	fmt.Printf("## Export / import on %s, %d rows\n\n", engine, n)
	fmt.Println("| step | rows/s | floor rows/s | ratio | peak heap MiB |")
	fmt.Println("|---|---:|---:|---:|---:|")
	for _, size := range []int{n / 10, n} {
		if err := snapshotRound(ctx, target, tmp, size, repeat); err != nil {
			return err
		}
	}
	fmt.Println()
	return nil
}

// snapshotRound measures one size. Each step and its floor run alternately repeat times and the
// fastest run of each counts: on a shared machine the load changes from second to second.
func snapshotRound(ctx context.Context, target, tmp string, n, repeat int) error {
	if !store.IsPostgres(target) {
		target = filepath.Join(tmp, fmt.Sprintf("db-%d-%d", n, time.Now().UnixNano()))
	}
	src, closeSrc, err := openDB(ctx, target, "src")
	if err != nil {
		return err
	}
	defer closeSrc()
	if err := bareInsert(ctx, src, n); err != nil {
		return err
	}
	best := func(cur, d time.Duration) time.Duration {
		if cur == 0 || d < cur {
			return d
		}
		return cur
	}
	var read, export, insert, imp time.Duration
	var exportHeap, importHeap float64
	for r := 0; r < repeat; r++ {
		t0 := time.Now()
		if _, err := bareRead(ctx, src); err != nil {
			return err
		}
		read = best(read, time.Since(t0))

		dir := filepath.Join(tmp, fmt.Sprintf("export-%d-%d", n, time.Now().UnixNano()))
		heap := watchHeap()
		t0 = time.Now()
		if _, err := snapshot.Export(ctx, src, nil, dir, nil); err != nil {
			return err
		}
		export = best(export, time.Since(t0))
		exportHeap = max(exportHeap, heap.MiB())

		floorDB, closeFloor, err := openDB(ctx, target, fmt.Sprintf("floor%d", r))
		if err != nil {
			return err
		}
		t0 = time.Now()
		err = bareInsert(ctx, floorDB, n)
		insert = best(insert, time.Since(t0))
		closeFloor()
		if err != nil {
			return err
		}

		dst, closeDst, err := openDB(ctx, target, fmt.Sprintf("dst%d", r))
		if err != nil {
			return err
		}
		heap = watchHeap()
		t0 = time.Now()
		_, err = snapshot.Import(ctx, dst, nil, dir, snapshot.ImportOptions{})
		imp = best(imp, time.Since(t0))
		importHeap = max(importHeap, heap.MiB())
		closeDst()
		os.RemoveAll(dir)
		if err != nil {
			return err
		}
	}
	rate := func(d time.Duration) float64 { return float64(n) / d.Seconds() }
	fmt.Printf("| export %d rows | %.0f | %.0f (bare read) | %.0f%% | %.1f |\n", n, rate(export), rate(read), 100*read.Seconds()/export.Seconds(), exportHeap)
	fmt.Printf("| import %d rows | %.0f | %.0f (bare insert) | %.0f%% | %.1f |\n", n, rate(imp), rate(insert), 100*insert.Seconds()/imp.Seconds(), importHeap)
	return nil
}
