package ledger_test

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/reconcile/gen"
	"github.com/arengo-pa/arengo/internal/reconcile/ledger"
	"github.com/arengo-pa/arengo/internal/reconcile/match"
	"github.com/arengo-pa/arengo/internal/store"
)

const ec = "00644060287"

// openDB gives a fresh database: SQLite in a temp dir, or a fresh PostgreSQL
// schema when ARENGO_TEST_POSTGRES holds a DSN.
func openDB(t *testing.T) *store.DB {
	t.Helper()
	ctx := context.Background()
	dsn := filepath.Join(t.TempDir(), "test.db")
	if pg := os.Getenv("ARENGO_TEST_POSTGRES"); pg != "" {
		admin, err := store.Open(ctx, pg)
		if err != nil {
			t.Fatal(err)
		}
		schema := "reconcile_" + strings.ToLower(strings.ReplaceAll(store.NewID(), "-", ""))[:20]
		if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); admin.Close() })
		u, _ := url.Parse(pg)
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		dsn = u.String()
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx, []store.Migrations{ledger.Schema}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO reconcile_debt_type (debt_type, description, chapter, accertamento, notified, updated_at)
		VALUES ($1, 'Mensa scolastica', '3010', 'ACC-1', TRUE, $2)`, gen.NotifiedDebtType, store.Now()); err != nil {
		t.Fatal(err)
	}
	return db
}

// newLedger counts the outbox events the ledger appends (from several
// goroutines at once: PostgreSQL classifies payments in parallel).
func newLedger(db *store.DB, events *atomic.Int64) *ledger.Ledger {
	return &ledger.Ledger{DB: db, EC: ec, Emit: func(ctx context.Context, tx *store.Tx, typ, id string, payload any) error {
		events.Add(1)
		return nil
	}}
}

func importFile(t *testing.T, l *ledger.Ledger, path string) ledger.ImportResult {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := l.Import(context.Background(), path, f, ledger.ImportOptions{Source: "test", Actor: "tester"})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return res
}

// loadedDay imports every file of a generated day into a new database.
func loadedDay(t *testing.T, cfg gen.Config) (*store.DB, *ledger.Ledger, gen.Files) {
	t.Helper()
	files, err := gen.Generate(t.TempDir(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := openDB(t)
	var events atomic.Int64
	l := newLedger(db, &events)
	for _, p := range files.All() {
		importFile(t, l, p)
	}
	return db, l, files
}

func items(t *testing.T, db *store.DB) map[string]string {
	rows, err := db.QueryContext(context.Background(), "SELECT kind, key, code FROM reconcile_item")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, key, code string
		rows.Scan(&k, &key, &code)
		out[k+";"+key] = code
	}
	return out
}

func expected(t *testing.T, path string) map[string]string {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n")[1:] {
		f := strings.Split(l, ";")
		out[f[0]+";"+f[1]] = f[2]
	}
	return out
}

func compare(t *testing.T, got, want map[string]string) {
	t.Helper()
	diff := 0
	for k, w := range want {
		if got[k] != w {
			if diff++; diff <= 10 {
				t.Errorf("%s: got %q want %q", k, got[k], w)
			}
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			if diff++; diff <= 10 {
				t.Errorf("unexpected %s = %s", k, g)
			}
		}
	}
	codes := map[string]bool{}
	for _, c := range got {
		codes[c] = true
	}
	for _, c := range match.AllCodes {
		if !codes[string(c)] {
			t.Errorf("code %s never produced", c)
		}
	}
}

// TestGeneratedDayReconciles loads a generated day into the database in two
// orders — reclassifying after each file, as late flows and movements arrive —
// and demands the generator's answer for every item.
func TestGeneratedDayReconciles(t *testing.T) {
	ctx := context.Background()
	files, err := gen.Generate(t.TempDir(), gen.Config{N: 1500, Seed: 3, FlowMax: 120})
	if err != nil {
		t.Fatal(err)
	}
	want := expected(t, files.Expected)
	for _, order := range []string{"forward", "reverse", "small-batches"} {
		t.Run(order, func(t *testing.T) {
			if order == "small-batches" {
				// Many transactions per run: on SQLite each payment batch after
				// the first is classified ahead on a read connection. Every run
				// refreshes the statistics, as after a bulk load (PostgreSQL
				// expands the files meanwhile, on another connection).
				defer ledger.SetClassifyBatch(97)()
				defer ledger.SetAnalyzeAbove(1)()
			}
			db := openDB(t)
			var events atomic.Int64
			l := newLedger(db, &events)
			all := files.All()
			if order == "reverse" {
				slices.Reverse(all)
			}
			for _, p := range all {
				importFile(t, l, p)
				if order == "reverse" {
					if _, err := l.Reclassify(ctx, nil); err != nil {
						t.Fatal(err)
					}
				}
			}
			st, err := l.Reclassify(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			compare(t, items(t, db), want)
			if st, err = l.Reclassify(ctx, nil); err != nil || st.Changed != 0 || st.Keys != 0 {
				t.Fatalf("second run: %+v %v", st, err)
			}
			if events.Load() == 0 {
				t.Fatal("no outbox events")
			}
		})
	}
}

// TestReclassifyDuringImports classifies while the rest of the day loads, in
// small batches: a batch read ahead while an import commits must not be
// written as it was read, and the end result is still the generator's answer.
func TestReclassifyDuringImports(t *testing.T) {
	ctx := context.Background()
	defer ledger.SetClassifyBatch(53)()
	files, err := gen.Generate(t.TempDir(), gen.Config{N: 1500, Seed: 5, FlowMax: 120})
	if err != nil {
		t.Fatal(err)
	}
	db := openDB(t)
	var events atomic.Int64
	l := newLedger(db, &events)
	all := files.All()
	slices.Reverse(all) // treasury and flows first: receipts arrive under a running classification
	var loaded atomic.Bool
	done := make(chan error, 1)
	go func() {
		for !loaded.Load() {
			if _, err := l.Reclassify(ctx, nil); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for _, p := range all {
		importFile(t, l, p)
	}
	loaded.Store(true)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := l.Reclassify(ctx, nil); err != nil {
		t.Fatal(err)
	}
	compare(t, items(t, db), expected(t, files.Expected))
	if st, err := l.Reclassify(ctx, nil); err != nil || st.Changed != 0 || st.Keys != 0 {
		t.Fatalf("second run: %+v %v", st, err)
	}
}

// TestFlowFirstClassifiedAfterItsPayments: a run may classify a flow's
// payments before the flow itself (the flow's import commits between that
// run's flows and its payments). When the treasury then collects the flow,
// the flow's first classification must send its payments back to be
// reclassified, though it had no item before. The interleaving is made by
// hand: the flows' own marks are held back from the first run.
func TestFlowFirstClassifiedAfterItsPayments(t *testing.T) {
	ctx := context.Background()
	files, err := gen.Generate(t.TempDir(), gen.Config{N: 600, Seed: 8, FlowMax: 60})
	if err != nil {
		t.Fatal(err)
	}
	db := openDB(t)
	var events atomic.Int64
	l := newLedger(db, &events)
	for _, p := range append([]string{files.Notifications, files.Receipts, files.MyPay}, files.FdR...) {
		importFile(t, l, p)
	}
	flows, err := store.Column[string](ctx, db, "DELETE FROM reconcile_dirty WHERE kind = 'iuf' RETURNING key")
	if err != nil || len(flows) == 0 {
		t.Fatalf("flow marks: %v %v", flows, err)
	}
	if _, err := l.Reclassify(ctx, nil); err != nil {
		t.Fatal(err)
	}
	for _, iuf := range flows {
		if _, err := db.ExecContext(ctx, "INSERT INTO reconcile_dirty (kind, key) VALUES ('iuf', $1)", iuf); err != nil {
			t.Fatal(err)
		}
	}
	var flowItems int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM reconcile_item WHERE kind = 'flow'").Scan(&flowItems); err != nil || flowItems != 0 {
		t.Fatalf("flows classified before the treasury: %d %v", flowItems, err)
	}
	importFile(t, l, files.OPI)
	importFile(t, l, files.CSV)
	if _, err := l.Reclassify(ctx, nil); err != nil {
		t.Fatal(err)
	}
	compare(t, items(t, db), expected(t, files.Expected))
}

// TestConcurrentReclassifications runs three reclassification loops at once —
// as several processes would — each classifying payments and movements with
// several workers on PostgreSQL: claims must hand every key to one
// transaction at a time and lose none, and the result is the generator's
// answer. The loops run after the day is loaded, and while it is imported in
// order (receipts, flows, treasury): then a run classifies payments before
// their flow, which TestFlowFirstClassifiedAfterItsPayments makes happen by
// hand. (One loop beside imports in reverse order: TestReclassifyDuringImports.)
func TestConcurrentReclassifications(t *testing.T) {
	for _, besideImports := range []bool{false, true} {
		t.Run(map[bool]string{false: "after the load", true: "beside the imports"}[besideImports], func(t *testing.T) {
			ctx := context.Background()
			defer ledger.SetClassifyBatch(37)()
			defer ledger.SetClassifyWorkers(3)()
			files, err := gen.Generate(t.TempDir(), gen.Config{N: 1500, Seed: 11, FlowMax: 120})
			if err != nil {
				t.Fatal(err)
			}
			db := openDB(t)
			var events atomic.Int64
			l := newLedger(db, &events)
			importAll := func() {
				for _, p := range files.All() {
					importFile(t, l, p)
				}
			}
			if !besideImports {
				importAll()
			}
			const runs = 3
			var loaded atomic.Bool
			loaded.Store(!besideImports)
			done := make(chan error, runs)
			for range runs {
				go func() {
					for {
						last := loaded.Load()
						if _, err := l.Reclassify(ctx, nil); err != nil || last {
							done <- err
							return
						}
					}
				}()
			}
			if besideImports {
				importAll()
				loaded.Store(true)
			}
			for range runs {
				if err := <-done; err != nil {
					t.Fatal(err)
				}
			}
			if n, err := l.Pending(ctx); err != nil || n != 0 {
				t.Fatalf("pending after the runs: %d %v", n, err)
			}
			compare(t, items(t, db), expected(t, files.Expected))
			if st, err := l.Reclassify(ctx, nil); err != nil || st.Changed != 0 || st.Keys != 0 {
				t.Fatalf("second run: %+v %v", st, err)
			}
		})
	}
}

// TestClaimSkipsHeldKeys: on PostgreSQL a key another transaction holds (an
// import marking it again) is left queued, not waited for — that import
// reclassifies after its commit — and the next run classifies it.
func TestClaimSkipsHeldKeys(t *testing.T) {
	if os.Getenv("ARENGO_TEST_POSTGRES") == "" {
		t.Skip("SQLite has one writer: no claim runs beside another write")
	}
	ctx := context.Background()
	db, l, _ := loadedDay(t, gen.Config{N: 300, Seed: 2, FlowMax: 50})
	if _, err := l.Reclassify(ctx, nil); err != nil {
		t.Fatal(err)
	}
	iuvs, err := store.Column[string](ctx, db, "SELECT DISTINCT iuv FROM reconcile_receipt ORDER BY iuv LIMIT 2")
	if err != nil || len(iuvs) != 2 {
		t.Fatal(iuvs, err)
	}
	if _, err := db.ExecContext(ctx, "INSERT INTO reconcile_dirty (kind, key) VALUES ('iuv', $1), ('iuv', $2)", iuvs[0], iuvs[1]); err != nil {
		t.Fatal(err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO reconcile_dirty (kind, key) VALUES ('iuv', $1)
		ON CONFLICT (kind, key) DO UPDATE SET kind = excluded.kind WHERE FALSE`, iuvs[0]); err != nil {
		t.Fatal(err)
	}
	wait, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if st, err := l.Reclassify(wait, nil); err != nil || st.Keys != 1 {
		t.Fatalf("run beside a held key: %+v %v", st, err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if st, err := l.Reclassify(ctx, nil); err != nil || st.Keys != 1 {
		t.Fatalf("run after the commit: %+v %v", st, err)
	}
	if n, err := l.Pending(ctx); err != nil || n != 0 {
		t.Fatalf("pending %d %v", n, err)
	}
}

// TestFilesQueuedBesideAnotherMark holds, in another transaction, an
// uncommitted mark for a payment of the day's files: the files' expansion
// inserts its marks without ON CONFLICT, waits for that transaction, and,
// once it commits, queues the day again with ON CONFLICT.
func TestFilesQueuedBesideAnotherMark(t *testing.T) {
	if os.Getenv("ARENGO_TEST_POSTGRES") == "" {
		t.Skip("SQLite queues the payments of receipts as they load")
	}
	ctx := context.Background()
	db, l, files := loadedDay(t, gen.Config{N: 300, Seed: 4, FlowMax: 50})
	var iuv string
	if err := db.QueryRowContext(ctx, "SELECT MIN(iuv) FROM reconcile_receipt").Scan(&iuv); err != nil {
		t.Fatal(err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "INSERT INTO reconcile_dirty (kind, key) VALUES ('iuv', $1)", iuv); err != nil {
		t.Fatal(err)
	}
	var xid string
	if err := tx.QueryRowContext(ctx, "SELECT pg_current_xact_id()::text").Scan(&xid); err != nil {
		t.Fatal(err)
	}
	ran := make(chan error, 1)
	go func() {
		_, err := l.Reclassify(ctx, nil)
		ran <- err
	}()
	// The expansion waits for the transaction holding the mark.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var waiting int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_locks WHERE locktype = 'transactionid'
			AND transactionid::text = $1 AND NOT granted`, xid).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the files' expansion never waited for the held mark")
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-ran; err != nil {
		t.Fatal(err)
	}
	if n, err := l.Pending(ctx); err != nil || n != 0 {
		t.Fatalf("pending %d %v", n, err)
	}
	compare(t, items(t, db), expected(t, files.Expected))
}

func TestImportRefusals(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	files, err := gen.Generate(dir, gen.Config{N: 200, Seed: 1, FlowMax: 50})
	if err != nil {
		t.Fatal(err)
	}
	db := openDB(t)
	var events atomic.Int64
	l := newLedger(db, &events)
	first := importFile(t, l, files.FdR[0])
	f, _ := os.Open(files.FdR[0])
	_, err = l.Import(ctx, "copia.xml", f, ledger.ImportOptions{Source: "test", Actor: "tester"})
	f.Close()
	var dup *ledger.DuplicateError
	if !errors.As(err, &dup) || dup.FileID != first.FileID {
		t.Fatalf("second load of the same file: %v", err)
	}
	// A malformed flow names line and field and leaves nothing behind.
	data, _ := os.ReadFile(files.FdR[len(files.FdR)-1])
	bad := strings.Replace(string(data), "<singoloImportoPagato>", "<singoloImportoPagato>x", 3)
	if !strings.HasSuffix(files.FdR[len(files.FdR)-1], ".xml") {
		bad = strings.Replace(string(data), `"pay":`, `"pay":"x`, 1)
	}
	var count int64
	db.QueryRowContext(ctx, "SELECT COUNT(*) FROM reconcile_flow_row").Scan(&count)
	_, err = l.Import(ctx, "rotto", strings.NewReader(bad), ledger.ImportOptions{Source: "test", Actor: "tester"})
	var inv *ledger.InvalidError
	if !errors.As(err, &inv) || !strings.Contains(err.Error(), "campo") {
		t.Fatalf("malformed flow: %v", err)
	}
	var after int64
	db.QueryRowContext(ctx, "SELECT COUNT(*) FROM reconcile_flow_row").Scan(&after)
	if after != count {
		t.Fatalf("half-imported: %d rows before, %d after", count, after)
	}
	// A flow for another ente is refused.
	other := strings.ReplaceAll(string(data), ec, "99999999999")
	if _, err = l.Import(ctx, "altro-ente", strings.NewReader(other), ledger.ImportOptions{Source: "test", Actor: "tester"}); !errors.As(err, &inv) || !strings.Contains(err.Error(), "99999999999") {
		t.Fatalf("other ente: %v", err)
	}
	// So is a treasury journal of another ente's account.
	opi, _ := os.ReadFile(files.OPI)
	other = strings.Replace(string(opi), "</descrizione_ente>", "</descrizione_ente><codice_fiscale_ente>99999999999</codice_fiscale_ente>", 1)
	if _, err = l.Import(ctx, "altro-giornale", strings.NewReader(other), ledger.ImportOptions{Source: "test", Actor: "tester"}); !errors.As(err, &inv) || !strings.Contains(err.Error(), "99999999999") {
		t.Fatalf("journal of another ente: %v", err)
	}
	if _, err = l.Import(ctx, "boh.txt", strings.NewReader("ciao"), ledger.ImportOptions{Source: "test", Actor: "tester"}); !errors.As(err, &inv) {
		t.Fatalf("unknown format: %v", err)
	}
}
