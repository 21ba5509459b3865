package plan

import (
	"fmt"
	"math/rand"
	"reflect"
	"testing"
)

// randomGraph builds n nodes with random dependencies (cycles included,
// self-loops and references to apps outside the plan too).
func randomGraph(r *rand.Rand, n int) []Node {
	nodes := make([]Node, n)
	for i := range nodes {
		nodes[i] = Node{ID: fmt.Sprintf("app-%03d", i), Size: r.Intn(5), Priority: r.Intn(4000)}
		for k := r.Intn(4); k > 0; k-- {
			nodes[i].Deps = append(nodes[i].Deps, fmt.Sprintf("app-%03d", r.Intn(n)))
		}
		if r.Intn(20) == 0 {
			nodes[i].Deps = append(nodes[i].Deps, "retained-app")
		}
	}
	return nodes
}

// reach reports whether to is reachable from from along dependency edges.
func reach(byID map[string]Node, from, to string) bool {
	seen := map[string]bool{from: true}
	stack := []string{from}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if v == to {
			return true
		}
		for _, d := range byID[v].Deps {
			if _, ok := byID[d]; ok && !seen[d] {
				seen[d] = true
				stack = append(stack, d)
			}
		}
	}
	return false
}

func TestWavesPropertiesOnRandomGraphs(t *testing.T) {
	r := rand.New(rand.NewSource(8))
	for iter := 0; iter < 300; iter++ {
		nodes := randomGraph(r, 1+r.Intn(60))
		capacity := r.Intn(12) // 0 = unlimited
		w := PlanWaves(nodes, capacity)
		byID := map[string]Node{}
		for _, n := range nodes {
			byID[n.ID] = n
		}
		// Every node is placed exactly once.
		placed := 0
		for _, wave := range w.Waves {
			placed += len(wave.Apps)
		}
		if placed != len(nodes) || len(w.WaveOf) != len(nodes) {
			t.Fatalf("iter %d: placed %d of %d", iter, placed, len(nodes))
		}
		// No app is in an earlier wave than a dependency, unless both are in
		// the same cycle (then they share the wave).
		for _, n := range nodes {
			for _, d := range n.Deps {
				if _, ok := byID[d]; !ok {
					continue
				}
				wn, wd := w.WaveOf[n.ID], w.WaveOf[d]
				sameCycle := reach(byID, n.ID, d) && reach(byID, d, n.ID)
				if sameCycle && wn != wd {
					t.Fatalf("iter %d: cycle %s/%s split across waves %d and %d", iter, n.ID, d, wn, wd)
				}
				if wn < wd {
					t.Fatalf("iter %d: %s in wave %d before its dependency %s in wave %d", iter, n.ID, wn, d, wd)
				}
			}
		}
		// Capacity holds, except for a single component bigger than it, which
		// sits alone in a flagged wave.
		for _, wave := range w.Waves {
			if capacity <= 0 || wave.Size <= capacity {
				if wave.Oversized {
					t.Fatalf("iter %d: wave %d flagged but fits", iter, wave.Number)
				}
				continue
			}
			if !wave.Oversized {
				t.Fatalf("iter %d: wave %d size %d over capacity %d, not flagged", iter, wave.Number, wave.Size, capacity)
			}
			for _, a := range wave.Apps {
				if !(reach(byID, a, wave.Apps[0]) && reach(byID, wave.Apps[0], a)) {
					t.Fatalf("iter %d: oversized wave %d holds more than one component", iter, wave.Number)
				}
			}
		}
		// Deterministic.
		if again := PlanWaves(nodes, capacity); !reflect.DeepEqual(again, w) {
			t.Fatalf("iter %d: not deterministic", iter)
		}
	}
}

func TestWavesExample(t *testing.T) {
	nodes := []Node{
		{ID: "portale", Size: 2, Deps: []string{"anagrafe", "protocollo"}},
		{ID: "anagrafe", Size: 2, Deps: []string{"ldap"}},
		{ID: "ldap", Size: 1},
		{ID: "protocollo", Size: 2, Deps: []string{"conservazione"}},
		{ID: "conservazione", Size: 1, Deps: []string{"protocollo"}}, // cycle
		{ID: "tributi", Size: 9, Deps: []string{"contabilita"}},
		{ID: "contabilita", Size: 5, Deps: []string{"tributi", "sap-retained"}}, // cycle of 14 > capacity
	}
	w := PlanWaves(nodes, 5)
	// Ready components by smallest member name: the protocol cycle (3), then
	// the oversized accounting cycle alone in wave 2, then ldap fills wave 1;
	// anagrafe no longer fits there and wave 2 is closed, so it opens wave 3.
	want := map[string]int{"conservazione": 1, "protocollo": 1, "ldap": 1, "contabilita": 2, "tributi": 2, "anagrafe": 3, "portale": 3}
	if !reflect.DeepEqual(w.WaveOf, want) {
		t.Fatalf("got %v", w.WaveOf)
	}
	if !w.Waves[1].Oversized || w.Waves[1].Size != 14 || w.Waves[0].Oversized || w.Waves[0].Size != 4 {
		t.Fatalf("waves: %+v", w.Waves)
	}
	if !reflect.DeepEqual(w.Cycles, [][]string{{"conservazione", "protocollo"}, {"contabilita", "tributi"}}) &&
		!reflect.DeepEqual(w.Cycles, [][]string{{"contabilita", "tributi"}, {"conservazione", "protocollo"}}) {
		t.Fatalf("cycles %v", w.Cycles)
	}
	if !reflect.DeepEqual(w.External, map[string][]string{"contabilita": {"sap-retained"}}) {
		t.Fatalf("external %v", w.External)
	}
}

func TestPriorityDecidesAmongReady(t *testing.T) {
	nodes := []Node{{ID: "b", Size: 1, Priority: 4000}, {ID: "a", Size: 1, Priority: 4000}, {ID: "z", Size: 1, Priority: 1000}}
	w := PlanWaves(nodes, 1)
	if !reflect.DeepEqual([]string{w.Waves[0].Apps[0], w.Waves[1].Apps[0], w.Waves[2].Apps[0]}, []string{"z", "a", "b"}) {
		t.Fatalf("%+v", w.Waves)
	}
}

func TestTopoSort(t *testing.T) {
	order, ok := TopoSort([]Node{{ID: "c", Deps: []string{"b"}}, {ID: "b", Deps: []string{"a"}}, {ID: "a"}})
	if !ok || !reflect.DeepEqual(order, []string{"a", "b", "c"}) {
		t.Fatal(order)
	}
	if _, ok := TopoSort([]Node{{ID: "a", Deps: []string{"b"}}, {ID: "b", Deps: []string{"a"}}}); ok {
		t.Fatal("cycle not detected")
	}
}
