package ledger_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/arengo-pa/arengo/internal/reconcile/flows"
	"github.com/arengo-pa/arengo/internal/reconcile/gen"
)

// TestLargeFlowsKeepEveryRow loads flows of hundreds of rows one after
// another into one ledger, which on SQLite writes them with statements
// prepared for the first: full batches written behind the parser and a
// partial one at each file's end. Every file must hold exactly its rows, and
// the day must reconcile to the generator's answer.
func TestLargeFlowsKeepEveryRow(t *testing.T) {
	ctx := context.Background()
	files, err := gen.Generate(t.TempDir(), gen.Config{N: 4000, Seed: 13, FlowMax: 900, EC: ec})
	if err != nil {
		t.Fatal(err)
	}
	db := openDB(t)
	var events atomic.Int64
	l := newLedger(db, &events)
	largest := int64(0)
	for _, p := range files.All() {
		res := importFile(t, l, p)
		if res.Kind != flows.KindFdRXML && res.Kind != flows.KindFdRJSON {
			continue
		}
		largest = max(largest, res.Rows)
		var stored int64
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM reconcile_flow_row r JOIN reconcile_flow f ON f.id = r.flow_id
			WHERE f.file_id = $1`, res.FileID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if stored != res.Rows {
			t.Errorf("%s: %d rows stored, %d read", res.Name, stored, res.Rows)
		}
	}
	// More than two full batches of eight-column rows (3000 parameters) in
	// one file, so the writer behind the parser and the last batch both run.
	if largest < 800 {
		t.Fatalf("largest flow has %d rows: the day does not exercise full batches", largest)
	}
	if _, err := l.Reclassify(ctx, nil); err != nil {
		t.Fatal(err)
	}
	compare(t, items(t, db), expected(t, files.Expected))
}
