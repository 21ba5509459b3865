package plan

// AppState is where an application is in the migration.
type AppState string

const (
	StateToAssess  AppState = "da_valutare"
	StatePlanned   AppState = "pianificato"
	StateMigrating AppState = "in_migrazione"
	StateMigrated  AppState = "migrato"
	StateValidated AppState = "validato"
	StateRetired   AppState = "dismesso"
	StateRetained  AppState = "mantenuto"
)

var AppStates = []AppState{StateToAssess, StatePlanned, StateMigrating, StateMigrated, StateValidated, StateRetired, StateRetained}

func (s AppState) done() bool {
	return s == StateMigrated || s == StateValidated || s == StateRetired || s == StateRetained
}

// WaveState summarises the states of a wave's applications.
type WaveState string

const (
	WaveToStart    WaveState = "da_avviare"
	WaveInProgress WaveState = "in_corso"
	WaveCompleted  WaveState = "completata"
)

func StateOfWave(states []AppState) WaveState {
	done, started := 0, 0
	for _, s := range states {
		if s.done() {
			done++
		}
		if s == StateMigrating || s.done() {
			started++
		}
	}
	switch {
	case len(states) > 0 && done == len(states):
		return WaveCompleted
	case started > 0:
		return WaveInProgress
	}
	return WaveToStart
}

// KPI is a post-migration indicator: a baseline measured before the move
// (§10.1), a target and the value measured after.
type KPI struct {
	Name           string
	Unit           string
	Baseline       *float64
	Target         *float64
	Actual         *float64
	HigherIsBetter bool
}

// Status says how the indicator stands.
func (k KPI) Status() string {
	switch {
	case k.Baseline == nil:
		return "baseline mancante"
	case k.Actual == nil:
		return "da misurare"
	}
	better := func(a, b float64) bool {
		if k.HigherIsBetter {
			return a >= b
		}
		return a <= b
	}
	switch {
	case k.Target != nil && better(*k.Actual, *k.Target):
		return "obiettivo raggiunto"
	case *k.Actual == *k.Baseline:
		return "invariato"
	case better(*k.Actual, *k.Baseline):
		return "migliorato"
	}
	return "peggiorato"
}
