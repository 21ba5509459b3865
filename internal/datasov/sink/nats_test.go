package sink

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/datasov/natstest"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

func testNATSSink(t *testing.T, url, stream string) {
	ctx := context.Background()
	s, err := NewNATS(ctx, NATSConfig{Name: "nats", URL: url, Stream: stream, SubjectPrefix: strings.ToLower(stream),
		Pseudo: Pseudonymisation{Drop: []string{"fiscal_code"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	events := testEvents(40)
	events[3].Type = "payments.paid"
	for _, e := range events[:30] {
		if err := s.Deliver(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	// A restarted process publishes again the events after its last saved cursor.
	for _, e := range events[20:] {
		if err := s.Deliver(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	var got []Event
	err = ReadStream(ctx, url, stream, func(subject string, e Event) error {
		if want := strings.ToLower(stream) + "." + e.Type; subject != want {
			t.Errorf("event %s on subject %s, want %s", e.ID, subject, want)
		}
		if strings.Contains(string(e.Payload), "fiscal_code") {
			t.Errorf("fiscal code published: %s", e.Payload)
		}
		got = append(got, e)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sameIDs(t, got, events)
}

func TestNATSSinkPublishesEachEventOnce(t *testing.T) {
	testNATSSink(t, natstest.Start(t), "ARENGO")
}

// TestNATSSinkRealServer runs against the NATS server CI machines run on 127.0.0.1:4222
// (ARENGO_TEST_NATS=nats://127.0.0.1:4222), on a stream of its own that it deletes afterwards.
func TestNATSSinkRealServer(t *testing.T) {
	url := os.Getenv("ARENGO_TEST_NATS")
	if url == "" {
		t.Skip("ARENGO_TEST_NATS not set")
	}
	stream := "ARENGOTEST" + strings.ToUpper(strings.ReplaceAll(time.Now().Format("150405.000000"), ".", ""))
	t.Cleanup(func() { deleteStream(t, url, stream) })
	testNATSSink(t, url, stream)
}

func TestSubjectTokens(t *testing.T) {
	for in, want := range map[string]string{
		"reports.state_changed": "reports.state_changed",
		"a b.*.>":               "a_b._._",
		"x..y":                  "x._.y",
	} {
		if got := subjectTokens(in); got != want {
			t.Errorf("%q: got %q want %q", in, got, want)
		}
	}
}

func deleteStream(t *testing.T, url, stream string) {
	nc, err := nats.Connect(url)
	if err != nil {
		t.Log(err)
		return
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	if err := js.DeleteStream(context.Background(), stream); err != nil {
		t.Log(err)
	}
}
