package jobs_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/jobs"
	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
)

// On shutdown a job that finishes within the drain time completes; one that
// does not is handed back (queued, its attempt not spent) for another
// process to take at once.
func TestShutdownDrainsOrReleases(t *testing.T) {
	app := kerneltest.NewWith(t, kerneltest.Options{NoRun: true})
	db := app.Deps.DB
	q := jobs.New(db, slog.New(slog.DiscardHandler), "proc-1")
	q.PollInterval = 20 * time.Millisecond
	started := make(chan string, 2)
	q.Register("t.quick", func(ctx context.Context, j *jobs.Job) error {
		started <- j.ID
		time.Sleep(150 * time.Millisecond)
		return nil
	})
	q.Register("t.slow", func(ctx context.Context, j *jobs.Job) error {
		started <- j.ID
		<-ctx.Done()
		return ctx.Err()
	})
	ctx := context.Background()
	quick, _ := q.Enqueue(ctx, nil, "t.quick", nil, jobs.Opts{})
	slow, _ := q.Enqueue(ctx, nil, "t.slow", nil, jobs.Opts{})
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { q.Run(runCtx, 400*time.Millisecond); close(done) }()
	<-started
	<-started
	stop()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after the drain time")
	}
	if st, _ := q.Get(ctx, quick); st.Status != jobs.Done {
		t.Errorf("quick job %s after shutdown, want done", st.Status)
	}
	st, _ := q.Get(ctx, slow)
	if st.Status != jobs.Queued || st.Attempts != 0 {
		t.Errorf("slow job %s with %d attempts after shutdown, want queued with 0", st.Status, st.Attempts)
	}
}
