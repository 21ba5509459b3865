package open311

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"
)

func failureOf(t *testing.T, err error) *Failure {
	t.Helper()
	var f *Failure
	if !errors.As(err, &f) {
		t.Fatalf("error %v is not a Failure", err)
	}
	return f
}

func TestParseCreateReadsAttributesAndLocation(t *testing.T) {
	form, _ := url.ParseQuery("api_key=k&service_code=001&lat=45.40&long=11.87&description=Buca+profonda" +
		"&attribute%5BWHISHETN%5D=123&attribute%5Bcolori%5D%5B%5D=rosso&attribute%5Bcolori%5D%5B%5D=blu&attribute%5Bvuoto%5D=" +
		"&email=mario%40example.it&media_url=https%3A%2F%2Fexample.it%2Fa.jpg")
	c, err := ParseCreate(form)
	if err != nil {
		t.Fatal(err)
	}
	if !c.HasPoint || c.Lat != 45.40 || c.Long != 11.87 || c.ServiceCode != "001" || c.APIKey != "k" {
		t.Errorf("parsed %+v", c)
	}
	if got := c.Attributes["WHISHETN"]; len(got) != 1 || got[0] != "123" {
		t.Errorf("WHISHETN = %v", got)
	}
	if got := c.Attributes["colori"]; strings.Join(got, ",") != "rosso,blu" {
		t.Errorf("colori = %v", got)
	}
	if _, ok := c.Attributes["vuoto"]; ok {
		t.Error("empty attribute should count as absent")
	}
	if len(c.MediaURLs) != 1 {
		t.Errorf("media = %v", c.MediaURLs)
	}
}

func TestParseCreateReportsEveryProblemAt400(t *testing.T) {
	cases := []struct {
		name, body string
		wants      []string
	}{
		{"no service, no place", "api_key=k", []string{"service_code mancante", "luogo mancante"}},
		{"lat without long", "service_code=1&lat=45", []string{"lat e long vanno indicati insieme"}},
		{"lat out of range", "service_code=1&lat=95&long=11", []string{"lat \"95\""}},
		{"long not a number", "service_code=1&lat=45&long=abc", []string{"long \"abc\""}},
		{"description too long", "service_code=1&address_string=via+Roma&description=" + strings.Repeat("à", 4001), []string{"description supera 4000 caratteri"}},
		{"html", "service_code=1&address_id=7&description=%3Cscript%3Ealert(1)%3C%2Fscript%3E", []string{"HTML"}},
		{"bad email", "service_code=1&address_id=7&email=nope", []string{"email \"nope\""}},
		{"bad attribute key", "service_code=1&address_id=7&attribute%5Bx=1", []string{"attribute[x"}},
		{"bad media", "service_code=1&address_id=7&media_url=javascript:alert(1)", []string{"media_url"}},
	}
	for _, c := range cases {
		form, _ := url.ParseQuery(c.body)
		_, err := ParseCreate(form)
		if err == nil {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		f := failureOf(t, err)
		if f.Status != 400 {
			t.Errorf("%s: status %d", c.name, f.Status)
		}
		msg := f.Error()
		for _, w := range c.wants {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: %q lacks %q", c.name, msg, w)
			}
		}
	}
	form, _ := url.ParseQuery("service_code=1&address_string=via+Roma&description=" + strings.Repeat("à", 4000))
	if _, err := ParseCreate(form); err != nil {
		t.Errorf("4000 characters (8000 bytes) must pass: %v", err)
	}
}

func TestDefinitionCheck(t *testing.T) {
	def := ServiceDefinition{ServiceCode: "1", Attributes: []Attribute{
		{Variable: true, Code: "tipo", Datatype: SingleValueList, Required: true, Values: []Value{{Key: "a"}, {Key: "b"}}, Description: "Tipo"},
		{Variable: true, Code: "multi", Datatype: MultiValueList, Values: []Value{{Key: "x"}, {Key: "y"}}},
		{Variable: true, Code: "n", Datatype: Number},
		{Variable: true, Code: "quando", Datatype: Datetime},
		{Variable: true, Code: "riga", Datatype: String},
		{Variable: false, Code: "info", Datatype: TextType},
	}}
	got, err := def.Check(map[string][]string{"tipo": {"a"}, "multi": {"x", "y"}, "n": {"3,5"}, "quando": {"2026-02-01T10:00:00+01:00"}, "uprn": {"99"}})
	if err != nil {
		t.Fatal(err)
	}
	if got["n"][0] != "3.5" || got["quando"][0] != "2026-02-01T09:00:00Z" || len(got["multi"]) != 2 {
		t.Errorf("normalised = %v", got)
	}
	if _, ok := got["uprn"]; ok {
		t.Error("unknown attributes must be dropped")
	}
	_, err = def.Check(map[string][]string{"multi": {"z"}, "n": {"tre"}, "quando": {"2026-02-01T10:00:00"}, "riga": {"a\nb"}, "tipo": {"a", "b"}})
	msg := failureOf(t, err).Error()
	for _, w := range []string{"attribute[tipo] ammette un solo valore", "attribute[multi]: \"z\"", "valori ammessi: x, y", "attribute[n]", "attribute[quando]", "attribute[riga]"} {
		if !strings.Contains(msg, w) {
			t.Errorf("%q lacks %q", msg, w)
		}
	}
	_, err = def.Check(nil)
	if !strings.Contains(failureOf(t, err).Error(), "attribute[tipo] obbligatorio") {
		t.Errorf("missing required = %v", err)
	}
}

