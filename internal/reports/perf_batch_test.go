package reports

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/store"
)

// Concurrent filings share transactions yet each gets its own number, row
// and outbox event.
func TestConcurrentFilingsAllStored(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	const n = 40
	var wg sync.WaitGroup
	numbers := make([]string, n)
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r, err := e.svc.Create(ctx, NewReport{CategoryCode: "rifiuti", Title: fmt.Sprintf("Sacchi %d", i), Details: "In strada",
				Address: "Via Roma", Channel: "open311", Reporter: Reporter{Kind: ByAPI, Email: "x@example.it"}})
			errs[i] = err
			if r != nil {
				numbers[i] = r.Number
			}
		}(i)
	}
	wg.Wait()
	seen := map[string]bool{}
	for i := range numbers {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if seen[numbers[i]] {
			t.Errorf("number %s given twice", numbers[i])
		}
		seen[numbers[i]] = true
	}
	var reports, events int
	if err := e.svc.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM reports_report WHERE o311_json LIKE '%SGN-%' AND o311_json NOT LIKE '%STANDIN%'`).Scan(&reports); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM kernel_outbox WHERE type = 'reports.created'`).Scan(&events); err != nil {
		t.Fatal(err)
	}
	if reports != n || events != n {
		t.Errorf("%d reports with fragments, %d events; want %d", reports, events, n)
	}
}

// A failing or panicking job fails alone: the others of its batch are
// retried and committed.
func TestBatchFailureIsolated(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var b batcher
	bad := errors.New("bad filing")
	// Hold the lead so that the jobs below queue up into one batch.
	release := make(chan struct{})
	started := make(chan struct{})
	go b.run(ctx, e.svc.db, func(ctx context.Context, tx *store.Tx) error {
		close(started)
		<-release
		return nil
	})
	<-started
	var wg sync.WaitGroup
	results := make([]error, 6)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i] = b.run(ctx, e.svc.db, func(ctx context.Context, tx *store.Tx) error {
				if i == 3 {
					return bad
				}
				if i == 4 {
					panic("bug")
				}
				_, err := tx.ExecContext(ctx, `INSERT INTO reports_counter (year, last) VALUES ($1, 1)`, 3000+i)
				return err
			})
		}(i)
	}
	for {
		b.mu.Lock()
		queued := len(b.queue)
		b.mu.Unlock()
		if queued == len(results) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	var stored int
	if err := e.svc.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM reports_counter WHERE year >= 3000`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	for i, err := range results {
		if (i == 3) != errors.Is(err, bad) || (i == 4) != (err != nil && strings.Contains(err.Error(), "panicked")) {
			t.Errorf("job %d: %v", i, err)
		}
	}
	if stored != len(results)-2 {
		t.Errorf("%d rows stored, want %d", stored, len(results)-2)
	}
	// The batcher is free again.
	if err := b.run(ctx, e.svc.db, func(context.Context, *store.Tx) error { return nil }); err != nil {
		t.Error(err)
	}
}

// Numbers keep their format on both engines (PostgreSQL takes them inside
// the insert), past six digits too.
func TestNumbersPastSixDigits(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	year := e.svc.now().In(rome).Year()
	if _, err := e.svc.db.ExecContext(ctx, `INSERT INTO reports_counter (year, last) VALUES ($1, 999998)`, year); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"999999", "1000000"} {
		r, err := e.svc.Create(ctx, NewReport{CategoryCode: "rifiuti", Title: "Sacchi", Details: "In strada", Address: "Via Roma",
			Channel: "web", Reporter: Reporter{Kind: ByCitizen, FiscalCode: "RSSMRA80A01H501U"}})
		if err != nil {
			t.Fatal(err)
		}
		if exp := fmt.Sprintf("SGN-%d-%s", year, want); r.Number != exp {
			t.Errorf("number %s, want %s", r.Number, exp)
		}
		got, err := e.svc.Get(ctx, r.Number)
		if err != nil || got.ID != r.ID {
			t.Errorf("stored under %s: %v", r.Number, err)
		}
	}
	samePages(t, e, "")
}
