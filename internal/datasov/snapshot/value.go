package snapshot

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// appendValue writes v, as scanned from either engine, in the canonical JSON of the column's type:
// integers as numbers, booleans as true/false, times in RFC 3339 UTC, bytes in base64.
func appendValue(b []byte, t Type, v any) ([]byte, error) {
	if v == nil {
		return append(b, "null"...), nil
	}
	switch t {
	case Integer:
		switch x := v.(type) {
		case int64:
			return strconv.AppendInt(b, x, 10), nil
		case bool:
			return strconv.AppendInt(b, boolInt(x), 10), nil
		case float64:
			if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
				return strconv.AppendInt(b, int64(x), 10), nil
			}
		}
	case Boolean:
		switch x := v.(type) {
		case bool:
			return strconv.AppendBool(b, x), nil
		case int64:
			return strconv.AppendBool(b, x != 0), nil
		}
	case Timestamp:
		switch x := v.(type) {
		case time.Time:
			return appendTime(b, x), nil
		case string:
			tm, err := parseStoredTime(x)
			if err != nil {
				return nil, err
			}
			return appendTime(b, tm), nil
		}
	case Real:
		switch x := v.(type) {
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("numero non rappresentabile in JSON: %v", x)
			}
			return strconv.AppendFloat(b, x, 'g', -1, 64), nil
		case int64:
			return strconv.AppendInt(b, x, 10), nil
		}
	case Bytes:
		switch x := v.(type) {
		case []byte:
			return appendString(b, base64.StdEncoding.EncodeToString(x)), nil
		case string:
			return appendString(b, base64.StdEncoding.EncodeToString([]byte(x))), nil
		}
	default: // Text
		switch x := v.(type) {
		case string:
			return appendString(b, x), nil
		case []byte:
			return appendString(b, string(x)), nil
		case int64:
			return appendString(b, strconv.FormatInt(x, 10)), nil
		case float64:
			return appendString(b, strconv.FormatFloat(x, 'g', -1, 64)), nil
		case time.Time:
			return appendString(b, x.UTC().Format(time.RFC3339Nano)), nil
		}
	}
	return nil, fmt.Errorf("valore %T inatteso per il tipo %s", v, t)
}

// appendTime writes a time as a JSON string in RFC 3339 UTC (no character in it needs escaping).
func appendTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// parseStoredTime reads a time SQLite returned as text (a column whose declared type the driver did
// not recognise as a time).
func parseStoredTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999Z07:00",
		"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("data e ora non riconosciuta: %q", s)
}

// appendString writes s as a JSON string. Unlike encoding/json it leaves <, > and & alone (the files
// are data, not HTML); invalid UTF-8 becomes U+FFFD as in encoding/json.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// parseValue turns a JSON value from an export into what the database driver takes for the column.
func parseValue(c Column, raw json.RawMessage) (any, error) {
	s := string(raw)
	if s == "null" {
		if !c.Nullable {
			return nil, fmt.Errorf("colonna %s: null non ammesso", c.Name)
		}
		return nil, nil
	}
	switch c.Type {
	case Integer:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("colonna %s: %s non è un intero", c.Name, s)
		}
		return n, nil
	case Boolean:
		switch s {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return nil, fmt.Errorf("colonna %s: %s non è true o false", c.Name, s)
	case Real:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("colonna %s: %s non è un numero", c.Name, s)
		}
		return f, nil
	}
	str, err := jsonString(raw)
	if err != nil {
		return nil, fmt.Errorf("colonna %s: %w", c.Name, err)
	}
	switch c.Type {
	case Timestamp:
		t, err := time.Parse(time.RFC3339Nano, str)
		if err != nil {
			return nil, fmt.Errorf("colonna %s: %q non è una data RFC 3339", c.Name, str)
		}
		return t.UTC(), nil
	case Bytes:
		b, err := base64.StdEncoding.DecodeString(str)
		if err != nil {
			return nil, fmt.Errorf("colonna %s: base64 non valido", c.Name)
		}
		return b, nil
	}
	return str, nil
}

func jsonString(raw json.RawMessage) (string, error) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", fmt.Errorf("atteso un testo, trovato %.40s", raw)
	}
	if !strings.ContainsRune(string(raw), '\\') {
		return string(raw[1 : len(raw)-1]), nil
	}
	var s string
	err := json.Unmarshal(raw, &s)
	return s, err
}
