package synth

import (
	"reflect"
	"testing"

	"github.com/arengo-pa/arengo/internal/cloudplan/plan"
)

func TestGenerateShape(t *testing.T) {
	p := Generate(1, 300, 250)
	if len(p.Apps) != 250 || len(p.Servers) != 300 {
		t.Fatalf("%d apps, %d servers", len(p.Apps), len(p.Servers))
	}
	ids := map[string]bool{}
	names := map[string]bool{}
	servers := 0
	for _, a := range p.Apps {
		ids[a.ID] = true
		if names[a.Name] {
			t.Fatalf("duplicate name %s", a.Name)
		}
		names[a.Name] = true
		servers += a.Servers
	}
	for _, a := range p.Apps {
		for _, d := range a.DependsOn {
			if !ids[d] {
				t.Fatalf("%s depends on unknown %s", a.ID, d)
			}
		}
	}
	if servers != 300 {
		t.Fatalf("servers linked: %d", servers)
	}
	if !reflect.DeepEqual(Generate(1, 30, 20), Generate(1, 30, 20)) {
		t.Fatal("not deterministic")
	}
	var nodes []plan.Node
	for _, a := range p.Apps {
		nodes = append(nodes, plan.Node{ID: a.ID, Size: a.Servers, Deps: a.DependsOn})
	}
	w := plan.PlanWaves(nodes, 25)
	if len(w.Waves) < 10 || len(w.Cycles) == 0 {
		t.Fatalf("a realistic portfolio has many waves and some cycles: %d waves, %d cycles", len(w.Waves), len(w.Cycles))
	}
	pl := plan.Build(p.Apps, nil, plan.Options{Capacity: 25})
	moving := 0
	for _, ap := range pl.Apps {
		if ap.Wave > 0 {
			moving++
		}
	}
	if moving < 100 {
		t.Fatalf("only %d of 250 applications get a strategy that moves them", moving)
	}
}
