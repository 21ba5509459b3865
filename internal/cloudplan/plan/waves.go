package plan

import (
	"container/heap"
	"sort"
)

// Node is an application as the wave planner sees it: its size in the
// capacity measure (servers or effort days), what it depends on, and its
// priority key (smaller moves earlier when dependencies allow).
type Node struct {
	ID       string
	Size     int
	Deps     []string
	Priority int
}

// Wave is a batch of applications that move together.
type Wave struct {
	Number    int      // 1-based
	Apps      []string // node IDs in planning order
	Size      int
	Oversized bool // a single dependency cycle bigger than the capacity
}

// Waves is the result of PlanWaves.
type Waves struct {
	Waves  []Wave
	WaveOf map[string]int // node ID → wave number
	// Cycles lists strongly connected components with more than one
	// application: they must move together.
	Cycles [][]string
	// External are dependencies on applications outside the plan (retained
	// or unknown): the move leaves a hybrid link to check.
	External map[string][]string
}

// PlanWaves groups nodes into waves so that every node is in the same wave
// as, or a later one than, each of its dependencies; strongly connected
// components (dependency cycles) are never split. Components are taken in
// topological order, most urgent first among those ready, and placed first-fit
// into the earliest wave after their dependencies that still has room.
// capacity <= 0 means unlimited. A component bigger than the capacity gets
// a wave of its own, flagged Oversized.
func PlanWaves(nodes []Node, capacity int) Waves {
	g := newGraph(nodes)
	comp, comps := g.scc()
	out := Waves{WaveOf: make(map[string]int, len(nodes)), External: g.external}

	// Condensed DAG: an edge dep → dependent between components.
	nc := len(comps)
	succ := make([][]int, nc)
	indeg := make([]int, nc)
	size := make([]int, nc)
	prio := make([]int, nc)
	for c, members := range comps {
		prio[c] = int(^uint(0) >> 1)
		for _, v := range members {
			size[c] += max(0, g.nodes[v].Size)
			prio[c] = min(prio[c], g.nodes[v].Priority)
		}
		if len(members) > 1 {
			ids := make([]string, len(members))
			for i, v := range members {
				ids[i] = g.nodes[v].ID
			}
			sort.Strings(ids)
			out.Cycles = append(out.Cycles, ids)
		}
	}
	seen := make(map[[2]int]bool)
	for v, deps := range g.deps {
		for _, d := range deps {
			a, b := comp[d], comp[v]
			if a != b && !seen[[2]int{a, b}] {
				seen[[2]int{a, b}] = true
				succ[a] = append(succ[a], b)
				indeg[b]++
			}
		}
	}

	ready := &compHeap{prio: prio, first: make([]string, nc)}
	for c, members := range comps {
		ready.first[c] = g.nodes[members[0]].ID
		for _, v := range members {
			if g.nodes[v].ID < ready.first[c] {
				ready.first[c] = g.nodes[v].ID
			}
		}
		if indeg[c] == 0 {
			ready.items = append(ready.items, c)
		}
	}
	heap.Init(ready)

	waveOfComp := make([]int, nc) // 0-based wave index
	closed := []bool{}
	for ready.Len() > 0 {
		c := heap.Pop(ready).(int)
		minWave := 0
		for _, v := range comps[c] {
			for _, d := range g.deps[v] {
				if comp[d] != c {
					minWave = max(minWave, waveOfComp[comp[d]])
				}
			}
		}
		w := -1
		if capacity > 0 && size[c] > capacity {
			out.Waves = append(out.Waves, Wave{Oversized: true})
			closed = append(closed, true)
			w = len(out.Waves) - 1
		} else {
			for i := minWave; i < len(out.Waves); i++ {
				if !closed[i] && (capacity <= 0 || out.Waves[i].Size+size[c] <= capacity) {
					w = i
					break
				}
			}
			if w < 0 {
				out.Waves = append(out.Waves, Wave{})
				closed = append(closed, false)
				w = len(out.Waves) - 1
			}
		}
		waveOfComp[c] = w
		members := append([]int(nil), comps[c]...)
		sort.Slice(members, func(i, j int) bool { return g.nodes[members[i]].ID < g.nodes[members[j]].ID })
		for _, v := range members {
			out.Waves[w].Apps = append(out.Waves[w].Apps, g.nodes[v].ID)
			out.WaveOf[g.nodes[v].ID] = w + 1
		}
		out.Waves[w].Size += size[c]
		for _, s := range succ[c] {
			if indeg[s]--; indeg[s] == 0 {
				heap.Push(ready, s)
			}
		}
	}
	for i := range out.Waves {
		out.Waves[i].Number = i + 1
	}
	return out
}

