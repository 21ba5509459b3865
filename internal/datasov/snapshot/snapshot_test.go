package snapshot

import (
	"bytes"
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/blob"
	"github.com/arengo-pa/arengo/internal/store"
)

//go:embed testdata/migrations
var testMigrations embed.FS

func migrations() store.Migrations {
	sq, _ := fs.Sub(testMigrations, "testdata/migrations/sqlite")
	pg, _ := fs.Sub(testMigrations, "testdata/migrations/postgres")
	return store.Migrations{Module: "snap", SQLite: sq, Postgres: pg}
}

// openDB opens a migrated empty database: SQLite in a temp dir, or a fresh schema on
// ARENGO_TEST_POSTGRES when pg is true.
func openDB(t *testing.T, pg bool) *store.DB {
	t.Helper()
	dsn := filepath.Join(t.TempDir(), "arengo.db")
	if pg {
		dsn = freshPGSchema(t)
	}
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background(), []store.Migrations{migrations()}); err != nil {
		t.Fatal(err)
	}
	return db
}

func freshPGSchema(t *testing.T) string {
	base := os.Getenv("ARENGO_TEST_POSTGRES")
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	schema := "t_" + strings.ReplaceAll(store.NewID(), "-", "")[12:]
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Exec("DROP SCHEMA " + schema + " CASCADE"); admin.Close() })
	u, _ := url.Parse(base)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func localBlobs(t *testing.T) blob.Store {
	b, err := blob.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fill writes rows with the awkward values an export must carry unchanged.
func fill(t *testing.T, db *store.DB, blobs blob.Store, n int) {
	ctx := context.Background()
	base := time.Date(2026, 3, 1, 8, 30, 0, 123456000, time.UTC)
	notes := []string{"", "Via dell'Arco, 3 – Padova", "virgolette \" e \\ barra", "a capo\ne\ttab", "<b>&amp;</b>", "emoji 🏛️", "ctl \x01\x1f"}
	err := db.Transact(ctx, func(tx *store.Tx) error {
		for i := 0; i < n; i++ {
			id := fmt.Sprintf("p-%05d", i)
			var closed, ratio, raw, note any
			if i%3 == 0 {
				closed = base.Add(time.Duration(i) * time.Hour)
				ratio = float64(i) / 7
				raw = []byte{0, byte(i), 0xff}
				note = notes[i%len(notes)]
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO snap_parent (id, amount_cents, paid, created_at, closed_at, ratio, raw, note)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, id, int64(i)*123456789, i%2 == 0, base.Add(time.Duration(i)*time.Minute), closed, ratio, raw, note); err != nil {
				return err
			}
			for l := 1; l <= i%3; l++ {
				if _, err := tx.ExecContext(ctx, `INSERT INTO snap_child (parent_id, line, label) VALUES ($1, $2, $3)`, id, l, notes[l]); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO snap_log (at, message) VALUES ($1, $2)`, base, fmt.Sprintf("m%d", n-i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"reports/2026/a.jpg", "reports/2026/b.pdf"} {
		if _, err := blobs.Put(ctx, k, strings.NewReader("content of "+k), "application/octet-stream"); err != nil {
			t.Fatal(err)
		}
	}
}

func export(t *testing.T, db *store.DB, blobs blob.Store) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "export")
	if _, err := Export(context.Background(), db, blobs, dir, nil); err != nil {
		t.Fatal(err)
	}
	return dir
}

// sameExport compares two exports file by file; the manifests must agree except for when and from
// which engine they were made.
func sameExport(t *testing.T, a, b string) {
	t.Helper()
	var files []string
	filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(a, p)
			files = append(files, rel)
		}
		return err
	})
	for _, rel := range files {
		x, _ := os.ReadFile(filepath.Join(a, rel))
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil {
			t.Fatalf("%s missing from the second export", rel)
		}
		if rel == ManifestFile {
			x, y = stripVolatile(t, x), stripVolatile(t, y)
		}
		if !bytes.Equal(x, y) {
			t.Fatalf("%s differs:\n%s\n---\n%s", rel, head(x), head(y))
		}
	}
}

func stripVolatile(t *testing.T, b []byte) []byte {
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	m.CreatedAt, m.SourceEngine = time.Time{}, ""
	out, _ := json.Marshal(m)
	return out
}

func head(b []byte) string { return string(b[:min(len(b), 600)]) }

func TestExportImportRoundTripBetweenEngines(t *testing.T) {
	ctx := context.Background()
	src, srcBlobs := openDB(t, false), localBlobs(t)
	fill(t, src, srcBlobs, 300)
	first := export(t, src, srcBlobs)

	m, err := ReadManifest(first)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Tables) != 3 || m.Rows() != 300+300+300 || len(m.Blobs) != 2 || m.Migrations["snap"] != 1 {
		t.Fatalf("unexpected manifest %+v", m)
	}
	rows, _ := os.ReadFile(filepath.Join(first, "tables/snap_parent.ndjson"))
	firstLine := strings.SplitN(string(rows), "\n", 2)[0]
	want := `{"amount_cents":0,"closed_at":"2026-03-01T08:30:00.123456Z","created_at":"2026-03-01T08:30:00.123456Z","id":"p-00000","note":"","paid":true,"ratio":0,"raw":"AAD/"}`
	if firstLine != want {
		t.Fatalf("canonical row\n got %s\nwant %s", firstLine, want)
	}

	hops := []bool{false}
	if os.Getenv("ARENGO_TEST_POSTGRES") != "" {
		hops = []bool{true, false} // SQLite → PostgreSQL → SQLite
	} else {
		t.Log("ARENGO_TEST_POSTGRES not set: SQLite → SQLite only")
	}
	prev := first
	for _, pg := range hops {
		db, blobs := openDB(t, pg), localBlobs(t)
		if _, err := Import(ctx, db, blobs, prev, ImportOptions{}); err != nil {
			t.Fatalf("import into %s: %v", db.Engine, err)
		}
		next := export(t, db, blobs)
		sameExport(t, first, next)
		t.Logf("export from %s identical to the first", db.Engine)
		prev = next
	}
}

func TestImportRefusesDamagedExportAndLeavesTargetEmpty(t *testing.T) {
	src, srcBlobs := openDB(t, false), localBlobs(t)
	fill(t, src, srcBlobs, 50)
	good := export(t, src, srcBlobs)
	cases := []struct {
		name, file, want string
		damage           func([]byte) []byte
	}{
		{"corrupted", "tables/snap_parent.ndjson", "tables/snap_parent.ndjson riga 3: non è un oggetto JSON valido", func(b []byte) []byte {
			lines := bytes.SplitAfter(b, []byte("\n"))
			lines[2] = append([]byte(`{"id":`), lines[2][9:]...)
			return bytes.Join(lines, nil)
		}},
		{"truncated mid-line", "tables/snap_child.ndjson", "tables/snap_child.ndjson riga 21: riga troncata", func(b []byte) []byte {
			lines := bytes.SplitAfter(b, []byte("\n"))
			return append(bytes.Join(lines[:20], nil), lines[20][:10]...)
		}},
		{"truncated at a line end", "tables/snap_log.ndjson", "tables/snap_log.ndjson: 40 righe invece delle 50 del manifest: file troncato dopo la riga 40", func(b []byte) []byte {
			return bytes.Join(bytes.SplitAfter(b, []byte("\n"))[:40], nil)
		}},
		{"altered value", "tables/snap_parent.ndjson", "tables/snap_parent.ndjson: SHA-256 diverso", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"amount_cents":123456789`), []byte(`"amount_cents":923456789`), 1)
		}},
		{"altered attachment", "blobs/reports/2026/a.jpg", "blobs/reports/2026/a.jpg: SHA-256 diverso", func(b []byte) []byte {
			return bytes.ToUpper(b)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := copyDir(t, good)
			path := filepath.Join(dir, c.file)
			b, _ := os.ReadFile(path)
			os.WriteFile(path, c.damage(b), 0o640)
			db, blobs := openDB(t, false), localBlobs(t)
			_, err := Import(context.Background(), db, blobs, dir, ImportOptions{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
			assertEmpty(t, db, blobs)
		})
	}
}

// A row that passes the checksum (the manifest was rewritten to match) but breaks a constraint fails
// while loading: the tables loaded before it are emptied again.
func TestImportFailingMidwayLeavesTargetEmpty(t *testing.T) {
	src, srcBlobs := openDB(t, false), localBlobs(t)
	fill(t, src, srcBlobs, 30)
	dir := copyDir(t, export(t, src, srcBlobs))
	path := filepath.Join(dir, "tables/snap_child.ndjson")
	b, _ := os.ReadFile(path)
	b = bytes.Replace(b, []byte(`"parent_id":"p-00005"`), []byte(`"parent_id":"p-99999"`), 1)
	os.WriteFile(path, b, 0o640)
	m, _ := ReadManifest(dir)
	for i := range m.Tables {
		if m.Tables[i].Name == "snap_child" {
			m.Tables[i].SHA256, m.Tables[i].Bytes, _ = sha256File(path)
		}
	}
	writeJSON(filepath.Join(dir, ManifestFile), m)

	db, blobs := openDB(t, false), localBlobs(t)
	_, err := Import(context.Background(), db, blobs, dir, ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), "tables/snap_child.ndjson righe 1–") {
		t.Fatalf("got %v", err)
	}
	assertEmpty(t, db, blobs)
}

func TestImportRefusesNonEmptyTarget(t *testing.T) {
	src, srcBlobs := openDB(t, false), localBlobs(t)
	fill(t, src, srcBlobs, 3)
	dir := export(t, src, srcBlobs)
	_, err := Import(context.Background(), src, localBlobs(t), dir, ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), "non è vuoto") {
		t.Fatalf("got %v", err)
	}
}

func assertEmpty(t *testing.T, db *store.DB, blobs blob.Store) {
	t.Helper()
	for _, table := range []string{"snap_parent", "snap_child", "snap_log"} {
		var n int
		if err := db.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%s holds %d rows after a refused import", table, n)
		}
	}
	blobs.List(context.Background(), "", func(i blob.Info) error {
		t.Errorf("attachment %s left behind", i.Key)
		return nil
	})
}

