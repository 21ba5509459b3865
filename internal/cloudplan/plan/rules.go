package plan

import (
	"fmt"
	"slices"

	"github.com/arengo-pa/arengo/internal/cloudplan/kit"
)

// Suggestion is the verdict of the kit's applicability rules (§5.2) for one
// strategy: applicable when every required predicate holds; Score counts
// the signals that favour it. Reasons say which predicates and signals
// fired; Missing which required predicate failed.
type Suggestion struct {
	Strategy   Strategy
	Applicable bool
	Score      int
	Reasons    []string
	Missing    []string
	Warnings   []string
}

type check struct {
	ok  bool
	yes string // reason when it holds
	no  string // what is missing when it does not
}

func req(ok bool, yes, no string) check { return check{ok, yes, no} }

type rule struct {
	strategy Strategy
	reqs     func(f Facts) []check
	anyOf    bool // the REQ list is REQ_ANY
	sigs     func(f Facts) []check
}

var rules = []rule{
	{Retain, func(f Facts) []check {
		return []check{
			req(f.Connectivity == "Rete locale", "la rete locale è un requisito vincolante", "connettività minima: serve «Rete locale»"),
			req(len(f.SaaSAlternatives) == 0, "nessuna alternativa SaaS", "esistono alternative SaaS"),
		}
	}, false, func(f Facts) []check {
		return []check{
			{ok: f.Evolution == "bassa", yes: "evoluzione prevista bassa"},
			{ok: f.StackObsolete && !f.StackSupportedCSP, yes: "stack obsoleto e non supportato dai CSP"},
			{ok: f.RequiresOnPrem, yes: "misure di sicurezza che richiedono dati on-premise"},
			{ok: f.LicencesTransferable == kit.No, yes: "licenze on-premise non recuperabili in cloud"},
		}
	}},
	{Retire, func(f Facts) []check {
		noWrites := f.WritesPerYear != nil && *f.WritesPerYear == 0
		reads := f.ReadsPerYear != nil && *f.ReadsPerYear > 0
		return []check{
			req(noWrites && f.LifecycleEnded, "nessun aggiornamento e ciclo di vita dei dati concluso: smantellare e cancellare i dati", ""),
			req(noWrites && reads, "nessun aggiornamento ma dati ancora consultati: smantellare e migrare i dati in cloud", ""),
		}
	}, true, func(f Facts) []check {
		return []check{
			{ok: f.Evolution == "bassa", yes: "evoluzione prevista bassa"},
			{ok: len(f.SameDataApps) > 0, yes: "altri applicativi trattano gli stessi dati"},
			{ok: f.UsageAbsent, yes: "utilizzo assente"},
		}
	}},
	{Repurchase, func(f Facts) []check {
		return []check{req(len(f.SaaSAlternatives) > 0, "esistono alternative SaaS", "nessuna alternativa SaaS indicata")}
	}, false, func(f Facts) []check {
		return []check{{ok: f.DataImport == kit.Yes, yes: "il SaaS garantisce l'import dei dati in formati aperti"}}
	}},
	{Rehost, func(f Facts) []check {
		return []check{
			req(f.Modifiability == "No", "codice sorgente non modificabile", "modificabilità del codice: serve «No»"),
			req(len(f.ReplaceableComponents) == 0, "nessun componente sostituibile con un servizio cloud-native", "ci sono componenti sostituibili"),
			req(f.Connectivity == "Internet", "basta la connettività Internet", "connettività minima: serve «Internet»"),
		}
	}, false, func(f Facts) []check {
		return []check{
			{ok: f.StackObsolete, yes: "stack obsoleto"},
			{ok: f.OnPremLinks >= manyOnPremLinks, yes: fmt.Sprintf("molte dipendenze on-premise (%d)", f.OnPremLinks)},
			{ok: f.LicencesTransferable == kit.Yes, yes: "licenze trasferibili in cloud"},
			{ok: f.Evolution == "bassa", yes: "evoluzione prevista bassa"},
		}
	}},
	{Replatform, func(f Facts) []check {
		return []check{
			req(f.HardwareDependency == "virtuale" || f.HardwareDependency == "container", "gira su macchine virtuali o container", "dipendenza dall'hardware: serve «virtuale» o «container»"),
			req(f.Connectivity == "Internet", "basta la connettività Internet", "connettività minima: serve «Internet»"),
			req(f.Modifiability == "Parziale" || f.Modifiability == "Completa", "codice sorgente modificabile ("+f.Modifiability+")", "modificabilità del codice: serve «Parziale» o «Completa»"),
		}
	}, false, func(f Facts) []check {
		return []check{
			{ok: f.StackModular, yes: "stack modulare"},
			{ok: len(f.ReplaceableComponents) > 0, yes: "componenti sostituibili con servizi gestiti"},
			{ok: f.UsageVariable, yes: "utilizzo variabile"},
			{ok: f.Oversized || f.Undersized, yes: "risorse sovra- o sottodimensionate"},
			{ok: f.Evolution == "media" || f.Evolution == "alta", yes: "evoluzione prevista " + f.Evolution},
			{ok: f.TechDocs == kit.Yes, yes: "documentazione tecnica disponibile"},
			{ok: containsFold(f.Criticalities, f.ReplaceableComponents) != "", yes: "le criticità riguardano componenti sostituibili"},
		}
	}},
	{Rearchitect, func(f Facts) []check {
		return []check{
			req(f.Connectivity == "Internet", "basta la connettività Internet", "connettività minima: serve «Internet»"),
			req(f.Modifiability == "Parziale" || f.Modifiability == "Completa", "codice sorgente modificabile ("+f.Modifiability+")", "modificabilità del codice: serve «Parziale» o «Completa»"),
		}
	}, false, func(f Facts) []check {
		return []check{
			{ok: f.Evolution == "alta", yes: "evoluzione prevista alta: servizio centrale per la strategia"},
			{ok: f.StackObsolete, yes: "stack obsoleto da modernizzare"},
			{ok: len(f.ReplaceableComponents) > 0, yes: "componenti sostituibili con servizi gestiti"},
			{ok: f.StructuralIssues, yes: "criticità che chiedono un miglioramento strutturale"},
			{ok: f.UsageVariable, yes: "utilizzo variabile"},
			{ok: f.Oversized || f.Undersized, yes: "risorse sovra- o sottodimensionate"},
			{ok: f.ValidationTests == kit.Yes, yes: "test di validazione presenti"},
			{ok: f.TechDocs == kit.Yes, yes: "documentazione tecnica disponibile"},
		}
	}},
}

