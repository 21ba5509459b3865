package iuv

import (
	"fmt"
	"strings"
)

// MaxQRAmountCents is the largest amount the QR amount field (at most 11 digits,
// and 999.999.999,99 € on every pagoPA wire format) can carry.
const MaxQRAmountCents = 99_999_999_999

// QRPayload is the text of the pagoPA QR code:
// PAGOPA|002|<notice number>|<creditor fiscal code>|<amount in cents>.
func QRPayload(nav, creditorCF string, cents int64) (string, error) {
	if _, err := Parse(nav); err != nil {
		return "", err
	}
	if len(creditorCF) != 11 || !allDigits(creditorCF) {
		return "", fmt.Errorf("codice fiscale dell'ente %q: servono 11 cifre", creditorCF)
	}
	if cents < 1 || cents > MaxQRAmountCents {
		return "", fmt.Errorf("importo %d centesimi fuori dall'intervallo del QR code", cents)
	}
	// The amount field is 2..11 digits: amounts below 10 cents get one leading zero.
	return fmt.Sprintf("PAGOPA|002|%s|%s|%02d", nav, creditorCF, cents), nil
}

// PostalSlip holds what the Poste Data Matrix of a "Bollettino Postale PA" carries.
type PostalSlip struct {
	Notice      string // 18 digits
	Account     string // postal current account number, up to 12 digits
	AmountCents int64
	CreditorCF  string // 11 digits
	DebtorCF    string // up to 16 characters
	DebtorName  string
	Subject     string
}

// DataMatrixPayload is the 256-character Poste Data Matrix string (pagopa.md 3.3).
func DataMatrixPayload(p PostalSlip) (string, error) {
	if _, err := Parse(p.Notice); err != nil {
		return "", err
	}
	if p.Account == "" || len(p.Account) > 12 || !allDigits(p.Account) {
		return "", fmt.Errorf("conto corrente postale %q: servono da 1 a 12 cifre", p.Account)
	}
	if p.AmountCents < 1 || p.AmountCents > 9_999_999_999 {
		return "", fmt.Errorf("importo %d centesimi fuori dall'intervallo del bollettino postale", p.AmountCents)
	}
	if len(p.CreditorCF) != 11 || !allDigits(p.CreditorCF) {
		return "", fmt.Errorf("codice fiscale dell'ente %q: servono 11 cifre", p.CreditorCF)
	}
	var b strings.Builder
	b.Grow(256)
	b.WriteString("codfase=NBPA;")
	fmt.Fprintf(&b, "18%s12%012s10%010d3896", p.Notice, p.Account, p.AmountCents)
	b.WriteString("1P1")
	b.WriteString(p.CreditorCF)
	b.WriteString(pad(posteText(p.DebtorCF), 16))
	b.WriteString(pad(strings.ToUpper(posteText(p.DebtorName)), 40))
	b.WriteString(pad(strings.ToUpper(posteText(p.Subject)), 110))
	b.WriteString(strings.Repeat(" ", 12))
	b.WriteString("A")
	return b.String(), nil
}

// posteText replaces what Poste's reader does not accept with a space, as MyPay does.
func posteText(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
			return r
		case strings.ContainsRune(" &',-.:_", r):
			return r
		}
		return ' '
	}, s)
}

// pad truncates or right-pads s with spaces to exactly n bytes (s is ASCII here).
func pad(s string, n int) string {
	if len(s) >= n {
		return s[:n]
	}
	return s + strings.Repeat(" ", n-len(s))
}
