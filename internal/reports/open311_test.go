package reports

import (
	"encoding/json"
	"encoding/xml"
	"net/url"
	"strings"
	"testing"
)

func TestOpen311EveryEndpointJSONAndXML(t *testing.T) {
	e := newEnv(t)
	c := e.app.Client(t)
	base := e.app.URL + "/open311/v2"
	key := e.app.APIKey(t, PermOpen311)

	// Discovery and services, both formats.
	for _, f := range []string{"json", "xml"} {
		st, body, h := get(t, c, base+"/discovery."+f)
		if st != 200 || !strings.Contains(h.Get("Content-Type"), "charset=utf-8") {
			t.Fatalf("discovery.%s: %d %s", f, st, h.Get("Content-Type"))
		}
		mustContain(t, body, "http://wiki.open311.org/GeoReport_v2", "application/json")
		st, body, _ = get(t, c, base+"/services."+f)
		if st != 200 {
			t.Fatalf("services.%s: %d", f, st)
		}
		mustContain(t, body, "buche", "Buche stradali", "rifiuti")
		st, body, _ = get(t, c, base+"/services/buche."+f)
		if st != 200 {
			t.Fatalf("definition.%s: %d %s", f, st, body)
		}
		mustContain(t, body, "pericolo", "singlevaluelist")
	}
	_, body, _ := get(t, c, base+"/services.xml")
	mustContain(t, body, `<?xml version="1.0" encoding="UTF-8"?>`, "<services><service><service_code>")
	if st, body, _ := get(t, c, base+"/services/nessuna.json"); st != 404 {
		t.Errorf("unknown service: %d %s", st, body)
	} else {
		mustContain(t, body, `"code":404`)
	}
	if st, _, _ := get(t, c, base+"/services.html"); st != 404 {
		t.Errorf("unsupported format: %d", st)
	}

	// POST: errors first, nothing saved.
	good := url.Values{"api_key": {key}, "service_code": {"buche"}, "lat": {"45.4064"}, "long": {"11.8768"},
		"description": {"Buca profonda davanti alla scuola\nPericolosa per le bici"}, "attribute[pericolo]": {"si"},
		"email": {"mario.rossi@example.it"}, "first_name": {"Mario"}, "last_name": {"Rossi"}, "phone": {"3331234567"}}
	with := func(k, v string) url.Values {
		out := url.Values{}
		for kk, vv := range good {
			out[kk] = vv
		}
		if v == "" {
			out.Del(k)
		} else {
			out.Set(k, v)
		}
		return out
	}
	cases := []struct {
		name   string
		form   url.Values
		f      string
		status int
		want   string
	}{
		{"no key", with("api_key", ""), "json", 403, "api_key mancante"},
		{"wrong key", with("api_key", "ak_nope_nope"), "xml", 403, "<code>403</code>"},
		{"unknown service", with("service_code", "nessuna"), "json", 404, `service_code \"nessuna\" inesistente`},
		{"missing required attribute", with("attribute[pericolo]", ""), "xml", 400, "attribute[pericolo] obbligatorio"},
		{"bad list value", with("attribute[pericolo]", "forse"), "json", 400, "valori ammessi: si, no"},
		{"no place", url.Values{"api_key": {key}, "service_code": {"buche"}, "attribute[pericolo]": {"si"}}, "json", 400, "luogo mancante"},
	}
	for _, cs := range cases {
		st, body := postForm(t, c, base+"/requests."+cs.f, cs.form)
		if st != cs.status || !strings.Contains(body, cs.want) {
			t.Errorf("%s: %d %s, want %d with %q", cs.name, st, body, cs.status, cs.want)
		}
	}
	unscoped := e.app.APIKey(t, "altro")
	if st, _ := postForm(t, c, base+"/requests.json", with("api_key", unscoped)); st != 403 {
		t.Errorf("key without scope: %d", st)
	}
	var n int
	if err := e.app.Deps.DB.QueryRow(`SELECT COUNT(*) FROM reports_report`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("reports after refused posts: %d %v", n, err)
	}

	// POST JSON and XML.
	st, body := postForm(t, c, base+"/requests.json", good)
	if st != 200 {
		t.Fatalf("create json: %d %s", st, body)
	}
	var created []map[string]any
	if err := json.Unmarshal([]byte(body), &created); err != nil || len(created) != 1 {
		t.Fatalf("create answer %s: %v", body, err)
	}
	id, _ := created[0]["service_request_id"].(string)
	if !strings.HasPrefix(id, "SGN-") || created[0]["token"] != nil {
		t.Errorf("created = %v", created)
	}
	st, body = postForm(t, c, base+"/requests.xml", with("description", "Seconda buca"))
	if st != 200 {
		t.Fatalf("create xml: %d %s", st, body)
	}
	var xcreated struct {
		Request []struct {
			ID string `xml:"service_request_id"`
		} `xml:"request"`
	}
	if err := xml.Unmarshal([]byte(body), &xcreated); err != nil || len(xcreated.Request) != 1 {
		t.Fatalf("xml create %s: %v", body, err)
	}

	// GET list and one, both formats, never with personal data.
	for _, f := range []string{"json", "xml"} {
		st, body, _ := get(t, c, base+"/requests."+f)
		if st != 200 {
			t.Fatalf("requests.%s: %d %s", f, st, body)
		}
		mustContain(t, body, id, xcreated.Request[0].ID, "Buca profonda")
		mustNotContain(t, body, "mario.rossi", "Rossi", "3331234567", "first_name", "email")
		st, body, _ = get(t, c, base+"/requests/"+id+"."+f)
		if st != 200 {
			t.Fatalf("one.%s: %d", f, st)
		}
		mustContain(t, body, id, "Registrata")
		mustNotContain(t, body, "mario.rossi", "Mario", "3331234567")
		if st, body, _ := get(t, c, base+"/requests/SGN-1999-000001."+f); st != 404 {
			t.Errorf("missing request.%s: %d %s", f, st, body)
		}
	}
	var list []map[string]any
	_, body, _ = get(t, c, base+"/requests.json?service_request_id="+id+"&status=closed")
	if err := json.Unmarshal([]byte(body), &list); err != nil || len(list) != 1 || list[0]["status"] != "open" || list[0]["lat"].(float64) != 45.4064 {
		t.Errorf("by id (overrides status) = %s", body)
	}
	_, body, _ = get(t, c, base+"/requests.json?status=closed")
	if body != "[]\n" {
		t.Errorf("closed only = %s", body)
	}
	_, body, _ = get(t, c, base+"/requests.json?service_code=rifiuti")
	if body != "[]\n" {
		t.Errorf("other service = %s", body)
	}
	_, body, _ = get(t, c, base+"/requests.json?page=1&page_size=1")
	if json.Unmarshal([]byte(body), &list); len(list) != 1 {
		t.Errorf("page_size=1 gave %d", len(list))
	}
	_, body, _ = get(t, c, base+"/requests.json?page=3&page_size=1")
	if body != "[]\n" {
		t.Errorf("past the end = %s", body)
	}
	_, body, _ = get(t, c, base+"/requests.json?extensions=true")
	mustContain(t, body, `"notes":[{"datetime":`, `"type":"created"`)
	for _, bad := range []string{"start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", "status=pending", "start_date=2026-01-01T00:00:00", "page_size=5000"} {
		st, body, _ := get(t, c, base+"/requests.xml?"+bad)
		if st != 400 || !strings.Contains(body, "<errors><error><code>400</code>") {
			t.Errorf("%s: %d %s", bad, st, body)
		}
	}

	// Tokens.
	rep, err := e.svc.Get(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"json", "xml"} {
		st, body, _ := get(t, c, base+"/tokens/"+rep.Token+"."+f)
		if st != 200 {
			t.Fatalf("token.%s: %d %s", f, st, body)
		}
		mustContain(t, body, id, rep.Token)
	}
	if st, _, _ := get(t, c, base+"/tokens/nessuno.json"); st != 404 {
		t.Errorf("unknown token: %d", st)
	}

	// servicerequestupdates: POST from a back-end system, then GET.
	upd := url.Values{"api_key": {key}, "service_request_id": {id}, "update_id": {"crm-1"}, "status": {"IN_PROGRESS"},
		"description": {"Squadra inviata"}}
	st, body = postForm(t, c, base+"/servicerequestupdates.json", upd)
	if st != 200 {
		t.Fatalf("update: %d %s", st, body)
	}
	mustContain(t, body, `"status":"IN_PROGRESS"`, `"update_id":"`)
	st, body2 := postForm(t, c, base+"/servicerequestupdates.json", upd)
	if st != 200 || body2 != body {
		t.Errorf("repeated update_id must answer the same: %d %s / %s", st, body2, body)
	}
	if st, body := postForm(t, c, base+"/servicerequestupdates.xml", url.Values{"api_key": {key}, "service_request_id": {"SGN-1999-000009"},
		"update_id": {"x"}, "status": {"FIXED"}}); st != 404 || !strings.Contains(body, "<code>404</code>") {
		t.Errorf("update of missing request: %d %s", st, body)
	}
	if st, _ := postForm(t, c, base+"/servicerequestupdates.json", url.Values{"service_request_id": {id}}); st != 403 {
		t.Errorf("update without key: %d", st)
	}
	for _, f := range []string{"json", "xml"} {
		st, body, _ := get(t, c, base+"/servicerequestupdates."+f)
		if st != 200 {
			t.Fatalf("updates.%s: %d %s", f, st, body)
		}
		mustContain(t, body, "Squadra inviata", "IN_PROGRESS", id)
	}
	if st, _, _ := get(t, c, base+"/servicerequestupdates.json?start_date=2026-01-01T00:00:00Z"); st != 400 {
		t.Errorf("only start_date: %d", st)
	}
	rep, _ = e.svc.Get(t.Context(), id)
	if rep.State != "in_progress" || !rep.TakenAt.Valid {
		t.Errorf("after update: state %s taken %v", rep.State, rep.TakenAt)
	}
	var audits int
	_ = e.app.Deps.DB.QueryRow(`SELECT COUNT(*) FROM kernel_audit WHERE action = 'reports.change'`).Scan(&audits)
	if audits != 1 {
		t.Errorf("audit entries for the back-end change: %d", audits)
	}

	// A cached page is rebuilt after a change.
	_, before, _ := get(t, c, base+"/requests.json?service_code=rifiuti")
	fresh, err := e.svc.Create(t.Context(), NewReport{CategoryCode: "rifiuti", Title: "Sacchi", Details: "In strada", Address: "Via Roma",
		Channel: "staff", Reporter: Reporter{Kind: ByStaff}})
	if err != nil {
		t.Fatal(err)
	}
	_, after, _ := get(t, c, base+"/requests.json?service_code=rifiuti")
	if strings.Contains(before, fresh.Number) || !strings.Contains(after, fresh.Number) {
		t.Errorf("stale page after a new report: %s", after)
	}
}

