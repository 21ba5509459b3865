package reports

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/notify"
	"github.com/arengo-pa/arengo/internal/portal"
)

const (
	mario = "RSSMRA80A01H501U"
	laura = "BNCLRA85M41G224B"
)

// fullEnv runs the module with the portal (Area personale) and the real
// notification hub.
func fullEnv(t *testing.T) *env {
	t.Helper()
	m, hub := New(), notify.New(notify.Config{PollDelay: 50 * time.Millisecond})
	app := kerneltest.New(t, portal.New(), hub, m)
	kerneltest.Eventually(t, 10*time.Second, "app ready", func() bool {
		resp, err := http.Get(app.URL + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	e := &env{app: app, mod: m, svc: m.svc, hub: hub}
	seedCategories(t, e)
	return e
}

func seedCategories(t *testing.T, e *env) {
	t.Helper()
	env2 := newEnvCategories()
	for _, c := range env2 {
		if _, err := e.svc.SaveCategory(context.Background(), c); err != nil {
			t.Fatal(err)
		}
	}
}

// photoWithGPS is a JPEG carrying an EXIF block with a GPS marker string.
func photoWithGPS(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for y := 0; y < 48; y++ {
		for x := 0; x < 64; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 4), 80, 120, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	seg := []byte("Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\x00\x00GPSLAT45.4064")
	app1 := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(app1[2:], uint16(len(seg)+2))
	b := buf.Bytes()
	return append(append(append([]byte{}, b[:2]...), append(app1, seg...)...), b[2:]...)
}

type part struct {
	field, name string
	data        []byte
}

func postMultipart(t *testing.T, c *http.Client, u string, fields url.Values, files ...part) (int, string, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	for _, f := range files {
		w, _ := mw.CreateFormFile(f.field, f.name)
		_, _ = w.Write(f.data)
	}
	mw.Close()
	resp, err := c.Post(u, mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header.Get("Location")
}

var numberRE = regexp.MustCompile(`SGN-\d{4}-\d{6}`)

// fileReport walks the journey over HTTP and returns the request number.
func fileReport(t *testing.T, e *env, c *http.Client, fields url.Values, files ...part) string {
	t.Helper()
	st, _ := postForm(t, c, e.app.URL+"/segnalazioni/nuova", url.Values{"privacy": {"1"}})
	if st != http.StatusSeeOther {
		t.Fatalf("privacy: %d", st)
	}
	resp, _ := c.PostForm(e.app.URL+"/segnalazioni/nuova", url.Values{"privacy": {"1"}})
	resp.Body.Close()
	dati := resp.Header.Get("Location")
	fields.Set("action", "next")
	st, body, loc := postMultipart(t, c, e.app.URL+dati, fields, files...)
	if st != http.StatusSeeOther {
		t.Fatalf("data step: %d %s", st, truncate(body, 4000))
	}
	st, body, _ = get(t, c, e.app.URL+loc)
	if st != 200 {
		t.Fatalf("summary: %d", st)
	}
	draft := strings.TrimSuffix(strings.TrimPrefix(loc, "/segnalazioni/nuova/"), "/riepilogo")
	resp, err := c.PostForm(e.app.URL+"/segnalazioni/nuova/"+draft+"/invia", nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if n := numberRE.FindString(resp.Header.Get("Location")); n != "" {
		return n
	}
	if n := numberRE.FindString(string(b)); n != "" {
		return n
	}
	t.Fatalf("submit: %d %s", resp.StatusCode, truncate(string(b), 3000))
	return ""
}

func TestCitizenJourneyOverHTTP(t *testing.T) {
	e := fullEnv(t)
	c := e.app.Client(t)
	e.app.LoginCitizen(t, c, mario)
	base := e.app.URL

	// Privacy is required.
	st, body := postForm(t, c, base+"/segnalazioni/nuova", url.Values{})
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("no consent: %d", st)
	}
	mustContain(t, body, "Ho letto e compreso", "Per proseguire confermare")

	// Save a draft with a photo, then resume it.
	resp, _ := c.PostForm(base+"/segnalazioni/nuova", url.Values{"privacy": {"1"}})
	resp.Body.Close()
	dati := resp.Header.Get("Location")
	st, _, loc := postMultipart(t, c, base+dati, url.Values{"category": {"buche"}, "title": {"Buca in via Roma"}, "action": {"save"}},
		part{"photos", "buca.jpg", photoWithGPS(t)})
	if st != http.StatusSeeOther || !strings.Contains(loc, "esito=bozza") {
		t.Fatalf("save draft: %d %s", st, loc)
	}
	_, body, _ = get(t, c, base+"/segnalazioni/nuova")
	mustContain(t, body, "Riprendi: Buca in via Roma")
	_, body, _ = get(t, c, base+loc)
	mustContain(t, body, `value="Buca in via Roma"`, "buca.jpg", "Richiesta salvata")

	// Missing fields and a bad upload are named.
	st, body, _ = postMultipart(t, c, base+dati, url.Values{"category": {"buche"}, "title": {"Buca in via Roma"}, "action": {"next"}})
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("missing details: %d", st)
	}
	mustContain(t, body, "i dettagli sono obbligatori")
	st, body, _ = postMultipart(t, c, base+dati, url.Values{"category": {"buche"}, "action": {"save"}}, part{"photos", "virus.exe", []byte("MZ\x90\x00binary")})
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("bad upload: %d", st)
	}
	mustContain(t, body, "Il file «virus.exe» non è accettato", "si possono allegare foto JPEG o PNG e documenti PDF")
	st, body, _ = postMultipart(t, c, base+dati, url.Values{"category": {"buche"}, "title": {"Buca"}, "details": {"Profonda"},
		"lat": {"45.4064"}, "lon": {"11.8768"}, "action": {"next"}})
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("missing required question: %d", st)
	}
	mustContain(t, body, "attribute[pericolo] obbligatorio")

	// Complete and send.
	st, _, loc = postMultipart(t, c, base+dati, url.Values{"category": {"buche"}, "title": {"Buca in via Roma"},
		"details": {"Buca profonda davanti al civico 12"}, "address": {"Via Roma 12, Padova"}, "lat": {"45.4064"}, "lon": {"11.8768"},
		"attr_pericolo": {"si"}, "email": {"mario@example.it"}, "phone": {"3330001111"}, "action": {"next"}},
		part{"documents", "verbale.pdf", []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")})
	if st != http.StatusSeeOther || !strings.HasSuffix(loc, "/riepilogo") {
		t.Fatalf("next: %d %s", st, loc)
	}
	_, body, _ = get(t, c, base+loc)
	mustContain(t, body, "Riepilogo", "Buca profonda davanti al civico 12", "Via Roma 12, Padova", "1 foto, 1 documenti", mario, "Conferma e invia")
	resp, _ = c.PostForm(base+strings.Replace(loc, "/riepilogo", "/invia", 1), nil)
	resp.Body.Close()
	number := numberRE.FindString(resp.Header.Get("Location"))
	if number == "" {
		t.Fatalf("send: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body, _ = get(t, c, base+"/segnalazioni/"+number+"/inviata")
	mustContain(t, body, number, "Scarica la ricevuta (PDF)", "Quanto è stato facile usare questo servizio?")
	st, pdf, h := get(t, c, base+"/segnalazioni/"+number+"/ricevuta.pdf")
	if st != 200 || h.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf, "%PDF-") {
		t.Errorf("receipt: %d %s", st, h.Get("Content-Type"))
	}
	if st, _ := postForm(t, c, base+"/segnalazioni/"+number+"/valutazione", url.Values{"rating": {"2"}, "aspect": {"Ho avuto problemi tecnici"}}); st != http.StatusSeeOther {
		t.Errorf("rating: %d", st)
	}

	// Public page and photo: no personal data, no EXIF.
	anon := e.app.Client(t)
	_, body, _ = get(t, anon, base+"/segnalazioni/"+number)
	mustContain(t, body, "Buca in via Roma", "Registrata", "segnalazioni-foto/")
	mustNotContain(t, body, mario, "mario@example.it", "3330001111", "Cittadino RSSMRA", "verbale.pdf")
	photoURL := regexp.MustCompile(`/segnalazioni-foto/[0-9a-f-]+`).FindString(body)
	st, photo, h := get(t, anon, base+photoURL)
	if st != 200 || h.Get("Content-Type") != "image/jpeg" || strings.Contains(photo, "Exif") || strings.Contains(photo, "GPSLAT") {
		t.Errorf("public photo: %d %s exif=%v", st, h.Get("Content-Type"), strings.Contains(photo, "Exif"))
	}
	_, body, _ = get(t, anon, base+"/segnalazioni")
	mustContain(t, body, "Buca in via Roma", "Buche stradali", "risolte")
	mustNotContain(t, body, mario)
	st, body, _ = get(t, anon, base+"/segnalazioni/export.csv?categoria=buche")
	if st != 200 || !strings.Contains(body, number) || !strings.Contains(body, "service_request_id,requested_datetime") {
		t.Errorf("public csv: %d %s", st, body)
	}
	mustNotContain(t, body, mario, "mario@example.it", "3330001111")

	// Operator takes it in charge with a public answer and an internal note.
	staff := e.app.Client(t)
	e.app.LoginStaff(t, staff, "operatore", PermManage)
	_, body, _ = get(t, staff, base+"/admin/segnalazioni")
	mustContain(t, body, number, "Buca in via Roma")
	_, body, _ = get(t, staff, base+"/admin/segnalazioni/r/"+number)
	mustContain(t, body, mario, "verbale.pdf")
	rep, _ := e.svc.Get(context.Background(), number)
	st, _ = postForm(t, staff, base+"/admin/segnalazioni/r/"+number+"/stato", url.Values{"version": {itoa(rep.Version)},
		"state": {"investigating"}, "public": {"Abbiamo inviato un tecnico."}, "internal": {"Chiamare la ditta Rossi asfalti"}})
	if st != http.StatusSeeOther {
		t.Fatalf("take in charge: %d", st)
	}
	st, _ = postForm(t, staff, base+"/admin/segnalazioni/r/"+number+"/stato", url.Values{"version": {itoa(rep.Version)}, "state": {"fixed_council"}})
	if st != http.StatusConflict {
		t.Errorf("stale version must conflict: %d", st)
	}
	_, body, _ = get(t, anon, base+"/segnalazioni/"+number)
	mustContain(t, body, "Presa in carico", "Abbiamo inviato un tecnico.")
	mustNotContain(t, body, "ditta Rossi")
	_, body, _ = get(t, c, base+"/area-personale")
	mustContain(t, body, "Le mie segnalazioni", number, "Presa in carico")

	// Fixed: the citizen gets the state change and "è stato risolto?".
	rep, _ = e.svc.Get(context.Background(), number)
	st, _ = postForm(t, staff, base+"/admin/segnalazioni/r/"+number+"/stato", url.Values{"version": {itoa(rep.Version)}, "state": {"fixed_council"}, "public": {"Buca chiusa."}})
	if st != http.StatusSeeOther {
		t.Fatalf("fix: %d", st)
	}
	templates := map[string]int{}
	rows, err := e.app.Deps.DB.Query(`SELECT template FROM notify_messages WHERE fiscal_code = $1`, mario)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k string
		_ = rows.Scan(&k)
		templates[k]++
	}
	rows.Close()
	if templates[tmplCreated] != 1 || templates[tmplChanged] != 2 || templates[tmplFollowUp] != 1 {
		t.Errorf("notifications = %v", templates)
	}
	_, body, _ = get(t, c, base+"/segnalazioni/"+number+"/risolta")
	mustContain(t, body, "Il problema è stato risolto?")
	if st, _ := postForm(t, c, base+"/segnalazioni/"+number+"/risolta", url.Values{"fixed": {"no"}}); st != http.StatusUnprocessableEntity {
		t.Errorf("reopen without comment: %d", st)
	}
	if st, _ := postForm(t, c, base+"/segnalazioni/"+number+"/risolta", url.Values{"fixed": {"no"}, "comment": {"La buca è ancora lì"}}); st != http.StatusSeeOther {
		t.Errorf("reopen: %d", st)
	}
	rep, _ = e.svc.Get(context.Background(), number)
	if rep.State != "reopened" || rep.FixedAt.Valid {
		t.Errorf("after reopen: %s fixed=%v", rep.State, rep.FixedAt.Valid)
	}
	var audits int
	_ = e.app.Deps.DB.QueryRow(`SELECT COUNT(*) FROM kernel_audit WHERE action = 'reports.view_reporter' AND subject = $1`, mario).Scan(&audits)
	if audits == 0 {
		t.Error("opening the report in the back office was not audited")
	}
}

func TestDuplicatesSupportAndMerge(t *testing.T) {
	e := fullEnv(t)
	base := e.app.URL
	c1, c2 := e.app.Client(t), e.app.Client(t)
	e.app.LoginCitizen(t, c1, mario)
	e.app.LoginCitizen(t, c2, laura)
	fields := func(title string) url.Values {
		return url.Values{"category": {"buche"}, "title": {title}, "details": {"Buca"}, "lat": {"45.40640"}, "lon": {"11.87680"}, "attr_pericolo": {"no"}}
	}
	first := fileReport(t, e, c1, fields("Prima buca"))

	// Laura, 30 m away, is offered Mario's report first.
	resp, _ := c2.PostForm(base+"/segnalazioni/nuova", url.Values{"privacy": {"1"}})
	resp.Body.Close()
	dati := resp.Header.Get("Location")
	f := fields("Seconda buca")
	f.Set("lat", "45.40665")
	f.Set("action", "next")
	st, body, _ := postMultipart(t, c2, base+dati, f)
	if st != 200 {
		t.Fatalf("nearby offer: %d", st)
	}
	mustContain(t, body, "Segnalazioni simili già aperte qui vicino", first, "Prima buca", "Anche io")
	if st, _ := postForm(t, c2, base+"/segnalazioni/"+first+"/anche-io", nil); st != http.StatusSeeOther {
		t.Fatalf("support: %d", st)
	}
	if _, err := e.svc.Support(context.Background(), first, Reporter{FiscalCode: laura}); err == nil || !strings.Contains(err.Error(), "hai già aderito") {
		t.Errorf("second support: %v", err)
	}
	if _, err := e.svc.Support(context.Background(), first, Reporter{FiscalCode: mario}); err == nil {
		t.Error("supporting one's own report must fail")
	}
	// She files anyway (pressing Avanti again), then staff merge it.
	st, _, loc := postMultipart(t, c2, base+dati, f)
	if st != http.StatusSeeOther || !strings.HasSuffix(loc, "/riepilogo") {
		t.Fatalf("second next: %d %s", st, loc)
	}
	resp, _ = c2.PostForm(base+strings.Replace(loc, "/riepilogo", "/invia", 1), nil)
	resp.Body.Close()
	second := numberRE.FindString(resp.Header.Get("Location"))
	staff := e.app.Client(t)
	e.app.LoginStaff(t, staff, "operatore", PermManage)
	_, body, _ = get(t, staff, base+"/admin/segnalazioni/r/"+second)
	mustContain(t, body, `<option value="`+first+`">`)
	if st, body := postForm(t, staff, base+"/admin/segnalazioni/r/"+second+"/stato", url.Values{"state": {"duplicate"}}); st != http.StatusUnprocessableEntity || !strings.Contains(body, "indicare la segnalazione originale") {
		t.Errorf("duplicate without original: %d", st)
	}
	if st, body := postForm(t, staff, base+"/admin/segnalazioni/r/"+second+"/stato", url.Values{"state": {"duplicate"}, "duplicate_of": {first}}); st != http.StatusSeeOther {
		t.Log(truncate(body, 3000))
		t.Fatalf("merge: %d", st)
	}
	orig, _ := e.svc.Get(context.Background(), first)
	dup, _ := e.svc.Get(context.Background(), second)
	if orig.Supporters != 1 || dup.State != "duplicate" || dup.DuplicateOf != first {
		t.Errorf("after merge: original supporters %d, duplicate %s of %q", orig.Supporters, dup.State, dup.DuplicateOf)
	}
}

func TestAnonymousReportNeedsConfirmation(t *testing.T) {
	e := fullEnv(t)
	base := e.app.URL
	c := e.app.Client(t)
	resp, _ := c.PostForm(base+"/segnalazioni/nuova", url.Values{"privacy": {"1"}})
	resp.Body.Close()
	dati := resp.Header.Get("Location")
	st, body, _ := postMultipart(t, c, base+dati, url.Values{"category": {"buche"}, "title": {"Buca"}, "details": {"x"},
		"address": {"Via Roma"}, "email": {"anna@example.it"}, "attr_pericolo": {"no"}, "action": {"next"}})
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("anonymous in a category that forbids it: %d", st)
	}
	mustContain(t, body, "serve accedere con SPID o CIE")
	number := fileReport(t, e, c, url.Values{"category": {"rifiuti"}, "title": {"Sacchi abbandonati"}, "details": {"Tre sacchi"},
		"address": {"Via Roma 3"}, "email": {"anna@example.it"}})
	_, body, _ = get(t, c, base+"/segnalazioni")
	mustNotContain(t, body, "Sacchi abbandonati")
	if st, _, _ := get(t, c, base+"/segnalazioni/"+number); st != 404 {
		t.Errorf("unconfirmed report is public: %d", st)
	}
	var code string
	if err := e.app.Deps.DB.QueryRow(`SELECT confirm_code FROM reports_report WHERE number = $1`, number).Scan(&code); err != nil || code == "" {
		t.Fatalf("confirm code: %v", err)
	}
	if st, _, _ := get(t, c, base+"/segnalazioni-conferma/sbagliato"); st != 404 {
		t.Errorf("wrong code: %d", st)
	}
	// Opening the link (as a mail scanner would) only asks.
	st, body, _ = get(t, c, base+"/segnalazioni-conferma/"+code)
	if st != 200 {
		t.Fatalf("confirm page: %d", st)
	}
	mustContain(t, body, "Conferma la segnalazione")
	if st, _, _ := get(t, c, base+"/segnalazioni/"+number); st != 404 {
		t.Errorf("report public after a GET of the link: %d", st)
	}
	st, body = postForm(t, c, base+"/segnalazioni-conferma/"+code, url.Values{})
	if st != 200 {
		t.Fatalf("confirm: %d", st)
	}
	mustContain(t, body, "Segnalazione confermata")
	_, body, _ = get(t, c, base+"/segnalazioni")
	mustContain(t, body, "Sacchi abbandonati")
	mustNotContain(t, body, "anna@example.it")
}

func TestBackOfficeAdminDashboardAndExports(t *testing.T) {
	e := fullEnv(t)
	base := e.app.URL
	staff := e.app.Client(t)
	e.app.LoginStaff(t, staff, "capo", PermManage)
	// Areas and routing: Centro → Ufficio strade.
	if st, _ := postForm(t, staff, base+"/admin/segnalazioni/aree", url.Values{"name": {"Centro"}, "polygon": {"45.40, 11.86\n45.40, 11.89\n45.42, 11.89\n45.42, 11.86"}}); st != http.StatusSeeOther {
		t.Fatalf("area: %d", st)
	}
	if st, body := postForm(t, staff, base+"/admin/segnalazioni/aree", url.Values{"name": {"Rotta"}, "polygon": {"45.40; 11.86"}}); st != http.StatusUnprocessableEntity || !strings.Contains(body, "riga 1") {
		t.Errorf("bad polygon: %d", st)
	}
	areas, _ := e.svc.Areas(context.Background())
	cat, _ := e.svc.Category(context.Background(), "buche")
	postForm(t, staff, base+"/admin/segnalazioni/regole", url.Values{"office": {"Ufficio manutenzioni"}})
	postForm(t, staff, base+"/admin/segnalazioni/regole", url.Values{"category_id": {cat.ID}, "area_id": {areas[0].ID}, "office": {"Ufficio strade Centro"}, "operator": {"bianchi"}})
	if st, _ := postForm(t, staff, base+"/admin/segnalazioni/modelli", url.Values{"title": {"Sopralluogo"}, "text": {"Faremo un sopralluogo entro 3 giorni."}, "active": {"1"}}); st != http.StatusSeeOther {
		t.Errorf("template: %d", st)
	}
	if st, body := postForm(t, staff, base+"/admin/segnalazioni/stati", url.Values{"code": {"attesa_ditta"}, "label": {"In attesa della ditta"}, "type": {"open"}}); st != http.StatusSeeOther {
		t.Errorf("new state: %d %s", st, body)
	}
	if st, body := postForm(t, staff, base+"/admin/segnalazioni/categorie", url.Values{"code": {"luci"}, "name": {"Illuminazione pubblica"},
		"deadline_days": {"10"}, "radius_m": {"100"}, "active": {"1"}, "questions": {"palo | string | sì | Numero del palo\ntipo | singlevaluelist | no | Che problema? | spenta=Spenta; intermittente=Intermittente"}}); st != http.StatusSeeOther {
		t.Errorf("category: %d %s", st, body)
	}
	if st, body := postForm(t, staff, base+"/admin/segnalazioni/categorie", url.Values{"code": {"x y"}, "name": {"X"}, "deadline_days": {"10"}, "radius_m": {"100"}}); st != http.StatusUnprocessableEntity || !strings.Contains(body, "codice") {
		t.Errorf("bad category code: %d", st)
	}
	luci, err := e.svc.Category(context.Background(), "luci")
	if err != nil || len(luci.Attributes) != 2 || luci.Attributes[1].Values[1].Key != "intermittente" {
		t.Fatalf("luci = %+v %v", luci, err)
	}
	_, body, _ := get(t, staff, base+"/admin/segnalazioni/configurazione")
	mustContain(t, body, "Illuminazione pubblica", "In attesa della ditta", "Ufficio strade Centro", "Sopralluogo", "Centro")

	rep, err := e.svc.Create(context.Background(), NewReport{CategoryCode: "buche", Title: "Buca in centro", Details: "Grande", HasPoint: true,
		Lat: 45.41, Lon: 11.87, Answers: map[string][]string{"pericolo": {"si"}}, Channel: "staff", Reporter: Reporter{Kind: ByStaff}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Office != "Ufficio strade Centro" || rep.Operator != "bianchi" || rep.AreaName != "Centro" {
		t.Errorf("routing: %q %q %q", rep.Office, rep.Operator, rep.AreaName)
	}
	out, err := e.svc.Create(context.Background(), NewReport{CategoryCode: "rifiuti", Title: "Rifiuti", Details: "x", Address: "Via Lontana",
		Channel: "staff", Reporter: Reporter{Kind: ByStaff}})
	if err != nil || out.Office != "Ufficio manutenzioni" {
		t.Errorf("catch-all rule: %v %+v", err, out)
	}
	// Overdue flag and filters.
	if _, err := e.svc.SetTriage(context.Background(), out.Number, Triage{Priority: 1, Office: "Ufficio manutenzioni", Deadline: out.CreatedAt.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.SetTriage(context.Background(), out.Number, Triage{Priority: 9}); err == nil {
		t.Error("priority 9 accepted")
	}
	e.svc.now = func() time.Time { return time.Now().UTC().Add(time.Hour) }
	_, body, _ = get(t, staff, base+"/admin/segnalazioni?scadute=1")
	mustContain(t, body, out.Number, "scaduta")
	mustNotContain(t, body, rep.Number)
	_, body, _ = get(t, staff, base+"/admin/segnalazioni?zona="+areas[0].ID)
	mustContain(t, body, rep.Number)
	mustNotContain(t, body, out.Number)
	if st, _ := postForm(t, staff, base+"/admin/segnalazioni/viste", url.Values{"view_name": {"Scadute"}, "query": {"scadute=1"}}); st != http.StatusSeeOther {
		t.Errorf("save view: %d", st)
	}
	_, body, _ = get(t, staff, base+"/admin/segnalazioni")
	mustContain(t, body, `href="/admin/segnalazioni?scadute=1">Scadute</a>`)
	st, csvBody, h := get(t, staff, base+"/admin/segnalazioni/export.csv?categoria=buche")
	if st != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") || !strings.Contains(csvBody, rep.Number) || strings.Contains(csvBody, out.Number) {
		t.Errorf("csv: %d %s", st, csvBody)
	}

	// Moderation hides a sentence; the original stays in the audit log.
	if _, err := e.svc.Moderate(context.Background(), rep.Number, "Buca in centro", "Grande", nil, ""); err == nil {
		t.Error("moderation without reason accepted")
	}
	if st, _ := postForm(t, staff, base+"/admin/segnalazioni/r/"+rep.Number+"/moderazione", url.Values{"title": {"Buca in centro"},
		"details": {"Grande (testo moderato)"}, "reason": {"insulto"}}); st != http.StatusSeeOther {
		t.Fatalf("moderate: %d", st)
	}
	_, body, _ = get(t, e.app.Client(t), base+"/segnalazioni/"+rep.Number)
	mustContain(t, body, "Grande (testo moderato)")

	// Dashboard with SVG charts and CSV.
	e.svc.Apply(context.Background(), rep.Number, 0, Change{To: "investigating", Staff: true})
	e.svc.Apply(context.Background(), rep.Number, 0, Change{To: "fixed_council", Staff: true})
	_, body, _ = get(t, staff, base+"/admin/segnalazioni/cruscotto")
	mustContain(t, body, "<svg", `role="img"`, "Segnalazioni per categoria", "Buche stradali", "Entro la scadenza")
	mustNotContain(t, body, "style=")
	st, csvBody, _ = get(t, staff, base+"/admin/segnalazioni/cruscotto.csv")
	if st != 200 {
		t.Fatalf("dashboard csv: %d", st)
	}
	mustContain(t, csvBody, "categoria,Buche stradali,1", "entro_scadenza_percento", "risoluzione_mediana_giorni")
	d, err := e.svc.Dashboard(context.Background(), time.Now().AddDate(0, 0, -1), time.Now().Add(2*time.Hour), "", "")
	if err != nil || d.Total != 2 || d.Fix.Count != 1 || d.TakeInCharge.Count != 1 || d.WithinDeadline.Total != 2 || d.WithinDeadline.Part != 1 || d.OverdueOpen != 1 {
		t.Errorf("dashboard = %+v %v", d, err)
	}
}

func TestSeedDemoIsIdempotent(t *testing.T) {
	m := New()
	app := kerneltest.New(t, m)
	for i := 0; i < 2; i++ {
		if err := m.SeedDemo(context.Background(), app.Deps); err != nil {
			t.Fatal(err)
		}
	}
	cats, _ := m.svc.Categories(context.Background(), true)
	list, total, _ := m.svc.List(context.Background(), Filter{Public: true})
	if len(cats) != len(demoCategories) || total != 3 || list[len(list)-1].State != "investigating" {
		t.Errorf("demo: %d categories, %d reports", len(cats), total)
	}
}