func copyDir(t *testing.T, src string) string {
	dst := filepath.Join(t.TempDir(), "copy")
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}

func FuzzDecodeRow(f *testing.F) {
	f.Add(`{"amount_cents":1,"closed_at":null,"created_at":"2026-03-01T08:30:00Z","id":"p","note":"x","paid":true,"ratio":0.5,"raw":"AAD/"}`)
	f.Add(`{"id":1}`)
	f.Add(`{"amount_cents":"1","closed_at":null,"created_at":"x","id":"p","note":null,"paid":1,"ratio":null,"raw":null}`)
	cols := []Column{{"amount_cents", Integer, false}, {"closed_at", Timestamp, true}, {"created_at", Timestamp, false},
		{"id", Text, false}, {"note", Text, true}, {"paid", Boolean, false}, {"ratio", Real, true}, {"raw", Bytes, true}}
	obj := map[string]json.RawMessage{}
	f.Fuzz(func(t *testing.T, line string) {
		vals, err := decodeRow([]byte(line), cols, obj, nil)
		if err != nil {
			return
		}
		if len(vals) != len(cols) {
			t.Fatalf("%d values for %d columns", len(vals), len(cols))
		}
		// What was accepted encodes back to a row that decodes to the same values.
		out := []byte{'{'}
		for i, c := range cols {
			if i > 0 {
				out = append(out, ',')
			}
			out = appendString(out, c.Name)
			out = append(out, ':')
			if out, err = appendValue(out, c.Type, vals[i]); err != nil {
				t.Fatalf("accepted %q but cannot write %v back: %v", line, vals[i], err)
			}
		}
		out = append(out, '}')
		again, err := decodeRow(out, cols, obj, nil)
		if err != nil {
			t.Fatalf("re-encoded row %s refused: %v", out, err)
		}
		if fmt.Sprint(again) != fmt.Sprint(vals) {
			t.Fatalf("round trip changed values: %v vs %v", vals, again)
		}
	})
}

func FuzzParseManifest(f *testing.F) {
	f.Add(`{"format":"arengo-export","format_version":1,"tables":[{"name":"a","file":"tables/a.ndjson","schema":"schemas/a.schema.json","sha256":"` + strings.Repeat("0", 64) + `"}]}`)
	f.Add(`{"format":"arengo-export","format_version":1,"tables":[{"name":"a","file":"../etc/passwd","schema":"s","sha256":"x"}]}`)
	f.Fuzz(func(t *testing.T, raw string) {
		m, err := parseManifest([]byte(raw))
		if err != nil {
			return
		}
		for _, tb := range m.Tables {
			if !filepath.IsLocal(tb.File) || !filepath.IsLocal(tb.Schema) {
				t.Fatalf("path outside the export accepted: %+v", tb)
			}
		}
		for _, b := range m.Blobs {
			if !filepath.IsLocal(b.File) {
				t.Fatalf("path outside the export accepted: %+v", b)
			}
		}
	})
}
