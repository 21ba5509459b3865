// Package workflow is the state table of a report, modelled on FixMyStreet's
// (db/schema_0054-add-state-table.sql) with Italian labels: each state has a
// type — open, fixed, closed or hidden — that decides what the public,
// Open311 and the deadlines see. The seed below is what a new comune gets;
// admins add their own states with the same four types.
package workflow

import (
	"fmt"
	"regexp"
)

// Type groups states by what they mean for everyone outside the office.
type Type string

const (
	Open   Type = "open"   // still to be solved
	Fixed  Type = "fixed"  // solved
	Closed Type = "closed" // ended without a fix (not ours, duplicate…)
	Hidden Type = "hidden" // not public: awaiting confirmation or removed
)

// Types lists the four types in display order.
var Types = []Type{Open, Fixed, Closed, Hidden}

// State is one row of the state table.
type State struct {
	Code  string // stable key, e.g. "in_progress"
	Label string // Italian label shown everywhere
	EN    string // English label
	Type  Type
	// Open311 is the mySociety extended status for /servicerequestupdates.
	Open311 string
	Order   int
}

// Codes of the seeded states the module itself relies on.
const (
	Unconfirmed   = "unconfirmed"
	Confirmed     = "confirmed"
	Investigating = "investigating"
	InProgress    = "in_progress"
	FixedCouncil  = "fixed_council"
	FixedUser     = "fixed_user"
	Duplicate     = "duplicate"
	Reopened      = "reopened"
	HiddenState   = "hidden"
)

// Seed is FixMyStreet's state table with the labels Italian comuni use.
var Seed = []State{
	{Unconfirmed, "In attesa di conferma", "Awaiting confirmation", Hidden, "FOR_TRIAGE", 10},
	{Confirmed, "Registrata", "Open", Open, "OPEN", 20},
	{Investigating, "Presa in carico", "Investigating", Open, "INVESTIGATING", 30},
	{InProgress, "In lavorazione", "In progress", Open, "IN_PROGRESS", 40},
	{"planned", "Pianificata", "Planned", Open, "ACTION_SCHEDULED", 50},
	{"action_scheduled", "Intervento programmato", "Action scheduled", Open, "ACTION_SCHEDULED", 60},
	{Reopened, "Riaperta", "Reopened", Open, "OPEN", 70},
	{"fixed", "Risolta", "Fixed", Fixed, "FIXED", 80},
	{FixedCouncil, "Risolta dal Comune", "Fixed by the council", Fixed, "FIXED", 90},
	{FixedUser, "Risolta (segnalato dal cittadino)", "Fixed (reported by the citizen)", Fixed, "FIXED", 100},
	{"unable_to_fix", "Chiusa senza intervento", "No further action", Closed, "NO_FURTHER_ACTION", 110},
	{"not_responsible", "Non di competenza del Comune", "Not responsible", Closed, "NOT_COUNCILS_RESPONSIBILITY", 120},
	{Duplicate, "Duplicata", "Duplicate", Closed, "DUPLICATE", 130},
	{"internal_referral", "Trasferita ad altro ufficio", "Internal referral", Closed, "INTERNAL_REFERRAL", 140},
	{"closed", "Chiusa", "Closed", Closed, "CLOSED", 150},
	{HiddenState, "Nascosta", "Hidden", Hidden, "CLOSED", 160},
}

// Open311Status maps a type to v2's two statuses; hidden reports are never
// listed, so they have none.
func (t Type) Open311Status() string {
	if t == Open {
		return "open"
	}
	return "closed"
}

// Public tells whether reports in a state of this type appear publicly.
func (t Type) Public() bool { return t != Hidden }

var codeRE = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)

// Validate checks a state an admin wants to add or edit.
func (s State) Validate() error {
	if !codeRE.MatchString(s.Code) {
		return fmt.Errorf("codice %q non valido: lettere minuscole, cifre e _, da 2 a 40 caratteri", s.Code)
	}
	if s.Label == "" {
		return fmt.Errorf("stato %s: l'etichetta è obbligatoria", s.Code)
	}
	switch s.Type {
	case Open, Fixed, Closed, Hidden:
	default:
		return fmt.Errorf("stato %s: tipo %q non valido (open, fixed, closed, hidden)", s.Code, s.Type)
	}
	return nil
}

// Transition is a requested change of state, checked before it is saved.
type Transition struct {
	From, To State
	// DuplicateOf must name the original when To is the duplicate state.
	DuplicateOf string
	// Staff is false when the reporter acts (marking fixed or reopening).
	Staff bool
}

// Check says whether the change is allowed, in words a person can act on.
func (t Transition) Check() error {
	switch {
	case t.From.Code == t.To.Code:
		return fmt.Errorf("la segnalazione è già nello stato «%s»", t.To.Label)
	case t.To.Code == Unconfirmed:
		return fmt.Errorf("una segnalazione non può tornare «%s»", t.To.Label)
	case t.To.Code == Duplicate && t.DuplicateOf == "":
		return fmt.Errorf("per segnarla come duplicata indicare la segnalazione originale")
	case !t.Staff && t.To.Code == Reopened && t.From.Type != Fixed && t.From.Type != Closed:
		return fmt.Errorf("si può riaprire solo una segnalazione risolta o chiusa")
	case !t.Staff && t.To.Code != Reopened && t.To.Code != FixedUser:
		return fmt.Errorf("il cittadino può solo segnalare che è risolta o chiederne la riapertura")
	case !t.Staff && t.To.Code == FixedUser && t.From.Type != Open:
		return fmt.Errorf("la segnalazione non è aperta")
	}
	return nil
}

// TakesInCharge tells whether this change is the "presa in carico" whose
// date criterion C.SE.1.10 asks to show: the first move by staff from a
// submitted report to any other state.
func (t Transition) TakesInCharge() bool {
	return t.Staff && (t.From.Code == Confirmed || t.From.Code == Unconfirmed) && t.To.Type != Hidden
}
