package notify

import (
	"crypto/sha256"
	"encoding/hex"
	"net/mail"
	"strings"
)

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
// the SHA-256 of the address, so two messages to the same person can be
// told apart from two different people without showing the address.
func emailRef(addr string) string {
	norm, ok := normalizeEmail(addr)
	if !ok {
		return ""
	}
	norm = strings.ToLower(norm)
	sum := sha256.Sum256([]byte(norm))
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
func (f Filter) subject() string {
	if strings.Contains(f.FiscalCode, "@") {
		return emailRef(f.FiscalCode)
	}
	return f.FiscalCode
}
