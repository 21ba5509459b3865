// Package money reads and writes euro amounts as int64 cents, exactly (never
// through floating point), in the dot-decimal form pagoPA's formats, MyPay and
// the treasury journals use. The Italian display form is web.Euro.
package money

import (
	"fmt"
	"strconv"
	"strings"
)

// maxCents bounds every amount to 15 total digits, the widest the formats allow.
const maxCents = 999_999_999_999_999

// ParseCents reads a dot-separated decimal into euro-cents without going through
// floating point. strict demands exactly two decimals (the `\d+\.\d{2}` of the
// FdR and SOAP schemas); otherwise 0..2 decimals and a leading minus are accepted
// (xs:decimal in OPI, MyPay CSV, FdR 3 JSON numbers).
func ParseCents(s string, strict bool) (int64, error) {
	neg := false
	if !strict && strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
	} else if !strict && strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" || !allDigits(intPart) || (hasDot && !allDigits(frac)) {
		return 0, fmt.Errorf("importo %q non valido: serve un numero con il punto come separatore decimale (es. 125.50)", s)
	}
	switch {
	case strict && (!hasDot || len(frac) != 2):
		return 0, fmt.Errorf("importo %q: servono esattamente due decimali", s)
	case hasDot && (len(frac) == 0 || len(frac) > 2):
		return 0, fmt.Errorf("importo %q: al massimo due decimali", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	intPart = strings.TrimLeft(intPart, "0")
	if len(intPart) > 13 {
		return 0, fmt.Errorf("importo %q troppo grande", s)
	}
	if intPart == "" {
		intPart = "0"
	}
	n, err := strconv.ParseInt(intPart+frac, 10, 64)
	if err != nil || n > maxCents {
		return 0, fmt.Errorf("importo %q troppo grande", s)
	}
	if neg {
		n = -n
	}
	return n, nil
}

// FormatCents writes cents as the dot decimal the pagoPA formats use ("12.50").
func FormatCents(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
