// Package sink delivers the change feed (the kernel's committed outbox events) to places the comune
// owns: a NATS JetStream stream and append-only NDJSON files in a directory or an S3-compatible bucket.
package sink

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Event is one committed change as it leaves Arengo. It mirrors the kernel's outbox event but is
// declared here so that the sinks and the files they write do not depend on the kernel.
type Event struct {
	ID               string          `json:"id"`
	Type             string          `json:"type"` // "<module>.<event>"
	AggregateType    string          `json:"aggregate_type"`
	AggregateID      string          `json:"aggregate_id"`
	AggregateVersion int64           `json:"aggregate_version"`
	OccurredAt       time.Time       `json:"occurred_at"`
	Payload          json.RawMessage `json:"payload"`
}

// Sink is one destination of the feed. Deliver must be idempotent on Event.ID: the kernel delivers at
// least once, and after a crash the last events come again.
type Sink interface {
	Name() string
	Deliver(ctx context.Context, e Event) error
	Close() error
}

// line is the wire form of an event: fields in a fixed order, time in RFC 3339 UTC, one line.
type line struct {
	AggregateID      string          `json:"aggregate_id"`
	AggregateType    string          `json:"aggregate_type"`
	AggregateVersion int64           `json:"aggregate_version"`
	ID               string          `json:"id"`
	OccurredAt       string          `json:"occurred_at"`
	Payload          json.RawMessage `json:"payload"`
	Type             string          `json:"type"`
}

// Marshal encodes the event as one JSON line (without the trailing newline), keys sorted.
func Marshal(e Event) ([]byte, error) {
	payload := e.Payload
	if len(bytes.TrimSpace(payload)) == 0 {
		payload = json.RawMessage("null")
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(line{
		AggregateID:      e.AggregateID,
		AggregateType:    e.AggregateType,
		AggregateVersion: e.AggregateVersion,
		ID:               e.ID,
		OccurredAt:       e.OccurredAt.UTC().Format(time.RFC3339Nano),
		Payload:          payload,
		Type:             e.Type,
	})
	if err != nil {
		return nil, fmt.Errorf("evento %s: %w", e.ID, err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Unmarshal decodes one line written by Marshal.
func Unmarshal(b []byte) (Event, error) {
	var l line
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		return Event{}, err
	}
	if l.ID == "" || l.Type == "" {
		return Event{}, fmt.Errorf("evento senza id o tipo")
	}
	t, err := time.Parse(time.RFC3339Nano, l.OccurredAt)
	if err != nil {
		return Event{}, fmt.Errorf("occurred_at: %w", err)
	}
	return Event{ID: l.ID, Type: l.Type, AggregateType: l.AggregateType, AggregateID: l.AggregateID,
		AggregateVersion: l.AggregateVersion, OccurredAt: t, Payload: l.Payload}, nil
}
