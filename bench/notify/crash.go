package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// runChild is the process that gets killed: the hub with short job and
// delivery leases so that, after a restart, what the dead process held is
// taken over within seconds.
func runChild(ctx context.Context, dir string, n int) error {
	lease := 3 * time.Second
	t0 := time.Now()
	if err := runHub(ctx, dir, n, &lease); err != nil {
		return err
	}
	fmt.Printf("  child %d: every delivery left the queue after %.1fs\n", os.Getpid(), time.Since(t0).Seconds())
	return nil
}

func startChild(dir string, n int) (*exec.Cmd, error) {
	cmd := exec.Command(os.Args[0], "-child", dir, "-n", fmt.Sprint(n))
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd, cmd.Start()
}

// crashRun kills the hub three times mid-run, restarts it on the same
// database and journals, and checks every message arrived exactly once per
// channel.
func crashRun(ctx context.Context, dir string, n int) error {
	fmt.Printf("crash run: %d messages; the hub runs in a child process, killed with SIGKILL mid-run\n", n)
	if err := os.MkdirAll(filepath.Join(dir, "sims"), 0o755); err != nil {
		return err
	}
	ioJournal := filepath.Join(dir, "sims", "appio.jsonl")
	seen := &lineCounter{path: ioJournal}
	// Three kills, at a quarter, half and three quarters of the IO messages:
	// each catches the workers wherever they are, some of them between the
	// channel's answer and the commit of "sent".
	for _, frac := range []int{1, 2, 3} {
		cmd, err := startChild(dir, n)
		if err != nil {
			return err
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		killAt := max(n*frac/4, 1)
	wait:
		for {
			select {
			case err := <-exited:
				return fmt.Errorf("the child ended before the kill (%v): use a larger -n", err)
			case <-time.After(2 * time.Millisecond):
			}
			if seen.count() >= killAt {
				if err := cmd.Process.Kill(); err != nil { // SIGKILL on Linux
					return err
				}
				<-exited
				break wait
			}
		}
		fmt.Printf("  killed pid %d with SIGKILL when %d IO messages had reached the simulator\n", cmd.Process.Pid, seen.count())
	}
	t0 := time.Now()
	cmd, err := startChild(dir, n)
	if err != nil {
		return err
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("restarted child: %w", err)
	}
	fmt.Printf("  restarted hub finished the run in %.1fs\n", time.Since(t0).Seconds())
	io, err := count(ioJournal, func(b []byte) (string, bool, error) {
		var e struct {
			Message   struct{ Key string } `json:"message"`
			Duplicate bool                 `json:"duplicate"`
		}
		err := json.Unmarshal(b, &e)
		return e.Message.Key, e.Duplicate, err
	})
	if err != nil {
		return err
	}
	mail, err := count(filepath.Join(dir, "sims", "smtp.jsonl"), func(b []byte) (string, bool, error) {
		var e struct {
			Mail *struct {
				MessageID string `json:"message_id"`
			} `json:"mail"`
			Duplicate bool `json:"duplicate"`
		}
		err := json.Unmarshal(b, &e)
		if e.Mail == nil {
			return "", e.Duplicate, err
		}
		return e.Mail.MessageID, e.Duplicate, err
	})
	if err != nil {
		return err
	}
	ok := report("App IO", io, n, func(i int) string { return key(i) + ":io" }) &&
		report("e-mail", mail, n, func(i int) string { return key(i) + ":email@arengo.notify" })
	if !ok {
		return fmt.Errorf("exactly-once violated")
	}
	fmt.Println("  result: every message delivered exactly once per channel")
	return nil
}

type tally struct {
	accepted map[string]int // key → messages the simulator stored under it
	resubmit map[string]int // key → resubmissions it recognised
}

func count(path string, decode func([]byte) (key string, dup bool, err error)) (tally, error) {
	t := tally{accepted: map[string]int{}, resubmit: map[string]int{}}
	f, err := os.Open(path)
	if err != nil {
		return t, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 4<<20)
	for sc.Scan() {
		k, dup, err := decode(sc.Bytes())
		if err != nil {
			continue // torn last line of the killed process
		}
		if dup {
			t.resubmit[k]++
		} else {
			t.accepted[k]++
		}
	}
	return t, sc.Err()
}

func report(name string, t tally, n int, keyOf func(int) string) bool {
	var missing, twice, resubmitted int
	for i := 0; i < n; i++ {
		switch c := t.accepted[keyOf(i)]; {
		case c == 0:
			missing++
		case c > 1:
			twice++
		}
		if t.resubmit[keyOf(i)] > 0 {
			resubmitted++
		}
	}
	fmt.Printf("  %-7s %d distinct keys expected: %d stored once, %d missing, %d stored twice; %d resubmitted after the crash and recognised by key\n",
		name, n, n-missing-twice, missing, twice, resubmitted)
	return missing == 0 && twice == 0 && len(t.accepted) == n
}

// lineCounter counts the lines of a growing file, reading only what was
// appended since the last call (the journal reaches tens of megabytes).
type lineCounter struct {
	path string
	off  int64
	n    int
}

func (c *lineCounter) count() int {
	f, err := os.Open(c.path)
	if err != nil {
		return c.n
	}
	defer f.Close()
	buf := make([]byte, 1<<16)
	for {
		k, err := f.ReadAt(buf, c.off)
		c.n += bytes.Count(buf[:k], []byte{'\n'})
		c.off += int64(k)
		if err != nil || k == 0 {
			return c.n
		}
	}
}
