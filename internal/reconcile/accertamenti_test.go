package reconcile_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/reconcile"
	"github.com/arengo-pa/arengo/internal/store"
)

// demoApp is the module with the demo day loaded and classified. The demo's
// accertamento, which holds the day's collected TARI, is cancelled so that
// the tests find every payment free.
func demoApp(t *testing.T) (*kerneltest.App, *reconcile.Module) {
	t.Helper()
	ctx := context.Background()
	app := kerneltest.NewWith(t, kerneltest.Options{Env: map[string]string{reconcile.EnvEC: ec}}, reconcile.New())
	m := app.Modules[0].(*reconcile.Module)
	if err := m.SeedDemo(ctx, app.Deps); err != nil {
		t.Fatal(err)
	}
	var id string
	var n int64
	app.Deps.DB.QueryRowContext(ctx, "SELECT id, assigned_count FROM reconcile_accertamento WHERE state = 'INSERITO'").Scan(&id, &n)
	if id == "" || n == 0 {
		t.Fatalf("demo accertamento %q with %d payments", id, n)
	}
	if _, err := m.CancelAccertamento(ctx, id, "liberato per il test"); err != nil {
		t.Fatal(err)
	}
	return app, m
}

func postForm(t *testing.T, c *http.Client, u string, v url.Values) (int, string, string) {
	t.Helper()
	res, err := c.PostForm(u, v)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Location"), string(b)
}

func apiCall(t *testing.T, app *kerneltest.App, key, method, path string, body any, out any) int {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, app.URL+"/api/v1"+path, r)
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	// A refusal is read only by a caller that asks for the problem.
	if _, problem := out.(*huma.ErrorModel); out != nil && (res.StatusCode < 300 || problem) {
		if err := json.NewDecoder(res.Body).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
	return res.StatusCode
}

