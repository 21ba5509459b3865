// Package store opens the database — embedded SQLite or PostgreSQL — and runs
// transactions and migrations the same way on both.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Engine names the database engine behind a DB.
type Engine string

const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// DB is the application's database. Reads go to a pool; on SQLite writes go
// to a single connection so that writers queue in Go instead of failing with
// SQLITE_BUSY.
type DB struct {
	*sql.DB
	Engine Engine
	write  *sql.DB
	dsn    string
}

// Open connects to dsn: "postgres://…" or "postgresql://…" selects PostgreSQL,
// anything else is a SQLite file path (or "file:…" URI).
func Open(ctx context.Context, dsn string) (*DB, error) {
	if IsPostgres(dsn) {
		return openPostgres(ctx, dsn)
	}
	return openSQLite(ctx, dsn)
}

// IsPostgres tells whether dsn selects PostgreSQL.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", redact(dsn), err)
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(10)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := pingWithin(ctx, db, 5*time.Second); err != nil {
		db.Close()
		return nil, fmt.Errorf("database %s is not reachable: %w", redact(dsn), err)
	}
	return &DB{DB: db, Engine: Postgres, write: db, dsn: dsn}, nil
}

// sqlitePragmas follow PocketBase and gotosocial: busy_timeout first so the
// journal-mode switch itself waits for other processes; WAL lets readers run
// beside the writer; immediate transactions take the write lock at BEGIN, so
// two writers never deadlock upgrading a read lock. A 32 MB page cache per
// connection (the default is 2 MB) keeps large imports' indexes in memory;
// reads through a memory map skip a copy of every page the OS already caches
// (listings scanning thousands of index entries read ~10% faster).
const sqlitePragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" +
	"&_pragma=cache_size(-32000)&_pragma=mmap_size(268435456)" +
	"&_pragma=foreign_keys(ON)&_time_format=sqlite&_txlock=immediate"

// writerPragmas apply to the single writer connection only. Every multi-row
// statement inside a transaction keeps a statement journal (to undo just that
// statement on a constraint error); past 64 KB SQLite spills it to a temp
// file, a write system call per page (a few per cent of a bulk load's CPU).
// In memory it holds at most the pages one statement changes. Temporary
// B-trees (DISTINCT, IN lists, RETURNING) stay in memory too; the writer's
// statements keep them to one batch or file. Sorts still spill to disk above
// the page cache: temp_store does not govern the sorter.
const writerPragmas = "&_pragma=temp_store(MEMORY)"

func openSQLite(ctx context.Context, dsn string) (*DB, error) {
	path := strings.TrimPrefix(dsn, "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("database %s: %w", dsn, err)
		}
	}
	full := "file:" + path + "?" + sqlitePragmas
	read, err := sql.Open("sqlite", full)
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", dsn, err)
	}
	read.SetMaxOpenConns(8)
	write, err := sql.Open("sqlite", full+writerPragmas)
	if err != nil {
		read.Close()
		return nil, fmt.Errorf("database %s: %w", dsn, err)
	}
	write.SetMaxOpenConns(1)
	if err := pingWithin(ctx, write, 10*time.Second); err != nil {
		read.Close()
		write.Close()
		return nil, fmt.Errorf("database %s cannot be opened: %w", dsn, err)
	}
	return &DB{DB: read, Engine: SQLite, write: write, dsn: dsn}, nil
}

func pingWithin(ctx context.Context, db *sql.DB, d time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	return db.PingContext(ctx)
}

// Close closes both pools.
func (db *DB) Close() error {
	err := db.DB.Close()
	if db.write != db.DB {
		err = errors.Join(err, db.write.Close())
	}
	return err
}

// Writer is the pool that takes writes outside Transact (bulk loaders that
// manage their own transactions).
func (db *DB) Writer() *sql.DB { return db.write }

// DSN returns the connection string the database was opened with.
func (db *DB) DSN() string { return db.dsn }

// NewID returns a new time-ordered identifier (UUIDv7), so primary keys sort
// in creation order and index inserts stay at the right edge.
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

// Now is the current time as stored: UTC with microsecond precision, the
// finest PostgreSQL keeps, so a value reads back equal on both engines.
func Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable DSN)"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
