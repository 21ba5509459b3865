package plan

import (
	"strings"
	"testing"

	"github.com/arengo-pa/arengo/internal/cloudplan/kit"
)

func n(v int64) *int64 { return &v }

func suggestion(t *testing.T, ss []Suggestion, s Strategy) Suggestion {
	t.Helper()
	for _, x := range ss {
		if x.Strategy == s {
			return x
		}
	}
	t.Fatalf("no suggestion for %s", s)
	return Suggestion{}
}

func hasReason(s Suggestion, part string) bool {
	for _, r := range append(append([]string{}, s.Reasons...), s.Missing...) {
		if strings.Contains(r, part) {
			return true
		}
	}
	return false
}

// Each case flips the facts around one strategy's required predicates and
// checks the verdict and that the reason names the predicate.
func TestStrategyRules(t *testing.T) {
	cases := []struct {
		name       string
		strategy   Strategy
		facts      Facts
		applicable bool
		reason     string
	}{
		{"retain: local network, no SaaS", Retain, Facts{Connectivity: "Rete locale"}, true, "rete locale"},
		{"retain: internet is enough", Retain, Facts{Connectivity: "Internet"}, false, "«Rete locale»"},
		{"retain: a SaaS exists", Retain, Facts{Connectivity: "Rete locale", SaaSAlternatives: []string{"X"}}, false, "alternative SaaS"},
		{"retire: no writes, lifecycle over", Retire, Facts{WritesPerYear: n(0), Judgements: Judgements{LifecycleEnded: true}}, true, "cancellare i dati"},
		{"retire: no writes, still read", Retire, Facts{WritesPerYear: n(0), ReadsPerYear: n(12)}, true, "migrare i dati"},
		{"retire: still written", Retire, Facts{WritesPerYear: n(5), ReadsPerYear: n(12)}, false, "ancora aggiornati"},
		{"retire: writes unknown", Retire, Facts{ReadsPerYear: n(12)}, false, "ancora aggiornati"},
		{"repurchase: SaaS exists", Repurchase, Facts{SaaSAlternatives: []string{"X"}}, true, "alternative SaaS"},
		{"repurchase: none", Repurchase, Facts{}, false, "nessuna alternativa"},
		{"rehost: closed code, nothing replaceable, internet", Rehost, Facts{Modifiability: "No", Connectivity: "Internet"}, true, "non modificabile"},
		{"rehost: code modifiable", Rehost, Facts{Modifiability: "Completa", Connectivity: "Internet"}, false, "serve «No»"},
		{"rehost: replaceable parts", Rehost, Facts{Modifiability: "No", Connectivity: "Internet", ReplaceableComponents: []string{"DB"}}, false, "componenti sostituibili"},
		{"rehost: local network", Rehost, Facts{Modifiability: "No", Connectivity: "Rete locale"}, false, "«Internet»"},
		{"rehost: obsolete unsupported stack", Rehost, Facts{Modifiability: "No", Connectivity: "Internet", Judgements: Judgements{StackObsolete: true}}, false, "segnale di Retain"},
		{"replatform: VMs, internet, partial", Replatform, Facts{Modifiability: "Parziale", Connectivity: "Internet", Judgements: Judgements{HardwareDependency: "virtuale"}}, true, "macchine virtuali"},
		{"replatform: containers, complete", Replatform, Facts{Modifiability: "Completa", Connectivity: "Internet", Judgements: Judgements{HardwareDependency: "container"}}, true, "modificabile"},
		{"replatform: physical", Replatform, Facts{Modifiability: "Completa", Connectivity: "Internet", Judgements: Judgements{HardwareDependency: "fisico"}}, false, "«virtuale» o «container»"},
		{"replatform: closed code", Replatform, Facts{Modifiability: "No", Connectivity: "Internet", Judgements: Judgements{HardwareDependency: "virtuale"}}, false, "«Parziale» o «Completa»"},
		{"replatform: obsolete but CSP-supported", Replatform, Facts{Modifiability: "Completa", Connectivity: "Internet", Judgements: Judgements{HardwareDependency: "virtuale", StackObsolete: true, StackSupportedCSP: true}}, true, "virtuali"},
		{"rearchitect: internet, modifiable", Rearchitect, Facts{Modifiability: "Completa", Connectivity: "Internet"}, true, "modificabile"},
		{"rearchitect: unknown connectivity", Rearchitect, Facts{Modifiability: "Completa"}, false, "«Internet»"},
		{"rearchitect: closed code", Rearchitect, Facts{Modifiability: "No", Connectivity: "Internet"}, false, "«Parziale» o «Completa»"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := suggestion(t, Evaluate(c.facts), c.strategy)
			if s.Applicable != c.applicable {
				t.Errorf("applicable = %v, want %v (%+v)", s.Applicable, c.applicable, s)
			}
			if !hasReason(s, c.reason) {
				t.Errorf("no reason mentioning %q: %+v", c.reason, s)
			}
		})
	}
}