// graph indexes nodes; deps[v] holds indices of v's in-plan dependencies.
type graph struct {
	nodes    []Node
	deps     [][]int
	external map[string][]string
}

func newGraph(nodes []Node) *graph {
	g := &graph{nodes: nodes, deps: make([][]int, len(nodes)), external: map[string][]string{}}
	idx := make(map[string]int, len(nodes))
	for i, n := range nodes {
		idx[n.ID] = i
	}
	for i, n := range nodes {
		for _, d := range n.Deps {
			j, ok := idx[d]
			switch {
			case !ok:
				g.external[n.ID] = append(g.external[n.ID], d)
			case j != i:
				g.deps[i] = append(g.deps[i], j)
			}
		}
	}
	return g
}

// scc is Tarjan's algorithm without recursion (deep dependency chains must
// not grow the goroutine stack). Edges go from a node to its dependencies.
func (g *graph) scc() (comp []int, comps [][]int) {
	n := len(g.nodes)
	index := make([]int, n)
	low := make([]int, n)
	onStack := make([]bool, n)
	comp = make([]int, n)
	for i := range index {
		index[i] = -1
	}
	var stack []int
	next := 0
	type frame struct{ v, edge int }
	for root := 0; root < n; root++ {
		if index[root] >= 0 {
			continue
		}
		call := []frame{{root, 0}}
		index[root], low[root] = next, next
		next++
		stack = append(stack, root)
		onStack[root] = true
		for len(call) > 0 {
			top := &call[len(call)-1]
			v := top.v
			if top.edge < len(g.deps[v]) {
				w := g.deps[v][top.edge]
				top.edge++
				if index[w] < 0 {
					index[w], low[w] = next, next
					next++
					stack = append(stack, w)
					onStack[w] = true
					call = append(call, frame{w, 0})
				} else if onStack[w] {
					low[v] = min(low[v], index[w])
				}
				continue
			}
			if low[v] == index[v] {
				var members []int
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[w] = false
					comp[w] = len(comps)
					members = append(members, w)
					if w == v {
						break
					}
				}
				comps = append(comps, members)
			}
			call = call[:len(call)-1]
			if len(call) > 0 {
				u := call[len(call)-1].v
				low[u] = min(low[u], low[v])
			}
		}
	}
	return comp, comps
}

// compHeap pops ready components by priority, then by smallest member ID,
// so plans are deterministic.
type compHeap struct {
	items []int
	prio  []int
	first []string
}

func (h *compHeap) Len() int { return len(h.items) }
func (h *compHeap) Less(i, j int) bool {
	a, b := h.items[i], h.items[j]
	if h.prio[a] != h.prio[b] {
		return h.prio[a] < h.prio[b]
	}
	return h.first[a] < h.first[b]
}
func (h *compHeap) Swap(i, j int) { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *compHeap) Push(x any)    { h.items = append(h.items, x.(int)) }
func (h *compHeap) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}

// TopoSort is a plain Kahn topological sort of the dependency graph
// (dependencies first). It is the benchmark's floor; ok is false when a
// cycle leaves nodes out.
func TopoSort(nodes []Node) (order []string, ok bool) {
	g := newGraph(nodes)
	indeg := make([]int, len(nodes))
	dependents := make([][]int, len(nodes))
	for v, deps := range g.deps {
		for _, d := range deps {
			dependents[d] = append(dependents[d], v)
			indeg[v]++
		}
	}
	queue := make([]int, 0, len(nodes))
	for v := range nodes {
		if indeg[v] == 0 {
			queue = append(queue, v)
		}
	}
	for i := 0; i < len(queue); i++ {
		v := queue[i]
		order = append(order, nodes[v].ID)
		for _, w := range dependents[v] {
			if indeg[w]--; indeg[w] == 0 {
				queue = append(queue, w)
			}
		}
	}
	return order, len(order) == len(nodes)
}