// TestAccertamentoLifecycle: an operator opens an accertamento for TARI,
// assigns collected payments one by one and by period, removes one, closes it
// (nothing changes afterwards), a holder of reconcile.reopen reopens it, and a
// second accertamento is cancelled, releasing its payments. Every step is
// audited and in the outbox; the exports carry the totals.
func TestAccertamentoLifecycle(t *testing.T) {
	app, _ := demoApp(t)
	ctx := context.Background()
	c := app.Client(t)
	app.LoginStaff(t, c, "ragioneria", reconcile.PermManage)
	base := app.URL + "/admin/riconciliazione/accertamenti"

	form := url.Values{"nome": {"TARI primo trimestre"}, "tipo": {"TARI"}, "capitolo": {"1010"}, "numero": {"101"}, "anno": {"2026"}, "previsto": {"1.000,00"}}
	for field, bad := range map[string]string{"nome": "", "tipo": "SCONOSCIUTO", "anno": "1850", "previsto": "mille"} {
		v := url.Values{}
		for k, vs := range form {
			v[k] = vs
		}
		v.Set(field, bad)
		if code, _, body := postForm(t, c, base, v); code != http.StatusUnprocessableEntity || !strings.Contains(body, "alert-danger") {
			t.Errorf("create with %s=%q: %d", field, bad, code)
		}
	}
	code, loc, _ := postForm(t, c, base, form)
	if code != http.StatusSeeOther || !strings.HasSuffix(loc, "?esito=creato") {
		t.Fatalf("create: %d %s", code, loc)
	}
	id := strings.TrimSuffix(strings.TrimPrefix(loc, "/admin/riconciliazione/accertamenti/"), "?esito=creato")
	page := base + "/" + id

	collected := func(debtType string) []string {
		keys, err := store.Column[string](ctx, app.Deps.DB, `SELECT key FROM reconcile_item WHERE kind = 'payment' AND debt_type = $1
			AND code IN ('IUD_RT_IUF_TES', 'RT_IUF_TES', 'RT_TES') ORDER BY key`, debtType)
		if err != nil {
			t.Fatal(err)
		}
		return keys
	}
	tari := collected("TARI")
	if len(tari) < 5 {
		t.Fatalf("demo day with %d collected TARI payments", len(tari))
	}
	var waiting, other string
	app.Deps.DB.QueryRowContext(ctx, "SELECT key FROM reconcile_item WHERE kind = 'payment' AND debt_type = 'TARI' AND code = 'RT_NO_IUF' ORDER BY key LIMIT 1").Scan(&waiting)
	other = collected("IMU")[0]
	if _, body := get(t, c, page); !strings.Contains(body, `value="`+tari[0]+`"`) || !strings.Contains(body, `id="chiudi"`) {
		t.Fatal("detail page does not offer the collected TARI payments or the close form")
	}

	// Refused assignments name the payment and change nothing.
	for key, why := range map[string]string{waiting: "non risulta riversato", other: "accoglie solo"} {
		code, _, body := postForm(t, c, page+"/assegna", url.Values{"chiave": {tari[0], key}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, why) || !strings.Contains(body, key) {
			t.Errorf("assigning %s: %d, message %q missing", key, code, why)
		}
	}
	if count(t, app, "SELECT COUNT(*) FROM reconcile_accertamento_payment WHERE accertamento_id = $1", id) != 0 {
		t.Fatal("a refused assignment left rows behind")
	}
	if code, loc, _ := postForm(t, c, page+"/assegna", url.Values{"chiave": {tari[0], tari[1]}}); code != http.StatusSeeOther || !strings.HasSuffix(loc, "esito=assegnati") {
		t.Fatalf("assign two: %d %s", code, loc)
	}
	// The rest of the day by period: every collected TARI payment is in.
	if code, _, _ := postForm(t, c, page+"/assegna", url.Values{"periodo": {"1"}, "dal": {"2000-01-01"}, "al": {"2100-01-01"}}); code != http.StatusSeeOther {
		t.Fatalf("assign by period: %d", code)
	}
	var n, cents, want int64
	app.Deps.DB.QueryRowContext(ctx, "SELECT assigned_count, assigned_cents FROM reconcile_accertamento WHERE id = $1", id).Scan(&n, &cents)
	app.Deps.DB.QueryRowContext(ctx, `SELECT SUM(amount_cents) FROM reconcile_item WHERE kind = 'payment' AND debt_type = 'TARI'
		AND code IN ('IUD_RT_IUF_TES', 'RT_IUF_TES', 'RT_TES')`).Scan(&want)
	if n != int64(len(tari)) || cents != want {
		t.Fatalf("after the period: %d payments for %d cents, want %d for %d", n, cents, len(tari), want)
	}
	if code, _, body := postForm(t, c, page+"/assegna", url.Values{"periodo": {"1"}, "dal": {"2000-01-01"}, "al": {"2100-01-01"}}); code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "Nessun pagamento") {
		t.Fatalf("assigning an empty period: %d", code)
	}

	// A second accertamento cannot take a payment the first holds.
	code, loc, _ = postForm(t, c, base, url.Values{"nome": {"TARI bis"}, "tipo": {"TARI"}, "capitolo": {"1010"}, "numero": {"102"}, "anno": {"2026"}})
	if code != http.StatusSeeOther {
		t.Fatalf("second create: %d", code)
	}
	second := strings.TrimSuffix(strings.TrimPrefix(loc, "/admin/riconciliazione/accertamenti/"), "?esito=creato")
	if code, _, body := postForm(t, c, base+"/"+second+"/assegna", url.Values{"chiave": {tari[2]}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, "TARI primo trimestre") {
		t.Fatalf("payment in two accertamenti: %d", code)
	}

	// Undo: one payment out of the first, into the second; its detail page says where it is.
	if code, _, _ := postForm(t, c, page+"/rimuovi", url.Values{"chiave": {tari[2]}}); code != http.StatusSeeOther {
		t.Fatalf("unassign: %d", code)
	}
	if _, body := get(t, c, app.URL+"/admin/riconciliazione/voce?tipo=payment&chiave="+url.QueryEscape(tari[2])); !strings.Contains(body, `id="assegna-accertamento"`) {
		t.Fatal("a free collected payment does not offer the open accertamenti")
	}
	if code, loc, _ := postForm(t, c, app.URL+"/admin/riconciliazione/voce/accertamento", url.Values{"chiave": {tari[2]}, "accertamento": {second}}); code != http.StatusSeeOther ||
		!strings.Contains(loc, "esito=assegnata") {
		t.Fatalf("assign from the item page: %d %s", code, loc)
	}
	if _, body := get(t, c, app.URL+"/admin/riconciliazione/voce?tipo=payment&chiave="+url.QueryEscape(tari[2])); !strings.Contains(body, "TARI bis") {
		t.Fatal("the payment's page does not name its accertamento")
	}

	// A mistyped chapter is corrected while open; the debt type stays while payments are in.
	fix := url.Values{"nome": {"TARI primo trimestre"}, "tipo": {"TARI"}, "capitolo": {"1011"}, "numero": {"101"}, "anno": {"2026"}, "previsto": {"1.250,50"}}
	if code, loc, _ := postForm(t, c, page+"/modifica", fix); code != http.StatusSeeOther || !strings.HasSuffix(loc, "esito=modificato") {
		t.Fatalf("update: %d %s", code, loc)
	}
	fix.Set("tipo", "IMU")
	if code, _, body := postForm(t, c, page+"/modifica", fix); code != http.StatusUnprocessableEntity || !strings.Contains(body, "non cambia") {
		t.Fatalf("changing the debt type of a filled accertamento: %d", code)
	}
	var chapter string
	var forecast int64
	app.Deps.DB.QueryRowContext(ctx, "SELECT chapter, forecast_cents FROM reconcile_accertamento WHERE id = $1", id).Scan(&chapter, &forecast)
	if chapter != "1011" || forecast != 125050 {
		t.Fatalf("after the correction: chapter %q, forecast %d", chapter, forecast)
	}
	if _, body := get(t, c, page); !strings.Contains(body, `value="1.250,50"`) {
		t.Fatal("the edit form does not show the forecast as it takes it back")
	}

	// Close: frozen.
	if code, loc, _ := postForm(t, c, page+"/chiudi", nil); code != http.StatusSeeOther || !strings.HasSuffix(loc, "esito=chiuso") {
		t.Fatalf("close: %d %s", code, loc)
	}
	for _, step := range []struct {
		path string
		v    url.Values
	}{{"/assegna", url.Values{"chiave": {tari[2]}}}, {"/rimuovi", url.Values{"chiave": {tari[0]}}}, {"/chiudi", nil}, {"/annulla", url.Values{"motivo": {"x"}}},
		{"/modifica", url.Values{"nome": {"x"}, "tipo": {"TARI"}, "capitolo": {"1"}, "numero": {"1"}, "anno": {"2026"}}}} {
		if code, _, _ := postForm(t, c, page+step.path, step.v); code != http.StatusConflict {
			t.Errorf("%s on a closed accertamento: %d, want 409", step.path, code)
		}
	}
	if code, _, _ := postForm(t, c, page+"/riapri", url.Values{"motivo": {"errore"}}); code != http.StatusForbidden {
		t.Fatalf("reopen without %s: %d", reconcile.PermReopen, code)
	}
	app.Deps.DB.QueryRowContext(ctx, "SELECT assigned_count FROM reconcile_accertamento WHERE id = $1", id).Scan(&n)
	if n != int64(len(tari))-1 {
		t.Fatalf("closed accertamento holds %d payments, want %d", n, len(tari)-1)
	}

	// Exports.
	if _, csv := get(t, c, base+".csv?stato=CHIUSO"); strings.Count(csv, "\n") != 2 || !strings.Contains(csv, "TARI primo trimestre") || strings.Contains(csv, "TARI bis") {
		t.Fatalf("CSV of closed accertamenti:\n%s", csv)
	}
	if _, x := get(t, c, base+".xlsx"); !strings.HasPrefix(x, "PK") {
		t.Fatal("XLSX export is not a spreadsheet")
	}
	if _, csv := get(t, c, page+"/pagamenti.csv"); strings.Count(csv, "\n") != len(tari) || !strings.Contains(csv, tari[0]) {
		t.Fatalf("payments CSV: %d lines for %d payments", strings.Count(csv, "\n"), len(tari)-1)
	}

	// Cancel the second: a reason is required, then its payment is free again.
	if code, _, _ := postForm(t, c, base+"/"+second+"/annulla", url.Values{"motivo": {" "}}); code != http.StatusUnprocessableEntity {
		t.Fatalf("cancel without a reason: %d", code)
	}
	if code, _, _ := postForm(t, c, base+"/"+second+"/annulla", url.Values{"motivo": {"creato per errore"}}); code != http.StatusSeeOther {
		t.Fatalf("cancel: %d", code)
	}
	if count(t, app, "SELECT COUNT(*) FROM reconcile_accertamento_payment WHERE accertamento_id = $1 AND active = TRUE", second) != 0 ||
		count(t, app, "SELECT COUNT(*) FROM reconcile_accertamento_payment WHERE accertamento_id = $1", second) != 1 {
		t.Fatal("cancelled accertamento: payment not released, or its row lost")
	}

	// Reopen through the API with the reopen scope; read and manage through it too.
	reader, manager, reopener := app.APIKey(t, reconcile.PermRead), app.APIKey(t, reconcile.PermManage), app.APIKey(t, reconcile.PermReopen)
	var list struct {
		Items []reconcile.Accertamento
		Total int
	}
	if code := apiCall(t, app, reader, "GET", "/reconcile/accertamenti?state=ANNULLATO&search=bis", nil, &list); code != 200 || list.Total != 1 || list.Items[0].Reason != "creato per errore" {
		t.Fatalf("API list: %d %+v", code, list)
	}
	if code := apiCall(t, app, manager, "POST", "/reconcile/accertamenti/"+id+"/reopen", map[string]string{"reason": "x"}, nil); code != http.StatusForbidden {
		t.Fatalf("API reopen without scope: %d", code)
	}
	var a reconcile.Accertamento
	if code := apiCall(t, app, reopener, "POST", "/reconcile/accertamenti/"+id+"/reopen", map[string]string{"reason": "manca un pagamento"}, &a); code != 200 || a.State != reconcile.StateInserito {
		t.Fatalf("API reopen: %d %+v", code, a)
	}
	if code := apiCall(t, app, manager, "POST", "/reconcile/accertamenti/"+id+"/assign", map[string]any{"keys": []string{tari[2]}}, &a); code != 200 || a.AssignedCount != int64(len(tari)) {
		t.Fatalf("API assign after reopening: %d %+v", code, a)
	}
	// The items list keeps an accertamento's payments; a cancelled one holds none.
	var items struct {
		Items []apiItem
		Total int
	}
	if code := apiCall(t, app, reader, "GET", "/reconcile/items?page_size=100&accertamento="+id, nil, &items); code != 200 || items.Total != len(tari) || len(items.Items) != len(tari) {
		t.Fatalf("API items of the accertamento: %d, %d of %d", code, items.Total, len(tari))
	}
	latest := items.Items[0].Key
	for _, it := range items.Items {
		if !slices.Contains(tari, it.Key) {
			t.Errorf("API items of the accertamento: %s is not one of its payments", it.Key)
		}
	}
	if code := apiCall(t, app, reader, "GET", "/reconcile/items?accertamento="+second, nil, &items); code != 200 || items.Total != 0 {
		t.Fatalf("API items of the cancelled accertamento: %d, %d", code, items.Total)
	}
	if _, body := get(t, c, app.URL+"/admin/riconciliazione/voci?accertamento="+id); !strings.Contains(body, `id="filtro-accertamento"`) ||
		!strings.Contains(body, ">"+latest+"<") || !strings.Contains(body, `<option value="`+id+`" selected>`) {
		t.Fatal("items page filtered by accertamento: filter not shown or kept, or its latest payment missing")
	}
	// The list's own form offers every recent accertamento, the cancelled one too.
	if _, body := get(t, c, app.URL+"/admin/riconciliazione/voci"); !strings.Contains(body, `<option value="`+id+`">`) || !strings.Contains(body, `<option value="`+second+`">`) {
		t.Fatal("items page: accertamenti not offered by the filter")
	}
	if _, body := get(t, c, page); !strings.Contains(body, `href="/admin/riconciliazione/voci?accertamento=`+id+`"`) {
		t.Fatal("accertamento page: no link to its items")
	}
	if code := apiCall(t, app, reader, "POST", "/reconcile/accertamenti", reconcile.NewAccertamento{Name: "x", DebtType: "TARI", Chapter: "1", Code: "1", Year: 2026}, nil); code != http.StatusForbidden {
		t.Fatalf("API create with the read scope: %d", code)
	}
	if code := apiCall(t, app, manager, "POST", "/reconcile/accertamenti/"+id+"/close", nil, &a); code != 200 || a.State != reconcile.StateChiuso || a.ClosedAt == nil {
		t.Fatalf("API close: %d %+v", code, a)
	}

	for action, want := range map[string]int{"create": 2, "update": 1, "assign": 4, "unassign": 1, "close": 2, "cancel": 1, "reopen": 1} {
		if got := count(t, app, "SELECT COUNT(*) FROM kernel_audit WHERE action = $1 AND object_id IN ($2, $3)", "reconcile.accertamento_"+action, id, second); got != want {
			t.Errorf("audit reconcile.accertamento_%s: %d entries, want %d", action, got, want)
		}
	}
	if got := count(t, app, "SELECT COUNT(*) FROM kernel_outbox WHERE type LIKE 'reconcile.accertamento_%' AND aggregate_id IN ($1, $2)", id, second); got != 12 {
		t.Errorf("outbox: %d accertamento events, want 12", got)
	}
}

// TestAccertamentiConcurrentPeriods: two accertamenti taking the same period
// at the same time never share a payment, and together take each once.
func TestAccertamentiConcurrentPeriods(t *testing.T) {
	app, m := demoApp(t)
	ctx := context.Background()
	var ids []string
	for _, name := range []string{"primo", "secondo"} {
		a, err := m.CreateAccertamento(ctx, reconcile.NewAccertamento{Name: name, DebtType: "TARI", Chapter: "1010", Code: "101", Year: 2026})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	from, to := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	errc := make(chan error, len(ids))
	for _, id := range ids {
		go func() {
			_, err := m.AssignPeriod(ctx, id, from, to)
			if errs.CodeOf(err) == errs.EINVALID {
				err = nil // the other took them all first
			}
			errc <- err
		}()
	}
	for range ids {
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	}
	want := count(t, app, `SELECT COUNT(*) FROM reconcile_item WHERE kind = 'payment' AND debt_type = 'TARI' AND code IN ('IUD_RT_IUF_TES', 'RT_IUF_TES', 'RT_TES')`)
	got := count(t, app, "SELECT COUNT(*) FROM reconcile_accertamento_payment WHERE active = TRUE")
	distinct := count(t, app, "SELECT COUNT(DISTINCT payment_key) FROM reconcile_accertamento_payment WHERE active = TRUE")
	sum := count(t, app, "SELECT SUM(assigned_count) FROM reconcile_accertamento WHERE state = 'INSERITO'")
	if got != want || distinct != want || sum != want {
		t.Fatalf("%d assignments of %d distinct payments, headers say %d; want %d each", got, distinct, sum, want)
	}
}
