package reconcile_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/reconcile"
)

// TestItemExplanations: an item stores a message code and its arguments, and
// every reader shows the sentence; an item stored before message codes (with
// the sentence itself in "text") still shows its own.
func TestItemExplanations(t *testing.T) {
	app := kerneltest.NewWith(t, kerneltest.Options{Env: map[string]string{reconcile.EnvEC: ec}}, reconcile.New())
	c := app.Client(t)
	app.LoginStaff(t, c, "ragioneria", reconcile.PermManage)
	day := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	for _, it := range []struct{ key, iuf, why string }{
		{"A/1", "2026-11-25PSP-1", `{"m":"iuf_tes","notification":"IUD1","receipt":"rt-A","flow_rows":["v1#1"],"movements":["2026/7"]}`},
		{"B/1", "2026-11-25PSP-2", `{"notification":"notifica:IUD2","receipt":"rt-B","flow_rows":["v2#1"],"text":"Spiegazione di una versione precedente"}`},
	} {
		if _, err := app.Deps.DB.ExecContext(context.Background(), `INSERT INTO reconcile_item (kind, key, code, severity, amount_cents, day, iuv, iuf, debt_type, why, classified_at)
			VALUES ('payment', $1, 'RT_IUF_TES', 'INFO', 100, $2, $3, $4, 'TARI', $5, $2)`, it.key, day, it.key[:1], it.iuf, it.why); err != nil {
			t.Fatal(err)
		}
	}
	const rendered, legacy = "Rendicontato nel flusso 2026-11-25PSP-1 e riversato in tesoreria", "Spiegazione di una versione precedente"
	for _, page := range []struct{ path, want string }{
		{"/admin/riconciliazione/voce?tipo=payment&chiave=" + url.QueryEscape("A/1"), rendered},
		{"/admin/riconciliazione/voce?tipo=payment&chiave=" + url.QueryEscape("A/1"), "IUD1"},
		{"/admin/riconciliazione/voce?tipo=payment&chiave=" + url.QueryEscape("B/1"), legacy},
		{"/admin/riconciliazione/voci", rendered},
		{"/admin/riconciliazione/voci", legacy},
		{"/admin/riconciliazione/voci.csv", rendered},
		{"/admin/riconciliazione/voci.csv", legacy},
	} {
		if code, body := get(t, c, app.URL+page.path); code != 200 || !strings.Contains(body, page.want) {
			t.Errorf("%s: status %d, %q missing", page.path, code, page.want)
		}
	}
	var items struct {
		Items []struct {
			Key string
			Why struct {
				Msg          string `json:"m"`
				Notification string
				FlowRows     []string `json:"flow_rows"`
				Text         string
			}
		}
	}
	if code := apiCall(t, app, app.APIKey(t, reconcile.PermRead), "GET", "/reconcile/items?search=A%2F1", nil, &items); code != 200 || len(items.Items) != 1 {
		t.Fatalf("api: %d %+v", code, items)
	}
	if w := items.Items[0].Why; w.Msg != "iuf_tes" || w.Notification != "IUD1" || len(w.FlowRows) != 1 || w.Text != rendered {
		t.Errorf("api: %+v", w)
	}
}
