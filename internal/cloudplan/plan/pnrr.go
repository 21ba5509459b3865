package plan

import (
	"strings"
	"time"
)

// Origin is where a service runs today, in the terms of the PNRR 1.2 FAQ 001.
type Origin string

const (
	OnPremDestrutturato Origin = "destrutturato"
	OnPremStrutturato   Origin = "strutturato"
	IaaSNonQualificato  Origin = "iaas_non_qualificato"
	IaaSQualificato     Origin = "iaas_qualificato"
	PaaSNonQualificato  Origin = "paas_non_qualificato"
	PaaSQualificato     Origin = "paas_qualificato"
	SaaSOrigin          Origin = "saas"
)

var Origins = []Origin{OnPremDestrutturato, OnPremStrutturato, IaaSNonQualificato, IaaSQualificato, PaaSNonQualificato, PaaSQualificato, SaaSOrigin}

// Target is the cloud service model of the destination.
type Target string

const (
	IaaS Target = "iaas"
	PaaS Target = "paas"
	SaaS Target = "saas"
)

// Label is the usual spelling: IaaS, PaaS, SaaS.
func (t Target) Label() string {
	if len(t) != 4 {
		return string(t)
	}
	return strings.ToUpper(string(t[:1])) + "aaS"
}

// PresumedTarget is a strategy's usual destination when none has been
// chosen yet: SaaS for Re-purchase, IaaS for Re-host (lift and shift),
// PaaS for Re-platform and Re-architect.
func PresumedTarget(s Strategy) Target {
	switch s {
	case Repurchase:
		return SaaS
	case Rehost:
		return IaaS
	case Replatform, Rearchitect:
		return PaaS
	}
	return ""
}

// Mode is the PNRR 1.2 migration mode: A trasferimento, B aggiornamento.
type Mode string

const (
	ModeA Mode = "A"
	ModeB Mode = "B"
)

// PNRRInput is what admissibility depends on.
type PNRRInput struct {
	Class     Class
	Strategy  Strategy
	Origin    Origin
	Target    Target
	Started   time.Time // start of the activity; zero when unknown
	FirstStep time.Time // date of the on-prem → qualified IaaS step, for IaaS → SaaS
}

// Admissibility is the verdict with the reason in Italian.
type Admissibility struct {
	Mode   Mode // "" = not fundable
	Reason string
}

var pnrrEligibleFrom = time.Date(2020, 2, 1, 0, 0, 0, 0, time.UTC)

// Admissible applies the FAQ 001 matrix and the measure's general rules.
func Admissible(in PNRRInput) Admissibility {
	no := func(r string) Admissibility { return Admissibility{Reason: r} }
	switch {
	case in.Class == "":
		return no("solo i servizi già classificati (ACN) sono finanziabili")
	case in.Strategy == Retain || in.Strategy == Retire:
		return no("la strategia " + in.Strategy.Label() + " non è finanziabile")
	case !in.Started.IsZero() && in.Started.Before(pnrrEligibleFrom):
		return no("attività avviata prima del 1° febbraio 2020")
	case in.Origin == "" || in.Target == "":
		return no("indicare origine e destinazione del servizio")
	}
	switch in.Target {
	case IaaS:
		if in.Origin == OnPremStrutturato {
			return Admissibility{ModeA, "trasferimento in sicurezza dell'infrastruttura (on premise strutturato → IaaS qualificato)"}
		}
		return no("verso IaaS è finanziabile solo l'on premise strutturato")
	case PaaS:
		switch in.Origin {
		case OnPremStrutturato, IaaSNonQualificato:
			return Admissibility{ModeB, "aggiornamento in sicurezza di applicazioni in cloud (→ PaaS qualificato)"}
		case OnPremDestrutturato:
			return no("da on premise destrutturato il PaaS non è percorribile")
		}
		return no("verso PaaS sono finanziabili solo on premise strutturato e IaaS non qualificato")
	case SaaS:
		switch in.Origin {
		case OnPremDestrutturato, OnPremStrutturato, IaaSNonQualificato, PaaSNonQualificato:
			return Admissibility{ModeB, "aggiornamento in sicurezza di applicazioni in cloud (→ SaaS qualificato)"}
		case IaaSQualificato:
			if !in.FirstStep.IsZero() && !in.FirstStep.Before(pnrrEligibleFrom) {
				return Admissibility{ModeB, "aggiornamento: IaaS qualificato → SaaS ammesso perché il primo passo on premise → IaaS è dal 1° febbraio 2020"}
			}
			return no("da IaaS qualificato a SaaS solo se il passaggio on premise → IaaS è avvenuto dal 1° febbraio 2020 come primo passo del piano")
		}
		return no("da " + string(in.Origin) + " a SaaS non è finanziabile")
	}
	return no("destinazione sconosciuta")
}

// DeclaredModeOK checks the actual mode against the declared one: B in
// place of a declared A is the allowed "improving" mode (FAQ 004).
func DeclaredModeOK(declared, actual Mode) (bool, string) {
	switch {
	case declared == "" || actual == "" || declared == actual:
		return true, ""
	case declared == ModeA && actual == ModeB:
		return true, "modalità migliorativa: firmare la dichiarazione a completamento; il contributo non cambia"
	}
	return false, "dichiarata la modalità B ma eseguita la A: non ammesso"
}
