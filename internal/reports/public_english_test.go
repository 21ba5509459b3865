package reports

import (
	"context"
	"image/color"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/arengo-pa/arengo/internal/reports/workflow"
	"github.com/arengo-pa/arengo/internal/web"
)

// english gives c the visitor's choice of English.
func english(t *testing.T, e *env, c *http.Client) *http.Client {
	u, _ := url.Parse(e.app.URL)
	c.Jar.SetCookies(u, []*http.Cookie{{Name: web.LangCookie, Value: "en", Path: "/"}})
	return c
}

// noItalian fails when an English page shows a translation key or one of
// the Italian texts of the module's own templates.
func noItalian(t *testing.T, page, body string, italian ...string) {
	t.Helper()
	if i := strings.Index(body, ">reports."); i >= 0 {
		t.Errorf("%s shows a translation key: %s", page, body[i:min(len(body), i+60)])
	}
	if !strings.Contains(body, `lang="en"`) {
		t.Errorf("%s is not marked lang=\"en\"", page)
	}
	for _, it := range italian {
		if strings.Contains(body, it) {
			t.Errorf("%s: Italian %q left in the English page", page, it)
		}
	}
}

// TestPublicPagesAndPanelInEnglish: the public list (both tabs), a report
// page and the Area personale panel in English; Italian stays the default.
func TestPublicPagesAndPanelInEnglish(t *testing.T) {
	e := fullEnv(t)
	base := e.app.URL
	cit := english(t, e, e.app.Client(t))
	e.app.LoginCitizen(t, cit, mario)
	number := fileReport(t, e, cit, url.Values{"category": {"rifiuti"}, "title": {"Bags by the school"}, "details": {"Three bags"},
		"address": {"Via Roma 3"}, "lat": {"45.4064"}, "lon": {"11.8768"}})
	if _, err := e.svc.Apply(context.Background(), number, 0, Change{To: workflow.Investigating, Staff: true, Public: "On its way."}); err != nil {
		t.Fatal(err)
	}
	anon := english(t, e, e.app.Client(t))
	_, body, _ := get(t, anon, base+"/segnalazioni")
	mustContain(t, body, "List of reports", "In the last 12 months <strong>0</strong> reports were resolved.", "Remove all filters",
		"Download as CSV (open data)", "Results: 1", `aria-label="Filters"`, "Bags by the school", ">All</option>")
	mustContain(t, body, ">Investigating</span>", `<option value="fixed_council">Fixed by the council</option>`)
	noItalian(t, "list", body, "Presa in carico", "Risolta dal Comune", "Negli ultimi", "Rimuovi tutti", "Risultati", "Scarica in CSV", "Tutti", "Tutte", "Filtri", "Percorso di navigazione")
	_, body, _ = get(t, anon, base+"/segnalazioni?vista=mappa")
	mustContain(t, body, `aria-label="Map of the reports"`, "The map needs JavaScript; the list shows the same reports.")
	noItalian(t, "map", body, "La mappa richiede", "Mappa delle segnalazioni")
	_, body, _ = get(t, anon, base+"/segnalazioni/mappa.json")
	mustContain(t, body, `"State":"Investigating"`)
	_, body, _ = get(t, anon, base+"/segnalazioni?stato=fixed_council")
	mustContain(t, body, "No reports match these filters.")
	_, body, _ = get(t, anon, base+"/segnalazioni/"+number)
	mustContain(t, body, "Details", "Place", "Sent on", "People supporting it", "Request number", "History", `aria-label="Position on the map"`, "On its way.")
	mustContain(t, body, "<strong>Investigating</strong>: On its way.", "<strong>Open</strong>: Report registered")
	noItalian(t, "report", body, "Presa in carico", "Dettagli", "Luogo", "Inviata il", "Persone che", "Posizione sulla mappa")
	other := english(t, e, e.app.Client(t))
	e.app.LoginCitizen(t, other, laura)
	_, body, _ = get(t, other, base+"/segnalazioni/"+number)
	mustContain(t, body, "Me too: I have the same problem")
	if st, _ := postForm(t, other, base+"/segnalazioni/"+number+"/anche-io", nil); st != http.StatusSeeOther {
		t.Fatalf("me too: %d", st)
	}
	_, body, _ = get(t, other, base+"/segnalazioni/"+number+"?esito=adesione")
	mustContain(t, body, "Thank you: you now follow this report too.", "Another person reported the same problem")

	_, body, _ = get(t, cit, base+"/area-personale")
	mustContain(t, body, "<caption>My reports</caption>", ">Number</th>", ">Title</th>", ">Sent on</th>", ">Status</th>", ">Taken in charge on</th>", ">Latest expected date</th>", number)
	mustContain(t, body, ">Investigating</span>")
	noItalian(t, "Area personale", body, ">Presa in carico<", "Le mie segnalazioni", ">Numero<", ">Titolo<", "Inviata il", "Presa in carico il", "Data massima prevista")
	_, body, _ = get(t, english(t, e, e.app.Client(t)), base+"/area-personale")
	if strings.Contains(body, "Non hai ancora") {
		t.Error("Area personale of a visitor not logged in shows the Italian panel")
	}

	// Italian stays the default.
	it := e.app.Client(t)
	_, body, _ = get(t, it, base+"/segnalazioni")
	mustContain(t, body, "Negli ultimi 12 mesi sono state risolte <strong>0</strong> segnalazioni.", "Rimuovi tutti i filtri", "Scarica in CSV (dati aperti)")
	_, body, _ = get(t, it, base+"/segnalazioni/"+number)
	mustContain(t, body, "Dettagli", "Inviata il", "Persone che la sostengono", "<strong>Presa in carico</strong>: On its way.", "Segnalazione registrata", "Un&#39;altra persona ha segnalato lo stesso problema")
}

