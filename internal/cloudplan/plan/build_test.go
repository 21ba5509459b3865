package plan

import (
	"strings"
	"testing"

	"github.com/arengo-pa/arengo/internal/cloudplan/kit"
)

func TestBuild(t *testing.T) {
	cloud := int64(1000_00)
	apps := []App{
		{ID: "a", Name: "Anagrafe", Opportunity: "Alto", Class: Critico, Model: PubblicoQualificato, Servers: 2, EffortDays: 10,
			Assessment: &kit.Assessment{Modifiability: "No", Connectivity: "Internet"}, Origin: OnPremStrutturato, Target: IaaS,
			Costs: Costs{OnPremYear: 2000_00, CloudYear: &cloud}},
		{ID: "b", Name: "Portale", Risk: "Basso", Class: Ordinario, DependsOn: []string{"a", "c"}, Servers: 1, EffortDays: 30,
			Assessment: &kit.Assessment{Modifiability: "Completa", Connectivity: "Internet"}, Chosen: Rearchitect, Target: PaaS, Origin: OnPremStrutturato},
		{ID: "c", Name: "Paghe legacy", Assessment: &kit.Assessment{Connectivity: "Rete locale"}, Servers: 3,
			Costs: Costs{OnPremYear: 500_00}},
		{ID: "d", Name: "Non valutato", Servers: 1},
	}
	p := Build(apps, nil, Options{Capacity: 2})
	byID := map[string]AppPlan{}
	for _, ap := range p.Apps {
		byID[ap.App.ID] = ap
	}
	a, b, c, d := byID["a"], byID["b"], byID["c"], byID["d"]
	if a.Level != 1 || a.Strategy != Rehost || !a.Suggested || a.ModelWarn == "" || a.PNRR.Mode != ModeA || a.Wave != 1 {
		t.Errorf("a: %+v", a)
	}
	if b.ChoiceWarn != "" || a.ChoiceWarn != "" {
		t.Errorf("no choice warnings expected: %q %q", a.ChoiceWarn, b.ChoiceWarn)
	}
	apps[0].Chosen = Repurchase // no SaaS alternative in the sheet
	if w := Build(apps, nil, Options{}).Apps[0].ChoiceWarn; !strings.Contains(w, "nessuna alternativa SaaS") {
		t.Errorf("choice against the rules not flagged: %q", w)
	}
	apps[0].Chosen = ""
	if b.Level != 2 || b.Strategy != Rearchitect || b.Suggested || b.PNRR.Mode != ModeB || b.Wave != 2 || b.ModelWarn != "" {
		t.Errorf("b: %+v", b)
	}
	if d := Build([]App{{ID: "x", Class: Ordinario, Origin: OnPremStrutturato, Chosen: Replatform}}, nil, Options{}).Apps[0].PNRR; d.Mode != ModeB || !strings.Contains(d.Reason, "presunta: PaaS") {
		t.Errorf("presumed target: %+v", d)
	}
	if c.Strategy != Retain || c.Wave != 0 {
		t.Errorf("c retained, not in a wave: %+v", c)
	}
	if d.Strategy != "" || d.Wave != 0 || d.Level != 4 {
		t.Errorf("d: %+v", d)
	}
	if got := p.Waves.External["b"]; len(got) != 1 || got[0] != "c" {
		t.Errorf("b depends on the retained c: %v", p.Waves.External)
	}
	// Plan total: a (rehost) + b (rearchitect, estimated), not the retained c.
	if p.Total.Total != a.TCO.Total+b.TCO.Total || !p.Total.Estimated {
		t.Errorf("total %+v", p.Total)
	}
	if len(p.Skills) != 2 || p.Skills[0].Strategy != Rehost || p.Skills[1].Strategy != Rearchitect || p.Skills[0].Ready {
		t.Errorf("skills %+v", p.Skills)
	}
	// Capacity by effort: a (10) and b (30) cannot share a wave of 35.
	p = Build(apps, nil, Options{Capacity: 35, Measure: ByEffort})
	if p.Apps[0].Wave != 1 || p.Apps[1].Wave != 2 {
		t.Errorf("effort waves: %d %d", p.Apps[0].Wave, p.Apps[1].Wave)
	}
}
