package reconcile_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"

	"github.com/arengo-pa/arengo/internal/reconcile"
	"github.com/arengo-pa/arengo/internal/reconcile/ledger"
	"github.com/arengo-pa/arengo/internal/web"
)

// TestLinkSplitAPI: the manual link and split of a credit through the API,
// with the page's checks, audit and events; each refusal answers its status
// and the operator's message (the split's sums and difference included).
func TestLinkSplitAPI(t *testing.T) {
	d := newSplitDay(t)
	app := d.app
	manager, reader := app.APIKey(t, reconcile.PermManage), app.APIKey(t, reconcile.PermRead)
	var matched string
	app.Deps.DB.QueryRowContext(context.Background(), "SELECT key FROM reconcile_item WHERE kind = 'movement' AND code = 'RT_IUF_TES' ORDER BY key LIMIT 1").Scan(&matched)
	if matched == "" {
		t.Fatal("demo day without a matched movement")
	}
	path := func(key, what string) string { return "/reconcile/items/" + url.PathEscape(key) + "/" + what }
	refused := func(method, p string, body any, want int, msg string) {
		t.Helper()
		var problem huma.ErrorModel
		if got := apiCall(t, app, manager, method, p, body, &problem); got != want || !strings.Contains(problem.Detail, msg) {
			t.Errorf("%s %s %v: %d %q, want %d naming %q", method, p, body, got, problem.Detail, want, msg)
		}
	}
	link := map[string]any{"iuf": d.c}

	if got := apiCall(t, app, reader, http.MethodPost, path(d.mov, "link"), link, nil); got != http.StatusForbidden {
		t.Errorf("link with a read-only key: %d, want 403", got)
	}
	refused(http.MethodPost, path("2026/0", "link"), link, http.StatusNotFound, "non trovato")
	refused(http.MethodPost, path(d.mov, "link"), map[string]any{"iuf": "flusso-inesistente"}, http.StatusUnprocessableEntity, "flusso-inesistente")
	refused(http.MethodPost, path(d.mov, "link"), map[string]any{"iuf": ""}, http.StatusUnprocessableEntity, "validation")
	refused(http.MethodPost, path(matched, "link"), link, http.StatusConflict, "senza abbinamento")
	refused(http.MethodDelete, path(d.mov, "link"), nil, http.StatusNotFound, "non è collegato")

	var k ledger.Link
	if got := apiCall(t, app, manager, http.MethodPost, path(d.mov, "link"), link, &k); got != http.StatusOK || k.MovementID != d.mov || k.IUF != d.c || k.LinkedBy == "" {
		t.Fatalf("link: %d %+v", got, k)
	}
	refused(http.MethodPost, path(d.mov, "link"), map[string]any{"iuf": d.a}, http.StatusConflict, d.c)
	refused(http.MethodPost, path(d.mov, "split"), map[string]any{"iufs": []string{d.a, d.b}}, http.StatusConflict, d.c)
	k = ledger.Link{}
	if got := apiCall(t, app, manager, http.MethodDelete, path(d.mov, "link"), nil, &k); got != http.StatusOK || k.IUF != d.c {
		t.Fatalf("unlink: %d %+v", got, k)
	}

	diff := d.totals[d.a] + d.totals[d.c] - d.credit
	more := "in più"
	if diff < 0 {
		diff, more = -diff, "in meno"
	}
	refused(http.MethodPost, path(d.mov, "split"), map[string]any{"iufs": []string{d.a, d.c}}, http.StatusUnprocessableEntity,
		"l'accredito è di "+web.Euro(d.credit)+": "+web.Euro(diff)+" "+more)
	refused(http.MethodPost, path(d.mov, "split"), map[string]any{"iufs": []string{d.a, d.a}}, http.StatusUnprocessableEntity, "almeno due flussi")
	refused(http.MethodPost, path(d.mov, "split"), map[string]any{"iufs": []string{d.a, "flusso-inesistente"}}, http.StatusUnprocessableEntity, "flusso-inesistente")
	refused(http.MethodPost, path("2026/0", "split"), map[string]any{"iufs": []string{d.a, d.b}}, http.StatusNotFound, "non trovato")
	refused(http.MethodDelete, path(d.mov, "split"), nil, http.StatusNotFound, "non è ripartito")
	if count(t, app, "SELECT COUNT(*) FROM reconcile_split") != 0 {
		t.Fatal("a refused split left rows")
	}

	var s ledger.Split
	if got := apiCall(t, app, manager, http.MethodPost, path(d.mov, "split"), map[string]any{"iufs": []string{d.b, d.a}}, &s); got != http.StatusOK || len(s.Parts) != 2 ||
		s.Parts[0].AmountCents+s.Parts[1].AmountCents != d.credit {
		t.Fatalf("split: %d %+v", got, s)
	}
	refused(http.MethodPost, path(d.mov, "split"), map[string]any{"iufs": []string{d.a, d.b}}, http.StatusConflict, "già ripartito")
	refused(http.MethodPost, path(d.mov, "link"), link, http.StatusConflict, "ripartito su più flussi")
	d.reclassify(t)
	if got := d.code(t, "movement", d.mov); got != "RT_IUF_TES" {
		t.Errorf("movement after the split: %s, want RT_IUF_TES", got)
	}
	s = ledger.Split{}
	if got := apiCall(t, app, manager, http.MethodDelete, path(d.mov, "split"), nil, &s); got != http.StatusOK || len(s.Parts) != 2 {
		t.Fatalf("unsplit: %d %+v", got, s)
	}
	d.reclassify(t)
	if d.code(t, "movement", d.mov) != "TES_NO_MATCH" || d.code(t, "flow", d.a) != "IUF_NO_TES" {
		t.Errorf("after undo: movement %s, flow %s", d.code(t, "movement", d.mov), d.code(t, "flow", d.a))
	}

	for action, want := range map[string]int{"reconcile.link": 1, "reconcile.unlink": 1, "reconcile.split": 1, "reconcile.unsplit": 1} {
		if got := count(t, app, "SELECT COUNT(*) FROM kernel_audit WHERE action = $1 AND object_id = $2", action, d.mov); got != want {
			t.Errorf("audit %s: %d, want %d", action, got, want)
		}
	}
	for _, ev := range []string{ledger.EventMovementLinked, ledger.EventMovementUnlinked, ledger.EventMovementSplit, ledger.EventMovementUnsplit} {
		if got := count(t, app, "SELECT COUNT(*) FROM kernel_outbox WHERE type = $1", ev); got != 1 {
			t.Errorf("outbox %s: %d events, want 1", ev, got)
		}
	}
}
