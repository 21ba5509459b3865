package sink

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Pseudonymisation removes or masks personal data in the payloads a sink receives, so that, for
// example, the open-data sink never sees a fiscal code. A field named without dots ("fiscal_code")
// matches that key at any depth; a dotted path ("applicant.email") matches from the payload's root.
// Arrays are walked through transparently.
type Pseudonymisation struct {
	Drop         []string // fields removed
	Pseudonymise []string // fields replaced by an HMAC-SHA256 pseudonym
	Key          []byte   // HMAC key: the same value always gets the same pseudonym under one key
}

// Enabled reports whether the payload has to be rewritten at all.
func (p Pseudonymisation) Enabled() bool { return len(p.Drop)+len(p.Pseudonymise) > 0 }

// Validate refuses a configuration that could not be applied.
func (p Pseudonymisation) Validate() error {
	if len(p.Pseudonymise) > 0 && len(p.Key) < 16 {
		return errors.New("pseudonimizzazione: serve una chiave HMAC di almeno 16 byte")
	}
	for _, f := range append(append([]string{}, p.Drop...), p.Pseudonymise...) {
		if f == "" || strings.HasPrefix(f, ".") || strings.HasSuffix(f, ".") || strings.Contains(f, "..") {
			return fmt.Errorf("pseudonimizzazione: campo %q non valido", f)
		}
	}
	return nil
}

// Pseudonym is the replacement for a value: "ps_" and 32 hex digits of HMAC-SHA256(key, value).
func (p Pseudonymisation) Pseudonym(value string) string {
	m := hmac.New(sha256.New, p.Key)
	m.Write([]byte(value))
	return "ps_" + hex.EncodeToString(m.Sum(nil)[:16])
}

// Apply returns the payload with the configured fields dropped or pseudonymised. Numbers keep their
// exact text; keys come out sorted.
func (p Pseudonymisation) Apply(payload json.RawMessage) (json.RawMessage, error) {
	if !p.Enabled() || len(bytes.TrimSpace(payload)) == 0 {
		return payload, nil
	}
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("pseudonimizzazione: payload non JSON: %w", err)
	}
	v = p.walk(v, "")
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func (p Pseudonymisation) walk(v any, path string) any {
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			full := k
			if path != "" {
				full = path + "." + k
			}
			switch {
			case matches(p.Drop, k, full):
				delete(x, k)
			case matches(p.Pseudonymise, k, full):
				x[k] = p.mask(child)
			default:
				x[k] = p.walk(child, full)
			}
		}
	case []any:
		for i, child := range x {
			x[i] = p.walk(child, path)
		}
	}
	return v
}

// mask pseudonymises a scalar; inside an object or array every scalar is masked, keeping the shape.
func (p Pseudonymisation) mask(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		return p.Pseudonym(x)
	case json.Number:
		return p.Pseudonym(x.String())
	case bool:
		return p.Pseudonym(fmt.Sprint(x))
	case map[string]any:
		for k, child := range x {
			x[k] = p.mask(child)
		}
	case []any:
		for i, child := range x {
			x[i] = p.mask(child)
		}
	}
	return v
}

func matches(fields []string, key, full string) bool {
	for _, f := range fields {
		if strings.Contains(f, ".") {
			if f == full {
				return true
			}
		} else if f == key {
			return true
		}
	}
	return false
}
