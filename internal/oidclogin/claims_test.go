package oidclogin

import (
	"strings"
	"testing"
	"unicode"

	"github.com/arengo-pa/arengo/internal/fiscalcode"

	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/web"
)

func TestCitizenFromClaims(t *testing.T) {
	cases := []struct {
		name   string
		claims map[string]any
		want   auth.CitizenInfo
		ok     bool
	}{
		{"spid prefix", map[string]any{"fiscal_number": "TINIT-RSSMRA80A01H501U", "name": "Mario Rossi", "email": "m@example.it"},
			auth.CitizenInfo{FiscalCode: "RSSMRA80A01H501U", Name: "Mario Rossi", Email: "m@example.it"}, true},
		{"camel case, lower case code, split name", map[string]any{"fiscalNumber": " tinit-rssmra80a01h501u ",
			"given_name": "Mario", "family_name": "Rossi"},
			auth.CitizenInfo{FiscalCode: "RSSMRA80A01H501U", Name: "Mario Rossi"}, true},
		{"fiscal_code and saml-style names", map[string]any{"fiscal_code": "RSSMRA80A01H501U", "givenName": "Maria",
			"familyName": "De Luca", "email": "non un indirizzo"},
			auth.CitizenInfo{FiscalCode: "RSSMRA80A01H501U", Name: "Maria De Luca"}, true},
		{"fiscal_number wins over the others", map[string]any{"fiscal_number": "RSSMRA80A01H501U", "fiscal_code": "XXX"},
			auth.CitizenInfo{FiscalCode: "RSSMRA80A01H501U"}, true},
		{"missing", map[string]any{"name": "Mario Rossi"}, auth.CitizenInfo{}, false},
		{"not a string", map[string]any{"fiscal_number": 12345}, auth.CitizenInfo{}, false},
		{"bad check character", map[string]any{"fiscal_number": "TINIT-RSSMRA80A01H501X"}, auth.CitizenInfo{}, false},
	}
	for _, tc := range cases {
		got, err := citizenFromClaims(tc.claims)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("%s: got %+v, %v; want %+v (ok=%v)", tc.name, got, err, tc.want, tc.ok)
		}
	}
}

func TestStaffKeys(t *testing.T) {
	cases := []struct {
		claims          map[string]any
		username, email string
	}{
		{map[string]any{"preferred_username": " Mario.Rossi ", "email": "Mario.Rossi@Comune.it"}, "mario.rossi", "mario.rossi@comune.it"},
		{map[string]any{"email": "a@b.it", "email_verified": true}, "", "a@b.it"},
		{map[string]any{"email": "a@b.it", "email_verified": "true"}, "", "a@b.it"},
		{map[string]any{"email": "a@b.it", "email_verified": false}, "", ""},
		{map[string]any{"email": "a@b.it", "email_verified": "false"}, "", ""},
		{map[string]any{"email": "@b.it"}, "", ""},
	}
	for _, tc := range cases {
		if u, e := staffKeys(tc.claims); u != tc.username || e != tc.email {
			t.Errorf("%v: got %q, %q; want %q, %q", tc.claims, u, e, tc.username, tc.email)
		}
	}
}

func FuzzCitizenFromClaims(f *testing.F) {
	f.Add("TINIT-RSSMRA80A01H501U", "Mario Rossi", "", "", "mario@example.it")
	f.Add("rssmra80a01h501u", "", "Mario", "Rossi", "x")
	f.Add("TINIT-", "\x00\u202e", "a\tb", "\xff", "a@b@c")
	f.Fuzz(func(t *testing.T, fc, name, given, family, email string) {
		c, err := citizenFromClaims(map[string]any{"fiscal_number": fc, "name": name, "given_name": given,
			"family_name": family, "email": email})
		if err != nil {
			return
		}
		if !fiscalcode.Valid(c.FiscalCode) || strings.HasPrefix(c.FiscalCode, "TINIT") {
			t.Fatalf("accepted fiscal code %q from %q", c.FiscalCode, fc)
		}
		if len([]rune(c.Name)) > 200 || strings.ContainsFunc(c.Name, unicode.IsControl) || strings.TrimSpace(c.Name) != c.Name {
			t.Fatalf("name %q kept from %q / %q %q", c.Name, name, given, family)
		}
		if c.Email != "" && (!strings.Contains(c.Email, "@") || strings.ContainsFunc(c.Email, unicode.IsSpace)) {
			t.Fatalf("email %q kept", c.Email)
		}
	})
}

func FuzzDecodePending(f *testing.F) {
	f.Add("eyJzIjoiYSIsIm4iOiJiIiwidiI6ImFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhIiwieCI6Ii8ifQ")
	f.Add("")
	f.Add("!!!")
	f.Fuzz(func(t *testing.T, v string) {
		p, ok := decodePending(v, "/def")
		if !ok {
			return
		}
		if p.State == "" || p.Nonce == "" || len(p.Verifier) < 43 || (p.Next != "/def" && web.LocalPath(p.Next, "") != p.Next) {
			t.Fatalf("accepted %+v from %q", p, v)
		}
	})
}
