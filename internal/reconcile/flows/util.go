package flows

import (
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // dataOraFlusso without zone is Italian time, even on hosts without zoneinfo
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// parseDate accepts an ISO date, optionally followed by a time or zone (some
// producers write xs:date values with "+01:00" or "T00:00:00").
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if len(s) >= 10 {
		if t, err := time.Parse("2006-01-02", s[:10]); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, &time.ParseError{Layout: "AAAA-MM-GG", Value: s, Message: ": data non valida (atteso AAAA-MM-GG)"}
}

// parseDateTime accepts xs:dateTime with or without zone; without zone it is
// taken as Italian local time, which is how pagoPA writes dataOraFlusso.
func parseDateTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if l == time.RFC3339Nano {
			if t, err := time.Parse(l, s); err == nil {
				return t.UTC(), nil
			}
			continue
		}
		if t, err := time.ParseInLocation(l, s, rome); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, &time.ParseError{Layout: "AAAA-MM-GGThh:mm:ss", Value: s, Message: ": data e ora non valide"}
}

var rome = func() *time.Location {
	l, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return l
}()
