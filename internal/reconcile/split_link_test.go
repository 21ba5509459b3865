package reconcile_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/money"
	"github.com/arengo-pa/arengo/internal/reconcile"
	"github.com/arengo-pa/arengo/internal/reconcile/flows"
	"github.com/arengo-pa/arengo/internal/reconcile/ledger"
	"github.com/arengo-pa/arengo/internal/web"
)

// splitDay is the demo day plus one bank credit paying two uncollected flows
// at once, its causale truncated by the bank.
type splitDay struct {
	app          *kerneltest.App
	ledger       *ledger.Ledger
	mov          string
	a, b, c      string // a and b add up to the credit; c does not fit
	credit       int64
	totals       map[string]int64
	paymentOfB   string
	journalLines func(amount string) string
}

func newSplitDay(t *testing.T) *splitDay {
	t.Helper()
	app, _ := demoApp(t)
	ctx := context.Background()
	d := &splitDay{app: app, ledger: reconcile.NewLedger(app.Deps), totals: map[string]int64{}}
	var totalA int64
	app.Deps.DB.QueryRowContext(ctx, `SELECT f.iuf, f.total_cents FROM reconcile_flow f JOIN reconcile_item i ON i.kind = 'flow' AND i.key = f.iuf
		WHERE f.is_current = TRUE AND i.code = 'IUF_NO_TES' ORDER BY f.iuf LIMIT 1`).Scan(&d.a, &totalA)
	d.totals[d.a] = totalA
	if d.a == "" {
		t.Fatal("demo day without an uncollected flow")
	}
	// Two more uncollected flows, each reporting one payment that was paid
	// but not reported yet, of different amounts.
	rows, err := app.Deps.DB.QueryContext(ctx, `SELECT i.iuv, i.amount_cents, r.iur FROM reconcile_item i JOIN reconcile_receipt r ON r.iuv = i.iuv
		WHERE i.kind = 'payment' AND i.code = 'RT_NO_IUF' AND i.key LIKE '%/1' ORDER BY i.amount_cents, i.iuv`)
	if err != nil {
		t.Fatal(err)
	}
	type paid struct {
		iuv, iur string
		cents    int64
	}
	var ps []paid
	for rows.Next() {
		var p paid
		rows.Scan(&p.iuv, &p.cents, &p.iur)
		if len(ps) == 0 || ps[len(ps)-1].cents != p.cents {
			ps = append(ps, p)
		}
	}
	rows.Close()
	if len(ps) < 2 {
		t.Fatalf("demo day with %d payments not reported", len(ps))
	}
	now := time.Now().UTC()
	for i, p := range ps[:2] {
		iuf := now.Format(time.DateOnly) + "PSPPROVA-S00" + string(rune('1'+i))
		h := flows.FlowHeader{Format: "fdr-xml", IUF: iuf, FlowTime: now, Regulation: "SCT-PROVA-" + iuf, RegulationDate: now, PSPID: "PSPPROVA",
			PSPName: "PSP di prova", ECFiscalCode: ec, DeclaredCount: 1, DeclaredTotal: p.cents}
		var buf bytes.Buffer
		err := flows.WriteFdRXML(&buf, h, func(yield func(flows.FlowRow) error) error {
			return yield(flows.FlowRow{Index: 1, IUV: p.iuv, IUR: p.iur, TransferIndex: 1, AmountCents: p.cents, Outcome: "0", Date: now})
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.ledger.Import(ctx, iuf+".xml", &buf, ledger.ImportOptions{Source: "test", Actor: "test"}); err != nil {
			t.Fatal(err)
		}
		d.totals[iuf] = p.cents
		if i == 0 {
			d.b, d.paymentOfB = iuf, p.iuv
		} else {
			d.c = iuf
		}
	}
	d.credit = d.totals[d.a] + d.totals[d.b]
	day := now.Format(time.DateOnly)
	d.journalLines = func(amount string) string {
		return "de_anno_bolletta;cod_bolletta;dt_contabile;de_denominazione;de_causale;num_importo;dt_valuta\n" +
			"2026;9000001;" + day + ";PSP DI PROVA;/PUR/LGPE-RIVERSAMENTO/URI/2;" + amount + ";" + day + "\n"
	}
	d.importJournal(t, "riversamento-doppio.csv", money.FormatCents(d.credit))
	d.mov = "2026/9000001"
	if got := d.code(t, "movement", d.mov); got != "TES_NO_MATCH" {
		t.Fatalf("the double credit is %q before the split, want TES_NO_MATCH", got)
	}
	if got := d.code(t, "payment", d.paymentOfB); !strings.HasSuffix(got, "RT_IUF") {
		t.Fatalf("payment %s reported late is %q, want (IUD_)RT_IUF", d.paymentOfB, got)
	}
	return d
}

func (d *splitDay) importJournal(t *testing.T, name, amount string) {
	t.Helper()
	ctx := context.Background()
	if _, err := d.ledger.Import(ctx, name, strings.NewReader(d.journalLines(amount)), ledger.ImportOptions{Source: "test", Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	d.reclassify(t)
}

func (d *splitDay) reclassify(t *testing.T) {
	t.Helper()
	if _, err := d.ledger.Reclassify(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
}

func (d *splitDay) code(t *testing.T, kind, key string) string {
	t.Helper()
	var code string
	q := "SELECT code FROM reconcile_item WHERE kind = $1 AND key = $2"
	if kind == "payment" {
		q = "SELECT code FROM reconcile_item WHERE kind = $1 AND iuv = $2 ORDER BY key LIMIT 1"
	}
	d.app.Deps.DB.QueryRowContext(context.Background(), q, kind, key).Scan(&code)
	return code
}

// TestSplitLink: one bank credit paying two flows is split by hand over them;
// a choice that does not add up is refused naming the difference; the
// movement, both flows and their payments become collected; the split is
// shown, blocks a single link, is undone, and a reversal of the credit drops it.
func TestSplitLink(t *testing.T) {
	d := newSplitDay(t)
	app := d.app
	c := app.Client(t)
	app.LoginStaff(t, c, "ragioneria", reconcile.PermManage)
	detail := app.URL + "/admin/riconciliazione/voce?tipo=movement&chiave=" + url.QueryEscape(d.mov)
	if _, body := get(t, c, detail); !strings.Contains(body, `id="ripartisci"`) || !strings.Contains(body, `value="`+d.a+`"`) {
		t.Fatal("the unmatched credit does not offer a split over the uncollected flows")
	}

	split := url.Values{"movimento": {d.mov}, "iuf": {d.a}, "iuf_elenco": {d.c}}
	diff := d.totals[d.a] + d.totals[d.c] - d.credit
	code, _, body := postForm(t, c, app.URL+"/admin/riconciliazione/ripartisci", split)
	more := "in più"
	if diff < 0 {
		diff, more = -diff, "in meno"
	}
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, web.Euro(diff)+" "+more) || !strings.Contains(body, web.Euro(d.credit)) {
		t.Fatalf("split not adding up: %d, want the difference %s %s named\n%s", code, web.Euro(diff), more, body)
	}
	if code, _, _ := postForm(t, c, app.URL+"/admin/riconciliazione/ripartisci", url.Values{"movimento": {d.mov}, "iuf": {d.a}}); code != http.StatusUnprocessableEntity {
		t.Fatalf("split over one flow: %d", code)
	}
	if count(t, app, "SELECT COUNT(*) FROM reconcile_split") != 0 {
		t.Fatal("a refused split left rows")
	}

	split.Set("iuf_elenco", d.b+"\n")
	if code, loc, _ := postForm(t, c, app.URL+"/admin/riconciliazione/ripartisci", split); code != http.StatusSeeOther || !strings.Contains(loc, "esito=ripartito") {
		t.Fatalf("split: %d %s", code, loc)
	}
	d.reclassify(t)
	for kind, key := range map[string]string{"movement": d.mov, "flow": d.a, "flow ": d.b} {
		if got := d.code(t, strings.TrimSpace(kind), key); got != "RT_IUF_TES" {
			t.Errorf("%s %s after the split: %s, want RT_IUF_TES", kind, key, got)
		}
	}
	if got := d.code(t, "payment", d.paymentOfB); !strings.HasSuffix(got, "RT_IUF_TES") {
		t.Errorf("payment %s of flow %s after the split: %s, want (IUD_)RT_IUF_TES", d.paymentOfB, d.b, got)
	}
	_, body = get(t, c, detail)
	if !strings.Contains(body, `id="ripartizione"`) || !strings.Contains(body, `id="annulla-ripartizione"`) || !strings.Contains(body, "Ripartito a mano da") {
		t.Fatal("split credit: parts, reason or undo form not shown")
	}
	if code, _, _ := postForm(t, c, app.URL+"/admin/riconciliazione/collega", url.Values{"movimento": {d.mov}, "iuf": {d.c}}); code < 400 {
		t.Fatalf("single link of a split credit: %d", code)
	}

	// Undo: back to what the causale said.
	if code, _, _ := postForm(t, c, app.URL+"/admin/riconciliazione/annulla-ripartizione", url.Values{"movimento": {d.mov}}); code != http.StatusSeeOther {
		t.Fatalf("unsplit: %d", code)
	}
	d.reclassify(t)
	if d.code(t, "movement", d.mov) != "TES_NO_MATCH" || d.code(t, "flow", d.a) != "IUF_NO_TES" || d.code(t, "flow", d.b) != "IUF_NO_TES" {
		t.Fatalf("after undo: movement %s, flows %s %s", d.code(t, "movement", d.mov), d.code(t, "flow", d.a), d.code(t, "flow", d.b))
	}

	// Split again through the form, then the bank reverses the credit.
	if code, _, _ := postForm(t, c, app.URL+"/admin/riconciliazione/ripartisci", split); code != http.StatusSeeOther {
		t.Fatalf("split again: %d", code)
	}
	d.reclassify(t)
	d.importJournal(t, "storno.csv", "-"+money.FormatCents(d.credit))
	if count(t, app, "SELECT COUNT(*) FROM reconcile_split") != 0 || d.code(t, "flow", d.a) != "IUF_NO_TES" || d.code(t, "movement", d.mov) != "" {
		t.Fatalf("after the reversal: %d split rows, flow %s, movement %q", count(t, app, "SELECT COUNT(*) FROM reconcile_split"), d.code(t, "flow", d.a), d.code(t, "movement", d.mov))
	}

	for action, want := range map[string]int{"reconcile.split": 2, "reconcile.unsplit": 1} {
		if got := count(t, app, "SELECT COUNT(*) FROM kernel_audit WHERE action = $1 AND object_id = $2", action, d.mov); got != want {
			t.Errorf("audit %s: %d, want %d", action, got, want)
		}
	}
	if got := count(t, app, "SELECT COUNT(*) FROM kernel_outbox WHERE type IN ($1, $2)", ledger.EventMovementSplit, ledger.EventMovementUnsplit); got != 3 {
		t.Errorf("outbox: %d split events, want 3", got)
	}
}
