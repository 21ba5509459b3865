package mypay

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseAmount reads a decimal euro amount with "." as separator and at most two
// decimals, exactly, into cents (never through floating point).
func ParseAmount(s string) (int64, error) {
	if s == "" {
		return 0, fmt.Errorf("importo mancante")
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || !digits(whole) || hasDot && (frac == "" || len(frac) > 2 || !digits(frac)) {
		return 0, fmt.Errorf("importo %q: serve un numero con il punto come separatore e al massimo due decimali", s)
	}
	if len(whole) > 13 {
		return 0, fmt.Errorf("importo %q troppo grande", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("importo %q: %v", s, err)
	}
	return n, nil
}

// FormatAmount writes cents as MyPay's decimal: 1234.50.
func FormatAmount(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%s%d.%02d", sign, cents/100, cents%100)
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