// TestValidationInEnglish: the messages of a refused form speak the
// visitor's language; the error itself (Open311, logs) stays Italian.
func TestValidationInEnglish(t *testing.T) {
	e := fullEnv(t)
	base := e.app.URL
	for _, lang := range []string{"en", "it"} {
		c := e.app.Client(t)
		if lang == "en" {
			english(t, e, c)
		}
		want := func(en, it string) string {
			if lang == "en" {
				return en
			}
			return it
		}
		st, body := postForm(t, c, base+"/segnalazioni/nuova", url.Values{})
		if st != http.StatusUnprocessableEntity {
			t.Fatalf("%s privacy: %d", lang, st)
		}
		mustContain(t, body, want("To go on, confirm you have read and understood the privacy notice.", "Per proseguire confermare di aver letto"))
		resp, err := c.PostForm(base+"/segnalazioni/nuova", url.Values{"privacy": {"1"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		dati := base + resp.Header.Get("Location")
		for _, tc := range []struct {
			fields url.Values
			files  []part
			en, it string
		}{
			{url.Values{"title": {"x"}}, nil, "choose the kind of problem", "scegliere il tipo di disservizio"},
			{url.Values{"category": {"rifiuti"}, "details": {"d"}, "address": {"Via Roma 3"}, "email": {"a@example.it"}}, nil, "the title is required", "il titolo è obbligatorio"},
			{url.Values{"category": {"rifiuti"}, "title": {"t"}, "address": {"Via Roma 3"}, "email": {"a@example.it"}}, nil, "the details are required", "i dettagli sono obbligatori"},
			{url.Values{"category": {"rifiuti"}, "title": {"t"}, "details": {"d"}, "email": {"a@example.it"}}, nil, "give the place: a point on the map", "indicare il luogo"},
			{url.Values{"category": {"rifiuti"}, "title": {"t"}, "details": {"d"}, "lat": {"x"}, "lon": {"1"}}, nil, "invalid coordinates: give latitude and longitude", "coordinate non valide: indicare"},
			{url.Values{"category": {"rifiuti"}, "title": {"t"}, "details": {"d"}, "address": {"Via Roma 3"}, "email": {"nobody"}}, nil, "invalid e-mail address", "indirizzo e-mail non valido"},
			{url.Values{"category": {"rifiuti"}, "title": {"t"}, "details": {"d"}, "address": {"Via Roma 3"}}, nil, "give an e-mail address to confirm the report", "indicare un indirizzo e-mail per confermare"},
			{url.Values{"category": {"rifiuti"}}, []part{{"photos", "verbale.pdf", []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")}},
				"The file «verbale.pdf» must be attached as a document.", "Il file «verbale.pdf» va allegato come documento."},
		} {
			tc.fields.Set("action", "next")
			st, body, _ := postMultipart(t, c, dati, tc.fields, tc.files...)
			if st != http.StatusUnprocessableEntity {
				t.Errorf("%s %v: %d", lang, tc.fields, st)
				continue
			}
			mustContain(t, body, want(tc.en, tc.it))
			if lang == "en" {
				noItalian(t, "data step", body, tc.it)
			}
		}
	}
	// The error itself keeps the Italian text and the field.
	err := (&NewReport{Reporter: Reporter{Kind: ByCitizen}, Details: "d", Address: "x"}).validate(Category{Active: true})
	if err == nil || err.Error() != "title: il titolo è obbligatorio" {
		t.Errorf("error = %v", err)
	}
}

// TestBackOfficeInEnglish: the queue and a report's staff page, with a
// redacted photo, in English.
func TestBackOfficeInEnglish(t *testing.T) {
	e := fullEnv(t)
	base := e.app.URL
	c := e.app.Client(t)
	e.app.LoginCitizen(t, c, mario)
	number := fileReport(t, e, c, url.Values{"category": {"rifiuti"}, "title": {"Bags"}, "details": {"Three bags"}, "address": {"Via Roma 5"}},
		part{"photos", "bags.png", plainPNG(t, 200, 100, color.NRGBA{250, 250, 250, 255})})
	staff := english(t, e, e.app.Client(t))
	e.app.LoginStaff(t, staff, "operatrice", PermManage)
	_, body, _ := get(t, staff, base+"/admin/segnalazioni")
	mustContain(t, body, "Report queue", ">Open</span>", `<option value="fixed_council">Fixed by the council</option>`, "Save these filters as a view", "1 reports", "Reports, newest first", ">Priority</th>", ">normal</td>", ">Overdue</label>")
	noItalian(t, "queue", body, "Viste salvate", "Salva vista", "Priorità", "normale", "Scadenza", "Sostegni", "aperte", "risolte")
	rep, _ := e.svc.Get(context.Background(), number)
	media, _ := e.svc.Media(context.Background(), rep.ID, true)
	if st, _ := postForm(t, staff, base+"/admin/segnalazioni/r/"+number+"/foto/"+media[0].ID+"/oscura",
		url.Values{"x": {"0"}, "y": {"0"}, "w": {"50"}, "h": {"50"}, "reason": {"plate"}}); st != http.StatusSeeOther {
		t.Fatalf("redact: %d", st)
	}
	_, body, _ = get(t, staff, base+"/admin/segnalazioni/r/"+number+"?esito=salvato")
	mustContain(t, body, "Change saved.", ">Open</span>", "<strong>Open</strong> Report registered", "Status and answer", "Public answer (visible to everyone and sent to the author)", "Assignment", "Moderation",
		"Hide the photo bags.png", "Redact part of the photo bags.png", "partly redacted", "open the original", "Original with the redacted areas (1)",
		"Undo the redaction", "Author (personal data, not public)", "(photo)")
	_, body, _ = get(t, staff, base+"/admin/segnalazioni/cruscotto")
	mustContain(t, body, "Taken in charge (days)", "Within the deadline", "Reports by category", "Reports by status")
	noItalian(t, "dashboard", body, "Presa in carico (giorni)", "Entro la scadenza", "Segnalazioni per", "mediana")
	_, body, _ = get(t, staff, base+"/admin/segnalazioni/configurazione")
	mustContain(t, body, "Categories (Open311 services)", "New category", "Status table", "Assignment rules", "Answer templates", "Save area", "Extra questions, one per line")
	noItalian(t, "settings", body, ">Categorie<", "Categorie (", "Nuova categoria", "Tabella degli stati", "Regole di assegnazione", "Modelli di risposta", "Salva", "qualsiasi", "Aggiungi")
	_, body, _ = get(t, staff, base+"/admin/segnalazioni/r/"+number+"?esito=salvato")
	noItalian(t, "staff report", body, "Stato e risposta", "Risposta pubblica", "Assegnazione", "Moderazione", "Oscura l", "Oscurare",
		"Allegati", "Salva", "Motivo", "Nuovo stato", "Priorità", "Larghezza")
}
