package main

import (
	"runtime"
	"runtime/metrics"
	"syscall"
	"time"
)

// result of one measured run.
type result struct {
	items    int
	elapsed  time.Duration
	peakLive uint64 // highest live heap (as of the last GC) seen while running
	peakHeap uint64 // highest heap in use, garbage included
	cpu      time.Duration
}

// perCPUSecond is the rate per second of CPU the process used (user + system,
// every thread): on a machine shared with other work the wall clock measures
// the neighbours as much as the code.
func (r result) perCPUSecond() float64 { return float64(r.items) / r.cpu.Seconds() }

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func (r result) perSecond() float64 { return float64(r.items) / r.elapsed.Seconds() }

// measure runs fn after a GC and samples the heap every 10 ms while it runs.
// The live heap is what streaming must keep flat; the heap in use also counts
// garbage not yet collected, so it depends on GC pacing.
func measure(items int, fn func() error) (result, error) {
	runtime.GC()
	var res result
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		samples := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(samples)
			res.peakLive = max(res.peakLive, samples[0].Value.Uint64())
			res.peakHeap = max(res.peakHeap, samples[1].Value.Uint64())
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	start, cpu0 := time.Now(), cpuTime()
	err := fn()
	res.elapsed, res.cpu = time.Since(start), cpuTime()-cpu0
	close(stop)
	<-done
	res.items = items
	return res, err
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }
