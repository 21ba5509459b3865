package payments_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/arengo-pa/arengo/internal/payments/mypay"
)

// An import stopped after its first batch (a crash, a restart) is run again:
// the rows already committed are recognised, nothing is duplicated.
func TestImportResumesAfterACrashWithoutDuplicates(t *testing.T) {
	app, m := newApp(t, nil)
	svc := m.Service()
	var b strings.Builder
	b.WriteString(mypay.Header(mypay.V1_2) + "\n")
	const rows = 1200
	for i := 0; i < rows; i++ {
		b.WriteString(mypay.EncodeRow(dovuto(fmt.Sprintf("CRASH-%04d", i), "RSSMRA80A01H501U", int64(100+i)), mypay.V1_2) + "\n")
	}
	name := "c_x000-CRASH-1_2.zip"
	imp, err := svc.StartImport(context.Background(), name, zipped(name, b.String()))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	_, err = svc.RunImport(ctx, imp.ID, func(done, total int64, n int) {
		if n >= 500 {
			cancel() // the process dies after the first batch committed
		}
	})
	if err == nil {
		t.Fatal("the interrupted import reported success")
	}
	var loaded int
	app.Deps.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM payments_position`).Scan(&loaded)
	if loaded == 0 || loaded == rows {
		t.Fatalf("after the crash %d positions: the test needs a partial load", loaded)
	}
	res, err := svc.RunImport(context.Background(), imp.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Unchanged != loaded || res.Loaded != rows-loaded || res.Rejected != 0 {
		t.Errorf("resume: %+v (had %d)", res, loaded)
	}
	var n, distinct int
	app.Deps.DB.QueryRowContext(context.Background(), `SELECT COUNT(*), COUNT(DISTINCT import_iud) FROM payments_position`).Scan(&n, &distinct)
	if n != rows || distinct != rows {
		t.Errorf("%d positions, %d distinct IUDs, want %d", n, distinct, rows)
	}
}