func TestOpen311MediaUpload(t *testing.T) {
	e := newEnv(t)
	c := e.app.Client(t)
	base := e.app.URL + "/open311/v2"
	key := e.app.APIKey(t, PermOpen311)
	// POST with a multipart photo (v2.1 draft "media" field).
	st, body, _ := postMultipart(t, c, base+"/requests.json", url.Values{"api_key": {key}, "service_code": {"rifiuti"},
		"address_string": {"Via Roma 1"}, "description": {"Sacchi"}}, part{"media", "foto.jpg", photoWithGPS(t)})
	if st != 200 {
		t.Fatalf("multipart create: %d %s", st, body)
	}
	var created []map[string]string
	_ = json.Unmarshal([]byte(body), &created)
	id := created[0]["service_request_id"]
	_, body, _ = get(t, c, base+"/requests/"+id+".json")
	mustContain(t, body, `"media_url":"`+e.app.URL+`/segnalazioni-foto/`)
	// Extension endpoint: add a PDF, refuse a text file and a missing key.
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	if st, body, _ := postMultipart(t, c, base+"/requests/"+id+"/media", url.Values{"api_key": {key}}, part{"media", "atto.pdf", pdf}); st != 200 {
		t.Errorf("media upload: %d %s", st, body)
	}
	if st, body, _ := postMultipart(t, c, base+"/requests/"+id+"/media", url.Values{"api_key": {key}}, part{"media", "nota.txt", []byte("testo semplice")}); st != 400 ||
		!strings.Contains(body, "Il file «nota.txt» non è accettato") {
		t.Errorf("text upload: %d %s", st, body)
	}
	if st, _, _ := postMultipart(t, c, base+"/requests/"+id+"/media", url.Values{}, part{"media", "atto.pdf", pdf}); st != 403 {
		t.Errorf("upload without key: %d", st)
	}
	if st, _, _ := postMultipart(t, c, base+"/requests/SGN-1999-000001/media", url.Values{"api_key": {key}}, part{"media", "atto.pdf", pdf}); st != 404 {
		t.Errorf("upload to a missing request: %d", st)
	}
	rep, _ := e.svc.Get(t.Context(), id)
	media, _ := e.svc.Media(t.Context(), rep.ID, true)
	if len(media) != 2 {
		t.Errorf("media = %d, want photo and PDF", len(media))
	}
	// The PDF is never public.
	for _, m := range media {
		st, _, _ := get(t, c, e.app.URL+"/segnalazioni-foto/"+m.ID)
		if (m.Kind == "photo") != (st == 200) {
			t.Errorf("%s served publicly: %d", m.Kind, st)
		}
	}
}
