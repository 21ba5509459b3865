package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/store"
)

var testMigrations = store.Migrations{
	Module: "storetest",
	SQLite: fstest.MapFS{"001_t.sql": {Data: []byte(`-- +goose Up
CREATE TABLE storetest_item (id TEXT PRIMARY KEY, amount_cents INTEGER NOT NULL, at TIMESTAMP NOT NULL, ok BOOLEAN NOT NULL, n INTEGER NOT NULL);
-- +goose Down
DROP TABLE storetest_item;`)}},
	Postgres: fstest.MapFS{"001_t.sql": {Data: []byte(`-- +goose Up
CREATE TABLE storetest_item (id TEXT PRIMARY KEY, amount_cents BIGINT NOT NULL, at TIMESTAMPTZ NOT NULL, ok BOOLEAN NOT NULL, n BIGINT NOT NULL);
-- +goose Down
DROP TABLE storetest_item;`)}},
}

func open(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), kerneltest.FreshDB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background(), []store.Migrations{testMigrations}); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestRoundTripOfTypes(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	id, at := store.NewID(), store.Now()
	err := db.Transact(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO storetest_item (id, amount_cents, at, ok, n) VALUES ($1, $2, $3, $4, $5)`,
			id, int64(123456789012), at, true, 0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var amount int64
	var got time.Time
	var ok bool
	// Parameters out of order, as PostgreSQL allows: SQLite must bind by number too.
	if err := db.QueryRowContext(ctx, `SELECT amount_cents, at, ok FROM storetest_item WHERE ok = $2 AND id = $1`, id, true).
		Scan(&amount, &got, &ok); err != nil {
		t.Fatal(err)
	}
	if amount != 123456789012 || !got.Equal(at) || !ok {
		t.Fatalf("read back %d %v %v, want 123456789012 %v true", amount, got, ok, at)
	}
	var later int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM storetest_item WHERE at < $1`, at.Add(time.Microsecond)).Scan(&later); err != nil || later != 1 {
		t.Fatalf("time comparison: %d rows, err %v", later, err)
	}
}

func TestRollbackLeavesNothing(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	boom := errors.New("boom")
	err := db.Transact(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO storetest_item (id, amount_cents, at, ok, n) VALUES ($1, 1, $2, TRUE, 0)`, store.NewID(), store.Now()); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	var n int
	db.QueryRowContext(ctx, `SELECT COUNT(*) FROM storetest_item`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d rows after rollback", n)
	}
}

// Concurrent writers increment one counter: none may fail with a busy or
// deadlock error and no increment may be lost.
func TestConcurrentWriters(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	id := store.NewID()
	db.Transact(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO storetest_item (id, amount_cents, at, ok, n) VALUES ($1, 0, $2, TRUE, 0)`, id, store.Now())
		return err
	})
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 25; i++ {
				errs <- db.Transact(ctx, func(tx *store.Tx) error {
					var n int
					if err := tx.QueryRowContext(ctx, `SELECT n FROM storetest_item WHERE id = $1`, id).Scan(&n); err != nil {
						return err
					}
					_, err := tx.ExecContext(ctx, `UPDATE storetest_item SET n = n + 1 WHERE id = $1`, id)
					return err
				})
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var n int
	db.QueryRowContext(ctx, `SELECT n FROM storetest_item WHERE id = $1`, id).Scan(&n)
	if n != 200 {
		t.Fatalf("counter = %d, want 200", n)
	}
}

