// Package plan turns an assessed application portfolio into a migration
// plan with the Cloud Enablement method: priority levels, applicable
// strategies with reasons, ACN deployment-model checks, dependency-ordered
// waves, costs, skills gaps and PNRR 1.2 admissibility. It is pure: no I/O.
package plan

// Strategy is one of the six "R" of the kit.
type Strategy string

const (
	Retain      Strategy = "retain"
	Retire      Strategy = "retire"
	Repurchase  Strategy = "repurchase"
	Rehost      Strategy = "rehost"
	Replatform  Strategy = "replatform"
	Rearchitect Strategy = "rearchitect"
)

// Strategies in the kit's order.
var Strategies = []Strategy{Retain, Retire, Repurchase, Rehost, Replatform, Rearchitect}

// Label is the kit's exact Italian + English name.
func (s Strategy) Label() string {
	switch s {
	case Retain:
		return "Retain o Conservazione"
	case Retire:
		return "Retire o Smantellamento"
	case Repurchase:
		return "Re-purchase o Sostituzione"
	case Rehost:
		return "Re-host o Trasferimento di host"
	case Replatform:
		return "Re-platform o Trasferimento di piattaforma"
	case Rearchitect:
		return "Re-architect o Rifattorizzazione/Creazione di una nuova architettura"
	}
	return string(s)
}

// Valid reports whether s is one of the six.
func (s Strategy) Valid() bool {
	for _, x := range Strategies {
		if s == x {
			return true
		}
	}
	return false
}

// Moves reports whether the strategy takes the application through a wave.
// Retained applications stay where they are.
func (s Strategy) Moves() bool { return s != Retain && s != "" }

// skillColumn is the strategy's column in the skills template, -1 for Retain.
func (s Strategy) skillColumn() int {
	switch s {
	case Repurchase:
		return 0
	case Rehost:
		return 1
	case Replatform:
		return 2
	case Rearchitect:
		return 3
	case Retire:
		return 4
	}
	return -1
}
