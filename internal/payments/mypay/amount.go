package mypay

import (
	"fmt"

	"github.com/arengo-pa/arengo/internal/money"
)

// ParseAmount reads MyPay's decimal euro amount: "." as separator, at most
// two decimals, no sign.
func ParseAmount(s string) (int64, error) {
	if s == "" {
		return 0, fmt.Errorf("importo mancante")
	}
	if s[0] == '-' || s[0] == '+' {
		return 0, fmt.Errorf("importo %q: serve un numero senza segno, con il punto come separatore e al massimo due decimali", s)
	}
	return money.ParseCents(s, false)
}
