package datasov_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/datasov/natstest"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/arengo-pa/arengo/internal/datasov"
	"github.com/arengo-pa/arengo/internal/datasov/sink"
	"github.com/arengo-pa/arengo/internal/events"
	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/store"
)

const childEnv = "ARENGO_DATASOV_FEED_CHILD"

// TestFeedSurvivesSIGKILLWhilePublishing commits events, runs the feed in a child process, kills it
// with SIGKILL while it publishes to JetStream, restarts it, kills it again while it writes the
// NDJSON files, restarts it once more, and checks that every event reached both sinks exactly once
// (after the server's and the reader's deduplication), in order per aggregate.
func TestFeedSurvivesSIGKILLWhilePublishing(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		t.Skip("inside the child")
	}
	const n, aggs = 3000, 30
	natsURL := natstest.Start(t)
	dir := t.TempDir()
	dbPath, feedDir := filepath.Join(dir, "arengo.db"), filepath.Join(dir, "feed")
	app := kerneltest.NewWith(t, kerneltest.Options{DB: dbPath, NoRun: true}, datasov.New())
	ids := commitEvents(t, app.Deps.DB, n, aggs)

	child := func() (*exec.Cmd, *bytes.Buffer) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestFeedChild$", "-test.v")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		cmd.Env = append(os.Environ(), childEnv+"=1", "CHILD_DB="+dbPath, "CHILD_NATS="+natsURL, "CHILD_FEED="+feedDir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, &out
	}
	killWhen := func(what string, cond func() bool) {
		cmd, out := child()
		deadline := time.Now().Add(60 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("timed out waiting for %s; child output:\n%s", what, out)
			}
			time.Sleep(2 * time.Millisecond)
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
	}

	killWhen("a third of the events in JetStream", func() bool { return streamMsgs(natsURL) >= n/3 })
	if got := streamMsgs(natsURL); got >= n {
		t.Fatalf("the child published everything (%d) before being killed", got)
	}
	killWhen("a third of the events in the NDJSON sink", func() bool { return feedLines(feedDir) >= n/3 })
	if got := feedLines(feedDir); got >= n {
		t.Fatalf("the child wrote everything (%d) before being killed", got)
	}

	// The last run ends normally (SIGTERM) once both sinks have caught up, closing its file.
	cmd, out := child()
	kerneltest.Eventually(t, 90*time.Second, "both sinks caught up", func() bool {
		return subscriberAt(t, app.Deps.DB, "datasov.feed-nats") == int64(n) && subscriberAt(t, app.Deps.DB, "datasov.feed-dir") == int64(n)
	})
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}

	var published []sink.Event
	if err := sink.ReadStream(context.Background(), natsURL, "ARENGO", func(_ string, e sink.Event) error {
		published = append(published, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	checkExactlyOnceInOrder(t, "JetStream", published, ids)

	var written []sink.Event
	if err := sink.ReadFeed(context.Background(), sink.DirDestination{Dir: feedDir}, func(e sink.Event) error {
		written = append(written, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	checkExactlyOnceInOrder(t, "NDJSON", written, ids)
	t.Logf("NDJSON: %d lines on disk for %d events", feedLines(feedDir), n)
}

// TestFeedChild is the publishing process of the test above.
func TestFeedChild(t *testing.T) {
	if os.Getenv(childEnv) == "" {
		t.Skip("run by TestFeedSurvivesSIGKILLWhilePublishing")
	}
	app := kerneltest.NewWith(t, kerneltest.Options{DB: os.Getenv("CHILD_DB"), NoRun: true, Env: map[string]string{
		"ARENGO_FEED_NATS": os.Getenv("CHILD_NATS"), "ARENGO_FEED_DIR": os.Getenv("CHILD_FEED"), "ARENGO_FEED_MAX_BYTES": "100000",
	}}, datasov.New())
	// A killed process keeps its lease until it expires: a short one keeps the test quick.
	app.Deps.Events.LeaseFor = time.Second
	app.Deps.Events.BatchSize = 100
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := app.App.Run(ctx, ln); err != nil {
		t.Fatal(err)
	}
}

// commitEvents commits n events over aggs aggregates, 100 per transaction, and returns their ids in
// commit order.
func commitEvents(t *testing.T, db *store.DB, n, aggs int) []string {
	ctx := context.Background()
	ids := make([]string, 0, n)
	for start := 0; start < n; start += 100 {
		err := db.Transact(ctx, func(tx *store.Tx) error {
			for i := start; i < min(n, start+100); i++ {
				id := store.NewID()
				if err := events.Append(ctx, tx, events.Event{ID: id, Type: fmt.Sprintf("reports.e%d", i%3), AggregateType: "report",
					AggregateID: fmt.Sprintf("r%03d", i%aggs), AggregateVersion: int64(i/aggs + 1), Data: map[string]int{"n": i}}); err != nil {
					return err
				}
				ids = append(ids, id)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

func checkExactlyOnceInOrder(t *testing.T, sinkName string, got []sink.Event, ids []string) {
	t.Helper()
	seen := map[string]bool{}
	version := map[string]int64{}
	for _, e := range got {
		if seen[e.ID] {
			t.Fatalf("%s: event %s twice", sinkName, e.ID)
		}
		seen[e.ID] = true
		if e.AggregateVersion <= version[e.AggregateID] {
			t.Fatalf("%s: %s version %d after %d", sinkName, e.AggregateID, e.AggregateVersion, version[e.AggregateID])
		}
		version[e.AggregateID] = e.AggregateVersion
	}
	for _, id := range ids {
		if !seen[id] {
			t.Fatalf("%s: event %s lost", sinkName, id)
		}
	}
	if len(got) != len(ids) {
		t.Fatalf("%s: %d events, want %d", sinkName, len(got), len(ids))
	}
}

func streamMsgs(url string) uint64 {
	nc, err := nats.Connect(url)
	if err != nil {
		return 0
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	st, err := js.Stream(ctx, "ARENGO")
	if err != nil {
		return 0
	}
	info, err := st.Info(ctx)
	if err != nil {
		return 0
	}
	return info.State.Msgs
}

// feedLines counts the lines of every feed file, open or closed, duplicates included.
func feedLines(dir string) int {
	var n int
	for _, pattern := range []string{"feed-*.ndjson", ".spool/feed-*"} {
		files, _ := filepath.Glob(filepath.Join(dir, pattern))
		for _, f := range files {
			b, _ := os.ReadFile(f)
			n += strings.Count(string(b), "\n")
		}
	}
	return n
}

func subscriberAt(t *testing.T, db *store.DB, name string) int64 {
	var pos int64
	db.QueryRowContext(context.Background(), `SELECT position FROM kernel_subscriptions WHERE name = $1`, name).Scan(&pos)
	return pos
}