func TestParseQueryWindowAndLimits(t *testing.T) {
	now := time.Date(2026, 6, 30, 12, 0, 0, 0, time.UTC)
	parse := func(s string) (Query, error) {
		v, _ := url.ParseQuery(s)
		return ParseQuery(v, now)
	}
	q, err := parse("")
	if err != nil || !q.End.Equal(now) || now.Sub(q.Start) != MaxWindow || q.Page != 1 || q.PageSize != 1000 || q.Statuses != nil {
		t.Errorf("defaults = %+v %v", q, err)
	}
	q, err = parse("start_date=2026-01-01T00:00:00Z")
	if err != nil || q.End.Sub(q.Start) != MaxWindow {
		t.Errorf("start only = %+v %v", q, err)
	}
	q, err = parse("end_date=2026-03-01T00:00:00%2B01:00&status=open&service_code=001,002&page=3&page_size=250")
	if err != nil || q.End != time.Date(2026, 2, 28, 23, 0, 0, 0, time.UTC) || q.Statuses[0] != "open" || len(q.ServiceCodes) != 2 || q.Offset() != 500 {
		t.Errorf("end only = %+v %v", q, err)
	}
	q, err = parse("end_date=2026-03-01T00:00:00+01:00")
	if err != nil || q.End != time.Date(2026, 2, 28, 23, 0, 0, 0, time.UTC) {
		t.Errorf("unescaped plus = %+v %v", q, err)
	}
	q, err = parse("service_request_id=a,b,,c&status=bogus&start_date=nonsense")
	if err != nil || len(q.IDs) != 3 {
		t.Errorf("ids override other filters: %+v %v", q, err)
	}
	q, err = parse("status=open,closed")
	if err != nil || q.Statuses != nil {
		t.Errorf("both statuses = %+v", q)
	}
	for _, bad := range []string{
		"start_date=2026-01-01T00:00:00Z&end_date=2026-05-01T00:00:00Z",
		"start_date=2026-05-01T00:00:00Z&end_date=2026-01-01T00:00:00Z",
		"start_date=2026-01-01T10:00:00",
		"status=pending",
		"page=0", "page_size=1001", "page_size=abc",
	} {
		_, err := parse(bad)
		if err == nil || failureOf(t, err).Status != 400 {
			t.Errorf("%s accepted: %v", bad, err)
		}
	}
}

func TestParseTime(t *testing.T) {
	good := map[string]time.Time{
		"2010-01-01T00:00:00Z":      time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC),
		"1994-11-05T08:15:30-05:00": time.Date(1994, 11, 5, 13, 15, 30, 0, time.UTC),
		"2026-07-01T10:00+02:00":    time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC),
		"2026-07-01":                time.Date(2026, 6, 30, 22, 0, 0, 0, time.UTC),
		"2026-01":                   time.Date(2025, 12, 31, 23, 0, 0, 0, time.UTC),
	}
	for in, want := range good {
		got, err := ParseTime(in)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseTime(%q) = %v %v, want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"2010-01-01T00:00:00", "01/02/2026", "", "2026-13-01"} {
		if _, err := ParseTime(bad); err == nil {
			t.Errorf("ParseTime(%q) accepted", bad)
		}
	}
}

func TestParseUpdatePost(t *testing.T) {
	now := time.Date(2026, 6, 30, 12, 0, 0, 0, time.UTC)
	form, _ := url.ParseQuery("api_key=k&service_request_id=R1&update_id=u1&status=in+progress&description=Squadra+inviata&updated_datetime=2026-06-30T10:00:00Z")
	u, err := ParseUpdatePost(form, now)
	if err != nil || u.Status != "IN_PROGRESS" || !u.Updated.Equal(now.Add(-2*time.Hour)) {
		t.Errorf("update = %+v %v", u, err)
	}
	form, _ = url.ParseQuery("status=weird")
	_, err = ParseUpdatePost(form, now)
	msg := failureOf(t, err).Error()
	for _, w := range []string{"service_request_id mancante", "update_id mancante", "status \"WEIRD\" sconosciuto"} {
		if !strings.Contains(msg, w) {
			t.Errorf("%q lacks %q", msg, w)
		}
	}
}
