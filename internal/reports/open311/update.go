package open311

import (
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// UpdatePost is a parsed POST /servicerequestupdates: a back-end system (or
// a FixMyStreet client) reports a change on an existing request.
type UpdatePost struct {
	APIKey           string
	ServiceRequestID string
	// UpdateID is the client's id for this update, used to ignore repeats.
	UpdateID    string
	Status      string // extended set, upper case
	Updated     time.Time
	Description string
	MediaURLs   []string
}

// ParseUpdatePost reads the form; every problem is reported at once.
func ParseUpdatePost(form url.Values, now time.Time) (UpdatePost, error) {
	var p problems
	get := func(k string) string { return strings.TrimSpace(form.Get(k)) }
	u := UpdatePost{
		APIKey:           get("api_key"),
		ServiceRequestID: get("service_request_id"),
		UpdateID:         get("update_id"),
		Status:           strings.ToUpper(strings.ReplaceAll(get("status"), " ", "_")),
		Description:      strings.TrimSpace(form.Get("description")),
		Updated:          now,
	}
	if u.ServiceRequestID == "" {
		p.add("service_request_id mancante")
	}
	if u.UpdateID == "" {
		p.add("update_id mancante")
	} else if len(u.UpdateID) > maxField || !utf8.ValidString(u.UpdateID) {
		p.add("update_id non valido")
	}
	if u.Status == "" {
		p.add("status mancante")
	} else if !slices.Contains(ExtendedStatuses, u.Status) {
		p.add("status %q sconosciuto: valori ammessi %s", u.Status, strings.Join(ExtendedStatuses, ", "))
	}
	if s := get("updated_datetime"); s != "" {
		t, err := ParseTime(s)
		if err != nil {
			p.add("updated_datetime: %v", err)
		} else {
			u.Updated = t
		}
	}
	if !utf8.ValidString(u.Description) || utf8.RuneCountInString(u.Description) > MaxDescription {
		p.add("description non valida o più lunga di %d caratteri", MaxDescription)
	} else if htmlTag.MatchString(u.Description) {
		p.add("description non può contenere HTML o codice")
	}
	for _, m := range form["media_url"] {
		if m = strings.TrimSpace(m); m == "" {
			continue
		}
		if pu, err := url.Parse(m); err != nil || (pu.Scheme != "https" && pu.Scheme != "http") || pu.Host == "" {
			p.add("media_url %q non è un indirizzo http(s) valido", m)
			continue
		}
		u.MediaURLs = append(u.MediaURLs, m)
	}
	if err := p.err(); err != nil {
		return UpdatePost{}, err
	}
	return u, nil
}