func TestMigrationStatusAndFailure(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	st, err := db.Status(ctx, []store.Migrations{testMigrations})
	if err != nil || len(st) != 1 || st[0].Pending() || st[0].Latest != 1 {
		t.Fatalf("status = %+v, %v", st, err)
	}
	bad := store.Migrations{Module: "storebad",
		SQLite:   fstest.MapFS{"001_bad.sql": {Data: []byte("-- +goose Up\nCREATE TABLE nope (;\n")}},
		Postgres: fstest.MapFS{"001_bad.sql": {Data: []byte("-- +goose Up\nCREATE TABLE nope (;\n")}}}
	err = db.Migrate(ctx, []store.Migrations{bad})
	if err == nil || !strings.Contains(err.Error(), "storebad/001_bad.sql") {
		t.Fatalf("failing migration error = %v, want it to name storebad/001_bad.sql", err)
	}
}

// Column reads one column of every row, inside and outside a transaction.
func TestColumn(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	err := db.Transact(ctx, func(tx *store.Tx) error {
		for i, cents := range []int64{300, 100, 200} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO storetest_item (id, amount_cents, at, ok, n) VALUES ($1, $2, $3, $4, $5)`,
				store.NewID(), cents, store.Now(), i != 1, i); err != nil {
				return err
			}
		}
		inTx, err := store.Column[int64](ctx, tx, `SELECT amount_cents FROM storetest_item ORDER BY amount_cents`)
		if err != nil || fmt.Sprint(inTx) != "[100 200 300]" {
			t.Errorf("in the transaction: %v, %v", inTx, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := store.Column[int64](ctx, db, `SELECT amount_cents FROM storetest_item WHERE ok = $1 ORDER BY amount_cents DESC`, true)
	if err != nil || fmt.Sprint(got) != "[300 200]" {
		t.Fatalf("got %v, %v; want [300 200]", got, err)
	}
	if none, err := store.Column[string](ctx, db, `SELECT id FROM storetest_item WHERE n > 9`); err != nil || len(none) != 0 {
		t.Fatalf("no rows: %v, %v", none, err)
	}
	if _, err := store.Column[int64](ctx, db, `SELECT id FROM storetest_item`); err == nil {
		t.Fatal("a text id scanned into int64 without an error")
	}
}

// TestConstraintViolations tells the two kinds of constraint failure apart
// from each other and from other errors, also when wrapped.
func TestConstraintViolations(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	for _, ddl := range []string{
		"CREATE TABLE storetest_parent (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
		"CREATE TABLE storetest_child (id TEXT PRIMARY KEY, parent_id TEXT NOT NULL REFERENCES storetest_parent (id))",
	} {
		if _, err := db.ExecContext(ctx, ddl); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.ExecContext(ctx, "INSERT INTO storetest_parent (id, name) VALUES ('p1', 'uno')"); err != nil {
		t.Fatal(err)
	}
	exec := func(q string) error {
		_, err := db.ExecContext(ctx, q)
		if err == nil {
			t.Fatalf("%s: no error", q)
		}
		return fmt.Errorf("wrapped: %w", err)
	}
	samePK := exec("INSERT INTO storetest_parent (id, name) VALUES ('p1', 'due')")
	sameName := exec("INSERT INTO storetest_parent (id, name) VALUES ('p2', 'uno')")
	noParent := exec("INSERT INTO storetest_child (id, parent_id) VALUES ('c1', 'nessuno')")
	notNull := exec("INSERT INTO storetest_parent (id) VALUES ('p3')")
	for _, tc := range []struct {
		name            string
		err             error
		unique, foreign bool
	}{
		{"primary key", samePK, true, false},
		{"unique column", sameName, true, false},
		{"foreign key", noParent, false, true},
		{"not null", notNull, false, false},
		{"not a database error", errors.New("UNIQUE constraint failed: 23505"), false, false},
		{"nil", nil, false, false},
	} {
		if got := store.IsUniqueViolation(tc.err); got != tc.unique {
			t.Errorf("%s: IsUniqueViolation = %v (%v)", tc.name, got, tc.err)
		}
		if got := store.IsForeignKeyViolation(tc.err); got != tc.foreign {
			t.Errorf("%s: IsForeignKeyViolation = %v (%v)", tc.name, got, tc.err)
		}
	}
}
