// Command reconcile benchmarks the reconciliation end to end — load the
// generator's files, classify, write the results — against a floor measured
// in the same run: a minimal loader that parses the same files with the same
// readers and inserts the raw rows into the same database engine, nothing
// else. The target is floor/reconcile ≥ 0.5. Peak heap is sampled during the
// reconciliation, to show it does not grow with the number of payments.
//
//	go run ./bench/reconcile                     # 20,000 payments on SQLite (and PostgreSQL if ARENGO_TEST_POSTGRES is set)
//	go run ./bench/reconcile -n 100000
//	go run ./bench/reconcile -million            # 1,000,000 payments (minutes, a few GB of disk)
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/arengo-pa/arengo/internal/blob"
	"github.com/arengo-pa/arengo/internal/events"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/reconcile/gen"
	"github.com/arengo-pa/arengo/internal/reconcile/ledger"
	"github.com/arengo-pa/arengo/internal/store"
)

const ec = "00644060287"

var memprofile string

func main() {
	n := flag.Int("n", 20000, "payments to reconcile")
	million := flag.Bool("million", false, "reconcile 1,000,000 payments")
	engines := flag.String("engines", "sqlite,postgres", "engines to measure (postgres only when ARENGO_TEST_POSTGRES is set)")
	keep := flag.String("dir", "", "work directory (default: a temporary one, removed at the end)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.StringVar(&memprofile, "memprofile", "", "write a heap profile taken at the peak of each reconciliation to this file (engine appended)")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	if *million {
		*n = 1_000_000
	}
	if err := run(context.Background(), *n, strings.Split(*engines, ","), *keep); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

func run(ctx context.Context, n int, engines []string, dir string) error {
	if dir == "" {
		d, err := os.MkdirTemp("", "reconcile-bench-*")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	t0 := time.Now()
	files, err := gen.Generate(filepath.Join(dir, "files"), gen.Config{N: n, Seed: 42, EC: ec})
	if err != nil {
		return err
	}
	fmt.Printf("generated %d payments (%d FdR files) in %s, peak RSS so far %d MiB\n", n, len(files.FdR), time.Since(t0).Round(time.Millisecond), peakRSS()>>10)
	for _, engine := range engines {
		dsn := filepath.Join(dir, engine+"-%s.db")
		if engine == "postgres" {
			dsn = os.Getenv("ARENGO_TEST_POSTGRES")
			if dsn == "" {
				fmt.Println("postgres: skipped (ARENGO_TEST_POSTGRES not set)")
				continue
			}
		}
		if err := measure(ctx, engine, dsn, dir, files, n); err != nil {
			return fmt.Errorf("%s: %w", engine, err)
		}
	}
	return nil
}

func measure(ctx context.Context, engine, dsn, dir string, files gen.Files, n int) error {
	floorDB, dropFloor, err := freshDB(ctx, dsn, "floor")
	if err != nil {
		return err
	}
	defer dropFloor()
	floorBy := perKind{}
	t, c, sc := time.Now(), cpuTime(), serverCPU()
	rows, err := minimalLoad(ctx, floorDB, files, floorBy)
	if err != nil {
		return fmt.Errorf("minimal loader: %w", err)
	}
	floor, floorCPU, floorServer := time.Since(t), cpuTime()-c, serverCPU()-sc
	fmt.Printf("  %s floor done, peak RSS so far %d MiB, rows written %d\n", engine, peakRSS()>>10, rowsWritten(ctx, floorDB))

	db, drop, err := freshDB(ctx, dsn, "full")
	if err != nil {
		return err
	}
	defer drop()
	archive, err := blob.NewLocal(filepath.Join(dir, engine+"-blobs"))
	if err != nil {
		return err
	}
	l := &ledger.Ledger{DB: db, EC: ec,
		Emit: func(ctx context.Context, tx *store.Tx, typ, id string, payload any) error {
			return events.Append(ctx, tx, events.Event{Type: typ, AggregateType: "reconcile", AggregateID: id, Data: payload})
		},
		Archive: func(ctx context.Context, key string, r io.Reader, ct string) error {
			_, err := archive.Put(ctx, key, r, ct)
			return err
		},
	}
	// The generator's notified debt type, as an operator would configure it.
	if _, err := db.ExecContext(ctx, `INSERT INTO reconcile_debt_type (debt_type, description, chapter, accertamento, notified, updated_at)
		VALUES ($1, 'Mensa scolastica', '3050', '2026/305', TRUE, $2)`, gen.NotifiedDebtType, store.Now()); err != nil {
		return err
	}
	runtime.GC()
	var peak atomic.Uint64
	stop := sampleHeap(&peak, engine)
	loadBy := perKind{}
	t, c, sc = time.Now(), cpuTime(), serverCPU()
	for _, p := range files.All() {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		start := time.Now()
		_, err = l.Import(ctx, p, f, ledger.ImportOptions{Source: "bench", Actor: "bench"})
		loadBy.add(files.Label(p), start)
		f.Close()
		if err != nil {
			return err
		}
	}
	loaded, loadedCPU, loadedServer := time.Since(t), cpuTime()-c, serverCPU()-sc
	// Counting rows is not the reconciliation's work (on PostgreSQL it waits a
	// second for the statistics): the clocks restart after it.
	loadRows := rowsWritten(ctx, db)
	t, c, sc = time.Now(), cpuTime(), serverCPU()
	st, err := l.Reclassify(ctx, nil)
	if err != nil {
		return err
	}
	full, fullCPU, fullServer := loaded+time.Since(t), loadedCPU+cpuTime()-c, loadedServer+serverCPU()-sc
	stop()
	fmt.Printf("  %s rows written: load %d, classify %d\n", engine, loadRows, rowsWritten(ctx, db)-loadRows)
	fmt.Printf("  %s load by file, floor → reconcile:%s\n", engine, floorBy.against(loadBy))
	// The Go heap is sampled above; the rest of the resident memory is the
	// database driver's own (SQLite's page caches and sorters live outside it).
	if data, err := os.ReadFile("/proc/self/status"); err == nil {
		var parts []string
		for _, l := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(l, "RssAnon") || strings.HasPrefix(l, "RssFile") {
				parts = append(parts, strings.Join(strings.Fields(l), " "))
			}
		}
		fmt.Printf("  %s after reconcile: %s\n", engine, strings.Join(parts, ", "))
	}
	wrong, err := verify(ctx, db, files.Expected)
	if err != nil {
		return err
	}
	itemsOff, err := verifyItems(ctx, db, files.Expected)
	if err != nil {
		return err
	}
	fmt.Printf("  %s items whose code differs from the expected answer, missing or extra: %d\n", engine, itemsOff)
	// The process's CPU time is steadier than wall time on a shared machine;
	// on PostgreSQL most of the work is the server's, counted apart when the
	// server runs here.
	fmt.Printf("  %s process CPU: floor %s, reconcile %s (load %s + classify %s), ratio %.2f; load average %s\n", engine, floorCPU.Round(time.Millisecond),
		fullCPU.Round(time.Millisecond), loadedCPU.Round(time.Millisecond), (fullCPU - loadedCPU).Round(time.Millisecond),
		floorCPU.Seconds()/fullCPU.Seconds(), loadAverage())
	if engine == "postgres" && floorServer > 0 {
		fmt.Printf("  %s server CPU: floor %s, reconcile %s (load %s + classify %s); process + server ratio %.2f\n", engine, floorServer.Round(time.Millisecond),
			fullServer.Round(time.Millisecond), loadedServer.Round(time.Millisecond), (fullServer - loadedServer).Round(time.Millisecond),
			(floorCPU+floorServer).Seconds()/(fullCPU+fullServer).Seconds())
	}
	fmt.Printf("%-8s n=%-8d floor %-10s reconcile %-10s (load %s + classify %s)  ratio floor/reconcile %.2f  items %d  codes off %d  peak heap %d MiB  peak RSS %d MiB  raw rows %d\n",
		engine, n, floor.Round(time.Millisecond), full.Round(time.Millisecond), loaded.Round(time.Millisecond), (full - loaded).Round(time.Millisecond),
		floor.Seconds()/full.Seconds(), st.Changed, wrong, peak.Load()>>20, peakRSS()>>10, rows)
	return nil
}

// freshDB opens an empty database with the kernel's and the module's schema:
// a new SQLite file, or a new schema in the PostgreSQL database.
func freshDB(ctx context.Context, dsn, name string) (*store.DB, func(), error) {
	drop := func() {}
	if store.IsPostgres(dsn) {
		admin, err := store.Open(ctx, dsn)
		if err != nil {
			return nil, nil, err
		}
		schema := "bench_reconcile_" + name
		admin.ExecContext(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
		if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
			return nil, nil, err
		}
		drop = func() { admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); admin.Close() }
		u, _ := url.Parse(dsn)
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		dsn = u.String()
	} else {
		dsn = fmt.Sprintf(dsn, name)
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, nil, err
	}
	if err := db.Migrate(ctx, []store.Migrations{kernel.Migrations, ledger.Schema}); err != nil {
		return nil, nil, err
	}
	return db, func() { db.Close(); drop() }, nil
}

