package snapshot

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/arengo-pa/arengo/internal/blob"
	"github.com/arengo-pa/arengo/internal/store"
)

// Progress is told how far an export or import has come.
type Progress func(table string, rows int64)

// Export writes a consistent snapshot of every table and every attachment into dir, which must be
// empty or missing. The tables are read in one read-only transaction (a WAL snapshot on SQLite,
// REPEATABLE READ on PostgreSQL), so the export is consistent and writers are not blocked.
// Attachments are immutable once written; those added during the export may or may not be included.
func Export(ctx context.Context, db *store.DB, blobs blob.Store, dir string, progress Progress) (Manifest, error) {
	m := Manifest{Format: Format, FormatVersion: FormatVersion, CreatedAt: store.Now(), SourceEngine: string(db.Engine),
		Migrations: map[string]int64{}, Tables: []TableEntry{}, Blobs: []BlobEntry{}}
	if err := emptyDir(dir); err != nil {
		return m, err
	}
	for _, sub := range []string{"tables", "schemas", "blobs"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o750); err != nil {
			return m, err
		}
	}
	q, done, err := readSnapshot(ctx, db)
	if err != nil {
		return m, err
	}
	defer done()
	if m.Migrations, err = migrationVersions(ctx, q, db.Engine); err != nil {
		return m, err
	}
	tables, err := Tables(ctx, q, db.Engine)
	if err != nil {
		return m, err
	}
	collate, err := textOrder(ctx, q, db.Engine)
	if err != nil {
		return m, err
	}
	for _, t := range tables {
		entry, err := exportTable(ctx, q, selectSQL(t, collate), t, dir, progress)
		if err != nil {
			return m, fmt.Errorf("esportazione della tabella %s: %w", t.Name, err)
		}
		m.Tables = append(m.Tables, entry)
	}
	done()
	if blobs != nil {
		if m.Blobs, err = exportBlobs(ctx, blobs, dir); err != nil {
			return m, err
		}
	}
	if _, err := writeJSON(filepath.Join(dir, ManifestFile), m); err != nil {
		return m, err
	}
	return m, nil
}

// readSnapshot opens the read transaction. On SQLite it issues a plain (deferred) BEGIN on a reader
// connection: the store's BeginTx would take the write lock for the whole export.
func readSnapshot(ctx context.Context, db *store.DB) (querier, func(), error) {
	if db.Engine == store.Postgres {
		tx, err := db.DB.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
		if err != nil {
			return nil, nil, err
		}
		return tx, func() { tx.Rollback() }, nil
	}
	conn, err := db.DB.Conn(ctx)
	if err != nil {
		return nil, nil, err
	}
	if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
		conn.Close()
		return nil, nil, err
	}
	closed := false
	return conn, func() {
		if !closed {
			closed = true
			conn.ExecContext(context.Background(), "ROLLBACK")
			conn.Close()
		}
	}, nil
}

