package reconcile_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/events"
	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/money"
	"github.com/arengo-pa/arengo/internal/reconcile"
	"github.com/arengo-pa/arengo/internal/reconcile/flows"
	"github.com/arengo-pa/arengo/internal/reconcile/gen"
	"github.com/arengo-pa/arengo/internal/store"
)

const ec = "00644060287"

// apiItem is what the search tests read of an item from the API.
type apiItem struct {
	Key, IUV    string
	AmountCents int64 `json:"amount_cents"`
}

func upload(t *testing.T, app *kerneltest.App, c *http.Client, path string) string {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("flusso", filepath.Base(path))
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", app.URL+"/admin/riconciliazione/file", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/admin/riconciliazione/caricamenti/") {
		t.Fatalf("upload %s: %d %s", path, res.StatusCode, res.Header.Get("Location"))
	}
	return res.Header.Get("Location")
}

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func count(t *testing.T, app *kerneltest.App, q string, args ...any) int {
	var n int
	if err := app.Deps.DB.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestUploadClassifyAndBackOffice drives the module through real HTTP: files
// uploaded by a staff member are imported by jobs, classified, and shown in
// the dashboard, lists, exports and accounting; the answer matches the
// generator's for every item.
func TestUploadClassifyAndBackOffice(t *testing.T) {
	app := kerneltest.NewWith(t, kerneltest.Options{Env: map[string]string{reconcile.EnvEC: ec}}, reconcile.New())
	c := app.Client(t)
	app.LoginStaff(t, c, "ragioneria", reconcile.PermManage)
	if code, _ := get(t, c, app.URL+"/admin/riconciliazione"); code != 200 {
		t.Fatalf("dashboard: %d", code)
	}
	// Notified debt type configured through the form.
	form := url.Values{"tipo": {gen.NotifiedDebtType}, "descrizione": {"Mensa"}, "capitolo": {"3050"}, "accertamento": {"2026/305"}, "notificato": {"1"}}
	res, err := c.PostForm(app.URL+"/admin/riconciliazione/tipi-dovuto", form)
	if err != nil || res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "esito=salvato") {
		t.Fatalf("debt type: %v %v", err, res.Header.Get("Location"))
	}
	files, err := gen.Generate(t.TempDir(), gen.Config{N: 400, Seed: 9, FlowMax: 50, EC: ec})
	if err != nil {
		t.Fatal(err)
	}
	all := files.All()
	for _, p := range all {
		upload(t, app, c, p)
	}
	kerneltest.Eventually(t, 60*time.Second, "every upload imported and classified", func() bool {
		return count(t, app, "SELECT COUNT(*) FROM reconcile_file") == len(all) &&
			count(t, app, "SELECT COUNT(*) FROM kernel_jobs WHERE kind LIKE 'reconcile.%' AND status NOT IN ('done', 'succeeded', 'completed')") == 0 &&
			count(t, app, "SELECT COUNT(*) FROM reconcile_dirty") == 0
	})
	want := map[string]string{}
	data, _ := os.ReadFile(files.Expected)
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n")[1:] {
		f := strings.Split(l, ";")
		want[f[0]+";"+f[1]] = f[2]
	}
	rows, err := app.Deps.DB.QueryContext(context.Background(), "SELECT kind, key, code FROM reconcile_item")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for rows.Next() {
		var k, key, code string
		rows.Scan(&k, &key, &code)
		got[k+";"+key] = code
	}
	rows.Close()
	if len(got) != len(want) {
		t.Errorf("got %d items, want %d", len(got), len(want))
	}
	for k, w := range want {
		if got[k] != w {
			t.Fatalf("%s: got %q want %q", k, got[k], w)
		}
	}

	// The same file again is recognised and not loaded twice.
	loc := upload(t, app, c, all[3])
	kerneltest.Eventually(t, 20*time.Second, "duplicate refused", func() bool {
		_, body := get(t, c, app.URL+loc)
		return strings.Contains(body, "già caricato")
	})
	if n := count(t, app, "SELECT COUNT(*) FROM reconcile_file"); n != len(all) {
		t.Fatalf("duplicate loaded: %d files", n)
	}

	for _, page := range []struct{ path, want string }{
		{"/admin/riconciliazione", "RT_IUF_TES"},
		{"/admin/riconciliazione/anomalie", "DOPPI"},
		{"/admin/riconciliazione/voci?codice=RT_NO_IUF&tipo=payment", "diverso dalla ricevuta"},
		{"/admin/riconciliazione/grafico-giorni.svg", "<svg"},
		{"/admin/riconciliazione/file", "giornale_opi.xml"},
		{"/admin/riconciliazione/contabilita", "3050"},
		{"/admin/riconciliazione/voci.csv?codice=DOPPI", "DOPPI"},
		{"/admin/riconciliazione/contabilita.csv", "importo_riscosso"},
		{"/admin/riconciliazione/sospesi.csv", "sospeso"},
		{"/admin/riconciliazione/tipi-dovuto.csv", "MENSA"},
		{"/admin/riconciliazione/file.csv", "sha256"},
	} {
		code, body := get(t, c, app.URL+page.path)
		if code != 200 || !strings.Contains(body, page.want) {
			t.Errorf("%s: status %d, %q missing", page.path, code, page.want)
		}
	}
	if _, body := get(t, c, app.URL+"/admin/riconciliazione/file.csv?formato=gdc-csv"); !strings.Contains(body, "giornale.csv") || strings.Contains(body, "giornale_opi.xml") {
		t.Errorf("files filtered by format:\n%s", body)
	}
	res, err = c.Get(app.URL + "/admin/riconciliazione/voci.xlsx?anomalie=1")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("xlsx: %v", err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !bytes.HasPrefix(b, []byte("PK")) {
		t.Fatal("xlsx is not a zip")
	}

	// An operator hides an anomaly with a note: it leaves the queue, stays in the list.
	var key string
	app.Deps.DB.QueryRowContext(context.Background(), "SELECT key FROM reconcile_item WHERE code = 'TES_NO_MATCH' ORDER BY key LIMIT 1").Scan(&key)
	res, err = c.PostForm(app.URL+"/admin/riconciliazione/voce", url.Values{"tipo": {"movement"}, "chiave": {key}, "nota": {"giroconto interno, verificato"}, "nascosta": {"1"}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("annotate: %v %d", err, res.StatusCode)
	}
	_, queue := get(t, c, app.URL+"/admin/riconciliazione/anomalie?codice=TES_NO_MATCH&cerca="+url.QueryEscape(key))
	_, detail := get(t, c, app.URL+"/admin/riconciliazione/voce?tipo=movement&chiave="+url.QueryEscape(key))
	if strings.Contains(queue, "giroconto interno") || !strings.Contains(detail, "giroconto interno, verificato") {
		t.Fatal("hidden item still in the queue, or note lost")
	}
	if count(t, app, "SELECT COUNT(*) FROM kernel_audit WHERE action = 'reconcile.annotate'") != 1 {
		t.Fatal("annotation not audited")
	}

	// A movement whose causale lost the flow id is linked by hand to a flow
	// not yet collected, then the link is undone; both steps audited.
	ctx := context.Background()
	var mov, flowIUF, matched string
	app.Deps.DB.QueryRowContext(ctx, `SELECT i.key FROM reconcile_item i JOIN reconcile_movement m ON m.id = i.key
		WHERE i.kind = 'movement' AND i.code = 'TES_NO_MATCH' AND m.truncated = TRUE ORDER BY i.key LIMIT 1`).Scan(&mov)
	app.Deps.DB.QueryRowContext(ctx, "SELECT key FROM reconcile_item WHERE kind = 'flow' AND code = 'IUF_NO_TES' ORDER BY key LIMIT 1").Scan(&flowIUF)
	app.Deps.DB.QueryRowContext(ctx, "SELECT key FROM reconcile_item WHERE kind = 'movement' AND code = 'RT_IUF_TES' ORDER BY key LIMIT 1").Scan(&matched)
	if mov == "" || flowIUF == "" || matched == "" {
		t.Fatalf("generated day without a truncated movement (%q), an uncollected flow (%q) or a matched movement (%q)", mov, flowIUF, matched)
	}
	if _, detail := get(t, c, app.URL+"/admin/riconciliazione/voce?tipo=movement&chiave="+url.QueryEscape(mov)); !strings.Contains(detail, `id="collega"`) ||
		!strings.Contains(detail, `<option value="`+flowIUF+`">`) {
		t.Fatalf("movement %s: no link form offering flow %s", mov, flowIUF)
	}
	if _, detail := get(t, c, app.URL+"/admin/riconciliazione/voce?tipo=movement&chiave="+url.QueryEscape(matched)); strings.Contains(detail, `id="collega"`) {
		t.Fatal("a matched movement offers a manual link")
	}
	itemCode := func(kind, key string) string {
		var code string
		app.Deps.DB.QueryRowContext(ctx, "SELECT code FROM reconcile_item WHERE kind = $1 AND key = $2", kind, key).Scan(&code)
		return code
	}
	post := func(path string, v url.Values) int {
		res, err := c.PostForm(app.URL+path, v)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if code := post("/admin/riconciliazione/collega", url.Values{"movimento": {matched}, "iuf": {flowIUF}}); code == http.StatusSeeOther || code < 400 {
		t.Fatalf("linking a matched movement: %d", code)
	}
	if code := post("/admin/riconciliazione/collega", url.Values{"movimento": {mov}, "iuf_manuale": {"flusso-inesistente"}}); code == http.StatusSeeOther || code < 400 {
		t.Fatalf("linking to an unknown flow: %d", code)
	}
	if code := post("/admin/riconciliazione/collega", url.Values{"movimento": {mov}, "iuf": {flowIUF}}); code != http.StatusSeeOther {
		t.Fatalf("link: %d", code)
	}
	kerneltest.Eventually(t, 60*time.Second, "linked movement and flow reclassified", func() bool {
		return itemCode("movement", mov) == "IUF_TES_DIV_IMP" && itemCode("flow", flowIUF) == "IUF_TES_DIV_IMP"
	})
	if _, detail := get(t, c, app.URL+"/admin/riconciliazione/voce?tipo=movement&chiave="+url.QueryEscape(mov)); !strings.Contains(detail, "Collegato a mano al flusso") ||
		!strings.Contains(detail, `id="scollega"`) {
		t.Fatal("linked movement: link not shown or not undoable")
	}
	if code := post("/admin/riconciliazione/scollega", url.Values{"movimento": {mov}}); code != http.StatusSeeOther {
		t.Fatalf("unlink: %d", code)
	}
	kerneltest.Eventually(t, 60*time.Second, "unlinked movement and flow back to their codes", func() bool {
		return itemCode("movement", mov) == "TES_NO_MATCH" && itemCode("flow", flowIUF) == "IUF_NO_TES"
	})
	if count(t, app, "SELECT COUNT(*) FROM kernel_audit WHERE action = 'reconcile.link' AND object_id = $1", mov) != 1 ||
		count(t, app, "SELECT COUNT(*) FROM kernel_audit WHERE action = 'reconcile.unlink' AND object_id = $1", mov) != 1 {
		t.Fatal("link and unlink not audited")
	}

	// Without the permission the back office is closed.
	other := app.Client(t)
	app.LoginStaff(t, other, "anagrafe")
	if code, _ := get(t, other, app.URL+"/admin/riconciliazione"); code != http.StatusForbidden {
		t.Fatalf("without permission: %d", code)
	}

	// API: read with a key, upload refused without the manage scope.
	key1 := app.APIKey(t, reconcile.PermRead)
	req, _ := http.NewRequest("GET", app.URL+"/api/v1/reconcile/items?code=IUV_NO_RT&page_size=5", nil)
	req.Header.Set("Authorization", "Bearer "+key1)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var page struct {
		Items []struct{ Code string }
		Total int
	}
	json.NewDecoder(res.Body).Decode(&page)
	res.Body.Close()
	if res.StatusCode != 200 || page.Total == 0 || len(page.Items) != 5 || page.Items[0].Code != "IUV_NO_RT" {
		t.Fatalf("api items: %d %+v", res.StatusCode, page)
	}
	// Search by amount and by PSP, in the back office and through the API.
	var pkey, piuv, psp string
	var amount int64
	if err := app.Deps.DB.QueryRowContext(context.Background(), `SELECT i.key, i.iuv, i.amount_cents, r.psp_id FROM reconcile_item i
		JOIN reconcile_receipt r ON r.iuv = i.iuv WHERE i.kind = 'payment' ORDER BY i.key LIMIT 1`).Scan(&pkey, &piuv, &amount, &psp); err != nil {
		t.Fatal(err)
	}
	items := func(q string) (int, []apiItem) {
		req, _ := http.NewRequest("GET", app.URL+"/api/v1/reconcile/items?page_size=100&"+q, nil)
		req.Header.Set("Authorization", "Bearer "+key1)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var page struct {
			Items []apiItem
			Total int
		}
		if res.StatusCode != 200 || json.NewDecoder(res.Body).Decode(&page) != nil {
			t.Fatalf("api items %s: %d", q, res.StatusCode)
		}
		return page.Total, page.Items
	}
	total, found := items(fmt.Sprintf("amount_cents=%d", amount))
	if want := count(t, app, "SELECT COUNT(*) FROM reconcile_item WHERE amount_cents = $1", amount); total != want || want == 0 {
		t.Fatalf("amount %d: %d items, want %d", amount, total, want)
	}
	for _, it := range found {
		if it.AmountCents != amount {
			t.Fatalf("amount filter returned %+v", it)
		}
	}
	total, found = items("kind=payment&psp=" + url.QueryEscape(psp))
	if total == 0 || total >= count(t, app, "SELECT COUNT(*) FROM reconcile_item WHERE kind = 'payment'") {
		t.Fatalf("psp %s: %d payment items", psp, total)
	}
	for _, it := range found {
		if count(t, app, `SELECT COUNT(*) FROM reconcile_receipt WHERE iuv = $1 AND psp_id = $2`, it.IUV, psp)+
			count(t, app, `SELECT COUNT(*) FROM reconcile_flow_row r JOIN reconcile_flow f ON f.id = r.flow_id WHERE r.iuv = $1 AND f.psp_id = $2`, it.IUV, psp) == 0 {
			t.Fatalf("psp %s: item %s paid through another PSP", psp, it.Key)
		}
	}
	if total, found = items(fmt.Sprintf("psp=%s&amount_cents=%d", url.QueryEscape(psp), amount)); total == 0 || !slices.ContainsFunc(found, func(it apiItem) bool { return it.Key == pkey }) {
		t.Fatalf("psp and amount: %s missing from %+v", pkey, found)
	}
	euro := strings.Replace(money.FormatCents(amount), ".", ",", 1)
	if _, body := get(t, c, app.URL+"/admin/riconciliazione/voci?importo="+url.QueryEscape(euro)+"&psp="+url.QueryEscape(psp)); !strings.Contains(body, pkey) || !strings.Contains(body, `value="`+euro+`"`) {
		t.Fatalf("back office search by amount %s and PSP %s: %s missing", euro, psp, pkey)
	}
	if _, body := get(t, c, app.URL+"/admin/riconciliazione/voci?psp=nessun-psp-cosi"); !strings.Contains(body, "Nessuna voce con questi filtri") {
		t.Fatal("unknown PSP matched items")
	}

	// Search by IUV, IUF or key finds exactly the items whose iuv, iuf or key
	// is the text searched (looked up through indexes, not by the scan this
	// compares with).
	searches := []string{piuv, pkey, "nessun-iuv-cosi"}
	for _, q := range []string{"SELECT key FROM reconcile_item WHERE kind = 'flow' ORDER BY key LIMIT 2",
		"SELECT key FROM reconcile_item WHERE kind = 'movement' ORDER BY key LIMIT 2",
		"SELECT iuv FROM reconcile_item WHERE kind = 'movement' AND iuv <> '' ORDER BY key LIMIT 2",
		"SELECT iuf FROM reconcile_item WHERE kind = 'movement' AND iuf <> '' ORDER BY key DESC LIMIT 2",
		"SELECT iuv FROM reconcile_item WHERE kind = 'payment' AND code = 'IUD_NO_RT' ORDER BY key LIMIT 1",
	} {
		vals, err := store.Column[string](context.Background(), app.Deps.DB, q)
		if err != nil || len(vals) == 0 {
			t.Fatalf("%s: %v %v", q, vals, err)
		}
		searches = append(searches, vals...)
	}
	for _, s := range searches {
		want := count(t, app, "SELECT COUNT(*) FROM reconcile_item WHERE iuv = $1 OR iuf = $1 OR key = $1", s)
		if total, _ := items("search=" + url.QueryEscape(s)); total != want {
			t.Errorf("search %q: %d items, want %d", s, total, want)
		}
	}
	if want := count(t, app, "SELECT COUNT(*) FROM reconcile_item WHERE (iuv = $1 OR iuf = $1 OR key = $1) AND code = 'RT_IUF_TES'", searches[3]); want == 0 {
		t.Fatalf("flow %s has no RT_IUF_TES payment", searches[3])
	} else if total, _ := items("code=RT_IUF_TES&search=" + url.QueryEscape(searches[3])); total != want {
		t.Errorf("search %q with code: %d items, want %d", searches[3], total, want)
	}

	req, _ = http.NewRequest("POST", app.URL+"/api/v1/reconcile/files?name=x.xml", strings.NewReader("<x/>"))
	req.Header.Set("Authorization", "Bearer "+key1)
	req.Header.Set("Content-Type", "application/octet-stream")
	res, _ = http.DefaultClient.Do(req)
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("upload with read scope: %d", res.StatusCode)
	}
}

// TestReceiptEventAndLateFlow: a receipt published by the payments module is
// "paid, not reported" until its FdR arrives through the watched folder.
func TestReceiptEventAndLateFlow(t *testing.T) {
	inbox := t.TempDir()
	app := kerneltest.NewWith(t, kerneltest.Options{Env: map[string]string{reconcile.EnvEC: ec, reconcile.EnvInbox: inbox, reconcile.EnvInbox + "_POLL": "200ms"}},
		reconcile.New())
	ctx := context.Background()
	paid := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	ev := flows.ReceiptEvent{ReceiptID: "rt-1", IUV: "01000000001234519", NoticeNumber: "301000000001234519", IUR: "IUR-1", CreditorFiscalCode: ec,
		AmountCents: 12550, PaymentDate: paid, PSPID: "BPPIITRRXXX", PSPName: "Poste", DebtType: "TARI", IUPD: "P1",
		Transfers: []flows.EventTransfer{{IDTransfer: "1", AmountCents: 12550, FiscalCodePA: ec, IBAN: "IT60X0542811101000000123456", Remittance: "TARI 2026", Category: "9/0101100IM/"}}}
	if err := app.Deps.DB.Transact(ctx, func(tx *store.Tx) error {
		return events.Append(ctx, tx, events.Event{Type: "payments.receipt_received", AggregateType: "receipt", AggregateID: "rt-1", AggregateVersion: 1, Data: ev})
	}); err != nil {
		t.Fatal(err)
	}
	code := func() string {
		var c string
		app.Deps.DB.QueryRowContext(ctx, "SELECT code FROM reconcile_item WHERE kind = 'payment' AND key = $1", ev.IUV+"/1").Scan(&c)
		return c
	}
	kerneltest.Eventually(t, 30*time.Second, "receipt classified", func() bool { return code() == "RT_NO_IUF" })

	h := flows.FlowHeader{IUF: "2026-11-25BPPIITRRXXX-0000000001", FlowTime: paid.Add(20 * time.Hour), Regulation: "TRN1", RegulationDate: paid.AddDate(0, 0, 1),
		PSPID: "BPPIITRRXXX", PSPName: "Poste", ECFiscalCode: ec, DeclaredCount: 1, DeclaredTotal: 12550}
	var fdr bytes.Buffer
	flows.WriteFdRXML(&fdr, h, func(y func(flows.FlowRow) error) error {
		return y(flows.FlowRow{Index: 1, IUV: ev.IUV, IUR: "IUR-1", TransferIndex: 1, AmountCents: 12550, Outcome: "0", Date: paid})
	})
	writeOld := func(name string, data []byte) {
		p := filepath.Join(inbox, name)
		os.WriteFile(p, data, 0o644)
		old := time.Now().Add(-time.Minute)
		os.Chtimes(p, old, old)
	}
	writeOld("fdr.xml", fdr.Bytes())
	writeOld("altro.xml.tmp", fdr.Bytes()) // a writer's temporary file, left behind
	writeOld("rotto.xml", []byte("<FlussoRiversamento><versioneOggetto>9</versioneOggetto>"))
	kerneltest.Eventually(t, 30*time.Second, "late FdR reported the payment", func() bool { return code() == "RT_IUF" })
	kerneltest.Eventually(t, 10*time.Second, "bad file set aside with its reason", func() bool {
		b, err := os.ReadFile(filepath.Join(inbox, "scartati", "rotto.xml.errore.txt"))
		return err == nil && strings.Contains(string(b), "versioneOggetto")
	})
	if _, err := os.Stat(filepath.Join(inbox, "caricati", "fdr.xml")); err != nil {
		t.Fatal("loaded file not moved to caricati")
	}
	if _, err := os.Stat(filepath.Join(inbox, "altro.xml.tmp")); err != nil {
		t.Fatal("a temporary file was taken from the inbox")
	}
	csv := "de_anno_bolletta;cod_bolletta;dt_contabile;de_denominazione;de_causale;num_importo;dt_valuta\n" +
		"2026;77;2026-11-25;POSTE ITALIANE;/PUR/LGPE- RIVERSAMENTO/URI/2026-11-25BPPIITRRXXX-0000000001;125.50;2026-11-25\n"
	writeOld("giornale.csv", []byte(csv))
	kerneltest.Eventually(t, 30*time.Second, "treasury credit collected the flow", func() bool { return code() == "RT_IUF_TES" })
}

func TestSeedDemoIsIdempotent(t *testing.T) {
	app := kerneltest.NewWith(t, kerneltest.Options{Env: map[string]string{reconcile.EnvEC: ec}}, reconcile.New())
	m := app.Modules[0].(*reconcile.Module)
	ctx := context.Background()
	for range 2 {
		if err := m.SeedDemo(ctx, app.Deps); err != nil {
			t.Fatal(err)
		}
	}
	files := count(t, app, "SELECT COUNT(*) FROM reconcile_file")
	if files == 0 || count(t, app, "SELECT COUNT(*) FROM reconcile_item WHERE code = 'RT_NO_IUF'") == 0 {
		t.Fatal("demo day not loaded")
	}
	if err := m.SeedDemo(ctx, app.Deps); err != nil || count(t, app, "SELECT COUNT(*) FROM reconcile_file") != files {
		t.Fatalf("second seed changed the files: %v", err)
	}
}
