package reports

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/reports/open311"
	"github.com/arengo-pa/arengo/internal/reports/upload"
	"github.com/arengo-pa/arengo/internal/reports/workflow"
	"github.com/arengo-pa/arengo/internal/store"
)

// another starts a second server with the reports module on e's database,
// as another process would.
func another(t *testing.T, e *env) *env {
	m := New()
	app := kerneltest.NewWith(t, kerneltest.Options{DB: e.app.Deps.DB.DSN()}, m)
	return &env{app: app, mod: m, svc: m.svc}
}

// listed says whether the uncached page of raw lists number.
func listed(t *testing.T, e *env, raw, number string) bool {
	t.Helper()
	return strings.Contains(string(samePages(t, e, raw)), "<service_request_id>"+number+"<")
}

// A write committed through one server is in the next page of another
// server on the same database: the listing index follows the outbox.
func TestListIndexFollowsOtherServer(t *testing.T) {
	a := newEnv(t)
	b := another(t, a)
	ctx := context.Background()
	citizen := Reporter{Kind: ByCitizen, FiscalCode: "RSSMRA80A01H501U", Email: "mario@example.it"}
	create := func(e *env, cat, title string, who Reporter) *Report {
		t.Helper()
		r, err := e.svc.Create(ctx, NewReport{CategoryCode: cat, Title: title, Details: "Dettagli", Address: "Via Roma 1",
			Answers: map[string][]string{"pericolo": {"no"}}, Channel: "web", Reporter: who})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	first := create(a, "buche", "Prima", citizen)
	if !listed(t, b, "", first.Number) {
		t.Fatal("b does not list a's report")
	}
	// b has built its index; a writes again.
	second := create(a, "rifiuti", "Seconda", citizen)
	anon := create(a, "rifiuti", "Anonima", Reporter{Kind: ByAnonymous, Email: "anonimo@example.it"})
	if !listed(t, b, "", second.Number) || listed(t, b, "", anon.Number) {
		t.Fatal("b: new report not listed, or unconfirmed one listed")
	}
	var code string
	if err := a.svc.db.QueryRowContext(ctx, `SELECT confirm_code FROM reports_report WHERE id = $1`, anon.ID).Scan(&code); err != nil {
		t.Fatal(err)
	}
	if _, err := a.svc.Confirm(ctx, code); err != nil {
		t.Fatal(err)
	}
	if !listed(t, b, "", anon.Number) {
		t.Fatal("b: confirmed report not listed")
	}
	// State changes move reports between statuses.
	if _, err := a.svc.Apply(ctx, first.Number, 0, Change{To: workflow.FixedCouncil, Public: "Riparata", Staff: true}); err != nil {
		t.Fatal(err)
	}
	if listed(t, b, "status=open", first.Number) || !listed(t, b, "status=closed&extensions=true", first.Number) {
		t.Fatal("b: fixed report under the wrong status")
	}
	// Merge, support, moderation and hiding, each made on a.
	if _, err := a.svc.Apply(ctx, anon.Number, 0, Change{To: workflow.Duplicate, DuplicateOf: second.Number, Staff: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.svc.Support(ctx, second.Number, Reporter{Kind: ByCitizen, FiscalCode: "VRDLGU80A01H501X"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.svc.Moderate(ctx, second.Number, "Seconda moderata", "Testo moderato", nil, "linguaggio"); err != nil {
		t.Fatal(err)
	}
	page := samePages(t, b, "extensions=true")
	if !strings.Contains(string(page), "Seconda moderata") {
		t.Fatalf("b: moderation not shown:\n%s", page)
	}
	if _, err := a.svc.Apply(ctx, second.Number, 0, Change{To: workflow.HiddenState, Staff: true}); err != nil {
		t.Fatal(err)
	}
	if listed(t, b, "", second.Number) {
		t.Fatal("b: hidden report still listed")
	}
	// Labels: a category made private on a disappears from b's pages.
	cat, err := a.svc.Category(ctx, "buche")
	if err != nil {
		t.Fatal(err)
	}
	cat.Private = true
	if _, err := a.svc.SaveCategory(ctx, cat); err != nil {
		t.Fatal(err)
	}
	if listed(t, b, "status=closed", first.Number) {
		t.Fatal("b: report of a category made private still listed")
	}
	// And b's own writes are seen by a.
	third := create(b, "rifiuti", "Terza", citizen)
	if !listed(t, a, "", third.Number) {
		t.Fatal("a does not list b's report")
	}
	// Triage and a new photo move updated_datetime, which updated_after
	// filters on.
	time.Sleep(1100 * time.Millisecond)
	cut := "updated_after=" + url.QueryEscape(time.Now().UTC().Truncate(time.Second).Format(time.RFC3339))
	if listed(t, a, cut, third.Number) {
		t.Fatal("a: updated_after lists a report not updated since")
	}
	if _, err := b.svc.SetTriage(ctx, third.Number, Triage{Priority: 1, Office: "Ufficio igiene", Deadline: third.CreatedAt.Add(48 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if !listed(t, a, cut, third.Number) {
		t.Fatal("a: triage made on b not seen by updated_after")
	}
	photo, err := upload.Sanitize("foto.jpg", bytes.NewReader(photoWithGPS(t)), upload.Default)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.AddMedia(ctx, third.Number, []NamedFile{{Name: "foto.jpg", File: photo}}); err != nil {
		t.Fatal(err)
	}
	if page := samePages(t, a, cut); !strings.Contains(string(page), "/segnalazioni-foto/") {
		t.Fatalf("a: photo added on b not listed:\n%s", page)
	}
	for _, q := range []string{"", "status=open", "status=closed", "service_code=rifiuti&extensions=true", "page_size=1&page=2", cut} {
		samePages(t, a, q)
		samePages(t, b, q)
	}

	// A server started now (a restart) builds its index from the table.
	c := another(t, a)
	for _, q := range []string{"", "status=closed", "extensions=true"} {
		// The same but for the base URL before photo paths.
		got := strings.ReplaceAll(string(samePages(t, c, q)), c.app.URL, b.app.URL)
		if want := string(samePages(t, b, q)); got != want {
			t.Fatalf("restarted server's page differs:\n got %s\nwant %s", got, want)
		}
	}
}

// insertRaw writes a report row the way the benchmark's generator does:
// no event, fragments rendered from the row.
func insertRaw(t *testing.T, db *store.DB, id, catID, state string, typ workflow.Type, created, updated time.Time, n int) {
	t.Helper()
	r := Report{ID: id, Number: fmt.Sprintf("RAW-%06d", n), StateType: typ, Title: "Generata", Details: fmt.Sprintf("Numero %d", n),
		CreatedAt: created, UpdatedAt: updated, DeadlineAt: created.Add(24 * time.Hour),
		Lat: sql.NullFloat64{Float64: 45.4, Valid: true}, Lon: sql.NullFloat64{Float64: 11.87, Valid: true}}
	frag, err := Open311Fragment(&r)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(context.Background(), `INSERT INTO reports_report (id, number, token, category_id, state, state_type, title, details,
		lat, lon, address, address_id, zipcode, priority, office, operator, channel, reporter_kind, reporter_email, answers, media_url,
		confirm_code, created_at, updated_at, deadline_at, version, o311_json, o311_xml) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,45.4,11.87,'','','',2,'','',
		'web','citizen','','{}','','',$9,$10,$11,1,$12,$13)`, r.ID, r.Number, r.ID, catID, state, string(typ), r.Title, r.Details,
		r.CreatedAt, r.UpdatedAt, r.DeadlineAt, frag.JSON, frag.XML); err != nil {
		t.Fatal(err)
	}
}

// Every filter of the spec gives, from the index, the page the SQL listing
// gives: rows written without events before the process started (the
// generator) included, then after changes through the service; ties on created_at
// go by id as in SQL.
func TestListIndexFiltersMatchSQL(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cats, err := e.svc.Categories(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	states := []struct {
		code string
		typ  workflow.Type
	}{{workflow.Confirmed, workflow.Open}, {workflow.InProgress, workflow.Open}, {workflow.FixedCouncil, workflow.Fixed},
		{workflow.Duplicate, workflow.Closed}, {workflow.HiddenState, workflow.Hidden}}
	rng := rand.New(rand.NewPCG(3, 3))
	now := store.Now()
	base := now.Add(-100 * 24 * time.Hour)
	for i := 0; i < 300; i++ {
		// Whole hours: many reports share their created_at.
		created := base.Add(time.Duration(rng.IntN(100*24)) * time.Hour)
		if i%7 == 0 {
			created = created.Add(time.Duration(rng.IntN(1_000_000)) * time.Microsecond)
		}
		st := states[rng.IntN(len(states))]
		insertRaw(t, e.svc.db, store.NewID(), cats[rng.IntN(len(cats))].ID, st.code, st.typ, created, created.Add(time.Duration(rng.IntN(48))*time.Hour), i)
	}
	// A process started after the generator, as the benchmark does: the
	// first one built its index at start, before the rows without events.
	e = another(t, e)
	day := func(d int) string {
		return url.QueryEscape(base.Add(time.Duration(d) * 24 * time.Hour).Format(time.RFC3339))
	}
	queries := []string{"", "page_size=7", "page_size=7&page=3", "page_size=1000&page=2", "page=99999999999",
		"start_date=" + day(5), "start_date=" + day(5) + "&end_date=" + day(40) + "&page_size=13&page=2",
		"end_date=" + day(50), "status=open", "status=closed&service_code=rifiuti,buche", "service_code=interna", "service_code=nessuna",
		"updated_after=" + day(80), "updated_before=" + day(95) + "&status=open", "updated_after=" + day(60) + "&updated_before=" + day(70),
		"extensions=true&page_size=20", "service_request_id=RAW-000001,RAW-000002,RAW-000003,RAW-000004"}
	check := func() {
		t.Helper()
		for _, q := range queries {
			samePages(t, e, q)
		}
	}
	check()
	page := samePages(t, e, "page_size=1000")
	if n := strings.Count(string(page), "<request>"); n < 50 {
		t.Fatalf("only %d generated reports listed", n)
	}
	// Changes through the service, applied to the index from the outbox.
	var numbers []string
	rows, err := e.svc.db.QueryContext(ctx, `SELECT number FROM reports_report WHERE state_type = 'open' ORDER BY number LIMIT 20`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		numbers = append(numbers, n)
	}
	rows.Close()
	for i, n := range numbers {
		to := workflow.FixedCouncil
		if i%2 == 0 {
			to = workflow.HiddenState
		}
		if _, err := e.svc.Apply(ctx, n, 0, Change{To: to, Staff: true}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 5; i++ {
		if _, err := e.svc.Create(ctx, NewReport{CategoryCode: "rifiuti", Title: "Nuova", Details: "Dettagli", Address: "Via Roma",
			Channel: "web", Reporter: Reporter{Kind: ByCitizen, FiscalCode: "RSSMRA80A01H501U"}}); err != nil {
			t.Fatal(err)
		}
	}
	check()
}

func TestParseFormatID(t *testing.T) {
	for i := 0; i < 100; i++ {
		s := store.NewID()
		id, ok := parseID(s)
		if !ok || idString(&id) != s {
			t.Fatalf("%s: %v %s", s, ok, idString(&id))
		}
	}
	for _, bad := range []string{"", "x", "0190A1B2-0000-7000-8000-000000000000", "0190a1b2x0000-7000-8000-000000000000",
		"0190a1b2-0000-7000-8000-00000000000g", "{0190a1b2-0000-7000-8000-0000000000}"} {
		if _, ok := parseID(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}

// An id the index cannot hold sends pages to the rows, still right.
func TestListIndexUnfitFallsBack(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cat, err := e.svc.Category(ctx, "rifiuti")
	if err != nil {
		t.Fatal(err)
	}
	now := store.Now()
	insertRaw(t, e.svc.db, "not-a-uuid", cat.ID, workflow.Confirmed, workflow.Open, now.Add(-time.Hour), now, 1)
	e = another(t, e) // a process started after the row was written
	if !listed(t, e, "", "RAW-000001") {
		t.Fatal("report not listed")
	}
	q, _ := open311.ParseQuery(url.Values{}, e.svc.now())
	if _, err := e.svc.Open311Page(ctx, q, open311.JSON, ""); err != nil || !e.svc.frags.index.unfit {
		t.Fatalf("unfit %v, %v", e.svc.frags.index.unfit, err)
	}
}

// Pages read the index while events are applied to it (run with -race).
func TestListIndexConcurrentPages(t *testing.T) {
	a := newEnv(t)
	b := another(t, a)
	ctx := context.Background()
	q, err := open311.ParseQuery(url.Values{"service_code": {"rifiuti"}}, b.svc.now())
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	for w := 0; w < 4; w++ {
		go func() {
			var err error
			for i := 0; i < 20 && err == nil; i++ {
				_, err = b.svc.Open311Page(ctx, q, open311.JSON, b.app.URL)
			}
			done <- err
		}()
	}
	var numbers []string
	for i := 0; i < 20; i++ {
		r, err := a.svc.Create(ctx, NewReport{CategoryCode: "rifiuti", Title: fmt.Sprint("Sacchi ", i), Details: "In strada",
			Address: "Via Roma", Channel: "web", Reporter: Reporter{Kind: ByCitizen, FiscalCode: "RSSMRA80A01H501U"}})
		if err != nil {
			t.Fatal(err)
		}
		numbers = append(numbers, r.Number)
	}
	for w := 0; w < 4; w++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	page := string(samePages(t, b, "service_code=rifiuti"))
	for _, n := range numbers {
		if !strings.Contains(page, n) {
			t.Fatalf("%s not listed", n)
		}
	}
}

// A process builds its listing index as it starts, from the rows already
// there, without waiting for a listing to ask.
func TestListIndexBuiltAtStart(t *testing.T) {
	a := newEnv(t)
	if _, err := a.svc.Create(context.Background(), NewReport{CategoryCode: "rifiuti", Title: "Prima", Details: "Dettagli",
		Address: "Via Roma 1", Answers: map[string][]string{"pericolo": {"no"}}, Channel: "web",
		Reporter: Reporter{Kind: ByCitizen, FiscalCode: "RSSMRA80A01H501U"}}); err != nil {
		t.Fatal(err)
	}
	b := another(t, a)
	x := &b.svc.frags.index
	kerneltest.Eventually(t, 10*time.Second, "index built at start", func() bool {
		x.mu.RLock()
		defer x.mu.RUnlock()
		return x.loaded && len(x.rows) == 1
	})
}
