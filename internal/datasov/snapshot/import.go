package snapshot

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/arengo-pa/arengo/internal/blob"
	"github.com/arengo-pa/arengo/internal/store"
)

// ImportOptions tune Import.
type ImportOptions struct {
	// FreshIfEmpty names a table that every business write fills (the outbox). While it is empty
	// the target has never been used, and rows found elsewhere are seeds the application wrote at
	// start (roles, built-in states): they are replaced by the export's instead of refusing.
	FreshIfEmpty string
	Progress     Progress
}

// Import loads the export in dir into db, which must have the same schema versions (run the
// migrations first) and no rows, and its attachments into blobs, which must be empty. The files are
// checked against the manifest before anything is written. Rows go in one transaction per batch;
// if any batch fails every loaded table is emptied again, so the target is left empty.
func Import(ctx context.Context, db *store.DB, blobs blob.Store, dir string, o ImportOptions) (Manifest, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return m, err
	}
	if err := Verify(dir, m); err != nil {
		return m, err
	}
	tables, fresh, err := checkTarget(ctx, db, blobs, dir, m, o.FreshIfEmpty)
	if err != nil {
		return m, err
	}
	if fresh {
		if err := emptyTables(ctx, db, tables); err != nil {
			return m, err
		}
	}
	var loaded []Table
	var put []string
	fail := func(err error) (Manifest, error) {
		cctx := context.WithoutCancel(ctx)
		cerr := emptyTables(cctx, db, loaded)
		for _, key := range put {
			cerr = errors.Join(cerr, blobs.Delete(cctx, key))
		}
		if cerr != nil {
			return m, fmt.Errorf("%w; inoltre la pulizia non è riuscita: %v", err, cerr)
		}
		return m, err
	}
	for _, t := range tables {
		loaded = append(loaded, t)
		if err := loadTable(ctx, db, t, dir, entryOf(m, t.Name), o.Progress); err != nil {
			return fail(err)
		}
	}
	if blobs != nil {
		for _, b := range m.Blobs {
			if err := putBlob(ctx, blobs, dir, b); err != nil {
				return fail(err)
			}
			put = append(put, b.Key)
		}
	}
	return m, nil
}

func entryOf(m Manifest, name string) TableEntry {
	for _, t := range m.Tables {
		if t.Name == name {
			return t
		}
	}
	return TableEntry{}
}

// checkTarget compares the target with the export: same schema versions, same tables and columns,
// nothing in it yet (or only seeds, see FreshIfEmpty). It returns the tables in load order.
func checkTarget(ctx context.Context, db *store.DB, blobs blob.Store, dir string, m Manifest, freshIfEmpty string) (tables []Table, fresh bool, err error) {
	versions, err := migrationVersions(ctx, db.DB, db.Engine)
	if err != nil {
		return nil, false, err
	}
	for mod, v := range m.Migrations {
		if got, ok := versions[mod]; !ok {
			return nil, false, fmt.Errorf("il modulo %s dell'esportazione non è installato qui", mod)
		} else if got != v {
			return nil, false, fmt.Errorf("il modulo %s è alla versione di schema %d, l'esportazione alla %d: aggiornare prima la versione più vecchia", mod, got, v)
		}
	}
	all, err := Tables(ctx, db.DB, db.Engine)
	if err != nil {
		return nil, false, err
	}
	byName := map[string]Table{}
	var used []string
	for _, t := range all {
		byName[t.Name] = t
		var n int
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM "+quote(t.Name)+" LIMIT 1) x").Scan(&n); err != nil {
			return nil, false, err
		}
		if n > 0 {
			used = append(used, t.Name)
		}
	}
	fresh = freshIfEmpty != "" && byName[freshIfEmpty].Name != "" && !slices.Contains(used, freshIfEmpty)
	if len(used) > 0 && !fresh {
		return nil, false, fmt.Errorf("il database di destinazione non è vuoto (la tabella %s ha righe): importare in un database nuovo", used[0])
	}
	if blobs != nil {
		errNotEmpty := errors.New("non vuoto")
		err := blobs.List(ctx, "", func(blob.Info) error { return errNotEmpty })
		if errors.Is(err, errNotEmpty) {
			return nil, false, errors.New("l'archivio degli allegati di destinazione non è vuoto")
		}
		if err != nil {
			return nil, false, err
		}
	}
	for _, e := range m.Tables {
		t, ok := byName[e.Name]
		if !ok {
			return nil, false, fmt.Errorf("%s: la tabella %s non esiste nel database di destinazione", e.File, e.Name)
		}
		if err := sameColumns(dir, e, t); err != nil {
			return nil, false, fmt.Errorf("%s: %w", e.Schema, err)
		}
		tables = append(tables, t)
	}
	return loadOrder(tables), fresh, nil
}

// sameColumns compares the columns named in the export's schema file with the target table's.
func sameColumns(dir string, e TableEntry, t Table) error {
	raw, err := os.ReadFile(filepath.Join(dir, e.Schema))
	if err != nil {
		return err
	}
	var s struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return err
	}
	var theirs, ours []string
	for k := range s.Properties {
		theirs = append(theirs, k)
	}
	for _, c := range t.Columns {
		ours = append(ours, c.Name)
	}
	sort.Strings(theirs)
	sort.Strings(ours)
	if !slices.Equal(theirs, ours) {
		return fmt.Errorf("colonne %v, nel database di destinazione %v", theirs, ours)
	}
	return nil
}

