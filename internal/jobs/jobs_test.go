package jobs_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/jobs"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/store"
)

// jobModule registers its job kinds like a real module would.
type jobModule struct {
	init func(d *kernel.Deps) error
}

func (m jobModule) Name() string                 { return "jobtest" }
func (m jobModule) Migrations() store.Migrations { return store.Migrations{Module: "jobtest"} }
func (m jobModule) Init(d *kernel.Deps) error    { return m.init(d) }

type runLog struct {
	mu   sync.Mutex
	runs map[string]int
}

func (l *runLog) add(id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.runs[id]++
}

func (l *runLog) snapshot() map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string]int{}
	for k, v := range l.runs {
		out[k] = v
	}
	return out
}

// Two servers on one database run the same schedule: every occurrence runs
// exactly once.
func TestScheduledJobRunsOnceAcrossTwoServers(t *testing.T) {
	log := &runLog{runs: map[string]int{}}
	mod := func(name string) jobModule {
		return jobModule{init: func(d *kernel.Deps) error {
			d.Jobs.PollInterval = 50 * time.Millisecond
			d.Jobs.Register("jobtest.tick", func(ctx context.Context, j *jobs.Job) error {
				log.add(j.ID)
				time.Sleep(20 * time.Millisecond)
				return nil
			})
			return d.Jobs.Schedule("jobtest.tick", "@every 1s", "jobtest.tick", map[string]string{"from": name})
		}}
	}
	dsn := kerneltest.FreshDB(t)
	a := kerneltest.NewWith(t, kerneltest.Options{DB: dsn}, mod("a"))
	kerneltest.NewWith(t, kerneltest.Options{DB: dsn}, mod("b"))
	time.Sleep(3500 * time.Millisecond)
	runs := log.snapshot()
	if len(runs) < 2 {
		t.Fatalf("only %d occurrences ran in 3.5s", len(runs))
	}
	for id, n := range runs {
		if n != 1 {
			t.Errorf("job %s ran %d times", id, n)
		}
	}
	var done int
	a.Deps.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM kernel_jobs WHERE kind = 'jobtest.tick' AND status = 'done'`).Scan(&done)
	if done < len(runs)-1 {
		t.Errorf("%d jobs done in the table, %d ran", done, len(runs))
	}
}

func TestRetryWithBackoffThenFail(t *testing.T) {
	var mu sync.Mutex
	attempts := 0
	app := kerneltest.New(t, jobModule{init: func(d *kernel.Deps) error {
		d.Jobs.PollInterval = 50 * time.Millisecond
		d.Jobs.Register("jobtest.flaky", func(ctx context.Context, j *jobs.Job) error {
			mu.Lock()
			attempts++
			mu.Unlock()
			return errors.New("still broken")
		}, jobs.MaxAttempts(2))
		return nil
	}})
	ctx := context.Background()
	id, err := app.Deps.Jobs.Enqueue(ctx, nil, "jobtest.flaky", nil, jobs.Opts{})
	if err != nil {
		t.Fatal(err)
	}
	kerneltest.Eventually(t, 5*time.Second, "first attempt", func() bool {
		st, _ := app.Deps.Jobs.Get(ctx, id)
		return st.Attempts == 1 && st.Status == jobs.Queued
	})
	st, _ := app.Deps.Jobs.Get(ctx, id)
	if wait := st.RunAt.Sub(st.UpdatedAt); wait < time.Second {
		t.Fatalf("retry scheduled %s after failure, want a backoff of at least 1s", wait)
	}
	if st.LastError != "still broken" {
		t.Fatalf("last error %q", st.LastError)
	}
	// Make the retry due now instead of waiting for the backoff.
	app.Deps.DB.Writer().ExecContext(ctx, `UPDATE kernel_jobs SET run_at = $1 WHERE id = $2`, store.Now(), id)
	kerneltest.Eventually(t, 5*time.Second, "job marked failed", func() bool {
		st, _ := app.Deps.Jobs.Get(ctx, id)
		return st.Status == jobs.Failed
	})
	mu.Lock()
	defer mu.Unlock()
	if attempts != 2 {
		t.Fatalf("%d attempts, want 2", attempts)
	}
}

func TestUniqueKeyAndProgress(t *testing.T) {
	release := make(chan struct{})
	app := kerneltest.New(t, jobModule{init: func(d *kernel.Deps) error {
		d.Jobs.PollInterval = 50 * time.Millisecond
		d.Jobs.Register("jobtest.long", func(ctx context.Context, j *jobs.Job) error {
			if err := j.Progress(ctx, 5, 10, "metà"); err != nil {
				return err
			}
			<-release
			return nil
		})
		return nil
	}})
	ctx := context.Background()
	id1, err := app.Deps.Jobs.Enqueue(ctx, nil, "jobtest.long", nil, jobs.Opts{UniqueKey: "import:file-1"})
	if err != nil {
		t.Fatal(err)
	}
	id2, err := app.Deps.Jobs.Enqueue(ctx, nil, "jobtest.long", nil, jobs.Opts{UniqueKey: "import:file-1"})
	if err != nil || id1 != id2 {
		t.Fatalf("second enqueue with the same key: id %s vs %s, err %v", id2, id1, err)
	}
	kerneltest.Eventually(t, 5*time.Second, "progress at 50%", func() bool {
		st, _ := app.Deps.Jobs.Get(ctx, id1)
		return st.Percent() == 50 && st.ProgressMessage == "metà"
	})
	close(release)
	kerneltest.Eventually(t, 5*time.Second, "job done", func() bool {
		st, _ := app.Deps.Jobs.Get(ctx, id1)
		return st.Status == jobs.Done && st.Percent() == 100
	})
}
