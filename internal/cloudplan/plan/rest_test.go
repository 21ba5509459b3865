package plan

import (
	"strings"
	"testing"
	"time"
)

func TestACNModels(t *testing.T) {
	cases := []struct {
		class Class
		model Model
		warn  string // substring, "" = fits
	}{
		{Ordinario, PubblicoQualificato, ""},
		{Ordinario, PubblicoCriptato, ""},
		{Ordinario, PrivatoQualificato, "più restrittivo"},
		{Ordinario, PubblicoNonQualificato, "non è ammesso"},
		{Critico, PubblicoQualificato, "non è ammesso"},
		{Critico, PubblicoCriptato, ""},
		{Critico, PrivatoIbridoLicenza, ""},
		{Strategico, PubblicoCriptato, "non è ammesso"},
		{Strategico, PrivatoQualificato, ""},
		{"", PubblicoQualificato, "non classificato"},
	}
	for _, c := range cases {
		got := CheckModel(c.class, c.model)
		if (c.warn == "") != (got == "") || !strings.Contains(got, c.warn) {
			t.Errorf("%s/%s: %q, want %q", c.class, c.model, got, c.warn)
		}
	}
}

func TestPriorityLevels(t *testing.T) {
	cases := []struct {
		o, r, e string
		want    int
	}{
		{"Alto", "Alto", "Basso", 1},
		{"Medio", "Basso", "Basso", 2},
		{"Basso", "Medio", "Alto", 3},
		{"Medio", "Medio", "Medio", 4},
		{"", "", "", 4},
	}
	for _, c := range cases {
		if got := PriorityLevel(c.o, c.r, c.e); got != c.want {
			t.Errorf("%v: %d want %d", c, got, c.want)
		}
	}
	// Inside a level: lower risk first, then higher ease.
	a := PriorityKey(2, "Medio", "Basso", "Alto")
	b := PriorityKey(2, "Medio", "Basso", "Basso")
	c := PriorityKey(1, "Alto", "Alto", "Basso")
	if !(c < a && a < b) {
		t.Errorf("order %d %d %d", c, a, b)
	}
	if len(Levels) != 4 || len(Levels[1].Questions) == 0 {
		t.Error("levels")
	}
}

func TestPNRRAdmissibility(t *testing.T) {
	d := func(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t }
	cases := []struct {
		in   PNRRInput
		mode Mode
		why  string
	}{
		{PNRRInput{Class: Ordinario, Strategy: Rehost, Origin: OnPremStrutturato, Target: IaaS}, ModeA, "trasferimento"},
		{PNRRInput{Class: Ordinario, Strategy: Rehost, Origin: OnPremDestrutturato, Target: IaaS}, "", "solo l'on premise strutturato"},
		{PNRRInput{Class: Critico, Strategy: Replatform, Origin: OnPremStrutturato, Target: PaaS}, ModeB, "PaaS"},
		{PNRRInput{Class: Critico, Strategy: Replatform, Origin: IaaSNonQualificato, Target: PaaS}, ModeB, "PaaS"},
		{PNRRInput{Class: Critico, Strategy: Replatform, Origin: IaaSQualificato, Target: PaaS}, "", "solo on premise strutturato e IaaS non qualificato"},
		{PNRRInput{Class: Critico, Strategy: Replatform, Origin: OnPremDestrutturato, Target: PaaS}, "", "non è percorribile"},
		{PNRRInput{Class: Ordinario, Strategy: Repurchase, Origin: OnPremDestrutturato, Target: SaaS}, ModeB, "SaaS"},
		{PNRRInput{Class: Ordinario, Strategy: Repurchase, Origin: PaaSNonQualificato, Target: SaaS}, ModeB, "SaaS"},
		{PNRRInput{Class: Ordinario, Strategy: Repurchase, Origin: PaaSQualificato, Target: SaaS}, "", "non è finanziabile"},
		{PNRRInput{Class: Ordinario, Strategy: Repurchase, Origin: SaaSOrigin, Target: SaaS}, "", "non è finanziabile"},
		{PNRRInput{Class: Ordinario, Strategy: Repurchase, Origin: IaaSQualificato, Target: SaaS, FirstStep: d("2021-03-01")}, ModeB, "primo passo"},
		{PNRRInput{Class: Ordinario, Strategy: Repurchase, Origin: IaaSQualificato, Target: SaaS, FirstStep: d("2019-03-01")}, "", "1° febbraio 2020"},
		{PNRRInput{Class: Ordinario, Strategy: Repurchase, Origin: IaaSQualificato, Target: SaaS}, "", "1° febbraio 2020"},
		{PNRRInput{Strategy: Rehost, Origin: OnPremStrutturato, Target: IaaS}, "", "classificati"},
		{PNRRInput{Class: Ordinario, Strategy: Retire, Origin: OnPremStrutturato, Target: IaaS}, "", "non è finanziabile"},
		{PNRRInput{Class: Ordinario, Strategy: Rehost, Origin: OnPremStrutturato, Target: IaaS, Started: d("2019-12-31")}, "", "prima del 1° febbraio 2020"},
	}
	for i, c := range cases {
		got := Admissible(c.in)
		if got.Mode != c.mode || !strings.Contains(got.Reason, c.why) {
			t.Errorf("case %d: %+v, want %q %q", i, got, c.mode, c.why)
		}
	}
	if ok, why := DeclaredModeOK(ModeA, ModeB); !ok || !strings.Contains(why, "migliorativa") {
		t.Error("A→B must be allowed as improving")
	}
	if ok, _ := DeclaredModeOK(ModeB, ModeA); ok {
		t.Error("B→A must be refused")
	}
}

