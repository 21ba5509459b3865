package open311

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // the comune's zone must not depend on the host's tz database
)

// Rome is where date-only values (which carry no offset) are anchored.
var Rome = mustZone("Europe/Rome")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// Time is a W3C datetime on the wire: RFC 3339 in UTC when emitted, empty
// (XML) or null (JSON) when zero.
type Time struct{ time.Time }

// At wraps t, keeping zero as zero.
func At(t time.Time) Time { return Time{t} }

func (t Time) MarshalText() ([]byte, error) {
	if t.IsZero() {
		return []byte{}, nil
	}
	return []byte(t.UTC().Format(time.RFC3339)), nil
}

func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + t.UTC().Format(time.RFC3339) + `"`), nil
}

// w3cLayouts are the W3C NOTE-datetime profiles that carry a time; the spec
// makes the offset mandatory for them ("Z" or ±hh:mm).
var w3cLayouts = []string{
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05Z07:00",
	time.RFC3339Nano,
}

// ParseTime reads a W3C datetime. Values with a time must carry their
// offset; date-only values (YYYY, YYYY-MM, YYYY-MM-DD) mean the start of that
// period in the comune's zone.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "T") {
		// A space survives form decoding of an unescaped "+01:00".
		s = strings.Replace(s, " ", "+", 1)
		for _, l := range w3cLayouts {
			if t, err := time.Parse(l, s); err == nil {
				return t.UTC(), nil
			}
		}
		return time.Time{}, fmt.Errorf("%q non è una data W3C con fuso orario (es. 2026-01-31T08:00:00Z o 2026-01-31T09:00:00+01:00)", s)
	}
	for _, l := range []string{"2006-01-02", "2006-01", "2006"} {
		if len(s) == len(l) {
			if t, err := time.ParseInLocation(l, s, Rome); err == nil {
				return t.UTC(), nil
			}
		}
	}
	return time.Time{}, fmt.Errorf("%q non è una data W3C (es. 2026-01-31 o 2026-01-31T08:00:00Z)", s)
}
