package oidclogin

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/arengo-pa/arengo/internal/fiscalcode"

	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/errs"
)

// fiscalCodeClaims are the names a fiscal code arrives under: SPID/CIE OIDC
// and iam-proxy-italia's mapping use fiscal_number, SAML-minded proxies
// fiscalNumber, others fiscal_code.
var fiscalCodeClaims = []string{"fiscal_number", "fiscalNumber", "fiscal_code"}

// citizenFromClaims builds the citizen the provider asserted. SPID gives the
// fiscal code as "TINIT-RSSMRA80A01H501U" (ETSI natural-person prefix).
func citizenFromClaims(c map[string]any) (auth.CitizenInfo, error) {
	var fc string
	for _, k := range fiscalCodeClaims {
		if fc = strings.ToUpper(strings.TrimSpace(claimString(c, k))); fc != "" {
			break
		}
	}
	fc = strings.TrimPrefix(fc, "TINIT-")
	if fc == "" {
		return auth.CitizenInfo{}, errs.E(errs.EFORBIDDEN, "missing fiscal code")
	}
	if !fiscalcode.Valid(fc) {
		return auth.CitizenInfo{}, errs.E(errs.EFORBIDDEN, "invalid fiscal code")
	}
	name := cleanText(claimString(c, "name"))
	if name == "" {
		given := firstClaim(c, "given_name", "givenName")
		family := firstClaim(c, "family_name", "familyName")
		name = cleanText(given + " " + family)
	}
	return auth.CitizenInfo{FiscalCode: fc, Name: name, Email: cleanEmail(claimString(c, "email"))}, nil
}

// staffKeys are the claims a staff account is matched by. An e-mail the
// provider says it has not verified is not used.
func staffKeys(c map[string]any) (username, email string) {
	username = strings.ToLower(cleanText(claimString(c, "preferred_username")))
	email = cleanEmail(claimString(c, "email"))
	if v, ok := c["email_verified"]; ok && v != true && v != "true" {
		email = ""
	}
	return username, email
}

func claimString(c map[string]any, k string) string {
	s, _ := c[k].(string)
	return s
}

func firstClaim(c map[string]any, keys ...string) string {
	for _, k := range keys {
		if s := claimString(c, k); s != "" {
			return s
		}
	}
	return ""
}

// cleanText collapses spaces, drops control characters and caps the length
// of a name an outside party sent.
func cleanText(s string) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200])
	}
	return s
}

// cleanEmail keeps an address that looks like one, lower-cased.
func cleanEmail(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	at := strings.LastIndexByte(s, '@')
	if at < 1 || at == len(s)-1 || len(s) > 254 || strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || r == '<' || r == '>' || r == '"'
	}) || !utf8.ValidString(s) {
		return ""
	}
	return s
}
