// Command notify-bench pushes messages through the notification hub to the
// in-process simulators (App IO and SMTP, both channels for every citizen)
// and reports messages per second and peak memory against a floor: the same
// channel calls made directly, without the hub. Then it runs the hub in a
// child process, kills it with SIGKILL mid-run, restarts it, and counts at
// the simulators' journals that every message reached each channel exactly
// once.
//
//	go run ./bench/notify              # 2,000 messages
//	go run ./bench/notify -n 100000    # the size
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"
)

func main() {
	n := flag.Int("n", 2000, "messages to push")
	child := flag.String("child", "", "internal: run the hub on this directory until every message is delivered")
	skipCrash := flag.Bool("skip-crash", false, "only measure throughput")
	onlyCrash := flag.Bool("only-crash", false, "only run the SIGKILL crash run")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the throughput run to this file")
	flag.Parse()
	ctx := context.Background()
	if *child != "" {
		if err := runChild(ctx, *child, *n); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		return
	}
	tmp, err := os.MkdirTemp("", "notify-bench-")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(tmp)
	fmt.Printf("notify bench: %d messages, App IO + e-mail for each citizen (%d deliveries), SQLite\n\n", *n, 2**n)
	if *onlyCrash {
		if err := crashRun(ctx, filepath.Join(tmp, "crash"), *n); err != nil {
			fail(err)
		}
		return
	}
	floor, err := measureFloor(ctx, min(*n, 2000))
	if err != nil {
		fail(err)
	}
	fmt.Printf("floor (direct channel calls, no hub): %8.0f messages/s (IO submit + SMTP send each)\n", floor)
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fail(err)
		}
		pprof.StartCPUProfile(f)
	}
	t0 := time.Now()
	if err := runHub(ctx, filepath.Join(tmp, "throughput"), *n, nil); err != nil {
		fail(err)
	}
	elapsed := time.Since(t0)
	pprof.StopCPUProfile()
	rate := float64(*n) / elapsed.Seconds()
	fmt.Printf("hub (queued in batches of 500, delivered by jobs): %8.0f messages/s  (%.1fs)  = %.2f× floor\n", rate, elapsed.Seconds(), rate/floor)
	fmt.Printf("peak memory (VmHWM): %d MiB\n\n", peakRSS()>>20)
	if *skipCrash {
		return
	}
	if err := crashRun(ctx, filepath.Join(tmp, "crash"), *n); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "notify bench:", err)
	os.Exit(1)
}
