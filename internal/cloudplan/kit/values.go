package kit

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Closed value sets exactly as in the templates' data validations.
var (
	Ratings          = []string{"Alto", "Medio", "Basso"}
	Modifiabilities  = []string{"No", "Parziale", "Completa"}
	Connectivities   = []string{"Rete locale", "Internet"}
	InvolvementModes = []string{"Da coinvolgere", "Tenere informato"}
	SkillLevels      = []string{"0", "1", "2", "3", "4", "5"}
)

// oneOf returns the canonical spelling of v in set, ignoring case and
// surrounding blanks (spreadsheet users type "alto" as often as "Alto").
func oneOf(v string, set []string) (string, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", true
	}
	for _, s := range set {
		if strings.EqualFold(v, s) {
			return s, true
		}
	}
	return "", false
}

// Tri is a yes/no answer that may be missing: the kit says measured data is
// better than estimates, and estimates better than blanks, so "unknown" must
// stay distinct from "no".
type Tri int8

const (
	Unknown Tri = iota
	Yes
	No
)

// YesNo reads a free-text answer of the assessment sheet ("Sì, test unitari",
// "no", "assenti") as a Tri.
func YesNo(text string) Tri {
	t := strings.ToLower(strings.TrimSpace(text))
	switch {
	case t == "":
		return Unknown
	case strings.HasPrefix(t, "no"), strings.HasPrefix(t, "nessun"), strings.HasPrefix(t, "assent"),
		t == "false", t == "falso", strings.HasPrefix(t, "non "):
		return No
	}
	return Yes
}

// splitList reads a list cell: items separated by newlines, semicolons or
// commas; "nessuno"/"nessuna"/"-" mean an explicitly empty list.
func splitList(v string) []string {
	v = strings.TrimSpace(v)
	switch strings.ToLower(v) {
	case "", "nessuno", "nessuna", "-", "n/a":
		return nil
	}
	var out []string
	for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == '\n' || r == ';' || r == ',' }) {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func joinList(items []string) string { return strings.Join(items, "; ") }

// parseInt reads a whole non-negative count such as "12000" or "12.000".
func parseInt(v string) (int64, error) {
	v = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(v, ".", ""), " ", ""))
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("atteso un numero intero non negativo")
	}
	return n, nil
}

// ParseEuroCents reads an amount in euros written the Italian way
// ("12.000,50 €") or the spreadsheet way ("12000.5").
func ParseEuroCents(v string) (int64, error) {
	s := strings.TrimSpace(v)
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(s, "€"), "€"))
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(s, "EUR"), "euro"))
	s = strings.ReplaceAll(s, " ", "")
	bad := fmt.Errorf("atteso un importo in euro, es. 1.234,56")
	if s == "" {
		return 0, bad
	}
	lastDot, lastComma := strings.LastIndex(s, "."), strings.LastIndex(s, ",")
	switch {
	case lastDot >= 0 && lastComma >= 0:
		if lastComma > lastDot {
			s = strings.ReplaceAll(s, ".", "")
			s = strings.Replace(s, ",", ".", 1)
		} else {
			s = strings.ReplaceAll(s, ",", "")
		}
	case lastComma >= 0:
		if strings.Count(s, ",") > 1 {
			return 0, bad
		}
		s = strings.Replace(s, ",", ".", 1)
	case strings.Count(s, ".") > 1 || (lastDot >= 0 && len(s)-lastDot-1 == 3):
		// "12.000" is twelve thousand in Italian; a single dot followed by
		// exactly three digits is read as a thousands separator.
		s = strings.ReplaceAll(s, ".", "")
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) || f > 1e15 {
		return 0, bad
	}
	return int64(math.Round(f * 100)), nil
}

func formatEuro(cents int64) string {
	return fmt.Sprintf("%d.%02d", cents/100, cents%100)
}

var byteUnits = []struct {
	name string
	mult int64
}{{"PB", 1 << 50}, {"TB", 1 << 40}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}}

// parseBytes reads a size with its unit ("120 GB", "1,5 TB", "512MB"); the
// kit asks for the unit, so a bare number is refused.
func parseBytes(v string) (int64, error) {
	s := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(v), " ", ""))
	s = strings.ReplaceAll(s, "IB", "B")
	s = strings.ReplaceAll(s, "BYTE", "B")
	bad := fmt.Errorf("attesa una dimensione con unità di misura, es. 120 GB")
	for _, u := range byteUnits {
		if num, ok := strings.CutSuffix(s, u.name); ok && num != "" {
			f, err := strconv.ParseFloat(strings.Replace(num, ",", ".", 1), 64)
			if err != nil || f < 0 || f*float64(u.mult) > math.MaxInt64/2 {
				return 0, bad
			}
			return int64(math.Round(f * float64(u.mult))), nil
		}
	}
	return 0, bad
}

// formatBytes writes the largest unit that represents n exactly, so that
// parseBytes(formatBytes(n)) == n.
func formatBytes(n int64) string {
	for _, u := range byteUnits {
		if n >= u.mult && n%u.mult == 0 {
			return fmt.Sprintf("%d %s", n/u.mult, u.name)
		}
	}
	return fmt.Sprintf("%d B", n)
}

// parseDate reads an ISO or Italian date, or an Excel serial day number.
func parseDate(v string) (string, error) {
	s := strings.TrimSpace(v)
	for _, layout := range []string{"2006-01-02", "02/01/2006", "2/1/2006", "02-01-2006", "02.01.2006", "2006-01-02T15:04:05Z"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01-02"), nil
		}
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f > 0 && f < 2958466 {
		// Excel's day 1 is 1900-01-01 with the historic 1900 leap-year bug.
		t := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).Add(time.Duration(math.Floor(f)) * 24 * time.Hour)
		return t.Format("2006-01-02"), nil
	}
	return "", fmt.Errorf("attesa una data, es. 31/12/2026")
}
