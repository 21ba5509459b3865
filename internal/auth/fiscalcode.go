package auth

import "strings"

// ValidFiscalCode checks an Italian personal fiscal code (16 characters with
// its check character, omocodia letters allowed) or a legal person's 11-digit
// code with its Luhn-like check digit.
func ValidFiscalCode(fc string) bool {
	fc = strings.ToUpper(fc)
	switch len(fc) {
	case 16:
		return validPersonCode(fc)
	case 11:
		return validCompanyCode(fc)
	}
	return false
}

var oddValues = [36]int{1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23}

func validPersonCode(fc string) bool {
	// Letters at 0-5, 8, 11, 15; digits or omocodia letters elsewhere.
	const omocodia = "LMNPQRSTUV"
	for i := 0; i < 15; i++ {
		c := fc[i]
		switch i {
		case 0, 1, 2, 3, 4, 5, 8, 11:
			if c < 'A' || c > 'Z' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9') && !strings.ContainsRune(omocodia, rune(c)) {
				return false
			}
		}
	}
	sum := 0
	for i := 0; i < 15; i++ {
		c := fc[i]
		var idx int
		if c >= '0' && c <= '9' {
			idx = int(c - '0')
		} else {
			idx = int(c-'A') + 10
		}
		if i%2 == 0 { // 1-based odd positions
			sum += oddValues[idx]
		} else if c >= '0' && c <= '9' {
			sum += int(c - '0')
		} else {
			sum += int(c - 'A')
		}
	}
	return fc[15] == byte('A'+sum%26)
}

func validCompanyCode(fc string) bool {
	sum := 0
	for i := 0; i < 11; i++ {
		c := fc[i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		if i < 10 {
			sum += d
		}
	}
	return int(fc[10]-'0') == (10-sum%10)%10
}