// rowsWritten is how many rows the database inserted, updated or deleted so
// far: SQLite's total_changes() of the single writer connection, PostgreSQL's
// tuple counters of the schema's tables (reported with a short delay).
func rowsWritten(ctx context.Context, db *store.DB) int64 {
	var n int64
	if db.Engine == store.SQLite {
		db.Writer().QueryRowContext(ctx, "SELECT total_changes()").Scan(&n)
		return n
	}
	time.Sleep(time.Second) // statistics are flushed after the transaction ends
	db.QueryRowContext(ctx, "SELECT pg_stat_clear_snapshot()")
	db.QueryRowContext(ctx, `SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables
		WHERE schemaname = current_schema()`).Scan(&n)
	return n
}

func sampleHeap(peak *atomic.Uint64, engine string) func() {
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		var ms runtime.MemStats
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
				if memprofile != "" {
					if f, err := os.Create(memprofile + "." + engine); err == nil {
						pprof.Lookup("heap").WriteTo(f, 0)
						f.Close()
					}
				}
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); <-stopped }
}

// cpuTime is the user and system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// serverCPU is the CPU time PostgreSQL's processes on this machine have used,
// the exited backends' included (their parent collects them): most of a
// PostgreSQL load is the server's work, which cpuTime does not see. 0 when
// the server is elsewhere or /proc cannot be read.
func serverCPU() time.Duration {
	procs, _ := filepath.Glob("/proc/[0-9]*/stat")
	var ticks int64
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		// pid (comm) state ppid … : fields after the comm's closing parenthesis.
		i := strings.LastIndexByte(string(b), ')')
		if i < 0 || !strings.HasPrefix(string(b[strings.IndexByte(string(b), '(')+1:]), "postgres") {
			continue
		}
		f := strings.Fields(string(b[i+1:]))
		if len(f) < 15 {
			continue
		}
		for _, k := range []int{11, 12, 13, 14} { // utime stime cutime cstime
			v, _ := strconv.ParseInt(f[k], 10, 64)
			ticks += v
		}
	}
	return time.Duration(ticks) * time.Second / 100 // USER_HZ
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:min(3, len(f))], " ")
}

