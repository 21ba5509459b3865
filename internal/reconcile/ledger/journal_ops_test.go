package ledger_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/reconcile/flows"
	"github.com/arengo-pa/arengo/internal/reconcile/match"
)

// Operations on movements are applied in batches; the outcome must be the
// file's order all the same: a movement reversed and then executed again
// stays, one regularised and then reversed goes, and operations on movements
// never received are reported with their line.
func TestJournalOperationsKeepFileOrder(t *testing.T) {
	db := openDB(t)
	var events atomic.Int64
	l := newLedger(db, &events)
	day := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	mov := func(op, sospeso string, cents int64) flows.Movement {
		return flows.Movement{Op: op, Sospeso: sospeso, AmountCents: cents, Bill: sospeso, Date: day, ValueDate: day, Payer: "PSP", Causale: "/RFB/0000000000" + sospeso + "/1.00"}
	}
	write := func(name string, ms ...flows.Movement) string {
		path := filepath.Join(t.TempDir(), name)
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		w := flows.NewOPIWriter(f, "GDC-20261125ABCDEFGHIJ01#001#00"+name[:1], 2026, day, "0001")
		for _, m := range ms {
			if err := w.Write(m); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		f.Close()
		return path
	}
	// Movements 1–4 arrive on the first day; the second day's journal
	// operates on them, on one of its own, and on two never received.
	importFile(t, l, write("1.xml", mov("ESEGUITO", "1", 100), mov("ESEGUITO", "2", 200), mov("ESEGUITO", "3", 300), mov("ESEGUITO", "4", 400)))
	res := importFile(t, l, write("2.xml",
		mov("STORNATO", "1", 100), mov("ESEGUITO", "1", 150), // reversed, then executed again: stays, new amount
		mov("REGOLARIZZATO", "2", 200), mov("STORNATO", "2", 200), // regularised, then reversed: gone
		mov("REGOLARIZZATO", "3", 300),                                // regularised
		mov("REGOLARIZZATO", "4", 400), mov("RIPRISTINATO", "4", 400), // regularised, then restored
		mov("ESEGUITO", "5", 500), mov("STORNATO", "5", 500), // its own movement, reversed in the same file
		mov("STORNATO", "8", 800), mov("REGOLARIZZATO", "9", 900), // never received
	))
	got := map[string]string{}
	rows, err := db.QueryContext(context.Background(), "SELECT id, amount_cents, regularized FROM reconcile_movement")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		var cents int64
		var reg bool
		if err := rows.Scan(&id, &cents, &reg); err != nil {
			t.Fatal(err)
		}
		got[id] = fmt.Sprint(cents)
		if reg {
			got[id] += " regolarizzato"
		}
	}
	rows.Close()
	want := map[string]string{"2026/0001/1": "150", "2026/0001/3": "300 regolarizzato", "2026/0001/4": "400"}
	if len(got) != len(want) {
		t.Fatalf("movements %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("movement %s: %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
	var unknown []string
	for _, p := range res.Problems {
		if p.Code == "MOVIMENTO_SCONOSCIUTO" {
			unknown = append(unknown, p.Msg)
		}
	}
	if len(unknown) != 2 || !strings.Contains(unknown[0], "STORNATO di un movimento 2026/0001/8") || !strings.Contains(unknown[1], "REGOLARIZZATO di un movimento 2026/0001/9") ||
		!strings.HasPrefix(unknown[0], "riga ") {
		t.Fatalf("problems for unknown movements: %q", unknown)
	}
	// Every movement the operations touched is reclassified.
	if _, err := l.Reclassify(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	var items int
	if err := db.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM reconcile_item WHERE kind = $1", match.KindMovement).Scan(&items); err != nil {
		t.Fatal(err)
	}
	if items != len(want) {
		t.Errorf("%d movement items after reclassifying, want %d", items, len(want))
	}
}
