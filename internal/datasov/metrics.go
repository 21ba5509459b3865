package datasov

import (
	"context"
	"net/url"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/arengo-pa/arengo/internal/events"
)

type feedMetrics struct {
	delivered *prometheus.CounterVec
	delay     *prometheus.HistogramVec
}

func newFeedMetrics() *feedMetrics {
	return &feedMetrics{
		delivered: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "arengo_feed_events_delivered_total",
			Help: "Events delivered to a change-feed sink by this process."}, []string{"sink"}),
		delay: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "arengo_feed_delivery_delay_seconds",
			Help:    "Time from an event's commit to its delivery to the sink.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300}}, []string{"sink"}),
	}
}

// lagCollector reads each sink's cursor at scrape time, so /metrics shows the lag of the sink even
// when another process holds its lease.
type lagCollector struct {
	bus    *events.Bus
	sinks  []*feedSink
	events *prometheus.Desc
	age    *prometheus.Desc
	failed *prometheus.Desc
}

func newLagCollector(bus *events.Bus, sinks []*feedSink) *lagCollector {
	return &lagCollector{bus: bus, sinks: sinks,
		events: prometheus.NewDesc("arengo_feed_lag_events", "Committed events the sink has not received yet.", []string{"sink"}, nil),
		age: prometheus.NewDesc("arengo_feed_lag_seconds",
			"When the sink is behind: seconds since the commit of the last event it received (0 when caught up).", []string{"sink"}, nil),
		failed: prometheus.NewDesc("arengo_feed_failing", "1 when the last delivery attempt to the sink failed.", []string{"sink"}, nil),
	}
}

func (c *lagCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.events
	ch <- c.age
	ch <- c.failed
}

func (c *lagCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	for _, st := range sinkStates(ctx, c.bus, c.sinks) {
		ch <- prometheus.MustNewConstMetric(c.events, prometheus.GaugeValue, float64(st.Lag), st.Name)
		if st.LagSeconds >= 0 {
			ch <- prometheus.MustNewConstMetric(c.age, prometheus.GaugeValue, st.LagSeconds, st.Name)
		}
		failing := 0.0
		if st.LastError != "" {
			failing = 1
		}
		ch <- prometheus.MustNewConstMetric(c.failed, prometheus.GaugeValue, failing, st.Name)
	}
}

// SinkState is a sink as the admin page and /metrics show it.
type SinkState struct {
	Name, Target, LastError string
	Position, Head, Lag     int64
	LagSeconds              float64 // -1 when unknown
	UpdatedAt               time.Time
	Pseudonymised           []string
	Dropped                 []string
}

func sinkStates(ctx context.Context, bus *events.Bus, sinks []*feedSink) []SinkState {
	states, _ := bus.States(ctx)
	byName := map[string]events.SubscriberState{}
	var head int64
	for _, s := range states {
		byName[s.Name] = s
		head = s.Head
	}
	var out []SinkState
	for _, f := range sinks {
		st := SinkState{Name: f.cfg.Name, Target: f.Describe(), Head: head, Lag: head,
			Pseudonymised: f.cfg.Pseudo.Pseudonymise, Dropped: f.cfg.Pseudo.Drop}
		if s, ok := byName[f.subscriber()]; ok {
			st.Position, st.Lag, st.LastError, st.UpdatedAt = s.Position, s.Lag(), s.LastError, s.UpdatedAt
		}
		if st.Lag > 0 {
			st.LagSeconds = -1 // unknown: this process has delivered nothing to the sink yet
			if last := f.lastDelivered(); !last.IsZero() {
				st.LagSeconds = time.Since(last).Seconds()
			}
		}
		out = append(out, st)
	}
	return out
}

func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(indirizzo non leggibile)"
	}
	if u.User != nil {
		u.User = url.User("xxxxx")
	}
	return u.String()
}
