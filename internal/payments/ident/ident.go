// Package ident checks the identifiers found in payment data: the Italian codice
// fiscale (with its check character and omocodia substitutions), the partita IVA
// and IBANs (ISO 13616 mod-97).
package ident

import (
	"fmt"
	"strings"
)

// FiscalCode checks a natural person's 16-character codice fiscale, or an
// 11-digit one (provisional codes and legal persons share the partita IVA rule).
func FiscalCode(cf string) error {
	cf = strings.ToUpper(cf)
	switch len(cf) {
	case 11:
		return PartitaIVA(cf)
	case 16:
	default:
		return fmt.Errorf("codice fiscale %q: lunghezza %d, attesi 16 caratteri", cf, len(cf))
	}
	for i := 0; i < 16; i++ {
		c := cf[i]
		if digitSlot[i] {
			if !isDigit(c) && !strings.ContainsRune(omocodia, rune(c)) {
				return fmt.Errorf("codice fiscale %q: carattere %q non valido in posizione %d", cf, c, i+1)
			}
		} else if c < 'A' || c > 'Z' {
			return fmt.Errorf("codice fiscale %q: in posizione %d serve una lettera", cf, i+1)
		}
	}
	sum := 0
	for i := 0; i < 15; i++ {
		v := value(cf[i])
		if i%2 == 0 { // 1st, 3rd, … character (1-based odd positions)
			sum += oddWeights[v]
		} else {
			sum += v
		}
	}
	if want := byte('A' + sum%26); cf[15] != want {
		return fmt.Errorf("codice fiscale %q: carattere di controllo %c errato (atteso %c)", cf, cf[15], want)
	}
	return nil
}

// PartitaIVA checks an 11-digit partita IVA (or numeric codice fiscale).
func PartitaIVA(p string) error {
	if len(p) != 11 {
		return fmt.Errorf("partita IVA %q: servono 11 cifre", p)
	}
	sum := 0
	for i := 0; i < 11; i++ {
		if !isDigit(p[i]) {
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
