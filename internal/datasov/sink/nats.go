package sink

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// NATSConfig configures the JetStream sink.
type NATSConfig struct {
	Name   string // sink name
	URL    string // nats://host:4222 (comma separated for a cluster)
	Stream string // default ARENGO
	// SubjectPrefix: events go to <prefix>.<module>.<event>; default "arengo".
	SubjectPrefix string
	// DuplicateWindow is how long the server remembers message ids to drop a repeated publish. It must
	// exceed the longest outage after which a process resumes publishing; default 24h.
	DuplicateWindow time.Duration
	Replicas        int // stream replicas in a cluster; default 1
	Pseudo          Pseudonymisation
	Timeout         time.Duration // per publish, default 10s
}

// NATSSink publishes each event to one JetStream stream with the event id as Nats-Msg-Id, and waits for
// the server's acknowledgement, so an event is stored (once) before the kernel's cursor moves on.
type NATSSink struct {
	cfg NATSConfig
	nc  *nats.Conn
	js  jetstream.JetStream
}

// NewNATS connects and creates or updates the stream.
func NewNATS(ctx context.Context, cfg NATSConfig) (*NATSSink, error) {
	if err := cfg.Pseudo.Validate(); err != nil {
		return nil, err
	}
	if cfg.Stream == "" {
		cfg.Stream = "ARENGO"
	}
	if cfg.SubjectPrefix == "" {
		cfg.SubjectPrefix = "arengo"
	}
	if cfg.DuplicateWindow <= 0 {
		cfg.DuplicateWindow = 24 * time.Hour
	}
	if cfg.Replicas <= 0 {
		cfg.Replicas = 1
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	nc, err := nats.Connect(cfg.URL, nats.Name("arengo-feed-"+cfg.Name), nats.MaxReconnects(-1),
		nats.RetryOnFailedConnect(false))
	if err != nil {
		return nil, fmt.Errorf("NATS %s: %w", cfg.URL, err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, err
	}
	_, err = js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        cfg.Stream,
		Description: "Arengo: flusso delle modifiche",
		Subjects:    []string{cfg.SubjectPrefix + ".>"},
		Storage:     jetstream.FileStorage,
		Retention:   jetstream.LimitsPolicy,
		Duplicates:  cfg.DuplicateWindow,
		Replicas:    cfg.Replicas,
	})
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("NATS stream %s: %w", cfg.Stream, err)
	}
	return &NATSSink{cfg: cfg, nc: nc, js: js}, nil
}

func (s *NATSSink) Name() string { return s.cfg.Name }

// Subject is where an event of the given type is published: arengo.reports.state_changed.
func (s *NATSSink) Subject(eventType string) string {
	return s.cfg.SubjectPrefix + "." + subjectTokens(eventType)
}

func (s *NATSSink) Deliver(ctx context.Context, e Event) error {
	payload, err := s.cfg.Pseudo.Apply(e.Payload)
	if err != nil {
		return fmt.Errorf("evento %s: %w", e.ID, err)
	}
	e.Payload = payload
	data, err := Marshal(e)
	if err != nil {
		return err
	}
	msg := nats.NewMsg(s.Subject(e.Type))
	msg.Data = data
	msg.Header.Set(jetstream.MsgIDHeader, e.ID)
	msg.Header.Set("Arengo-Aggregate", e.AggregateType+":"+e.AggregateID)
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	if _, err := s.js.PublishMsg(ctx, msg); err != nil {
		return fmt.Errorf("NATS publish %s: %w", e.ID, err)
	}
	return nil
}

func (s *NATSSink) Close() error {
	if s.nc == nil {
		return errors.New("sink NATS già chiuso")
	}
	err := s.nc.Drain()
	s.nc = nil
	return err
}

// subjectTokens keeps an event type a valid sequence of subject tokens: no spaces or wildcards,
// no empty tokens.
func subjectTokens(t string) string {
	parts := strings.Split(t, ".")
	for i, p := range parts {
		p = strings.Map(func(r rune) rune {
			if r <= ' ' || r == '*' || r == '>' || r == 0x7f {
				return '_'
			}
			return r
		}, p)
		if p == "" {
			p = "_"
		}
		parts[i] = p
	}
	return strings.Join(parts, ".")
}