// loadTable streams one table file into the database in batches. On PostgreSQL, decoding the next
// batch overlaps with the server inserting the previous one. On SQLite the insert runs in this
// process too, and overlapping measured slower (two CPU-bound goroutines and twice the garbage on
// the same cores), so there the batches go one after the other. At most two batches are in memory.
func loadTable(ctx context.Context, db *store.DB, t Table, dir string, e TableEntry, progress Progress) error {
	f, err := os.Open(filepath.Join(dir, e.File))
	if err != nil {
		return err
	}
	defer f.Close()
	stmtRows := statementRows(db.Engine, len(t.Columns))
	batchRows := max(5000/stmtRows, 1) * stmtRows
	insert := func(b batch) error {
		if err := insertBatch(ctx, db, t, b.values, stmtRows); err != nil {
			return fmt.Errorf("%s righe %d–%d: %w", e.File, b.first, b.last, err)
		}
		if progress != nil {
			progress(t.Name, b.last)
		}
		return nil
	}
	if db.Engine != store.Postgres {
		return decodeBatches(f, t, e.File, batchRows, insert)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan batch, 1)
	decodeErr := make(chan error, 1)
	go func() {
		defer close(batches)
		decodeErr <- decodeBatches(f, t, e.File, batchRows, func(b batch) error {
			select {
			case batches <- b:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	for b := range batches {
		if err := insert(b); err != nil {
			cancel()
			for range batches { // let the decoder stop
			}
			return err
		}
	}
	return <-decodeErr
}

// batch is a run of decoded rows and the file lines they came from.
type batch struct {
	values      []any
	first, last int64
}

// decodeBatches reads the table file and hands its rows, decoded, to emit in batches of batchRows.
func decodeBatches(r io.Reader, t Table, file string, batchRows int, emit func(batch) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<30)
	obj := make(map[string]json.RawMessage, len(t.Columns))
	b := batch{values: make([]any, 0, batchRows*len(t.Columns))}
	var line int64
	var err error
	for sc.Scan() {
		line++
		if len(b.values) == 0 {
			b.first = line
		}
		if b.values, err = decodeRow(sc.Bytes(), t.Columns, obj, b.values); err != nil {
			return fmt.Errorf("%s riga %d: %w", file, line, err)
		}
		b.last = line
		if len(b.values) == cap(b.values) {
			if err := emit(b); err != nil {
				return err
			}
			b = batch{values: make([]any, 0, batchRows*len(t.Columns))}
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s riga %d: %w", file, line+1, err)
	}
	if len(b.values) > 0 {
		return emit(b)
	}
	return nil
}

// statementRows is how many rows one INSERT carries. The SQLite driver binds numbered parameters in
// time that grows with their count, so there a statement keeps to about a hundred parameters
// (measured: 20 rows of 4 columns load 20 times faster than 500); PostgreSQL takes big statements.
func statementRows(engine store.Engine, columns int) int {
	if engine == store.SQLite {
		return max(1, 100/columns)
	}
	return max(1, min(500, 30000/columns))
}

// decodeRow appends the values of one exported row, in column order, to dst. obj is scratch space.
func decodeRow(line []byte, cols []Column, obj map[string]json.RawMessage, dst []any) ([]any, error) {
	clear(obj)
	if err := json.Unmarshal(line, &obj); err != nil {
		return dst, err
	}
	if len(obj) != len(cols) {
		return dst, fmt.Errorf("%d campi invece di %d", len(obj), len(cols))
	}
	for _, c := range cols {
		raw, ok := obj[c.Name]
		if !ok {
			return dst, fmt.Errorf("manca la colonna %s", c.Name)
		}
		v, err := parseValue(c, raw)
		if err != nil {
			return dst, err
		}
		dst = append(dst, v)
	}
	return dst, nil
}

func insertBatch(ctx context.Context, db *store.DB, t Table, values []any, stmtRows int) error {
	n := len(t.Columns)
	return db.Transact(ctx, func(tx *store.Tx) error {
		for start := 0; start < len(values); start += stmtRows * n {
			chunk := values[start:min(len(values), start+stmtRows*n)]
			if _, err := tx.ExecContext(ctx, insertSQL(t, len(chunk)/n), chunk...); err != nil {
				return err
			}
		}
		return nil
	})
}

func insertSQL(t Table, rows int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO " + quote(t.Name) + " (")
	for i, c := range t.Columns {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quote(c.Name))
	}
	b.WriteString(") VALUES ")
	p := 1
	for r := 0; r < rows; r++ {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for i := range t.Columns {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "$%d", p)
			p++
		}
		b.WriteByte(')')
	}
	return b.String()
}

// emptyTables deletes what an interrupted import loaded, children first.
func emptyTables(ctx context.Context, db *store.DB, loaded []Table) error {
	return db.Transact(ctx, func(tx *store.Tx) error {
		for i := len(loaded) - 1; i >= 0; i-- {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+quote(loaded[i].Name)); err != nil {
				return err
			}
		}
		return nil
	})
}

func putBlob(ctx context.Context, blobs blob.Store, dir string, b BlobEntry) error {
	f, err := os.Open(filepath.Join(dir, b.File))
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := blobs.Put(ctx, b.Key, f, b.ContentType); err != nil {
		return fmt.Errorf("%s: %w", b.File, err)
	}
	return nil
}
