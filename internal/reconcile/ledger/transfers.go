package ledger

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/arengo-pa/arengo/internal/reconcile/flows"
)

// decodeTransfers reads a receipt's transfers as the importer stored them
// (json.Marshal of []flows.Transfer), keeping only what classification uses:
// index, amount, beneficiary and stamp. It runs once per receipt of every
// reclassified IUV, where encoding/json's reflection was a tenth of the
// payment phase; anything it does not expect (an escape, a nested value, a
// malformed number) goes to encoding/json, whose answer is the reference.
func decodeTransfers(b []byte) ([]flows.Transfer, error) {
	if ts, ok := scanTransfers(b); ok {
		return ts, nil
	}
	var ts []flows.Transfer
	err := json.Unmarshal(b, &ts)
	return ts, err
}

var knownKeys = map[string]bool{"id_transfer": true, "amount_cents": true, "fiscal_code_pa": true, "iban": true, "remittance": true, "category": true, "stamp": true}

func scanTransfers(b []byte) ([]flows.Transfer, bool) {
	i := 0
	ws := func() {
		for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
			i++
		}
	}
	// str reads a string without escapes; ok false for anything else.
	str := func() (string, bool) {
		if i >= len(b) || b[i] != '"' {
			return "", false
		}
		i++
		start := i
		for i < len(b) && b[i] != '"' {
			if b[i] == '\\' || b[i] < 0x20 {
				return "", false
			}
			i++
		}
		if i >= len(b) {
			return "", false
		}
		if !utf8.Valid(b[start:i]) {
			return "", false // encoding/json replaces invalid bytes
		}
		s := string(b[start:i])
		i++
		return s, true
	}
	ws()
	if i+4 <= len(b) && string(b[i:i+4]) == "null" {
		i += 4
		ws()
		return nil, i == len(b)
	}
	if i >= len(b) || b[i] != '[' {
		return nil, false
	}
	i++
	ws()
	out := []flows.Transfer{}
	if i < len(b) && b[i] == ']' {
		i++
		ws()
		return out, i == len(b)
	}
	for {
		ws()
		if i >= len(b) || b[i] != '{' {
			return nil, false
		}
		i++
		var t flows.Transfer
		seen := map[string]bool{}
		for first := true; ; first = false {
			ws()
			if i < len(b) && b[i] == '}' && first {
				i++
				break
			}
			key, ok := str()
			if !ok || seen[key] || !knownKeys[key] {
				return nil, false // repeated or other keys (matched case-insensitively): encoding/json decides
			}
			seen[key] = true
			ws()
			if i >= len(b) || b[i] != ':' {
				return nil, false
			}
			i++
			ws()
			if i >= len(b) {
				return nil, false
			}
			switch c := b[i]; {
			case c == '"':
				v, ok := str()
				if !ok {
					return nil, false
				}
				switch key {
				case "fiscal_code_pa":
					t.FiscalCodePA = v
				case "iban":
					t.IBAN = v
				case "remittance":
					t.Remittance = v
				case "category":
					t.Category = v
				case "id_transfer", "amount_cents", "stamp":
					return nil, false
				}
			case c == '-' || (c >= '0' && c <= '9'):
				start := i
				if b[i] == '-' {
					i++
				}
				if i < len(b) && b[i] == '0' {
					i++ // JSON allows no leading zeros
				} else {
					for i < len(b) && b[i] >= '0' && b[i] <= '9' {
						i++
					}
				}
				n, err := strconv.ParseInt(string(b[start:i]), 10, 64)
				if err != nil {
					return nil, false
				}
				switch key {
				case "id_transfer":
					if int64(int(n)) != n {
						return nil, false
					}
					t.Index = int(n)
				case "amount_cents":
					t.AmountCents = n
				case "fiscal_code_pa", "iban", "remittance", "category", "stamp":
					return nil, false
				}
			case c == 't' || c == 'f':
				v := c == 't'
				word := "false"
				if v {
					word = "true"
				}
				if i+len(word) > len(b) || string(b[i:i+len(word)]) != word {
					return nil, false
				}
				i += len(word)
				switch key {
				case "stamp":
					t.Stamp = v
				case "id_transfer", "amount_cents", "fiscal_code_pa", "iban", "remittance", "category":
					return nil, false
				}
			default:
				return nil, false // null, objects, arrays, fractions: encoding/json decides
			}
			ws()
			if i < len(b) && b[i] == ',' {
				i++
				continue
			}
			if i < len(b) && b[i] == '}' {
				i++
				break
			}
			return nil, false
		}
		out = append(out, t)
		ws()
		if i < len(b) && b[i] == ',' {
			i++
			continue
		}
		if i < len(b) && b[i] == ']' {
			i++
			ws()
			return out, i == len(b)
		}
		return nil, false
	}
}
