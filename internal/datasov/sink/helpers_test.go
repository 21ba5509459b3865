package sink

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// clock is a settable time source for rotation by hour.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func testEvents(n int) []Event {
	base := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	events := make([]Event, n)
	for i := range events {
		events[i] = Event{
			ID:               fmt.Sprintf("0193-%06d", i),
			Type:             "reports.state_changed",
			AggregateType:    "report",
			AggregateID:      fmt.Sprintf("r%d", i%7),
			AggregateVersion: int64(i/7 + 1),
			OccurredAt:       base.Add(time.Duration(i) * time.Millisecond),
			Payload:          []byte(fmt.Sprintf(`{"fiscal_code":"RSSMRA80A01H501U","n":%d,"note":"riga %d"}`, i, i)),
		}
	}
	return events
}

func readAll(t *testing.T, d Destination) []Event {
	t.Helper()
	var got []Event
	if err := ReadFeed(context.Background(), d, func(e Event) error { got = append(got, e); return nil }); err != nil {
		t.Fatal(err)
	}
	return got
}

func sameIDs(t *testing.T, got, want []Event) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d events, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].ID != want[i].ID {
			t.Fatalf("event %d: got %s, want %s", i, got[i].ID, want[i].ID)
		}
	}
}
