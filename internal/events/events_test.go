package events_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/events"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/store"
)

type subModule struct{ init func(d *kernel.Deps) }

func (m subModule) Name() string                 { return "evtest" }
func (m subModule) Migrations() store.Migrations { return store.Migrations{Module: "evtest"} }
func (m subModule) Init(d *kernel.Deps) error {
	d.Events.PollInterval = 50 * time.Millisecond
	m.init(d)
	return nil
}

type seen struct {
	mu  sync.Mutex
	ids []string
	n   map[string]int
}

func (s *seen) handler(ctx context.Context, e events.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ids = append(s.ids, e.AggregateID)
	s.n[e.ID]++
	return nil
}

func (s *seen) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.ids)
}

func appendN(t *testing.T, db *store.DB, from, n int) {
	t.Helper()
	ctx := context.Background()
	for i := from; i < from+n; i++ {
		err := db.Transact(ctx, func(tx *store.Tx) error {
			return events.Append(ctx, tx, events.Event{Type: "evtest.happened", AggregateType: "thing",
				AggregateID: fmt.Sprintf("%04d", i), AggregateVersion: 1, Data: map[string]int{"i": i}})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// Two processes run the same durable subscriber: each event reaches it once,
// in commit order.
func TestSubscriberOncePerEventInOrderAcrossProcesses(t *testing.T) {
	s := &seen{n: map[string]int{}}
	mod := subModule{init: func(d *kernel.Deps) { d.Events.Subscribe("evtest.listener", []string{"evtest."}, s.handler) }}
	dsn := kerneltest.FreshDB(t)
	a := kerneltest.NewWith(t, kerneltest.Options{DB: dsn}, mod)
	kerneltest.NewWith(t, kerneltest.Options{DB: dsn}, mod)
	appendN(t, a.Deps.DB, 0, 60)
	kerneltest.Eventually(t, 10*time.Second, "60 deliveries", func() bool { return s.count() >= 60 })
	time.Sleep(200 * time.Millisecond)
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.ids) != 60 {
		t.Fatalf("%d deliveries, want 60", len(s.ids))
	}
	for i, id := range s.ids {
		if id != fmt.Sprintf("%04d", i) {
			t.Fatalf("delivery %d is %s: out of commit order", i, id)
		}
	}
}

// A failing handler blocks its subscriber (no event skipped) and is retried;
// a rolled-back transaction leaves no event.
func TestRetryAndRollback(t *testing.T) {
	var mu sync.Mutex
	fails := 2
	var got []string
	app := kerneltest.New(t, subModule{init: func(d *kernel.Deps) {
		d.Events.Subscribe("evtest.flaky", nil, func(ctx context.Context, e events.Event) error {
			mu.Lock()
			defer mu.Unlock()
			if fails > 0 {
				fails--
				return errors.New("sink down")
			}
			got = append(got, e.AggregateID)
			return nil
		})
	}})
	ctx := context.Background()
	app.Deps.DB.Transact(ctx, func(tx *store.Tx) error {
		events.Append(ctx, tx, events.Event{Type: "evtest.lost", AggregateType: "thing", AggregateID: "rolled-back", AggregateVersion: 1})
		return errors.New("abort")
	})
	appendN(t, app.Deps.DB, 0, 3)
	kerneltest.Eventually(t, 10*time.Second, "delivery after retries", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(got) == 3
	})
	mu.Lock()
	if got[0] != "0000" || got[2] != "0002" {
		t.Fatalf("delivered %v", got)
	}
	mu.Unlock()
	// The cursor moves after the batch's deliveries: wait for it.
	kerneltest.Eventually(t, 5*time.Second, "cursor at the head with no error", func() bool {
		states, err := app.Deps.Events.States(ctx)
		return err == nil && len(states) == 1 && states[0].Lag() == 0 && states[0].LastError == ""
	})
}

func TestAppendRejectsBadType(t *testing.T) {
	app := kerneltest.NewWith(t, kerneltest.Options{NoRun: true})
	ctx := context.Background()
	err := app.Deps.DB.Transact(ctx, func(tx *store.Tx) error {
		return events.Append(ctx, tx, events.Event{Type: "nodot", AggregateType: "x", AggregateID: "1"})
	})
	if err == nil {
		t.Fatal("an event type without module prefix was accepted")
	}
}

// A handler slower than the lease keeps its lease: the batch checkpoints on
// the way, so the other process never takes over mid-batch and delivers the
// same events again.
func TestSlowBatchKeepsItsLease(t *testing.T) {
	s := &seen{n: map[string]int{}}
	slow := func(ctx context.Context, e events.Event) error {
		time.Sleep(60 * time.Millisecond)
		return s.handler(ctx, e)
	}
	mod := subModule{init: func(d *kernel.Deps) {
		d.Events.LeaseFor = 300 * time.Millisecond
		d.Events.Subscribe("evtest.slow", []string{"evtest."}, slow)
	}}
	dsn := kerneltest.FreshDB(t)
	a := kerneltest.NewWith(t, kerneltest.Options{DB: dsn}, mod)
	kerneltest.NewWith(t, kerneltest.Options{DB: dsn}, mod)
	appendN(t, a.Deps.DB, 0, 25) // 1.5 s of handling: five lease periods
	kerneltest.Eventually(t, 20*time.Second, "25 deliveries", func() bool { return s.count() >= 25 })
	time.Sleep(700 * time.Millisecond)
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, n := range s.n {
		if n != 1 {
			t.Errorf("event %s delivered %d times", id, n)
		}
	}
	if len(s.ids) != 25 {
		t.Fatalf("%d deliveries, want 25", len(s.ids))
	}
}

// A subscriber that has not run yet is reported behind by every event, not
// caught up (the feed's lag metric reads it).
func TestStatesListSubscribersThatHaveNotRun(t *testing.T) {
	app := kerneltest.New(t, subModule{init: func(d *kernel.Deps) {}})
	appendN(t, app.Deps.DB, 0, 3)
	bus := events.NewBus(app.Deps.DB, slog.New(slog.DiscardHandler), "idle-process")
	bus.Subscribe("evtest.never-ran", nil, func(context.Context, events.Event) error { return nil })
	states, err := bus.States(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range states {
		if s.Name == "evtest.never-ran" {
			if s.Position != 0 || s.Lag() < 3 {
				t.Fatalf("never-run subscriber: position %d, lag %d", s.Position, s.Lag())
			}
			return
		}
	}
	t.Fatalf("never-run subscriber missing from %+v", states)
}

// AppendAll gives a group the next sequence numbers in its order, between
// the single Appends around it, and subscribers receive it in that order; a
// malformed event in the group writes none of it.
func TestAppendAllInOrder(t *testing.T) {
	s := &seen{n: map[string]int{}}
	app := kerneltest.New(t, subModule{init: func(d *kernel.Deps) { d.Events.Subscribe("evtest.listener", []string{"evtest."}, s.handler) }})
	ctx, db := context.Background(), app.Deps.DB
	group := func(from, n int) []events.Event {
		var es []events.Event
		for i := from; i < from+n; i++ {
			es = append(es, events.Event{Type: "evtest.happened", AggregateType: "thing", AggregateID: fmt.Sprintf("%04d", i),
				AggregateVersion: 1, Data: map[string]int{"i": i}})
		}
		return es
	}
	appendN(t, db, 0, 2)
	for _, g := range [][2]int{{2, 5}, {7, 1}, {8, 32}} {
		if err := db.Transact(ctx, func(tx *store.Tx) error { return events.AppendAll(ctx, tx, group(g[0], g[1])) }); err != nil {
			t.Fatal(err)
		}
	}
	appendN(t, db, 40, 2)
	bad := group(100, 3)
	bad[1].AggregateID = ""
	if err := db.Transact(ctx, func(tx *store.Tx) error { return events.AppendAll(ctx, tx, bad) }); err == nil {
		t.Fatal("a group with an event without aggregate id was accepted")
	}
	rows, err := db.QueryContext(ctx, `SELECT seq, aggregate_id, payload FROM kernel_outbox ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	i := 0
	for rows.Next() {
		var seq int64
		var id, payload string
		if err := rows.Scan(&seq, &id, &payload); err != nil {
			t.Fatal(err)
		}
		if seq != int64(i+1) || id != fmt.Sprintf("%04d", i) || payload != fmt.Sprintf(`{"i":%d}`, i) {
			t.Errorf("row %d: seq %d, aggregate %s, payload %s", i, seq, id, payload)
		}
		i++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if i != 42 {
		t.Fatalf("%d events stored, want 42", i)
	}
	kerneltest.Eventually(t, 10*time.Second, "42 deliveries", func() bool { return s.count() >= 42 })
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, id := range s.ids {
		if id != fmt.Sprintf("%04d", i) {
			t.Fatalf("delivery %d is %s: out of order", i, id)
		}
	}
}