func TestSignalsScoreAndOrder(t *testing.T) {
	f := Facts{Modifiability: "Completa", Connectivity: "Internet", ReplaceableComponents: []string{"PostgreSQL"},
		Criticalities: "il PostgreSQL locale è lento", TechDocs: kit.Yes, ValidationTests: kit.Yes, UsageVariable: true,
		Judgements: Judgements{HardwareDependency: "virtuale", Evolution: "alta", StackModular: true}}
	ss := Evaluate(f)
	rp := suggestion(t, ss, Replatform)
	// modular, replaceable, variable usage, evolution alta, docs, criticità on a replaceable part
	if rp.Score != 6 || !hasReason(rp, "criticità riguardano") {
		t.Errorf("replatform score %d: %v", rp.Score, rp.Reasons)
	}
	ra := suggestion(t, ss, Rearchitect)
	if ra.Score != 5 {
		t.Errorf("rearchitect score %d: %v", ra.Score, ra.Reasons)
	}
	if ss[0].Strategy != Replatform || Best(ss) != Replatform {
		t.Errorf("best first: %v", ss[0].Strategy)
	}
	for i, s := range ss {
		if i > 0 && s.Applicable && !ss[i-1].Applicable {
			t.Fatal("an applicable strategy after a non-applicable one")
		}
	}
}

func TestRepurchaseWithoutOpenImportIsFlagged(t *testing.T) {
	s := suggestion(t, Evaluate(Facts{SaaSAlternatives: []string{"X"}, DataImport: kit.No}), Repurchase)
	if !s.Applicable || len(s.Warnings) != 1 || !strings.Contains(s.Warnings[0], "lock-in") {
		t.Fatalf("%+v", s)
	}
	s = suggestion(t, Evaluate(Facts{SaaSAlternatives: []string{"X"}, DataImport: kit.Yes}), Repurchase)
	if s.Score != 1 || len(s.Warnings) != 0 {
		t.Fatalf("%+v", s)
	}
}

func TestRetainAsksForReevaluationDate(t *testing.T) {
	s := suggestion(t, Evaluate(Facts{Connectivity: "Rete locale", Judgements: Judgements{LicencesTransferable: kit.No, Evolution: "bassa"}}), Retain)
	if !s.Applicable || s.Score != 2 || len(s.Warnings) != 1 || !strings.Contains(s.Warnings[0], "rivalutazione") {
		t.Fatalf("%+v", s)
	}
}

func TestFactsFromAssessment(t *testing.T) {
	a := kit.Assessment{
		HardwareDependency: "Macchine virtuali su oVirt", Usage: "CPU media 20%, RAM 60 %", Evolution: "Alta: integrazione PDND",
		UsersAvg: n(100), UsersMax: n(150), UsersMin: n(80), PeriodsWeek: "utilizzo omogeneo",
		ValidationTests: "no", TechDocs: "Sì, wiki interna", DataImport: "", Criticalities: "monolite difficile da scalare",
		OnPremDependencies: []string{"LDAP", "SMTP"}, OnPremDependents: []string{"DWH"},
	}
	f := FactsFrom(a, Judgements{LicencesTransferable: kit.Yes})
	if f.HardwareDependency != "virtuale" || f.Evolution != "alta" || !f.Oversized || f.Undersized || f.UsageVariable ||
		f.ValidationTests != kit.No || f.TechDocs != kit.Yes || f.DataImport != kit.Unknown || !f.StructuralIssues || f.OnPremLinks != 3 {
		t.Fatalf("%+v", f)
	}
	a.UsersMax = n(250) // peak ≥ 2× average
	if f := FactsFrom(a, Judgements{}); !f.UsageVariable {
		t.Fatal("peak not seen as variable usage")
	}
	a.UsersAvg, a.UsersMax = n(0), n(1)
	if f := FactsFrom(a, Judgements{}); !f.UsageAbsent {
		t.Fatal("no users not seen as absent usage")
	}
	a.HardwareDependency = "parte su VM, database su server fisico"
	if f := FactsFrom(a, Judgements{Evolution: "bassa"}); f.HardwareDependency != "misto" || f.Evolution != "bassa" {
		t.Fatalf("%+v", f)
	}
}
