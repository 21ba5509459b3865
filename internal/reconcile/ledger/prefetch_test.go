package ledger

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/reconcile/flows"
	"github.com/arengo-pa/arengo/internal/reconcile/gen"
	"github.com/arengo-pa/arengo/internal/store"
)

// TestReadAheadDroppedAfterAnotherWrite records a receipt for an IUV of the
// batch already read ahead, between two payment transactions: the receipt
// marks nothing new (the IUV is queued) and the claim returns the same keys,
// so only the writer's state tells the batch read ahead is stale.
func TestReadAheadDroppedAfterAnotherWrite(t *testing.T) {
	if os.Getenv("ARENGO_TEST_POSTGRES") != "" {
		t.Skip("payments are read ahead on SQLite only")
	}
	ctx := context.Background()
	defer SetClassifyBatch(50)()
	const ec = "00644060287"
	files, err := gen.Generate(t.TempDir(), gen.Config{N: 600, Seed: 7, FlowMax: 120, EC: ec})
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx, []store.Migrations{Schema}); err != nil {
		t.Fatal(err)
	}
	l := &Ledger{DB: db, EC: ec, Emit: func(context.Context, *store.Tx, string, string, any) error { return nil }}
	for _, p := range files.FdR {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		_, err = l.Import(ctx, p, f, ImportOptions{Source: "test"})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	var iuv, receipt string
	betweenPaymentBatches = func() {
		if iuv != "" {
			return
		}
		// The smallest IUV still queued belongs to the batch read ahead.
		if err := db.QueryRowContext(ctx, "SELECT MIN(key) FROM reconcile_dirty WHERE kind = 'iuv'").Scan(&iuv); err != nil {
			t.Error(err)
			return
		}
		receipt = "rt-tardiva-" + iuv
		err := l.RecordReceipt(ctx, flows.Receipt{ReceiptID: receipt, Source: "payments", IUV: iuv, ECFiscalCode: ec, AmountCents: 100,
			PaymentDate: time.Now().UTC(), DebtType: "TARI", Transfers: []flows.Transfer{{Index: 1, AmountCents: 100, FiscalCodePA: ec}}}, "e1")
		if err != nil {
			t.Error(err)
		}
	}
	defer func() { betweenPaymentBatches = nil }()
	if _, err := l.Reclassify(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if iuv == "" {
		t.Fatal("a single payment batch: nothing was read ahead")
	}
	var why string
	if err := db.QueryRowContext(ctx, "SELECT why FROM reconcile_item WHERE kind = 'payment' AND key = $1", iuv+"/1").Scan(&why); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(why, receipt) {
		t.Errorf("item of %s classified without the receipt recorded meanwhile: %s", iuv, why)
	}
}
