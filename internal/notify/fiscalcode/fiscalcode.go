// Package fiscalcode checks Italian personal fiscal codes (codice fiscale) the
// way App IO and SEND expect them: 16 upper-case characters, omocodia letters
// allowed in the numeric positions, and a valid check character.
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

// Validate returns nil when cf is a well-formed fiscal code with the right
// check character, otherwise an error in Italian saying what is wrong.
func Validate(cf string) error {
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
