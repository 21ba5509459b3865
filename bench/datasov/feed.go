package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/arengo-pa/arengo/internal/datasov/sink"
	"github.com/arengo-pa/arengo/internal/events"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/store"
)

// benchFeed measures events/s from the outbox to JetStream (a committed backlog drained by the
// durable subscriber) against bare synchronous publishes of the same messages, and the delay from
// commit to publish while events are committed one by one.
func benchFeed(ctx context.Context, tmp string, n int) error {
	srv, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, JetStream: true,
		StoreDir: filepath.Join(tmp, "nats"), NoLog: true, NoSigs: true})
	if err != nil {
		return err
	}
	go srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		return fmt.Errorf("NATS did not start")
	}
	defer srv.Shutdown()
	url := srv.ClientURL()

	floor, err := barePublish(ctx, url, n)
	if err != nil {
		return err
	}

	db, err := store.Open(ctx, filepath.Join(tmp, "feed.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx, []store.Migrations{kernel.Migrations}); err != nil {
		return err
	}
	s, err := sink.NewNATS(ctx, sink.NATSConfig{Name: "nats", URL: url})
	if err != nil {
		return err
	}
	defer s.Close()

	var mu sync.Mutex
	var delays []time.Duration
	handled, target := 0, n
	done := make(chan struct{})
	measure := false
	bus := events.NewBus(db, slog.New(slog.NewTextHandler(io.Discard, nil)), "bench")
	bus.Subscribe("datasov.feed-nats", nil, func(ctx context.Context, e events.Event) error {
		if err := s.Deliver(ctx, sink.Event{ID: e.ID, Type: e.Type, AggregateType: e.AggregateType, AggregateID: e.AggregateID,
			AggregateVersion: e.AggregateVersion, OccurredAt: e.OccurredAt, Payload: e.Payload}); err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		if measure {
			delays = append(delays, time.Since(e.OccurredAt))
		}
		handled++
		if handled == target {
			close(done)
		}
		return nil
	})

	// Throughput: a committed backlog of n events, drained by the subscriber.
	if err := commit(ctx, db, 0, n, 500); err != nil {
		return err
	}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	t0 := time.Now()
	go bus.Run(runCtx)
	<-done
	drain := time.Since(t0)

	// Delay: events committed one per transaction while the subscriber runs.
	latencyN := min(n, 2000)
	mu.Lock()
	handled, target, measure, done = 0, latencyN, true, make(chan struct{})
	mu.Unlock()
	for i := 0; i < latencyN; i++ {
		if err := commit(ctx, db, n+i, 1, 1); err != nil {
			return err
		}
		time.Sleep(time.Millisecond)
	}
	<-done
	sort.Slice(delays, func(i, j int) bool { return delays[i] < delays[j] })
	p := func(q float64) time.Duration { return delays[int(q*float64(len(delays)-1))] }

	fmt.Printf("## Change feed to JetStream (in-process nats-server, file storage)\n\n")
	fmt.Println("| measure | value | floor | ratio |")
	fmt.Println("|---|---:|---:|---:|")
	rate := float64(n) / drain.Seconds()
	fmt.Printf("| outbox → JetStream, %d events | %.0f events/s | %.0f publishes/s (bare, acked) | %.0f%% |\n", n, rate, floor, 100*rate/floor)
	fmt.Printf("| commit → publish delay, %d single commits | p50 %s, p99 %s | | |\n\n", len(delays), p(0.5).Round(10*time.Microsecond), p(0.99).Round(10*time.Microsecond))
	return nil
}

// commit appends count events starting at number first, perTx per transaction.
func commit(ctx context.Context, db *store.DB, first, count, perTx int) error {
	for start := first; start < first+count; start += perTx {
		err := db.Transact(ctx, func(tx *store.Tx) error {
			for i := start; i < min(first+count, start+perTx); i++ {
				if err := events.Append(ctx, tx, events.Event{Type: "reports.state_changed", AggregateType: "report",
					AggregateID: fmt.Sprintf("r%04d", i%1000), AggregateVersion: int64(i/1000 + 1),
					Data: map[string]any{"number": i, "state": "in_lavorazione", "note": "Buca in via Roma"}}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// barePublish is the feed's floor: the same number of acknowledged publishes with message ids,
// no database and no encoding.
func barePublish(ctx context.Context, url string, n int) (float64, error) {
	nc, err := nats.Connect(url)
	if err != nil {
		return 0, err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return 0, err
	}
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "FLOOR", Subjects: []string{"floor.>"}, Storage: jetstream.FileStorage,
		Duplicates: 24 * time.Hour}); err != nil {
		return 0, err
	}
	data := []byte(`{"aggregate_id":"r0001","aggregate_type":"report","aggregate_version":1,"id":"x","occurred_at":"2026-01-01T00:00:00Z","payload":{"note":"Buca in via Roma","number":1,"state":"in_lavorazione"},"type":"reports.state_changed"}`)
	t0 := time.Now()
	for i := 0; i < n; i++ {
		if _, err := js.Publish(ctx, "floor.reports.state_changed", data, jetstream.WithMsgID(fmt.Sprint(i))); err != nil {
			return 0, err
		}
	}
	return float64(n) / time.Since(t0).Seconds(), nil
}
