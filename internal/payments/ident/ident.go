// Package ident checks the bank identifiers found in payment data: IBANs
// (ISO 13616 mod-97). Fiscal codes are checked by internal/fiscalcode.
package ident

import (
	"fmt"
	"strings"
)

// IBAN checks length per country where known (IT, SM: 27) and the mod-97 digits.
func IBAN(iban string) error {
	s := strings.ToUpper(strings.ReplaceAll(iban, " ", ""))
	if len(s) < 15 || len(s) > 34 {
		return fmt.Errorf("IBAN %q: lunghezza %d non valida", iban, len(s))
	}
	if s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z' || !isDigit(s[2]) || !isDigit(s[3]) {
		return fmt.Errorf("IBAN %q: deve iniziare con il codice del paese e due cifre di controllo", iban)
	}
	if (s[:2] == "IT" || s[:2] == "SM") && len(s) != 27 {
		return fmt.Errorf("IBAN %q: un IBAN %s ha 27 caratteri, trovati %d", iban, s[:2], len(s))
	}
	rem := 0
	for _, c := range s[4:] + s[:4] {
		switch {
		case c >= '0' && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			rem = (rem*100 + int(c-'A'+10)) % 97
		default:
			return fmt.Errorf("IBAN %q: carattere %q non ammesso", iban, c)
		}
	}
	if rem != 1 {
		return fmt.Errorf("IBAN %q: cifre di controllo errate", iban)
	}
	return nil
}

const omocodia = "LMNPQRSTUV" // letters that replace digits 0-9 in homonymous codes

// digitSlot marks the positions that hold digits (or their omocodia letters).
var digitSlot = [16]bool{6: true, 7: true, 9: true, 10: true, 12: true, 13: true, 14: true}

var oddWeights = [26]int{1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23}

// value maps 0-9 and A-Z to 0..25 (digits share the values of A..J).
func value(c byte) int {
	if isDigit(c) {
		return int(c - '0')
	}
	return int(c - 'A')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
