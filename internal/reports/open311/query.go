package open311

import (
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Limits of GET /requests: the spec's 90-day window and 1,000 results, and
// the page_size cap of the pagination extension (kept at the spec's ceiling).
const (
	MaxWindow      = 90 * 24 * time.Hour
	MaxPageSize    = 1000
	maxIDsPerQuery = 1000
)

// Query is a parsed GET /requests. When IDs is set it overrides every other
// filter, as the spec says; pagination still applies.
type Query struct {
	IDs          []string
	ServiceCodes []string
	// Start and End bound requested_datetime, both inclusive; always set
	// unless IDs is.
	Start, End time.Time
	// Statuses holds "open" and/or "closed"; empty means both.
	Statuses []string
	// UpdatedAfter/Before (v2.1 draft) bound updated_datetime when set.
	UpdatedAfter, UpdatedBefore time.Time
	// Page is one-based; past the end the answer is an empty list.
	Page, PageSize int
	// Extensions asks for notes (history) on each request.
	Extensions bool
}

// Offset is the number of rows to skip for the page.
func (q Query) Offset() int { return (q.Page - 1) * q.PageSize }

// ParseQuery reads the filters, applying defaults (the most recent 90 days,
// both statuses, first page of 1,000) and refusing with 400 what breaks the
// spec's limits. A date given alone anchors a 90-day window on itself.
func ParseQuery(v url.Values, now time.Time) (Query, error) {
	var p problems
	q := Query{Page: 1, PageSize: MaxPageSize}
	q.Page = positiveInt(v, "page", 1, 0, &p)
	q.PageSize = positiveInt(v, "page_size", MaxPageSize, MaxPageSize, &p)
	q.Extensions = strings.EqualFold(strings.TrimSpace(v.Get("extensions")), "true")
	if ids := splitList(v.Get("service_request_id")); len(ids) > 0 {
		if len(ids) > maxIDsPerQuery {
			p.add("service_request_id: al massimo %d identificativi per richiesta", maxIDsPerQuery)
		}
		q.IDs = ids
		return q, p.err()
	}
	q.ServiceCodes = splitList(v.Get("service_code"))
	for _, s := range splitList(v.Get("status")) {
		s = strings.ToLower(s)
		if s != Open && s != Closed {
			p.add("status %q non valido: usare open, closed o entrambi separati da virgola", s)
			continue
		}
		q.Statuses = append(q.Statuses, s)
	}
	if len(q.Statuses) == 2 {
		q.Statuses = nil
	}
	start := parseDate(v, "start_date", &p)
	end := parseDate(v, "end_date", &p)
	q.Start, q.End = window(start, end, now, &p)
	q.UpdatedAfter = parseDate(v, "updated_after", &p)
	q.UpdatedBefore = parseDate(v, "updated_before", &p)
	if err := p.err(); err != nil {
		return Query{}, err
	}
	return q, nil
}

// window applies the 90-day rule to start_date/end_date.
func window(start, end, now time.Time, p *problems) (time.Time, time.Time) {
	switch {
	case start.IsZero() && end.IsZero():
		return now.Add(-MaxWindow), now
	case end.IsZero():
		return start, start.Add(MaxWindow)
	case start.IsZero():
		return end.Add(-MaxWindow), end
	}
	if end.Before(start) {
		p.add("end_date precede start_date")
	} else if end.Sub(start) > MaxWindow {
		p.add("l'intervallo tra start_date e end_date supera 90 giorni")
	}
	return start, end
}

// UpdatesWindow reads start_date/end_date of /servicerequestupdates: both or
// neither (then the last 24 hours), at most 90 days apart.
func UpdatesWindow(v url.Values, now time.Time) (time.Time, time.Time, error) {
	var p problems
	start := parseDate(v, "start_date", &p)
	end := parseDate(v, "end_date", &p)
	if start.IsZero() != end.IsZero() {
		p.add("start_date ed end_date vanno indicati insieme")
	}
	if start.IsZero() && end.IsZero() {
		start, end = now.Add(-24*time.Hour), now
	}
	_, _ = window(start, end, now, &p)
	return start, end, p.err()
}

func parseDate(v url.Values, key string, p *problems) time.Time {
	s := strings.TrimSpace(v.Get(key))
	if s == "" {
		return time.Time{}
	}
	t, err := ParseTime(s)
	if err != nil {
		p.add("%s: %v", key, err)
	}
	return t
}

func positiveInt(v url.Values, key string, def, max int, p *problems) int {
	s := strings.TrimSpace(v.Get(key))
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || (max > 0 && n > max) {
		if max > 0 {
			p.add("%s %q non valido: intero tra 1 e %d", key, s, max)
		} else {
			p.add("%s %q non valido: intero da 1 in su", key, s)
		}
		return def
	}
	return n
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
