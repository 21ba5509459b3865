// Package iuv builds and checks pagoPA payment identifiers: the IUV, the 18-digit
// notice number (NAV, "codice avviso") and the payloads of the barcodes printed on
// a payment notice. Rules: SACI "Generazione dell'Identificativo Univoco di Versamento".
package iuv

import (
	"fmt"
	"strconv"
	"strings"
)

// Notice is a parsed 18-digit notice number.
type Notice struct {
	Number          string // the 18 digits
	Aux             byte   // '0', '1', '2' or '3'
	ApplicationCode string // aux 0 only
	SegregationCode string // aux 3 only
	IUV             string // 15 digits (aux 0) or 17 digits (aux 1, 2, 3)
}

// MaxBase is the largest 13-digit IUV base an aux-3 notice can carry.
const MaxBase = 9_999_999_999_999

// reservedSegregation are codes PagoPA keeps for centralised services; a comune
// must never generate notices with them.
var reservedSegregation = map[int]string{
	99: "emissione CIE (Ministero dell'Interno)",
	98: "certificati ANPR (Ministero dell'Interno)",
	97: "SUAP (Unioncamere)",
	96: "bollo auto (ACI)",
	85: "sussidiarietà TARI/TEFA (PagoPA)",
	81: "PagoPA S.p.A.",
	47: "Canone Unico (PagoPA)",
}

// CheckSegregationCode refuses codes outside 00..99 and those reserved by PagoPA.
func CheckSegregationCode(code int) error {
	if code < 0 || code > 99 {
		return fmt.Errorf("codice di segregazione %d: deve essere tra 00 e 99", code)
	}
	if svc, ok := reservedSegregation[code]; ok {
		return fmt.Errorf("codice di segregazione %02d riservato a %s", code, svc)
	}
	return nil
}

// CheckDigits returns the two mod-93 check digits for the 16 digits that precede
// them in a notice number (aux digit + application/segregation code + IUV base).
func CheckDigits(prefix16 string) (string, error) {
	if len(prefix16) != 16 || !allDigits(prefix16) {
		return "", fmt.Errorf("il prefisso per le cifre di controllo deve avere 16 cifre, trovato %q", prefix16)
	}
	n, err := strconv.ParseUint(prefix16, 10, 64)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%02d", n%93), nil
}

// NewAux3 builds the IUV (17 digits) and notice number (18 digits) with aux digit 3
// for a segregation code and a 13-digit base.
func NewAux3(segregation int, base int64) (Notice, error) {
	if err := CheckSegregationCode(segregation); err != nil {
		return Notice{}, err
	}
	if base < 0 || base > MaxBase {
		return Notice{}, fmt.Errorf("base IUV %d fuori dall'intervallo 0..%d", base, int64(MaxBase))
	}
	prefix := fmt.Sprintf("3%02d%013d", segregation, base)
	cd, err := CheckDigits(prefix)
	if err != nil {
		return Notice{}, err
	}
	nav := prefix + cd
	return Notice{Number: nav, Aux: '3', SegregationCode: nav[1:3], IUV: nav[1:]}, nil
}

// Parse validates a notice number of any aux digit and splits it into its parts.
// Spaces (the printed form groups digits by four) are ignored.
func Parse(s string) (Notice, error) {
	nav := strings.ReplaceAll(s, " ", "")
	if len(nav) != 18 || !allDigits(nav) {
		return Notice{}, fmt.Errorf("il codice avviso deve avere 18 cifre, trovato %q", s)
	}
	n := Notice{Number: nav, Aux: nav[0]}
	switch n.Aux {
	case '0':
		n.ApplicationCode, n.IUV = nav[1:3], nav[3:]
	case '1':
		n.IUV = nav[1:]
		return n, nil // pre-existing codes carry no check digits
	case '2':
		n.IUV = nav[1:]
	case '3':
		n.SegregationCode, n.IUV = nav[1:3], nav[1:]
	default:
		return Notice{}, fmt.Errorf("codice avviso %s: cifra ausiliaria %c non valida (ammesse 0, 1, 2, 3)", nav, n.Aux)
	}
	want, _ := CheckDigits(nav[:16])
	if nav[16:] != want {
		return Notice{}, fmt.Errorf("codice avviso %s: cifre di controllo %s errate (attese %s)", nav, nav[16:], want)
	}
	return n, nil
}

// Format prints a notice number in groups of four digits, as on the paper notice.
func Format(nav string) string {
	var b strings.Builder
	for i := 0; i < len(nav); i++ {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteByte(nav[i])
	}
	return b.String()
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
