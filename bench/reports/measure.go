package main

import (
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"time"
)

// stats are the latencies of one measurement.
type stats struct {
	name     string
	ops      int
	elapsed  time.Duration
	p50, p99 time.Duration
	errors   int
}

// loadAvg is the first three fields of /proc/loadavg, or "?" elsewhere.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func (s stats) perSecond() float64 { return float64(s.ops) / s.elapsed.Seconds() }

// profilePrefix, when set, makes every measurement write its own CPU profile.
var profilePrefix string

// profiled runs f under a CPU profile written to <prefix>.<tag>.pprof.
func profiled(tag string, f func()) {
	if profilePrefix == "" {
		f()
		return
	}
	out, err := os.Create(profilePrefix + "." + tag + ".pprof")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		f()
		return
	}
	defer out.Close()
	if err := pprof.StartCPUProfile(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		f()
		return
	}
	defer pprof.StopCPUProfile()
	f()
}

// load runs op from conc goroutines for d and collects latencies; with
// profiling on, tag names the profile.
func load(tag, name string, conc int, d time.Duration, op func(worker, i int) error) stats {
	var s stats
	profiled(tag, func() { s = measure(name, conc, d, op) })
	return s
}

func measure(name string, conc int, d time.Duration, op func(worker, i int) error) stats {
	var mu sync.Mutex
	var lat []time.Duration
	errs := 0
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(d)
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var mine []time.Duration
			bad := 0
			for i := 0; time.Now().Before(deadline); i++ {
				t0 := time.Now()
				if err := op(w, i); err != nil {
					bad++
					if bad == 1 {
						fmt.Printf("  %s: %v\n", name, err)
					}
					continue
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			errs += bad
			mu.Unlock()
		}(w)
	}
	wg.Wait()
	s := stats{name: name, ops: len(lat), elapsed: time.Since(start), errors: errs}
	if len(lat) > 0 {
		slices.Sort(lat)
		s.p50, s.p99 = lat[len(lat)/2], lat[min(len(lat)-1, len(lat)*99/100)]
	}
	return s
}

// result is one engine's figures.
type result struct {
	engine               string
	reports              int
	generate             time.Duration
	pageBytes, pageItems int
	list, listFloor      stats
	listUncached         stats
	listCold             stats
	create, createFloor  stats
	createFloorLean      stats
	nearby               stats
	nearbyFound          float64
	load                 string // /proc/loadavg before and after the measurements
	firstPage            time.Duration
	heapBefore           uint64 // Go heap before and after the first page (which builds the listing index)
	heapAfter            uint64
}

func (r result) print(w io.Writer) {
	fmt.Fprintf(w, "\n## %s — %d reports (generated in %s)\n\n", r.engine, r.reports, r.generate.Round(time.Second))
	fmt.Fprintf(w, "| measurement | ops/s | p50 | p99 | errors |\n|---|---:|---:|---:|---:|\n")
	for _, s := range []stats{r.list, r.listUncached, r.listCold, r.listFloor, r.create, r.createFloor, r.createFloorLean, r.nearby} {
		fmt.Fprintf(w, "| %s | %.0f | %s | %s | %d |\n", s.name, s.perSecond(), s.p50.Round(time.Microsecond), s.p99.Round(time.Microsecond), s.errors)
	}
	fmt.Fprintf(w, "\nLoad average (1, 5, 15 min) %s.\n", r.load)
	fmt.Fprintf(w, "Open311 page: %d requests, %d bytes.\n", r.pageItems, r.pageBytes)
	fmt.Fprintf(w, "First page since the server started (it builds the listing index at start): %s; Go heap %.1f MB before the start, %.1f MB after.\n",
		r.firstPage.Round(time.Millisecond), float64(r.heapBefore)/1e6, float64(r.heapAfter)/1e6)
	fmt.Fprintf(w, "Listing vs pre-encoded floor: %.1f%% as served (page cache), %.1f%% uncached with fragments remembered, %.1f%% uncached and cold (target ≥ 25%%).\n",
		100*r.list.perSecond()/r.listFloor.perSecond(), 100*r.listUncached.perSecond()/r.listFloor.perSecond(),
		100*r.listCold.perSecond()/r.listFloor.perSecond())
	fmt.Fprintf(w, "Creation vs bare INSERT: %.1f%% (target ≥ 30%%); vs the INSERT without the fragment columns: %.1f%%.\n",
		100*r.create.perSecond()/r.createFloor.perSecond(), 100*r.create.perSecond()/r.createFloorLean.perSecond())
	fmt.Fprintf(w, "Nearby lookup p99 %s (target < 10 ms), %.1f candidates found on average.\n", r.nearby.p99.Round(time.Microsecond), r.nearbyFound)
}

// pool merges two measurements of the same thing taken at different times:
// throughput over the whole time, the worse of the two percentiles.
func pool(a, b stats) stats {
	return stats{name: a.name, ops: a.ops + b.ops, elapsed: a.elapsed + b.elapsed,
		p50: max(a.p50, b.p50), p99: max(a.p99, b.p99), errors: a.errors + b.errors}
}
