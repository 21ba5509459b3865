package open311

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestEncodeServiceListMatchesSpecShapes(t *testing.T) {
	list := ServiceList{{Code: "001", Name: "Buca stradale", Description: "Buche nell'asfalto", Metadata: true, Type: Realtime, Keywords: "buca, asfalto", Group: "Strade"}}
	x, err := Encode(XML, list)
	if err != nil {
		t.Fatal(err)
	}
	wantXML := `<?xml version="1.0" encoding="UTF-8"?>
<services><service><service_code>001</service_code><service_name>Buca stradale</service_name><description>Buche nell&#39;asfalto</description><metadata>true</metadata><type>realtime</type><keywords>buca, asfalto</keywords><group>Strade</group></service></services>
`
	if string(x) != wantXML {
		t.Errorf("XML:\n%s\nwant\n%s", x, wantXML)
	}
	j, _ := Encode(JSON, list)
	wantJSON := `[{"service_code":"001","service_name":"Buca stradale","description":"Buche nell'asfalto","metadata":true,"type":"realtime","keywords":"buca, asfalto","group":"Strade"}]` + "\n"
	if string(j) != wantJSON {
		t.Errorf("JSON:\n%s\nwant\n%s", j, wantJSON)
	}
	empty, _ := Encode(JSON, ServiceList(nil))
	if string(empty) != "[]\n" {
		t.Errorf("empty list = %q, want []", empty)
	}
}

func TestEncodeDefinitionKeepsArraysEvenWhenEmpty(t *testing.T) {
	def := ServiceDefinition{ServiceCode: "001", Attributes: []Attribute{
		{Variable: true, Code: "WHISHETN", Datatype: SingleValueList, Required: true, Order: 1, Description: "Che tipo di cestino?",
			Values: []Value{{Key: "123", Name: "Piccolo"}}},
		{Variable: false, Code: "INFO", Datatype: TextType, Order: 2, Description: "Solo informazioni"},
	}}
	j, _ := Encode(JSON, def)
	for _, want := range []string{`"service_code":"001"`, `"values":[{"key":"123","name":"Piccolo"}]`, `"values":[]`, `"datatype_description":null`} {
		if !strings.Contains(string(j), want) {
			t.Errorf("JSON %s lacks %s", j, want)
		}
	}
	x, _ := Encode(XML, def)
	for _, want := range []string{`<service_definition><service_code>001</service_code><attributes><attribute><variable>true</variable>`, `<values><value><key>123</key><name>Piccolo</name></value></values>`} {
		if !strings.Contains(string(x), want) {
			t.Errorf("XML %s lacks %s", x, want)
		}
	}
}

func TestEncodeRequestNeverHasReporterFieldsAndNullsEmpty(t *testing.T) {
	req := Request{ServiceRequestID: "R-1", Status: Open, ServiceName: "Buca", ServiceCode: "001",
		RequestedDatetime: At(time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)), Lat: 45.4064, Long: 11.8768}
	j, _ := Encode(JSON, RequestList{req})
	s := string(j)
	for _, want := range []string{`"service_request_id":"R-1"`, `"requested_datetime":"2026-03-01T09:30:00Z"`, `"expected_datetime":null`, `"lat":45.4064`, `"long":11.8768`, `"status_notes":null`} {
		if !strings.Contains(s, want) {
			t.Errorf("JSON %s lacks %s", s, want)
		}
	}
	for _, banned := range []string{"email", "first_name", "last_name", "phone", "account_id", "device_id", `"notes":`} {
		if strings.Contains(s, banned) {
			t.Errorf("JSON exposes %s: %s", banned, s)
		}
	}
	x, _ := Encode(XML, RequestList{req})
	for _, want := range []string{`<service_requests><request><service_request_id>R-1</service_request_id>`, `<expected_datetime></expected_datetime>`, `<lat>45.4064</lat>`} {
		if !strings.Contains(string(x), want) {
			t.Errorf("XML %s lacks %s", x, want)
		}
	}
}

func TestEncodeCreatedHasIDOrTokenNeverBoth(t *testing.T) {
	j, _ := Encode(JSON, CreatedList{{Token: "tok-1"}})
	if strings.Contains(string(j), "service_request_id") || !strings.Contains(string(j), `"token":"tok-1"`) {
		t.Errorf("token answer = %s", j)
	}
	x, _ := Encode(XML, CreatedList{{ServiceRequestID: "R-9", ServiceNotice: "Presa in carico entro 15 giorni"}})
	want := `<service_requests><request><service_request_id>R-9</service_request_id><service_notice>Presa in carico entro 15 giorni</service_notice></request></service_requests>`
	if !strings.Contains(string(x), want) {
		t.Errorf("XML = %s", x)
	}
}

func TestWriteErrorUsesSpecFormatAndStatus(t *testing.T) {
	cases := []struct {
		err    error
		f      Format
		status int
		body   string
	}{
		{Forbidden("api_key mancante o non valida"), XML, 403, `<errors><error><code>403</code><description>api_key mancante o non valida</description></error></errors>`},
		{NotFound("service_code %q sconosciuto", "999"), JSON, 404, `[{"code":404,"description":"service_code \"999\" sconosciuto"}]`},
		{errorsString("db down"), JSON, 400, `[{"code":400,"description":"la richiesta non può essere soddisfatta in questo momento"}]`},
	}
	for _, c := range cases {
		rec := httptest.NewRecorder()
		WriteError(rec, c.f, c.err)
		if rec.Code != c.status {
			t.Errorf("%v: status %d, want %d", c.err, rec.Code, c.status)
		}
		if ct := rec.Header().Get("Content-Type"); ct != c.f.ContentType() {
			t.Errorf("content type %q", ct)
		}
		if !strings.Contains(rec.Body.String(), c.body) {
			t.Errorf("body %s lacks %s", rec.Body, c.body)
		}
	}
}

type errorsString string

func (e errorsString) Error() string { return string(e) }

func TestSplitFormat(t *testing.T) {
	cases := map[string]struct {
		base string
		f    Format
		ok   bool
	}{
		"requests.json": {"requests", JSON, true},
		"01.xml":        {"01", XML, true},
		"a.b.json":      {"a.b", JSON, true},
		"requests.html": {"requests.html", "", false},
		"requests":      {"requests", "", false},
		".json":         {".json", "", false},
	}
	for in, want := range cases {
		b, f, ok := SplitFormat(in)
		if b != want.base || f != want.f || ok != want.ok {
			t.Errorf("SplitFormat(%q) = %q %q %v", in, b, f, ok)
		}
	}
	rec := httptest.NewRecorder()
	Write(rec, JSON, http.StatusOK, Discovery{Changeset: "1"})
	if !strings.Contains(rec.Body.String(), `"endpoints":[]`) {
		t.Errorf("discovery = %s", rec.Body)
	}
}