// Evaluate runs the six rules on one application. Applicable strategies
// come first, by score; the final choice is a person's (§5: there is no
// single correct strategy).
func Evaluate(f Facts) []Suggestion {
	out := make([]Suggestion, 0, len(rules))
	for _, r := range rules {
		s := Suggestion{Strategy: r.strategy}
		reqs := r.reqs(f)
		s.Applicable = !r.anyOf
		for _, c := range reqs {
			switch {
			case c.ok:
				s.Reasons = append(s.Reasons, c.yes)
				if r.anyOf {
					s.Applicable = true
				}
			case !r.anyOf:
				s.Applicable = false
				s.Missing = append(s.Missing, c.no)
			}
		}
		if r.anyOf && !s.Applicable {
			s.Missing = append(s.Missing, "i dati sono ancora aggiornati (frequenza di aggiornamento annuale diversa da 0)")
		}
		for _, c := range r.sigs(f) {
			if c.ok {
				s.Score++
				s.Reasons = append(s.Reasons, c.yes)
			}
		}
		crossCheck(&s, f)
		out = append(out, s)
	}
	slices.SortStableFunc(out, func(a, b Suggestion) int {
		if a.Applicable != b.Applicable {
			if a.Applicable {
				return -1
			}
			return 1
		}
		return b.Score - a.Score
	})
	return out
}

// crossCheck applies §5.2's checks after the rules.
func crossCheck(s *Suggestion, f Facts) {
	switch s.Strategy {
	case Rehost, Replatform:
		if f.StackObsolete && !f.StackSupportedCSP {
			s.Applicable = false
			s.Missing = append(s.Missing, "stack obsoleto non supportato dai CSP (segnale di Retain)")
		}
	case Repurchase:
		if s.Applicable && f.DataImport == kit.No {
			s.Warnings = append(s.Warnings, "il SaaS non garantisce l'import dei dati in formati aperti: rischio di lock-in")
		}
	case Retain:
		if s.Applicable {
			s.Warnings = append(s.Warnings, "fissare una data di rivalutazione")
		}
	}
}

// Best is the first applicable suggestion, or "" when none applies.
func Best(ss []Suggestion) Strategy {
	if len(ss) > 0 && ss[0].Applicable {
		return ss[0].Strategy
	}
	return ""
}
