package reports

import (
	"bytes"
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/reports/open311"
	"github.com/arengo-pa/arengo/internal/reports/upload"
	"github.com/arengo-pa/arengo/internal/reports/workflow"
)

// samePages checks that the page assembled from stored fragments is, byte
// for byte, the encoding of the list read from the rows, for both formats.
func samePages(t *testing.T, e *env, raw string) []byte {
	t.Helper()
	ctx := context.Background()
	vals, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatal(err)
	}
	q, err := open311.ParseQuery(vals, e.svc.now())
	if err != nil {
		t.Fatal(err)
	}
	base := e.app.URL
	var last []byte
	for _, f := range []open311.Format{open311.JSON, open311.XML} {
		list, err := e.svc.Open311Requests(ctx, q, base)
		if err != nil {
			t.Fatal(err)
		}
		want, err := open311.Encode(f, list)
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.svc.Open311Page(ctx, q, f, base)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%s?%s: page from fragments differs from the rows:\n got %s\nwant %s", f, raw, got, want)
		}
		last = got
	}
	return last
}

func TestOpen311FragmentsFollowEveryChange(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	photo, err := upload.Sanitize("foto.jpg", bytes.NewReader(photoWithGPS(t)), upload.Default)
	if err != nil {
		t.Fatal(err)
	}
	citizen := Reporter{Kind: ByCitizen, FiscalCode: "RSSMRA80A01H501U", Name: "Mario Rossi", Email: "mario.rossi@example.it", Phone: "3331234567"}
	withPhoto, err := e.svc.Create(ctx, NewReport{CategoryCode: "buche", Title: "Buca <grande> & \"profonda\"", Details: "Davanti al civico 12\nà è ì",
		HasPoint: true, Lat: 45.4064, Lon: 11.8768, Answers: map[string][]string{"pericolo": {"si"}}, Channel: "web", Reporter: citizen,
		Files: []NamedFile{{Name: "foto.jpg", File: photo}}})
	if err != nil {
		t.Fatal(err)
	}
	external, err := e.svc.Create(ctx, NewReport{CategoryCode: "rifiuti", Title: "Sacchi", Details: "In strada", Address: "Via Roma 3",
		AddressID: "civ-3", Zipcode: "35100", MediaURL: "https://example.org/foto.jpg?a=1&b=2", Channel: "open311", Reporter: citizen})
	if err != nil {
		t.Fatal(err)
	}
	private, err := e.svc.Create(ctx, NewReport{CategoryCode: "interna", Title: "Riservata", Details: "Non pubblica", Address: "Via Roma 4",
		Channel: "staff", Reporter: Reporter{Kind: ByStaff}})
	if err != nil {
		t.Fatal(err)
	}
	anon, err := e.svc.Create(ctx, NewReport{CategoryCode: "rifiuti", Title: "Anonima", Details: "Da confermare", Address: "Via Roma 5",
		Channel: "web", Reporter: Reporter{Kind: ByAnonymous, Email: "anonimo@example.it"}})
	if err != nil {
		t.Fatal(err)
	}
	page := samePages(t, e, "")
	for _, want := range []string{withPhoto.Number, external.Number, e.app.URL + "/segnalazioni-foto/", "https://example.org/foto.jpg?a=1&amp;b=2"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("page lacks %q:\n%s", want, page)
		}
	}
	for _, ban := range []string{private.Number, anon.Number} {
		if strings.Contains(string(page), ban) {
			t.Errorf("page shows %s", ban)
		}
	}

	// Changes: state with public answer, triage, moderation hiding the
	// photo, a new photo, support, confirmation of the anonymous report.
	if _, err := e.svc.Apply(ctx, withPhoto.Number, 0, Change{To: "investigating", Public: "Sopralluogo <domani>", Staff: true, Author: "URP"}); err != nil {
		t.Fatal(err)
	}
	samePages(t, e, "extensions=true")
	if _, err := e.svc.SetTriage(ctx, external.Number, Triage{Priority: 1, Office: "Ufficio igiene & ambiente", Deadline: external.CreatedAt.Add(48 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	media, err := e.svc.Media(ctx, withPhoto.ID, true)
	if err != nil || len(media) != 1 {
		t.Fatalf("media %v %v", media, err)
	}
	if _, err := e.svc.Moderate(ctx, withPhoto.Number, "Buca grande", "Davanti al civico (testo moderato)", []string{media[0].ID}, "insulto"); err != nil {
		t.Fatal(err)
	}
	page = samePages(t, e, "")
	if strings.Contains(string(page), "profonda") || strings.Contains(string(page), "/segnalazioni-foto/") {
		t.Errorf("moderated text or hidden photo still listed:\n%s", page)
	}
	if _, err := e.svc.AddMedia(ctx, external.Number, []NamedFile{{Name: "nuova.jpg", File: photo}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Support(ctx, withPhoto.Number, Reporter{Kind: ByCitizen, FiscalCode: "VRDLGU80A01H501X"}); err != nil {
		t.Fatal(err)
	}
	var code string
	if err := e.svc.db.QueryRowContext(ctx, `SELECT confirm_code FROM reports_report WHERE id = $1`, anon.ID).Scan(&code); err != nil {
		t.Fatal(err)
	}
	var payload string
	if err := e.svc.db.QueryRowContext(ctx, `SELECT payload FROM kernel_outbox WHERE type = 'reports.confirmation_requested'`).Scan(&payload); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(payload, "anonimo@") || strings.Contains(payload, code) || !strings.Contains(payload, anon.Number) {
		t.Errorf("confirmation event payload %s: want the number only", payload)
	}
	if _, err := e.svc.Confirm(ctx, code); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Apply(ctx, external.Number, 0, Change{To: workflow.FixedCouncil, Public: "Rimossi", Staff: true}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"", "extensions=true", "service_code=rifiuti", "service_code=buche,interna&status=open", "status=closed",
		"service_request_id=" + withPhoto.Number + "," + private.Number + "," + anon.Number, "page_size=1&page=2", "page_size=1&page=9"} {
		samePages(t, e, q)
	}
	page = samePages(t, e, "")
	if !strings.Contains(string(page), anon.Number) {
		t.Errorf("confirmed report not listed:\n%s", page)
	}

	// Labels come from the tables at every page: a renamed category and
	// state show at once, a category made private disappears.
	cat, err := e.svc.Category(ctx, "rifiuti")
	if err != nil {
		t.Fatal(err)
	}
	cat.Name, cat.DeadlineDays = "Rifiuti & ingombranti", 3
	if _, err := e.svc.SaveCategory(ctx, cat); err != nil {
		t.Fatal(err)
	}
	states, err := e.svc.States(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range states {
		if st.Code == "investigating" {
			st.Label = "In verifica <sul posto>"
			if err := e.svc.SaveState(ctx, st); err != nil {
				t.Fatal(err)
			}
		}
	}
	page = samePages(t, e, "")
	for _, want := range []string{"Rifiuti &amp; ingombranti", "Risposta prevista entro 3 giorni", "In verifica &lt;sul posto&gt;"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("page lacks %q:\n%s", want, page)
		}
	}
	cat.Private = true
	if _, err := e.svc.SaveCategory(ctx, cat); err != nil {
		t.Fatal(err)
	}
	page = samePages(t, e, "")
	if strings.Contains(string(page), external.Number) {
		t.Errorf("report of a category made private still listed")
	}

	// No personal data in any stored fragment.
	rows, err := e.svc.db.QueryContext(ctx, `SELECT o311_json || o311_xml FROM reports_report`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		n++
		for _, ban := range []string{"RSSMRA", "Mario", "mario.rossi", "333123", "anonimo@", "VRDLGU"} {
			if strings.Contains(s, ban) {
				t.Errorf("fragment holds personal data %q: %s", ban, s)
			}
		}
	}
	if n != 4 {
		t.Errorf("%d reports", n)
	}
}

// Reports stored before fragments existed are still listed, rendered from
// their rows.
func TestOpen311PageWithoutStoredFragments(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if _, err := e.svc.Create(ctx, NewReport{CategoryCode: "rifiuti", Title: "Sacchi", Details: "In strada", Address: "Via Roma",
			Channel: "web", Reporter: Reporter{Kind: ByCitizen, FiscalCode: "RSSMRA80A01H501U"}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.svc.db.ExecContext(ctx, `UPDATE reports_report SET o311_json = '', o311_xml = '' WHERE number IN
		(SELECT number FROM reports_report ORDER BY created_at LIMIT 1)`); err != nil {
		t.Fatal(err)
	}
	page := samePages(t, e, "")
	if strings.Count(string(page), "<request>") != 3 {
		t.Errorf("page = %s", page)
	}
	samePages(t, e, "extensions=true")
}

// A fragment this process remembers is dropped as soon as the stored one
// is rewritten, by whichever process.
func TestOpen311MemoFollowsStoredRevision(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	r, err := e.svc.Create(ctx, NewReport{CategoryCode: "rifiuti", Title: "Sacchi", Details: "In strada", Address: "Via Roma",
		Channel: "web", Reporter: Reporter{Kind: ByCitizen, FiscalCode: "RSSMRA80A01H501U"}})
	if err != nil {
		t.Fatal(err)
	}
	q := open311.Query{IDs: []string{r.Number}, Page: 1, PageSize: 10}
	if _, err := e.svc.Open311Page(ctx, q, open311.JSON, ""); err != nil {
		t.Fatal(err)
	}
	if uid, _ := parseID(r.ID); e.svc.frags.json.m[uid].rev != 0 || e.svc.frags.json.m[uid].parts == (open311.Parts{}) {
		t.Fatal("fragment not remembered")
	}
	// Another process rewrites it.
	if _, err := e.svc.db.ExecContext(ctx, `UPDATE reports_report SET o311_json = REPLACE(o311_json, 'Sacchi', 'Sacchetti'),
		o311_rev = o311_rev + 1 WHERE id = $1`, r.ID); err != nil {
		t.Fatal(err)
	}
	page, err := e.svc.Open311Page(ctx, q, open311.JSON, "")
	if err != nil || !strings.Contains(string(page), "Sacchetti") {
		t.Fatalf("page after the rewrite: %s %v", page, err)
	}
}
