package datasov_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/datasov/natstest"

	"github.com/arengo-pa/arengo/internal/blob/s3fake"
	"github.com/arengo-pa/arengo/internal/datasov"
	"github.com/arengo-pa/arengo/internal/datasov/sink"
	"github.com/arengo-pa/arengo/internal/datasov/snapshot"
	"github.com/arengo-pa/arengo/internal/events"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/portal"
	"github.com/arengo-pa/arengo/internal/reports"
	"github.com/arengo-pa/arengo/internal/store"
)

// appendEvents commits n events over aggs aggregates, one transaction each, with a fiscal code
// in the payload.
func appendEvents(t *testing.T, db *store.DB, n, aggs int) []string {
	t.Helper()
	ctx := context.Background()
	var ids []string
	for i := 0; i < n; i++ {
		id := store.NewID()
		ids = append(ids, id)
		err := db.Transact(ctx, func(tx *store.Tx) error {
			return events.Append(ctx, tx, events.Event{ID: id, Type: "reports.state_changed", AggregateType: "report",
				AggregateID: fmt.Sprintf("r%03d", i%aggs), AggregateVersion: int64(i/aggs + 1),
				Data: map[string]any{"fiscal_code": "RSSMRA80A01H501U", "n": i}})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestFeedReachesSinksPseudonymisedWithLagInMetricsAndPage(t *testing.T) {
	natsURL := natstest.Start(t)
	feedDir := t.TempDir()
	app := kerneltest.NewWith(t, kerneltest.Options{Env: map[string]string{
		"ARENGO_FEED_NATS": natsURL, "ARENGO_FEED_DIR": feedDir,
		"ARENGO_FEED_DIR_PSEUDONYMISE": "fiscal_code", "ARENGO_FEED_PSEUDONYM_KEY": "chiave-di-prova-lunga",
	}}, datasov.New())
	ids := appendEvents(t, app.Deps.DB, 40, 5)

	c := app.Client(t)
	kerneltest.Eventually(t, 20*time.Second, "both sinks caught up", func() bool {
		_, body := get(t, c, app.URL+"/metrics")
		return strings.Contains(body, `arengo_feed_lag_events{sink="nats"} 0`) && strings.Contains(body, `arengo_feed_lag_events{sink="dir"} 0`)
	})
	var published []sink.Event
	if err := sink.ReadStream(context.Background(), natsURL, "ARENGO", func(subject string, e sink.Event) error {
		if subject != "arengo.reports.state_changed" {
			t.Errorf("subject %s", subject)
		}
		published = append(published, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(published) != len(ids) || !strings.Contains(string(published[0].Payload), "RSSMRA80A01H501U") {
		t.Fatalf("NATS got %d events, first %s", len(published), published[0].Payload)
	}

	// The NDJSON file closes at the end of the hour or at shutdown; the open one is in the spool.
	spool, _ := filepath.Glob(filepath.Join(feedDir, ".spool", "*.part"))
	if len(spool) != 1 {
		t.Fatalf("open feed file: %v", spool)
	}
	raw, _ := os.ReadFile(spool[0])
	if bytes.Contains(raw, []byte("RSSMRA80A01H501U")) || bytes.Count(raw, []byte("\n")) != len(ids) {
		t.Fatalf("dir sink file: %d lines, fiscal code present: %v", bytes.Count(raw, []byte("\n")), bytes.Contains(raw, []byte("RSSMRA")))
	}

	app.LoginStaff(t, c, "dati", datasov.PermAdmin)
	status, body := get(t, c, app.URL+"/admin/dati")
	if status != 200 {
		t.Fatalf("status %d", status)
	}
	for _, want := range []string{"kernel_outbox", "datasov_runs", feedDir, "nats://", "fiscal_code"} {
		if !strings.Contains(body, want) {
			t.Errorf("Data page lacks %q", want)
		}
	}
}

func TestDataPageNeedsPermissionAndOffersCSVAndSchemas(t *testing.T) {
	app := kerneltest.New(t, datasov.New())
	c := app.Client(t)
	app.LoginStaff(t, c, "altro")
	if status, _ := get(t, c, app.URL+"/admin/dati"); status != http.StatusForbidden {
		t.Fatalf("staff without %s got %d", datasov.PermAdmin, status)
	}
	app.LoginStaff(t, c, "dati", datasov.PermAdmin)
	status, csv := get(t, c, app.URL+"/admin/dati/tabelle.csv?q=outbox")
	if status != 200 || !strings.HasPrefix(csv, "tabella,righe,chiave_primaria,colonne\n") || !strings.Contains(csv, "kernel_outbox,") || strings.Contains(csv, "kernel_jobs") {
		t.Fatalf("CSV %d:\n%s", status, csv)
	}
	status, schema := get(t, c, app.URL+"/admin/dati/schemi/datasov_runs.schema.json")
	var s map[string]any
	if status != 200 || json.Unmarshal([]byte(schema), &s) != nil || s["title"] != "datasov_runs" {
		t.Fatalf("schema %d: %s", status, schema)
	}

	// "Esporta ora" runs the export as a job and lists it.
	res, err := c.PostForm(app.URL+"/admin/dati/esporta", url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("export: %d", res.StatusCode)
	}
	kerneltest.Eventually(t, 20*time.Second, "export listed", func() bool {
		_, body := get(t, c, app.URL+"/admin/dati")
		return strings.Contains(body, "export (sqlite)") || strings.Contains(body, "export (postgres)")
	})
	dirs, _ := filepath.Glob(filepath.Join(app.Deps.Config.DataDir, "exports", "*", snapshot.ManifestFile))
	if len(dirs) != 1 {
		t.Fatalf("export manifest: %v", dirs)
	}
}

// pgDSN returns a fresh schema on ARENGO_TEST_POSTGRES, or "" when it is not set.
func pgDSN(t *testing.T) string {
	base := os.Getenv("ARENGO_TEST_POSTGRES")
	if base == "" {
		return ""
	}
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

func modules() []kernel.Module { return []kernel.Module{portal.New(), reports.New(), datasov.New()} }

// newApp starts the application on dsn; it is not running its background work, so the database
// changes only when the test changes it.
func newApp(t *testing.T, dsn string) (*kerneltest.App, *datasov.Module) {
	mods := modules()
	app := kerneltest.NewWith(t, kerneltest.Options{DB: dsn, NoRun: true}, mods...)
	return app, mods[2].(*datasov.Module)
}

// TestRoundTripSQLitePostgresSQLite: SQLite → export → PostgreSQL → export → SQLite gives the same
// export, and each copy works (pages answer, new events follow the imported ones).
func TestRoundTripSQLitePostgresSQLite(t *testing.T) {
	ctx := context.Background()
	src, mod := newApp(t, filepath.Join(t.TempDir(), "src.db"))
	if err := modules()[0].(kernel.Seeder).SeedDemo(ctx, src.Deps); err != nil {
		t.Fatal(err)
	}
	appendEvents(t, src.Deps.DB, 25, 4)
	if _, err := src.Deps.Blob.Put(ctx, "reports/2026/foto.jpg", strings.NewReader("\xff\xd8\xff jpeg"), "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	first := filepath.Join(t.TempDir(), "1")
	if _, err := mod.Export(ctx, first, nil); err != nil {
		t.Fatal(err)
	}

	targets := []string{filepath.Join(t.TempDir(), "copy.db")}
	if pg := pgDSN(t); pg != "" {
		targets = []string{pg, filepath.Join(t.TempDir(), "back.db")}
	} else {
		t.Log("ARENGO_TEST_POSTGRES not set: SQLite → SQLite only")
	}
	prev := first
	for i, dsn := range targets {
		app, m := newApp(t, dsn)
		if _, err := m.Import(ctx, prev, nil); err != nil {
			t.Fatalf("import into %s: %v", app.Deps.DB.Engine, err)
		}
		next := filepath.Join(t.TempDir(), fmt.Sprint(i+2))
		if _, err := m.Export(ctx, next, nil); err != nil {
			t.Fatal(err)
		}
		sameExport(t, first, next)
		t.Logf("export from %s identical to the first", app.Deps.DB.Engine)
		checkWorks(t, app)
		prev = next
	}
}

// checkWorks uses a copy: the outbox continues after the imported events and the Data page answers.
func checkWorks(t *testing.T, app *kerneltest.App) {
	ids := appendEvents(t, app.Deps.DB, 1, 1)
	var seq int64
	if err := app.Deps.DB.QueryRowContext(context.Background(), `SELECT seq FROM kernel_outbox WHERE id = $1`, ids[0]).Scan(&seq); err != nil {
		t.Fatal(err)
	}
	if seq < 27 {
		t.Errorf("new event got seq %d: the imported history was not continued", seq)
	}
	h := app.Handler()
	for _, path := range []string{"/healthz", "/readyz", "/"} {
		rec := &recorder{header: http.Header{}}
		req, _ := http.NewRequest("GET", path, nil)
		h.ServeHTTP(rec, req)
		if rec.status != 200 {
			t.Errorf("%s on the copy: %d", path, rec.status)
		}
	}
}

type recorder struct {
	header http.Header
	status int
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = 200
	}
	return len(b), nil
}
func (r *recorder) WriteHeader(s int) { r.status = s }

// sameExport compares two exports file by file; the manifests must agree except for when and from
// which engine they were made.
func sameExport(t *testing.T, a, b string) {
	t.Helper()
	err := filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a, p)
		x, _ := os.ReadFile(p)
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil {
			t.Errorf("%s missing from the second export", rel)
			return nil
		}
		if rel == snapshot.ManifestFile {
			x, y = manifestCore(t, x), manifestCore(t, y)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs:\n%.600s\n---\n%.600s", rel, x, y)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func manifestCore(t *testing.T, raw []byte) []byte {
	var m snapshot.Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	m.CreatedAt, m.SourceEngine = time.Time{}, ""
	out, _ := json.Marshal(m)
	return out
}

func TestFeedToS3BucketRotatesAndListsFiles(t *testing.T) {
	fake := s3fake.New("comune")
	srv := httptest.NewServer(fake)
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	app := kerneltest.NewWith(t, kerneltest.Options{Env: map[string]string{
		"ARENGO_FEED_S3": "s3+http://ak:sk@" + u.Host + "/comune/feed", "ARENGO_FEED_MAX_BYTES": "2048",
	}}, datasov.New())
	ids := appendEvents(t, app.Deps.DB, 40, 5)
	c := app.Client(t)
	dest, err := sink.NewS3Destination(context.Background(), sink.S3Config{Endpoint: u.Host, Bucket: "comune", Prefix: "feed"})
	if err != nil {
		t.Fatal(err)
	}
	// Caught up means no lag and the closed files listed in the bucket's
	// manifest (the lag can read 0 before the sink has started).
	var got []string
	kerneltest.Eventually(t, 20*time.Second, "the S3 sink caught up", func() bool {
		_, body := get(t, c, app.URL+"/metrics")
		if !strings.Contains(body, `arengo_feed_lag_events{sink="s3"} 0`) {
			return false
		}
		got = got[:0]
		err := sink.ReadFeed(context.Background(), dest, func(e sink.Event) error { got = append(got, e.ID); return nil })
		return err == nil && len(got) >= 20
	})
	// The files closed by size are in the bucket; the last, still open, waits for the hour or shutdown.
	if len(got) < 20 || len(got) >= len(ids) {
		t.Fatalf("%d of %d events in closed files", len(got), len(ids))
	}
	for i, id := range got {
		if id != ids[i] {
			t.Fatalf("event %d: %s, want %s", i, id, ids[i])
		}
	}
}