// peakRSS is the process's high-water resident set (Linux), in KiB.
func peakRSS() uint64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			var kb uint64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &kb)
			return kb
		}
	}
	return 0
}

// verify compares the count of items per (kind, code) with the expected
// answer, streaming the answer so memory stays flat; it returns how many items
// are missing or extra across all codes.
func verify(ctx context.Context, db *store.DB, expectedPath string) (int64, error) {
	f, err := os.Open(expectedPath)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	want := map[string]int64{}
	sc := bufio.NewScanner(f)
	sc.Scan()
	for sc.Scan() {
		parts := strings.Split(sc.Text(), ";")
		want[parts[0]+" "+parts[2]]++
	}
	rows, err := db.QueryContext(ctx, "SELECT kind, code, COUNT(*) FROM reconcile_item GROUP BY kind, code")
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var off int64
	for rows.Next() {
		var kind, code string
		var c int64
		if err := rows.Scan(&kind, &code, &c); err != nil {
			return 0, err
		}
		if d := c - want[kind+" "+code]; d != 0 {
			fmt.Printf("  %s %s: %d items, expected %d\n", kind, code, c, want[kind+" "+code])
			off += abs(d)
		}
		delete(want, kind+" "+code)
	}
	for k, c := range want {
		fmt.Printf("  %s: none, expected %d\n", k, c)
		off += c
	}
	return off, rows.Err()
}

// verifyItems compares every item with the generator's expected answer, after
// the timed part: the answer is loaded into a table (in batches, streaming)
// and joined with the items. It returns items with another code, expected
// items missing and items not expected.
func verifyItems(ctx context.Context, db *store.DB, expectedPath string) (int64, error) {
	f, err := os.Open(expectedPath)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if _, err := db.ExecContext(ctx, "CREATE TABLE bench_expected (kind TEXT NOT NULL, key TEXT NOT NULL, code TEXT NOT NULL, PRIMARY KEY (kind, key))"); err != nil {
		return 0, err
	}
	sc := bufio.NewScanner(f)
	sc.Scan()
	more := true
	for more {
		err := db.Transact(ctx, func(tx *store.Tx) error {
			in := newRaw(ctx, tx, "INSERT INTO bench_expected (kind, key, code)", 3)
			for i := 0; i < 100000; i++ {
				if more = sc.Scan(); !more {
					break
				}
				parts := strings.Split(sc.Text(), ";")
				if err := in.add(parts[0], parts[1], parts[2]); err != nil {
					return err
				}
			}
			return in.close()
		})
		if err != nil {
			return 0, err
		}
	}
	var differ, missing, extra int64
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM bench_expected e JOIN reconcile_item i ON i.kind = e.kind AND i.key = e.key
		WHERE i.code <> e.code`).Scan(&differ); err != nil {
		return 0, err
	}
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM bench_expected e WHERE NOT EXISTS
		(SELECT 1 FROM reconcile_item i WHERE i.kind = e.kind AND i.key = e.key)`).Scan(&missing); err != nil {
		return 0, err
	}
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM reconcile_item i WHERE NOT EXISTS
		(SELECT 1 FROM bench_expected e WHERE e.kind = i.kind AND e.key = i.key)`).Scan(&extra); err != nil {
		return 0, err
	}
	return differ + missing + extra, sc.Err()
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// perKind adds up wall time by kind of file, to show which files the load
// spends its time on against the floor.
type perKind map[string]time.Duration

func (p perKind) add(kind string, start time.Time) { p[kind] += time.Since(start) }

func (p perKind) against(q perKind) string {
	var b strings.Builder
	for _, k := range gen.Labels {
		fmt.Fprintf(&b, " %s %s → %s;", k, p[k].Round(10*time.Millisecond), q[k].Round(10*time.Millisecond))
	}
	return strings.TrimSuffix(b.String(), ";")
}
