package events_test

import (
	"context"
	"testing"

	"github.com/arengo-pa/arengo/internal/events"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/store"
)

func TestHeadAndAfter(t *testing.T) {
	app := kerneltest.NewWith(t, kerneltest.Options{NoRun: true}, subModule{init: func(*kernel.Deps) {}})
	db, ctx := app.Deps.DB, context.Background()
	start, err := events.Head(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	add := func(typ, id string) {
		t.Helper()
		if err := db.Transact(ctx, func(tx *store.Tx) error {
			return events.Append(ctx, tx, events.Event{Type: typ, AggregateType: "thing", AggregateID: id, AggregateVersion: 1})
		}); err != nil {
			t.Fatal(err)
		}
	}
	add("evtest.a", "1")
	add("other.b", "2")
	add("evtest.c", "3")
	// "_" and "%" in a prefix are literal, not LIKE wildcards.
	add("evtestX.d", "4")
	add("ev%.e", "5")
	// Outside the transaction nothing is appended.
	_ = db.Transact(ctx, func(tx *store.Tx) error {
		_ = events.Append(ctx, tx, events.Event{Type: "evtest.rolled", AggregateType: "thing", AggregateID: "6", AggregateVersion: 1})
		return context.Canceled
	})
	head, err := events.Head(ctx, db)
	if err != nil || head != start+5 {
		t.Fatalf("head %d (from %d), %v", head, start, err)
	}
	ids := func(after int64, prefix string, limit int) (out []string) {
		t.Helper()
		evs, err := events.After(ctx, db, after, prefix, limit)
		if err != nil {
			t.Fatal(err)
		}
		last := after
		for _, e := range evs {
			if e.Seq <= last {
				t.Fatalf("seq %d after %d", e.Seq, last)
			}
			last = e.Seq
			out = append(out, e.AggregateID)
		}
		return out
	}
	for _, c := range []struct {
		after  int64
		prefix string
		limit  int
		want   string
	}{
		{start, "evtest.", 10, "1,3"},
		{start, "evtest.", 1, "1"},
		{start + 1, "evtest.", 10, "3"},
		{start, "", 10, "1,2,3,4,5"},
		{start, "ev%.", 10, "5"},
		{start, "evtest_", 10, ""},
		{head, "", 10, ""},
	} {
		got := ids(c.after, c.prefix, c.limit)
		s := ""
		for i, id := range got {
			if i > 0 {
				s += ","
			}
			s += id
		}
		if s != c.want {
			t.Errorf("After(%d, %q, %d) = %q, want %q", c.after-start, c.prefix, c.limit, s, c.want)
		}
	}
}
