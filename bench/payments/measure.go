package main

import (
	"runtime"
	"sync/atomic"
	"time"
)

// result of one measured run.
type result struct {
	items    int
	elapsed  time.Duration
	peakHeap uint64 // highest live heap seen while running, bytes
}

func (r result) perSecond() float64 { return float64(r.items) / r.elapsed.Seconds() }

// measure runs fn after a GC and samples the heap every 10 ms while it runs.
func measure(items int, fn func() error) (result, error) {
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > peak.Load() {
				peak.Store(m.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	start := time.Now()
	err := fn()
	elapsed := time.Since(start)
	close(stop)
	<-done
	return result{items: items, elapsed: elapsed, peakHeap: peak.Load()}, err
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }
