package open311

import (
	"net/mail"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxDescription is the spec's limit on description, in characters.
const MaxDescription = 4000

// maxField caps every other free-text input so a client cannot store
// megabytes in a name.
const maxField = 500

// CreateRequest is a parsed POST /requests. Reporter fields are kept for the
// office and never returned by any GET.
type CreateRequest struct {
	APIKey         string
	JurisdictionID string
	ServiceCode    string
	// HasPoint is true when lat and long were both given.
	HasPoint      bool
	Lat, Long     float64
	AddressString string
	AddressID     string
	Email         string
	FirstName     string
	LastName      string
	Phone         string
	DeviceID      string
	AccountID     string
	Description   string
	MediaURLs     []string
	// Attributes maps attribute[CODE] to its values; a multivaluelist sent as
	// attribute[CODE][]=a&attribute[CODE][]=b holds several.
	Attributes map[string][]string
}

var htmlTag = regexp.MustCompile(`<\s*/?\s*[a-zA-Z!?][^>]*>`)

// ParseCreate reads a form-encoded POST body, already split into values.
// Empty values count as absent. Every syntax problem is reported at once as
// a 400 failure; the api_key and the service are checked by the caller.
func ParseCreate(form url.Values) (CreateRequest, error) {
	var p problems
	get := func(k string) string { return strings.TrimSpace(form.Get(k)) }
	c := CreateRequest{
		APIKey:         get("api_key"),
		JurisdictionID: get("jurisdiction_id"),
		ServiceCode:    get("service_code"),
		AddressString:  get("address_string"),
		AddressID:      get("address_id"),
		Email:          get("email"),
		FirstName:      get("first_name"),
		LastName:       get("last_name"),
		Phone:          get("phone"),
		DeviceID:       get("device_id"),
		AccountID:      get("account_id"),
		Description:    strings.TrimSpace(strings.ReplaceAll(form.Get("description"), "\r\n", "\n")),
	}
	if c.ServiceCode == "" {
		p.add("service_code mancante: indicare il tipo di segnalazione")
	}
	for _, f := range []struct{ name, v string }{
		{"jurisdiction_id", c.JurisdictionID}, {"service_code", c.ServiceCode},
		{"address_string", c.AddressString}, {"address_id", c.AddressID},
		{"email", c.Email}, {"first_name", c.FirstName}, {"last_name", c.LastName},
		{"phone", c.Phone}, {"device_id", c.DeviceID}, {"account_id", c.AccountID},
	} {
		if !utf8.ValidString(f.v) {
			p.add("%s non è testo UTF-8 valido", f.name)
		} else if utf8.RuneCountInString(f.v) > maxField {
			p.add("%s supera %d caratteri", f.name, maxField)
		}
	}
	c.parsePoint(form, &p)
	if !c.HasPoint && c.AddressString == "" && c.AddressID == "" {
		p.add("luogo mancante: indicare lat e long, oppure address_string, oppure address_id")
	}
	if c.Email != "" {
		if a, err := mail.ParseAddress(c.Email); err != nil || a.Address != c.Email {
			p.add("email %q non è un indirizzo valido", c.Email)
		}
	}
	switch {
	case !utf8.ValidString(c.Description):
		p.add("description non è testo UTF-8 valido")
	case utf8.RuneCountInString(c.Description) > MaxDescription:
		p.add("description supera %d caratteri (%d)", MaxDescription, utf8.RuneCountInString(c.Description))
	case htmlTag.MatchString(c.Description):
		p.add("description non può contenere HTML o codice")
	}
	for _, u := range form["media_url"] {
		u = strings.TrimSpace(u)
		if u == "" {
			continue
		}
		if pu, err := url.Parse(u); err != nil || (pu.Scheme != "https" && pu.Scheme != "http") || pu.Host == "" {
			p.add("media_url %q non è un indirizzo http(s) valido", u)
			continue
		}
		c.MediaURLs = append(c.MediaURLs, u)
	}
	c.Attributes = parseAttributes(form, &p)
	if err := p.err(); err != nil {
		return CreateRequest{}, err
	}
	return c, nil
}

func (c *CreateRequest) parsePoint(form url.Values, p *problems) {
	lat, long := strings.TrimSpace(form.Get("lat")), strings.TrimSpace(form.Get("long"))
	if lat == "" && long == "" {
		return
	}
	if lat == "" || long == "" {
		p.add("lat e long vanno indicati insieme")
		return
	}
	la, err1 := strconv.ParseFloat(lat, 64)
	lo, err2 := strconv.ParseFloat(long, 64)
	if err1 != nil || la < -90 || la > 90 || la != la {
		p.add("lat %q non è una latitudine WGS84 (da -90 a 90)", lat)
		return
	}
	if err2 != nil || lo < -180 || lo > 180 || lo != lo {
		p.add("long %q non è una longitudine WGS84 (da -180 a 180)", long)
		return
	}
	c.HasPoint, c.Lat, c.Long = true, la, lo
}

// parseAttributes walks the form keys, which Go's parser keeps literal:
// attribute[CODE] (one value) and attribute[CODE][] (repeated values).
func parseAttributes(form url.Values, p *problems) map[string][]string {
	out := map[string][]string{}
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !strings.HasPrefix(k, "attribute") {
			continue
		}
		code, ok := attributeCode(k)
		if !ok {
			p.add("parametro %q non valido: usare attribute[codice] oppure attribute[codice][]", k)
			continue
		}
		for _, v := range form[k] {
			v = strings.TrimSpace(strings.ReplaceAll(v, "\r\n", "\n"))
			if v == "" {
				continue
			}
			if !utf8.ValidString(v) || utf8.RuneCountInString(v) > MaxDescription {
				p.add("attribute[%s]: valore non valido o più lungo di %d caratteri", code, MaxDescription)
				continue
			}
			out[code] = append(out[code], v)
		}
	}
	return out
}

func attributeCode(key string) (string, bool) {
	rest, ok := strings.CutPrefix(key, "attribute[")
	if !ok {
		return "", false
	}
	rest = strings.TrimSuffix(rest, "[]")
	code, ok := strings.CutSuffix(rest, "]")
	if !ok || code == "" || strings.ContainsAny(code, "[]") || !utf8.ValidString(code) || len(code) > 100 {
		return "", false
	}
	return code, true
}
