// Package fiscalcode checks Italian fiscal codes: a natural person's codice
// fiscale (16 upper-case characters, omocodia letters allowed in the numeric
// positions, a valid check character — the form App IO and SEND expect) and a
// legal person's 11-digit code (the partita IVA rule). Every module validates
// with it, so a code accepted at login is accepted by payments and notices.
package fiscalcode

import (
	"fmt"
	"regexp"
	"strings"
)

// shape is the pattern App IO declares for the fiscal_code path parameter.
var shape = regexp.MustCompile(`^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$`)

// oddValue gives the value of a character in an odd (1st, 3rd, …) position,
// indexed by digit or letter order: 0-9 then A-Z.
var oddValue = [36]int{
	1, 0, 5, 7, 9, 13, 15, 17, 19, 21, // 0-9
	1, 0, 5, 7, 9, 13, 15, 17, 19, 21, // A-J
	2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23, // K-Z
}

// Normalize upper-cases and trims a fiscal code typed by a person.
func Normalize(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// Validate accepts a natural person's or a legal person's code, telling them
// apart by length; the error, in Italian, says what is wrong.
func Validate(cf string) error {
	switch len(cf) {
	case 11:
		return Company(cf)
	case 16:
		return Person(cf)
	}
	return fmt.Errorf("il codice fiscale deve avere 16 caratteri, o 11 cifre per una persona giuridica (ne ha %d)", len(cf))
}

// Valid tells whether Validate accepts cf.
func Valid(cf string) bool { return Validate(cf) == nil }

// Company checks an 11-digit partita IVA or legal person's fiscal code: the
// last digit is the Luhn check digit of the first ten.
func Company(p string) error {
	if len(p) != 11 {
		return fmt.Errorf("partita IVA %q: servono 11 cifre", p)
	}
	sum := 0
	for i := 0; i < 11; i++ {
		if p[i] < '0' || p[i] > '9' {
			return fmt.Errorf("partita IVA %q: servono 11 cifre", p)
		}
		d := int(p[i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	if sum%10 != 0 {
		return fmt.Errorf("partita IVA %q: cifra di controllo errata", p)
	}
	return nil
}

// Person returns nil when cf is a well-formed natural person's fiscal code
// with the right check character, otherwise an error in Italian saying what
// is wrong.
func Person(cf string) error {
	cf = strings.ToUpper(cf)
	if len(cf) != 16 {
		return fmt.Errorf("il codice fiscale deve avere 16 caratteri (ne ha %d)", len(cf))
	}
	if !shape.MatchString(cf) {
		return fmt.Errorf("il codice fiscale %q non ha la forma corretta (6 lettere, 2 cifre, lettera del mese, …)", cf)
	}
	if want := CheckChar(cf[:15]); cf[15] != want {
		return fmt.Errorf("il carattere di controllo del codice fiscale %q è errato: atteso %c", cf, want)
	}
	return nil
}

// CheckChar computes the 16th character from the first 15 (upper case).
func CheckChar(first15 string) byte {
	sum := 0
	for i := 0; i < 15 && i < len(first15); i++ {
		idx := index(first15[i])
		if i%2 == 0 {
			sum += oddValue[idx]
		} else {
			sum += evenValue(idx)
		}
	}
	return byte('A' + sum%26)
}

// evenValue: in even positions digits count 0-9 and letters A-Z count 0-25.
func evenValue(idx int) int {
	if idx >= 10 {
		return idx - 10
	}
	return idx
}

func index(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'Z':
		return 10 + int(c-'A')
	}
	return 0
}
