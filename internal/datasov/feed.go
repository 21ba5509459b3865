package datasov

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/arengo-pa/arengo/internal/datasov/sink"
	"github.com/arengo-pa/arengo/internal/events"
)

// feedSink is one configured sink as a durable subscriber of the outbox. It connects lazily: a sink
// that is down at start, or goes down later, makes the handler fail, and the kernel retries with
// backoff from the same cursor, so delivery is delayed, never lost.
type feedSink struct {
	cfg     SinkConfig
	dataDir string
	log     *slog.Logger
	metrics *feedMetrics

	mu           sync.Mutex
	s            sink.Sink
	lastOccurred time.Time // of the last event delivered
}

func (f *feedSink) subscriber() string { return "datasov.feed-" + f.cfg.Name }

// Describe is where the sink writes, without credentials.
func (f *feedSink) Describe() string {
	switch f.cfg.Name {
	case "s3":
		c, _ := sink.ParseS3URL(f.cfg.Target)
		return "s3://" + c.Endpoint + "/" + c.Bucket + "/" + c.Prefix
	case "nats":
		stream := f.cfg.Stream
		if stream == "" {
			stream = "ARENGO"
		}
		return redactURL(f.cfg.Target) + " (stream " + stream + ")"
	}
	return f.cfg.Target
}

func (f *feedSink) handle(ctx context.Context, e events.Event) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.s == nil {
		s, err := f.open(ctx)
		if err != nil {
			return err
		}
		f.s = s
	}
	if err := f.s.Deliver(ctx, sink.Event{ID: e.ID, Type: e.Type, AggregateType: e.AggregateType, AggregateID: e.AggregateID,
		AggregateVersion: e.AggregateVersion, OccurredAt: e.OccurredAt, Payload: e.Payload}); err != nil {
		return err
	}
	f.lastOccurred = e.OccurredAt
	f.metrics.delivered.WithLabelValues(f.cfg.Name).Inc()
	f.metrics.delay.WithLabelValues(f.cfg.Name).Observe(time.Since(e.OccurredAt).Seconds())
	return nil
}

func (f *feedSink) open(ctx context.Context) (sink.Sink, error) {
	switch f.cfg.Name {
	case "nats":
		return sink.NewNATS(ctx, sink.NATSConfig{Name: f.cfg.Name, URL: f.cfg.Target, Stream: f.cfg.Stream, Pseudo: f.cfg.Pseudo})
	case "dir":
		return sink.NewNDJSON(ctx, sink.NDJSONConfig{Name: f.cfg.Name, Spool: filepath.Join(f.cfg.Target, ".spool"),
			Dest: sink.DirDestination{Dir: f.cfg.Target}, MaxBytes: f.cfg.MaxBytes, Pseudo: f.cfg.Pseudo})
	case "s3":
		c, err := sink.ParseS3URL(f.cfg.Target)
		if err != nil {
			return nil, err
		}
		dest, err := sink.NewS3Destination(ctx, c)
		if err != nil {
			return nil, err
		}
		return sink.NewNDJSON(ctx, sink.NDJSONConfig{Name: f.cfg.Name, Spool: filepath.Join(f.dataDir, "datasov", "spool-s3"),
			Dest: dest, MaxBytes: f.cfg.MaxBytes, Pseudo: f.cfg.Pseudo})
	}
	return nil, fmt.Errorf("sink %q sconosciuto", f.cfg.Name)
}

// tick closes NDJSON files whose hour is over and retries handing closed files to the destination.
func (f *feedSink) tick(ctx context.Context) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if nd, ok := f.s.(*sink.NDJSONSink); ok {
		if err := nd.Tick(ctx); err != nil {
			f.log.Warn("feed: rotation", "sink", f.cfg.Name, "err", err)
		}
	}
}

func (f *feedSink) close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.s == nil {
		return nil
	}
	err := f.s.Close()
	f.s = nil
	return err
}

// lastDelivered is the commit time of the last event this process delivered.
func (f *feedSink) lastDelivered() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lastOccurred
}

// runFeed ticks the sinks until ctx ends, then closes them.
func runFeed(ctx context.Context, sinks []*feedSink) error {
	t := time.NewTicker(30 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			var err error
			for _, f := range sinks {
				err = errors.Join(err, f.close())
			}
			return err
		case <-t.C:
			for _, f := range sinks {
				f.tick(ctx)
			}
		}
	}
}