func migrationVersions(ctx context.Context, q querier, engine store.Engine) (map[string]int64, error) {
	list := `SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'goose\_%' ESCAPE '\' ORDER BY name`
	if engine == store.Postgres {
		list = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()
			AND table_name LIKE 'goose\_%' ORDER BY table_name`
	}
	names, err := store.Column[string](ctx, q, list)
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, n := range names {
		var v int64
		rows, err := q.QueryContext(ctx, `SELECT COALESCE(MAX(version_id), 0) FROM `+quote(n))
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			err = rows.Scan(&v)
		}
		rows.Close()
		if err != nil {
			return nil, err
		}
		out[strings.TrimPrefix(n, "goose_")] = v
	}
	return out, nil
}

func exportTable(ctx context.Context, q querier, query string, t Table, dir string, progress Progress) (TableEntry, error) {
	e := TableEntry{Name: t.Name, File: "tables/" + t.Name + ".ndjson", Schema: "schemas/" + t.Name + ".schema.json", PrimaryKey: t.PrimaryKey}
	if e.PrimaryKey == nil {
		e.PrimaryKey = []string{}
	}
	schema, err := writeJSON(filepath.Join(dir, e.Schema), JSONSchema(t))
	if err != nil {
		return e, err
	}
	sum := sha256.Sum256(schema)
	e.SchemaSHA256 = hex.EncodeToString(sum[:])

	f, err := os.Create(filepath.Join(dir, e.File))
	if err != nil {
		return e, err
	}
	defer f.Close()
	h := sha256.New()
	cw := &countWriter{w: io.MultiWriter(f, h)}
	w := bufio.NewWriterSize(cw, 1<<20)
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return e, err
	}
	defer rows.Close()
	vals := make([]any, len(t.Columns))
	ptrs := make([]any, len(t.Columns))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	line := make([]byte, 0, 4096)
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return e, err
		}
		line = append(line[:0], '{')
		for i, c := range t.Columns {
			if i > 0 {
				line = append(line, ',')
			}
			line = appendString(line, c.Name)
			line = append(line, ':')
			if line, err = appendValue(line, c.Type, vals[i]); err != nil {
				return e, fmt.Errorf("riga %d, colonna %s: %w", e.Rows+1, c.Name, err)
			}
		}
		line = append(line, '}', '\n')
		if _, err := w.Write(line); err != nil {
			return e, err
		}
		e.Rows++
		if progress != nil && e.Rows%100000 == 0 {
			progress(t.Name, e.Rows)
		}
	}
	if err := rows.Err(); err != nil {
		return e, err
	}
	if err := w.Flush(); err != nil {
		return e, err
	}
	if err := f.Sync(); err != nil {
		return e, err
	}
	e.Bytes = cw.n
	e.SHA256 = hex.EncodeToString(h.Sum(nil))
	if progress != nil {
		progress(t.Name, e.Rows)
	}
	return e, nil
}

// textOrder is the COLLATE clause that makes text keys sort byte by byte, as SQLite does, so both
// engines write rows in the same order. A PostgreSQL database created with a C collation already
// does: adding the clause there would only stop it from reading the primary key index in order.
func textOrder(ctx context.Context, q querier, engine store.Engine) (string, error) {
	if engine != store.Postgres {
		return "", nil
	}
	c, err := store.Column[string](ctx, q, `SELECT datcollate FROM pg_database WHERE datname = current_database()`)
	if err != nil || len(c) == 0 {
		return "", err
	}
	switch strings.ToUpper(strings.ReplaceAll(c[0], "-", "")) {
	case "C", "POSIX", "C.UTF8":
		return "", nil
	}
	return ` COLLATE "C"`, nil
}

// selectSQL reads a table in primary key order (all columns when it has none), text keys ordered
// with collate.
func selectSQL(t Table, collate string) string {
	cols := make([]string, len(t.Columns))
	types := map[string]Type{}
	for i, c := range t.Columns {
		cols[i] = quote(c.Name)
		types[c.Name] = c.Type
	}
	order := t.PrimaryKey
	if len(order) == 0 {
		for _, c := range t.Columns {
			order = append(order, c.Name)
		}
	}
	keys := make([]string, len(order))
	for i, k := range order {
		keys[i] = quote(k)
		if types[k] == Text {
			keys[i] += collate
		}
	}
	return "SELECT " + strings.Join(cols, ", ") + " FROM " + quote(t.Name) + " ORDER BY " + strings.Join(keys, ", ")
}

func exportBlobs(ctx context.Context, blobs blob.Store, dir string) ([]BlobEntry, error) {
	out := []BlobEntry{}
	err := blobs.List(ctx, "", func(info blob.Info) error {
		r, got, err := blobs.Get(ctx, info.Key)
		if err != nil {
			return fmt.Errorf("allegato %s: %w", info.Key, err)
		}
		defer r.Close()
		e := BlobEntry{Key: info.Key, File: "blobs/" + info.Key, ContentType: got.ContentType}
		if !cleanRel(e.File) {
			return fmt.Errorf("allegato con chiave non esportabile: %q", info.Key)
		}
		path := filepath.Join(dir, e.File)
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return err
		}
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		h := sha256.New()
		n, err := io.Copy(io.MultiWriter(f, h), r)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("allegato %s: %w", info.Key, err)
		}
		e.Bytes, e.SHA256 = n, hex.EncodeToString(h.Sum(nil))
		out = append(out, e)
		return nil
	})
	return out, err
}

func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return os.MkdirAll(dir, 0o750)
	}
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("la cartella %s non è vuota: l'esportazione va in una cartella nuova", dir)
	}
	return nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// sha256File hashes a file and counts its bytes.
func sha256File(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	return hex.EncodeToString(h.Sum(nil)), n, err
}
