package reports

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/reports/upload"
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
	// Each event carries the number its report was stored under.
	rows, err := e.svc.db.QueryContext(ctx, `SELECT r.number, o.payload FROM kernel_outbox o JOIN reports_report r ON r.id = o.aggregate_id
		WHERE o.type = 'reports.created'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var number, payload string
		if err := rows.Scan(&number, &payload); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(payload, `"number":"`+number+`"`) {
			t.Errorf("report %s: event %s", number, payload)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// In a group where one filing fails in the database and another panics,
// those two get their errors and leave nothing (no row, no event, no
// attachment), and the others of the group are committed with distinct
// numbers.
func TestBatchFailureIsolated(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c, err := e.svc.Category(ctx, "rifiuti")
	if err != nil {
		t.Fatal(err)
	}
	existing, err := e.svc.Create(ctx, NewReport{CategoryCode: "rifiuti", Title: "Prima", Details: "In strada", Address: "Via Roma",
		Channel: "open311", Reporter: Reporter{Kind: ByAPI, Email: "x@example.it"}})
	if err != nil {
		t.Fatal(err)
	}
	work, err := e.svc.filingWork(ctx)
	if err != nil {
		t.Fatal(err)
	}
	photo, err := upload.Sanitize("foto.jpg", bytes.NewReader(photoWithGPS(t)), upload.Default)
	if err != nil {
		t.Fatal(err)
	}
	hub := &committedNotes{}
	e.svc.notify = hub
	filings := make([]*filing, 6)
	for i := range filings {
		n := NewReport{CategoryCode: "rifiuti", Title: fmt.Sprintf("Gruppo %d", i), Details: "In strada", Address: "Via Roma",
			Channel: "open311", Reporter: Reporter{Kind: ByAPI, Email: "x@example.it"}}
		switch i {
		case 0:
			n.Channel, n.Reporter = "web", Reporter{Kind: ByCitizen, FiscalCode: "RSSMRA80A01H501U"}
		case 1:
			n.Reporter = Reporter{Kind: ByAnonymous, Email: "anonimo@example.it"}
		case 3, 5:
			n.Files = []NamedFile{{Name: "foto.jpg", File: photo}}
		}
		if filings[i], err = e.svc.newFiling(ctx, c, n); err != nil {
			t.Fatal(err)
		}
	}
	filings[3].r.ID = existing.ID // refused by the database: the id is taken
	bug := filings[4]
	tried := map[int]int{}
	var mu sync.Mutex
	failing := func(ctx context.Context, tx *store.Tx, group []*filing) error {
		mu.Lock()
		tried[len(group)]++
		mu.Unlock()
		for _, f := range group {
			if f == bug {
				panic("bug")
			}
		}
		return work(ctx, tx, group)
	}
	var b batcher
	// Hold the lead so that the filings below queue up into one group.
	release := make(chan struct{})
	started := make(chan struct{})
	go b.run(ctx, e.svc.db, &filing{}, func(context.Context, *store.Tx, []*filing) error {
		close(started)
		<-release
		return nil
	})
	<-started
	var wg sync.WaitGroup
	results := make([]error, len(filings))
	for i := range filings {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i] = b.run(ctx, e.svc.db, filings[i], failing)
		}(i)
	}
	for {
		b.mu.Lock()
		queued := len(b.queue)
		b.mu.Unlock()
		if queued == len(filings) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	if tried[len(filings)] != 1 || tried[1] != len(filings) {
		t.Errorf("tried groups by size %v: want the whole group once, then each alone", tried)
	}
	numbers := map[string]bool{existing.Number: true}
	for i, err := range results {
		switch i {
		case 3:
			if err == nil || !strings.Contains(err.Error(), "insert report") {
				t.Errorf("filing with a taken id: %v", err)
			}
		case 4:
			if err == nil || !strings.Contains(err.Error(), "panicked") {
				t.Errorf("panicking filing: %v", err)
			}
		default:
			if err != nil {
				t.Errorf("filing %d: %v", i, err)
				continue
			}
			got, err := e.svc.Get(ctx, filings[i].r.Number)
			if err != nil || got.ID != filings[i].r.ID || got.Title != filings[i].r.Title {
				t.Errorf("filing %d not stored under %s: %v", i, filings[i].r.Number, err)
			}
			if numbers[filings[i].r.Number] {
				t.Errorf("number %s given twice", filings[i].r.Number)
			}
			numbers[filings[i].r.Number] = true
		}
	}
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := e.svc.db.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(`SELECT COUNT(*) FROM reports_report`); n != 5 {
		t.Errorf("%d reports stored, want 5 (the first and four of the group)", n)
	}
	if n := count(`SELECT COUNT(*) FROM reports_report WHERE id = $1 AND title = 'Prima'`, existing.ID); n != 1 {
		t.Error("the report whose id the bad filing took was changed")
	}
	for _, f := range []*filing{filings[3], bug} {
		if n := count(`SELECT COUNT(*) FROM kernel_outbox WHERE aggregate_id = $1`, f.r.ID); n > 1 || (f == bug && n != 0) {
			t.Errorf("%d events for a failed filing", n)
		}
		if n := count(`SELECT COUNT(*) FROM reports_media WHERE report_id = $1`, f.r.ID); n != 0 {
			t.Errorf("%d attachments of a failed filing stored", n)
		}
	}
	if n := count(`SELECT COUNT(*) FROM reports_media WHERE report_id = $1`, filings[5].r.ID); n != 1 {
		t.Errorf("%d attachments of filing 5, want 1", n)
	}
	if want := []string{tmplCreated + ":" + filings[0].r.ID + ":1"}; !slices.Equal(hub.committed, want) {
		t.Errorf("notifications committed %v, want %v", hub.committed, want)
	}
	if n := count(`SELECT COUNT(*) FROM kernel_outbox WHERE type = 'reports.confirmation_requested' AND aggregate_id = $1`, filings[1].r.ID); n != 1 {
		t.Errorf("%d confirmation requests for the anonymous filing, want 1", n)
	}
	// The batcher is free again.
	if _, err := e.svc.Create(ctx, NewReport{CategoryCode: "rifiuti", Title: "Dopo", Details: "In strada", Address: "Via Roma",
		Channel: "open311", Reporter: Reporter{Kind: ByAPI, Email: "x@example.it"}}); err != nil {
		t.Error(err)
	}
	samePages(t, e, "")
}

// committedNotes is a notification hub that remembers the idempotency keys
// of the notifications whose transaction committed.
type committedNotes struct {
	mu        sync.Mutex
	committed []string
}

func (h *committedNotes) DefineTemplate(kernel.NotificationTemplate) {}

func (h *committedNotes) Notify(_ context.Context, tx *store.Tx, n kernel.Notification) (string, error) {
	tx.AfterCommit(func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.committed = append(h.committed, n.IdempotencyKey)
	})
	return store.NewID(), nil
}

// A group straddling New Year takes its numbers from both years' counters,
// in order.
func TestGroupNumbersAcrossYears(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c, err := e.svc.Category(ctx, "rifiuti")
	if err != nil {
		t.Fatal(err)
	}
	work, err := e.svc.filingWork(ctx)
	if err != nil {
		t.Fatal(err)
	}
	eve := time.Date(2030, 12, 31, 22, 59, 59, 0, time.UTC) // 23:59:59 in Rome
	var group []*filing
	for i, at := range []time.Time{eve, eve.Add(2 * time.Second), eve, eve.Add(time.Hour)} {
		f, err := e.svc.newFiling(ctx, c, NewReport{CategoryCode: "rifiuti", Title: fmt.Sprintf("Capodanno %d", i), Details: "In strada",
			Address: "Via Roma", Channel: "open311", Reporter: Reporter{Kind: ByAPI, Email: "x@example.it"}})
		if err != nil {
			t.Fatal(err)
		}
		f.r.CreatedAt, f.r.UpdatedAt = at, at
		group = append(group, f)
	}
	if err := e.svc.db.Transact(ctx, func(tx *store.Tx) error { return work(ctx, tx, group) }); err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"SGN-2030-000001", "SGN-2031-000001", "SGN-2030-000002", "SGN-2031-000002"} {
		if group[i].r.Number != want {
			t.Errorf("filing %d numbered %s, want %s", i, group[i].r.Number, want)
		}
		if got, err := e.svc.Get(ctx, want); err != nil || got.ID != group[i].r.ID {
			t.Errorf("%s: %v", want, err)
		}
	}
}

func TestMultiRow(t *testing.T) {
	for _, c := range []struct {
		tuple       string
		width, rows int
		want        string
	}{
		{"($1,$2,FALSE,$2)", 2, 1, "($1,$2,FALSE,$2)"},
		{"($1,$2,FALSE,$2)", 2, 3, "($1,$2,FALSE,$2), ($3,$4,FALSE,$4), ($5,$6,FALSE,$6)"},
		{"($1,$10,1,$9)", 10, 2, "($1,$10,1,$9), ($11,$20,1,$19)"},
	} {
		if got := multiRow(c.tuple, c.width, c.rows); got != c.want {
			t.Errorf("multiRow(%q, %d, %d) = %q, want %q", c.tuple, c.width, c.rows, got, c.want)
		}
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
