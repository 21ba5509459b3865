// Package snapshot writes and reads Arengo's open export format: one NDJSON file per table in primary
// key order, a JSON Schema per table, every attachment, and a manifest with row counts and SHA-256
// checksums (docs/export-format.md). Tables are found in the database catalog, so every module's
// tables are covered without registration.
package snapshot

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/arengo-pa/arengo/internal/store"
)

// Type is a column's logical type in the export, the same on both engines.
type Type string

const (
	Integer   Type = "integer"
	Boolean   Type = "boolean"
	Timestamp Type = "timestamp"
	Text      Type = "text"
	Real      Type = "real"
	Bytes     Type = "bytes"
)

// Column is one column of a table.
type Column struct {
	Name     string
	Type     Type
	Nullable bool
}

// Table is a table as the catalog describes it. Columns are sorted by name.
type Table struct {
	Name       string
	Columns    []Column
	PrimaryKey []string
	References []string // tables its foreign keys point to
}

type querier = store.Querier

// skipTable leaves out the engine's own tables and goose's version tables: import runs the
// migrations, which fill those.
func skipTable(name string) bool {
	return strings.HasPrefix(name, "sqlite_") || strings.HasPrefix(name, "goose_")
}

// Tables lists the application's tables, sorted by name.
func Tables(ctx context.Context, q querier, engine store.Engine) ([]Table, error) {
	list := `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`
	if engine == store.Postgres {
		list = `SELECT table_name FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`
	}
	names, err := store.Column[string](ctx, q, list)
	if err != nil {
		return nil, fmt.Errorf("catalogo: %w", err)
	}
	var tables []Table
	for _, n := range names {
		if skipTable(n) {
			continue
		}
		var t Table
		if engine == store.Postgres {
			t, err = pgTable(ctx, q, n)
		} else {
			t, err = sqliteTable(ctx, q, n)
		}
		if err != nil {
			return nil, fmt.Errorf("catalogo, tabella %s: %w", n, err)
		}
		sort.Slice(t.Columns, func(i, j int) bool { return t.Columns[i].Name < t.Columns[j].Name })
		for i, c := range t.Columns {
			for _, k := range t.PrimaryKey {
				if c.Name == k {
					t.Columns[i].Nullable = false
				}
			}
		}
		tables = append(tables, t)
	}
	return tables, nil
}

func sqliteTable(ctx context.Context, q querier, name string) (Table, error) {
	t := Table{Name: name}
	rows, err := q.QueryContext(ctx, `SELECT name, type, "notnull", pk FROM pragma_table_info($1)`, name)
	if err != nil {
		return t, err
	}
	defer rows.Close()
	pk := map[int]string{}
	for rows.Next() {
		var col, typ string
		var notNull bool
		var pkPos int
		if err := rows.Scan(&col, &typ, &notNull, &pkPos); err != nil {
			return t, err
		}
		t.Columns = append(t.Columns, Column{Name: col, Type: logicalType(typ), Nullable: !notNull})
		if pkPos > 0 {
			pk[pkPos] = col
		}
	}
	if err := rows.Err(); err != nil {
		return t, err
	}
	for i := 1; i <= len(pk); i++ {
		t.PrimaryKey = append(t.PrimaryKey, pk[i])
	}
	t.References, err = store.Column[string](ctx, q, `SELECT DISTINCT "table" FROM pragma_foreign_key_list($1) ORDER BY 1`, name)
	return t, err
}

func pgTable(ctx context.Context, q querier, name string) (Table, error) {
	t := Table{Name: name}
	rows, err := q.QueryContext(ctx, `SELECT column_name, data_type, is_nullable FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1`, name)
	if err != nil {
		return t, err
	}
	defer rows.Close()
	for rows.Next() {
		var col, typ, nullable string
		if err := rows.Scan(&col, &typ, &nullable); err != nil {
			return t, err
		}
		t.Columns = append(t.Columns, Column{Name: col, Type: logicalType(typ), Nullable: nullable == "YES"})
	}
	if err := rows.Err(); err != nil {
		return t, err
	}
	t.PrimaryKey, err = store.Column[string](ctx, q, `SELECT kcu.column_name FROM information_schema.table_constraints tc
		JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name
			AND kcu.table_schema = tc.table_schema AND kcu.table_name = tc.table_name
		WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = current_schema() AND tc.table_name = $1
		ORDER BY kcu.ordinal_position`, name)
	if err != nil {
		return t, err
	}
	t.References, err = store.Column[string](ctx, q, `SELECT DISTINCT ccu.table_name FROM information_schema.table_constraints tc
		JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name
			AND ccu.constraint_schema = tc.table_schema
		WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema() AND tc.table_name = $1
		ORDER BY 1`, name)
	return t, err
}

// logicalType maps a declared SQL type (SQLite's affinity rules, PostgreSQL's data_type) to the
// export's types.
func logicalType(declared string) Type {
	d := strings.ToLower(declared)
	switch {
	case strings.Contains(d, "int"):
		return Integer
	case strings.Contains(d, "bool"):
		return Boolean
	case strings.Contains(d, "timestamp"), strings.Contains(d, "datetime"), d == "date":
		return Timestamp
	case strings.Contains(d, "char"), strings.Contains(d, "text"), strings.Contains(d, "clob"), d == "uuid", strings.HasPrefix(d, "json"):
		return Text
	case strings.Contains(d, "real"), strings.Contains(d, "floa"), strings.Contains(d, "doub"), strings.Contains(d, "numeric"), strings.Contains(d, "decimal"):
		return Real
	case strings.Contains(d, "blob"), d == "bytea":
		return Bytes
	}
	return Text
}

// loadOrder sorts tables so that a table comes after the tables it references.
func loadOrder(tables []Table) []Table {
	byName := map[string]Table{}
	for _, t := range tables {
		byName[t.Name] = t
	}
	var out []Table
	done := map[string]bool{}
	var visit func(t Table)
	visit = func(t Table) {
		if done[t.Name] {
			return
		}
		done[t.Name] = true // set first: a cycle (or a self reference) must not loop
		for _, r := range t.References {
			if p, ok := byName[r]; ok {
				visit(p)
			}
		}
		out = append(out, t)
	}
	for _, t := range tables {
		visit(t)
	}
	return out
}

func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }
