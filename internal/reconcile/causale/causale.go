// Package causale extracts what reconciliation needs from the free text of a
// treasury credit: the pagoPA flow identifier (IUF) of a cumulative SCT
// ("/PUR/LGPE-RIVERSAMENTO/URI/<IUF>") or the IUV of a single-payment credit
// ("/RFB/<IUV>/<importo>", "/RFS/<RF…>/<importo>"). Banks mangle these strings;
// the variants handled are the ones MyPivot and PU met in real journals.
package causale

import (
	"regexp"
	"strings"
)

// Result is what Parse found. At most one of IUF and IUV is set.
type Result struct {
	IUF string
	IUV string
	// AmountCents is the amount quoted after an /RFB/ or /RFS/ IUV, 0 when absent.
	AmountCents int64
	// Truncated marks a pagoPA riversamento whose flow id is cut short (e.g.
	// "/URI/2"): it cannot be matched automatically and needs an operator.
	Truncated bool
}

var (
	// The keyword with the stray spaces seen in the wild: "LGPE- RIVERSAMENTO",
	// "LGPE -RIVERSAMENTO", "LGPE - RIVERSAMENTO", "L GPE-RIVERSAMENTO".
	keyword = regexp.MustCompile(`(?i)L ?GPE ?- ?RIVERSAMENTO`)
	// Optional progressive "/TXT/<digit>/", then "/URI/" or " URI " with any spacing.
	uriSep = regexp.MustCompile(`(?i)^\s*(?:/\s*TXT\s*/\s*\d\s*)?(?:/\s*URI\s*/|\s+URI\s+)\s*`)
	// A leading settlement date, possibly with a space inside ("2021-11- 10", "2021-11-1 0").
	spacedDate = regexp.MustCompile(`^(\d{4}-\d{2}-\s?\d\s?\d)`)
	isoDate    = regexp.MustCompile(`\d{4}-\d{2}-\d{2}`)
	hex32      = regexp.MustCompile(`^[0-9a-fA-F]{32}$`)
	// Single-payment credits: "/RFB/<iuv>/…", "RFB <iuv> …", same for RFS.
	single = regexp.MustCompile(`(?i)(?:/\s*RF([BS])\s*/|\bRF([BS])\s+)`)
)

// minIUF is the shortest flow id accepted as complete: real ones carry a date
// and a PSP id (≥ 20 characters); "old" ones are at least this long.
const minIUF = 10

// Parse reads a causale. It never fails: text with nothing recognisable gives
// an empty Result, which the matcher classifies as an unknown credit.
func Parse(s string) Result {
	// Fixed-width exports wrap long causali; the break can fall inside the IUF.
	s = strings.NewReplacer("\r\n", "", "\n", "", "\r", "").Replace(s)
	if loc := keyword.FindStringIndex(s); loc != nil {
		return riversamento(s[loc[1]:])
	}
	return singlePayment(s)
}

func riversamento(rest string) Result {
	sep := uriSep.FindStringIndex(rest)
	if sep == nil {
		return Result{Truncated: true}
	}
	rest = rest[sep[1]:]
	prefix := ""
	if d := spacedDate.FindString(rest); d != "" {
		prefix = strings.ReplaceAll(d, " ", "")
		rest = rest[len(d):]
	}
	tok, after := token(rest)
	switch {
	case prefix != "" && tok == "":
		// "…/URI/2024-12-15 IUV_VALID": the rest of the id wrapped to the next word.
		tok, _ = token(strings.TrimLeft(after, " \t"))
	case hex32.MatchString(tok):
		// A 64-hex id split in two halves by the bank.
		if next, _ := token(strings.TrimLeft(after, " \t")); hex32.MatchString(next) && strings.HasPrefix(after, " ") {
			tok += next
		}
	}
	iuf := prefix + tok
	if !acceptable(iuf) || len(iuf) < minIUF {
		return Result{IUF: iuf, Truncated: true}
	}
	return Result{IUF: iuf}
}

// token returns the leading run of flow-id characters and what follows it.
func token(s string) (string, string) {
	i := 0
	for i < len(s) {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' {
			i++
			continue
		}
		break
	}
	return s[:i], s[i:]
}

// acceptable is MyPivot's check on a candidate: it holds a yyyy-mm-dd date or is
// made only of letters, digits and ':' (an "old" IUF without date).
func acceptable(iuf string) bool {
	if iuf == "" {
		return false
	}
	if isoDate.MatchString(iuf) {
		return true
	}
	for i := 0; i < len(iuf); i++ {
		c := iuf[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == ':') {
			return false
		}
	}
	return true
}

// maxIUV is the longest reference MyPivot keeps after removing spaces (an RF creditor reference).
const maxIUV = 25

func singlePayment(s string) Result {
	loc := single.FindStringIndex(s)
	if loc == nil {
		return Result{}
	}
	rest := s[loc[1]:]
	var ref string
	var tail string
	if strings.HasPrefix(s[loc[0]:], "/") || strings.Contains(s[loc[0]:loc[1]], "/") {
		ref, tail, _ = strings.Cut(rest, "/")
	} else {
		// "RFB <iuv> ": the reference ends at the next space, or at a slash.
		ref, tail, _ = strings.Cut(rest, " ")
		if i := strings.IndexByte(ref, '/'); i >= 0 {
			ref, tail = ref[:i], ref[i+1:]
		}
	}
	ref = strings.Join(strings.Fields(ref), "")
	if len(ref) > maxIUV {
		ref = ref[:maxIUV]
	}
	if ref == "" {
		return Result{}
	}
	r := Result{IUV: ref}
	amount, _, _ := strings.Cut(strings.TrimSpace(tail), "/")
	if c, ok := cents(strings.TrimSpace(amount)); ok {
		r.AmountCents = c
	}
	return r
}

// cents reads "45.56" or "45,56" (banks use both) without floating point.
func cents(s string) (int64, bool) {
	s = strings.Replace(s, ",", ".", 1)
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(whole) > 12 || len(frac) > 2 {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	var n int64
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, n > 0
}
