package main

import (
	"archive/zip"
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/config"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/payments"
	"github.com/arengo-pa/arengo/internal/payments/mypay"
	"github.com/arengo-pa/arengo/internal/store"
)

// runImport measures the MyPay import on SQLite, and on PostgreSQL when
// ARENGO_TEST_POSTGRES is set.
func runImport(rows int) error {
	dir, err := os.MkdirTemp("", "payments-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	dsns := map[string]string{"sqlite": filepath.Join(dir, "bench.db")}
	if pg := os.Getenv("ARENGO_TEST_POSTGRES"); pg != "" {
		dsn, drop, err := pgSchema(pg)
		if err != nil {
			return err
		}
		defer drop()
		dsns["postgres"] = dsn
	}
	for _, engine := range []string{"sqlite", "postgres"} {
		dsn, ok := dsns[engine]
		if !ok {
			continue
		}
		if err := benchImport(engine, dsn, dir, rows); err != nil {
			return fmt.Errorf("%s: %w", engine, err)
		}
	}
	return nil
}

func benchImport(engine, dsn, dir string, rows int) error {
	ctx := context.Background()
	env := map[string]string{"ARENGO_DB": dsn, "ARENGO_DATA_DIR": filepath.Join(dir, engine), "ARENGO_ADDR": "127.0.0.1:0"}
	cfg, err := config.Load(nil, func(k string) string { return env[k] })
	if err != nil {
		return err
	}
	m := payments.New()
	app, err := kernel.New(ctx, cfg, []kernel.Module{m}, kernel.Options{Version: "bench", Migrate: true})
	if err != nil {
		return err
	}
	defer app.Close()
	svc := m.Service()
	if err := svc.EnsureDebtTypes(ctx, []payments.DebtType{{Code: "TARI", Description: "TARI", Category: "0101101IM",
		IBAN: "IT60X0542811101000000123456", DueDateRequired: true, Active: true}}); err != nil {
		return err
	}
	small := max(rows/10, 1)
	smallFile, err := writeZip(dir, "SMALL"+engine, small, 0)
	if err != nil {
		return err
	}
	bigFile, err := writeZip(dir, "BIG"+engine, rows, small)
	if err != nil {
		return err
	}
	smallRes, err := measureImport(ctx, svc, smallFile, small)
	if err != nil {
		return err
	}
	// The floor runs before and after the import and counts as the mean of the
	// two: on a shared machine the load drifts during a run.
	floor1, err := bareInsert(ctx, app.Deps.DB, bigFile, rows)
	if err != nil {
		return err
	}
	res, err := measureImport(ctx, svc, bigFile, rows)
	if err != nil {
		return err
	}
	floor2, err := bareInsert(ctx, app.Deps.DB, bigFile, rows)
	if err != nil {
		return err
	}
	floor := result{items: rows, elapsed: (floor1.elapsed + floor2.elapsed) / 2, cpu: (floor1.cpu + floor2.cpu) / 2,
		peakLive: max(floor1.peakLive, floor2.peakLive), peakHeap: max(floor1.peakHeap, floor2.peakHeap)}
	if *verbose {
		fmt.Printf("  floor before %.0f rows/s, after %.0f rows/s\n", floor1.perSecond(), floor2.perSecond())
	}
	fmt.Printf("import %s: %d rows: %.0f rows/s, bare INSERT floor %.0f rows/s, ratio %.0f%% (target ≥30%%); per CPU-second %.0f vs %.0f, ratio %.0f%%\n",
		engine, rows, res.perSecond(), floor.perSecond(), 100*res.perSecond()/floor.perSecond(),
		res.perCPUSecond(), floor.perCPUSecond(), 100*res.perCPUSecond()/floor.perCPUSecond())
	fmt.Printf("import %s: peak live heap %.1f MiB for %d rows, %.1f MiB for %d (floor %.1f MiB); heap in use %.1f / %.1f MiB\n",
		engine, mib(res.peakLive), rows, mib(smallRes.peakLive), small, mib(floor.peakLive), mib(res.peakHeap), mib(smallRes.peakHeap))
	return nil
}

func measureImport(ctx context.Context, svc *payments.Service, path string, rows int) (result, error) {
	var imported *payments.Import
	r, err := measure(rows, func() error {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		imp, err := svc.StartImport(ctx, filepath.Base(path), f)
		if err != nil {
			return err
		}
		start, last, lastRows := time.Now(), time.Now(), 0
		imported, err = svc.RunImport(ctx, imp.ID, func(done, total int64, n int) {
			if *verbose && n-lastRows >= rows/10 {
				fmt.Printf("  rows %6d..%6d: %.0f rows/s (%.1fs in)\n", lastRows, n, float64(n-lastRows)/time.Since(last).Seconds(), time.Since(start).Seconds())
				last, lastRows = time.Now(), n
			}
		})
		return err
	})
	if err == nil && imported.Loaded != rows {
		err = fmt.Errorf("loaded %d of %d rows (rejected %d)", imported.Loaded, rows, imported.Rejected)
	}
	return r, err
}

var debtors = []string{"RSSMRA80A01H501U", "BNCLRA85M41G224B", "VRDGPP70T10G224J", "MRTMTT25D09F205Z"}

// writeZip writes a MyPay 1.4 package of n valid rows, IUDs from offset.
func writeZip(dir, flow string, n, offset int) (string, error) {
	name := "c_x000-" + flow + "-1_4"
	path := filepath.Join(dir, name+".zip")
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	w, err := zw.Create(name + ".csv")
	if err != nil {
		return "", err
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(mypay.Header(mypay.V1_4) + "\n")
	due := time.Date(2031, 6, 30, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		d := mypay.Dovuto{IUD: fmt.Sprintf("%s-%08d", flow, offset+i), DebtorType: "F", DebtorCF: debtors[i%len(debtors)],
			DebtorName: "Debitore di prova", Address: "Via Roma", CivicNumber: "1", PostalCode: "35121", City: "Padova",
			Province: "PD", Country: "IT", DueDate: due, AmountCents: int64(1000 + i%50000), DebtType: "TARI",
			PaymentKinds: "ALL", Remittance: "TARI 2031 saldo", Collection: "9/0101101IM/TARI", Action: mypay.Insert}
		if i%4 == 0 {
			d.Secondary = &mypay.Secondary{FiscalCode: "80006480281", Name: "Provincia di Padova", IBAN: "IT60X0542811101000000123456",
				Collection: "9/0201101IM/TEFA", AmountCents: 500}
		}
		bw.WriteString(mypay.EncodeRow(d, mypay.V1_4) + "\n")
	}
	if err := bw.Flush(); err != nil {
		return "", err
	}
	return path, zw.Close()
}

// bareInsert is the floor: the same rows read from the same zip, split on ";"
// and inserted unvalidated into a table without indexes, one INSERT per row,
// 500 rows per transaction.
func bareInsert(ctx context.Context, db *store.DB, path string, rows int) (result, error) {
	cols := make([]string, 35)
	marks := make([]string, 35)
	for i := range cols {
		cols[i] = fmt.Sprintf("c%d TEXT", i)
		marks[i] = fmt.Sprintf("$%d", i+1)
	}
	if _, err := db.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS bench_bare ("+strings.Join(cols, ", ")+")"); err != nil {
		return result{}, err
	}
	insert := "INSERT INTO bench_bare VALUES (" + strings.Join(marks, ", ") + ")"
	return measure(rows, func() error {
		zr, err := zip.OpenReader(path)
		if err != nil {
			return err
		}
		defer zr.Close()
		rc, err := zr.File[0].Open()
		if err != nil {
			return err
		}
		defer rc.Close()
		sc := bufio.NewScanner(rc)
		sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
		sc.Scan() // header
		batch := make([][]any, 0, 500)
		flush := func() error {
			return db.Transact(ctx, func(tx *store.Tx) error {
				stmt, err := tx.PrepareContext(ctx, insert)
				if err != nil {
					return err
				}
				defer stmt.Close()
				for _, args := range batch {
					if _, err := stmt.ExecContext(ctx, args...); err != nil {
						return err
					}
				}
				return nil
			})
		}
		for sc.Scan() {
			fields := strings.Split(sc.Text(), ";")
			args := make([]any, 35)
			for i := range args {
				if i < len(fields) {
					args[i] = fields[i]
				} else {
					args[i] = ""
				}
			}
			batch = append(batch, args)
			if len(batch) == cap(batch) {
				if err := flush(); err != nil {
					return err
				}
				batch = batch[:0]
			}
		}
		if len(batch) > 0 {
			if err := flush(); err != nil {
				return err
			}
		}
		return sc.Err()
	})
}

// pgSchema makes a fresh schema on the PostgreSQL server and returns its DSN.
func pgSchema(pg string) (string, func(), error) {
	schema := "payments_bench_" + strings.ReplaceAll(store.NewID(), "-", "")[12:]
	admin, err := sql.Open("pgx", pg)
	if err != nil {
		return "", nil, err
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		return "", nil, err
	}
	u, err := url.Parse(pg)
	if err != nil {
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), func() { admin.Exec("DROP SCHEMA " + schema + " CASCADE"); admin.Close() }, nil
}
