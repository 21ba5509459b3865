package workflow

import (
	"strings"
	"testing"
)

func byCode(code string) State {
	for _, s := range Seed {
		if s.Code == code {
			return s
		}
	}
	panic(code)
}

func TestSeedIsValidAndCoversFixMyStreetTable(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range Seed {
		if err := s.Validate(); err != nil {
			t.Error(err)
		}
		if seen[s.Code] {
			t.Errorf("duplicate code %s", s.Code)
		}
		seen[s.Code] = true
	}
	for _, code := range []string{"unconfirmed", "confirmed", "investigating", "in_progress", "planned", "action_scheduled",
		"fixed", "fixed_user", "fixed_council", "unable_to_fix", "not_responsible", "duplicate", "internal_referral", "closed", "hidden"} {
		if !seen[code] {
			t.Errorf("FixMyStreet state %s missing", code)
		}
	}
	if byCode("in_progress").Type.Open311Status() != "open" || byCode("not_responsible").Type.Open311Status() != "closed" {
		t.Error("open311 mapping")
	}
}

func TestTransitions(t *testing.T) {
	cases := []struct {
		tr   Transition
		want string // "" = allowed
	}{
		{Transition{From: byCode(Confirmed), To: byCode(Investigating), Staff: true}, ""},
		{Transition{From: byCode(Confirmed), To: byCode(Confirmed), Staff: true}, "già nello stato «Registrata»"},
		{Transition{From: byCode(InProgress), To: byCode(Unconfirmed), Staff: true}, "non può tornare"},
		{Transition{From: byCode(Confirmed), To: byCode(Duplicate), Staff: true}, "indicare la segnalazione originale"},
		{Transition{From: byCode(Confirmed), To: byCode(Duplicate), Staff: true, DuplicateOf: "x"}, ""},
		{Transition{From: byCode("fixed"), To: byCode(Reopened)}, ""},
		{Transition{From: byCode(InProgress), To: byCode(Reopened)}, "solo una segnalazione risolta o chiusa"},
		{Transition{From: byCode(InProgress), To: byCode(FixedUser)}, ""},
		{Transition{From: byCode(InProgress), To: byCode("closed")}, "il cittadino può solo"},
	}
	for _, c := range cases {
		err := c.tr.Check()
		if c.want == "" && err != nil {
			t.Errorf("%s→%s: %v", c.tr.From.Code, c.tr.To.Code, err)
		}
		if c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s→%s: %v, want %q", c.tr.From.Code, c.tr.To.Code, err, c.want)
		}
	}
	if !(Transition{From: byCode(Confirmed), To: byCode(InProgress), Staff: true}).TakesInCharge() {
		t.Error("first staff move is the presa in carico")
	}
	if (Transition{From: byCode(Investigating), To: byCode(InProgress), Staff: true}).TakesInCharge() {
		t.Error("later moves are not")
	}
}

func TestValidateRejectsBadAdminStates(t *testing.T) {
	for _, s := range []State{{Code: "In Corso", Label: "x", Type: Open}, {Code: "ok", Type: Open}, {Code: "ok", Label: "x", Type: "weird"}} {
		if s.Validate() == nil {
			t.Errorf("%+v accepted", s)
		}
	}
}
