package payments

import (
	"context"
	"strings"
	"testing"

	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/store"
)

// The multi-row inserts skip SQLite's statement journal (INSERT OR FAIL, the
// transfer's foreign key checked at COMMIT): a conflict or a dangling transfer
// must still fail the whole transaction, on both engines.
func TestInsertManyFailsTheTransaction(t *testing.T) {
	m := New()
	app := kerneltest.New(t, m)
	ctx := context.Background()
	db := app.Deps.DB
	transfer := func(option string, idx int) []any {
		return []any{option, idx, int64(100), "00644060287", "", "IT60X0542811101000000123456", "", "TARI", "0101101IM"}
	}
	// A transfer whose option does not exist: refused, at the latest at COMMIT.
	err := db.Transact(ctx, func(tx *store.Tx) error {
		return insertMany(ctx, tx, db.Engine, "payments_transfer", transferCols,
			[][]any{transfer("no-such-option", 1), transfer("no-such-option", 2)})
	})
	if err == nil || !strings.Contains(strings.ToLower(err.Error()), "foreign key") {
		t.Errorf("dangling transfers: %v", err)
	}
	var n int
	db.QueryRowContext(ctx, `SELECT COUNT(*) FROM payments_transfer`).Scan(&n)
	if n != 0 {
		t.Errorf("%d dangling transfers stored", n)
	}
	// A duplicate key in the middle of a statement: nothing of the transaction stays.
	if err := m.svc.EnsureDebtTypes(ctx, []DebtType{{Code: "TARI", Description: "TARI", Category: "0101101IM",
		IBAN: "IT60X0542811101000000123456", Active: true}}); err != nil {
		t.Fatal(err)
	}
	p, err := m.svc.Create(ctx, NewPosition{DebtType: "TARI", Description: "TARI", AmountCents: 100, DueDate: store.Now(),
		Debtor: Debtor{Type: "F", FiscalCode: "RSSMRA80A01H501U", Name: "Mario Rossi"}})
	if err != nil {
		t.Fatal(err)
	}
	opt := p.Options[0].ID
	err = db.Transact(ctx, func(tx *store.Tx) error {
		return insertMany(ctx, tx, db.Engine, "payments_transfer", transferCols,
			[][]any{transfer(opt, 2), transfer(opt, 1), transfer(opt, 3)})
	})
	if err == nil {
		t.Fatal("duplicate transfer key accepted")
	}
	db.QueryRowContext(ctx, `SELECT COUNT(*) FROM payments_transfer WHERE option_id = $1`, opt).Scan(&n)
	if n != 1 {
		t.Errorf("after the failed insert the option has %d transfers, want 1", n)
	}
}
