package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/mail"
	"strings"
)

// pseudonymPurpose names the key of the e-mail pseudonyms among the
// installation's keys (config.Key): changing it changes every pseudonym.
const pseudonymPurpose = "notify.pseudonym"

// Recipients without a fiscal code: a person known only by an e-mail
// address (an anonymous reporter). The address is personal data: the hub
// keeps it only until the e-mail is settled, and everywhere else (lists,
// exports, API, audit) shows its pseudonym.

// normalizeEmail trims and lower-cases the domain; it returns "" and false
// for anything that is not a bare address.
func normalizeEmail(s string) (string, bool) {
	s = strings.TrimSpace(s)
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "", false
	}
	at := strings.LastIndexByte(s, '@')
	if at < 1 || at == len(s)-1 || strings.ContainsAny(s, " \t\r\n<>") {
		return "", false
	}
	return s[:at] + "@" + strings.ToLower(s[at+1:]), true
}

// emailRef is the pseudonym of an address: first letter of the mailbox,
// first letter of the domain and its top-level part, and 8 hex digits of
// the HMAC-SHA256 of the address, so two messages to the same person can be
// told apart from two different people without showing the address. The
// HMAC is keyed with the installation's key (pseudonymKey): without it, a
// known address cannot be checked against a pseudonym.
func (m *Module) emailRef(addr string) string {
	norm, ok := normalizeEmail(addr)
	if !ok {
		return ""
	}
	norm = strings.ToLower(norm)
	h := hmac.New(sha256.New, m.refKey)
	h.Write([]byte(norm))
	sum := h.Sum(nil)
	at := strings.LastIndexByte(norm, '@')
	local, domain := norm[:at], norm[at+1:]
	tld := ""
	if dot := strings.LastIndexByte(domain, '.'); dot > 0 {
		tld = domain[dot:]
	}
	return firstRune(local) + "…@" + firstRune(domain) + "…" + tld + " #" + hex.EncodeToString(sum[:4])
}

func firstRune(s string) string {
	for _, r := range s {
		return string(r)
	}
	return ""
}

// Recipient is who the message is for, as staff may see it: the fiscal
// code, or the pseudonym of the e-mail address.
func (m Message) Recipient() string {
	if m.FiscalCode != "" {
		return m.FiscalCode
	}
	return m.EmailRef
}

// subject is who a search is about, for the audit log: the fiscal code or
// the pseudonym of the address searched.
func (m *Module) subject(f Filter) string {
	if strings.Contains(f.FiscalCode, "@") {
		return m.emailRef(f.FiscalCode)
	}
	return f.FiscalCode
}