func TestTCOAndROI(t *testing.T) {
	cloud := int64(60_000_00)
	c := Costs{OnPremYear: 100_000_00, Initial: 50_000_00, CloudYear: &cloud, Termination: 10_000_00, Intangible: 20_000_00}
	got := ComputeTCO(Rehost, c, 5)
	// TCO = 50k + 5×60k + 10k = 360k; benefits = 5×100k + 20k = 520k; ROI = 160/360
	if got.Total != 360_000_00 || got.Benefits != 520_000_00 || !got.ROIKnown || got.Estimated {
		t.Fatalf("%+v", got)
	}
	if r := got.ROI; r < 0.4444 || r > 0.4445 {
		t.Fatalf("ROI %v", r)
	}
	est := ComputeTCO(Replatform, Costs{OnPremYear: 100_000_00}, 5)
	if !est.Estimated || est.Recurring != 5*55_000_00 {
		t.Fatalf("prior: %+v", est)
	}
	if r := ComputeTCO(Retain, Costs{OnPremYear: 100}, 5); r.ROIKnown || r.Total != 500 || r.Benefits != 0 {
		t.Fatalf("retain: %+v", r)
	}
	if r := ComputeTCO(Retire, Costs{OnPremYear: 100, Termination: 50}, 5); r.Total != 50 || r.ROI != 9 {
		t.Fatalf("retire: %+v", r)
	}
	sum := got.Add(ComputeTCO(Retire, Costs{OnPremYear: 100, Termination: 50}, 5))
	if sum.Total != got.Total+50 || sum.Benefits != got.Benefits+500 {
		t.Fatalf("sum %+v", sum)
	}
}

func TestSkillGaps(t *testing.T) {
	skills := DefaultSkills()
	for i := range skills {
		skills[i].Team = 3
	}
	gaps, ready := Gaps(skills, Rearchitect)
	if ready || gaps[0].Skill != "CONTINUOUS INTEGRATION" || gaps[0].Gap != 2 {
		t.Fatalf("%+v", gaps[0])
	}
	if _, ready := Gaps(skills, Repurchase); !ready {
		t.Error("repurchase needs at most 3")
	}
	if gaps, ready := Gaps(skills, Retain); !ready || gaps != nil {
		t.Error("retain needs no skills")
	}
	skills[15].Team = 0
	gaps, _ = Gaps(skills, Retire)
	if gaps[15].Gap != 3 || gaps[0].Gap != 0 {
		t.Errorf("%+v", gaps)
	}
}

func TestTracking(t *testing.T) {
	if StateOfWave([]AppState{StatePlanned, StatePlanned}) != WaveToStart ||
		StateOfWave([]AppState{StateMigrating, StatePlanned}) != WaveInProgress ||
		StateOfWave([]AppState{StateMigrated, StateRetired}) != WaveCompleted {
		t.Error("wave states")
	}
	f := func(v float64) *float64 { return &v }
	cases := []struct {
		k    KPI
		want string
	}{
		{KPI{Name: "tempo di risposta", Actual: f(1)}, "baseline mancante"},
		{KPI{Baseline: f(800)}, "da misurare"},
		{KPI{Baseline: f(800), Target: f(400), Actual: f(350)}, "obiettivo raggiunto"},
		{KPI{Baseline: f(800), Target: f(400), Actual: f(600)}, "migliorato"},
		{KPI{Baseline: f(800), Actual: f(900)}, "peggiorato"},
		{KPI{Baseline: f(99.5), Target: f(99.9), Actual: f(99.95), HigherIsBetter: true}, "obiettivo raggiunto"},
	}
	for _, c := range cases {
		if got := c.k.Status(); got != c.want {
			t.Errorf("%+v: %s want %s", c.k, got, c.want)
		}
	}
}
