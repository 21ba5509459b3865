// Command cloudplan-bench times planning a synthetic portfolio (default:
// 300 servers, 250 applications, as the issue asks) against a floor measured
// in the same run: a plain topological sort of the same dependency graph.
//
//	go run ./bench/cloudplan [-servers 300 -apps 250 -runs 200 -capacity 25]
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/arengo-pa/arengo/internal/cloudplan/plan"
	"github.com/arengo-pa/arengo/internal/cloudplan/synth"
)

func main() {
	servers := flag.Int("servers", 300, "servers in the portfolio")
	apps := flag.Int("apps", 250, "applications in the portfolio")
	runs := flag.Int("runs", 200, "timed runs of each measurement")
	capacity := flag.Int("capacity", 25, "servers per wave")
	seed := flag.Int64("seed", 1, "generator seed")
	flag.Parse()

	p := synth.Generate(*seed, *servers, *apps)
	skills := plan.DefaultSkills()
	opt := plan.Options{Capacity: *capacity, Measure: plan.ByServers}
	var nodes []plan.Node
	edges := 0
	for _, a := range p.Apps {
		nodes = append(nodes, plan.Node{ID: a.ID, Size: a.Servers, Deps: a.DependsOn})
		edges += len(a.DependsOn)
	}

	full := measure(*runs, func() { plan.Build(p.Apps, skills, opt) })
	waves := measure(*runs, func() { plan.PlanWaves(nodes, *capacity) })
	topo := measure(*runs, func() { plan.TopoSort(nodes) })

	result := plan.Build(p.Apps, skills, opt)
	inWaves := 0
	for _, ap := range result.Apps {
		if ap.Wave > 0 {
			inWaves++
		}
	}
	fmt.Printf("portfolio: %d servers, %d applications, %d dependencies; %d applications in %d waves (capacity %d servers), %d cycles\n",
		*servers, *apps, edges, inWaves, len(result.Waves.Waves), *capacity, len(result.Waves.Cycles))
	fmt.Printf("%-44s %12s %12s %8s\n", "measurement (median of runs)", "time", "p95", "× floor")
	row := func(name string, m stats) {
		fmt.Printf("%-44s %12s %12s %8.1f\n", name, m.median, m.p95, float64(m.median)/float64(topo.median))
	}
	row("floor: topological sort of the same graph", topo)
	row("waves: SCC + priority topo order + packing", waves)
	row("whole plan (rules, costs, PNRR, skills, waves)", full)
	if full.median > time.Second {
		fmt.Fprintln(os.Stderr, "planning took more than a second")
		os.Exit(1)
	}
}

type stats struct{ median, p95 time.Duration }

func measure(runs int, f func()) stats {
	f() // warm up
	d := make([]time.Duration, runs)
	for i := range d {
		start := time.Now()
		f()
		d[i] = time.Since(start)
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return stats{median: d[len(d)/2], p95: d[len(d)*95/100]}
}
