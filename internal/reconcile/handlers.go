package reconcile

import (
	"database/sql"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/audit"
	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/events"
	"github.com/arengo-pa/arengo/internal/jobs"
	"github.com/arengo-pa/arengo/internal/reconcile/ledger"
	"github.com/arengo-pa/arengo/internal/reconcile/match"
	"github.com/arengo-pa/arengo/internal/store"
	"github.com/arengo-pa/arengo/internal/web"
)

func (m *Module) dashboard(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := filterFrom(r.URL.Query())
	if f.From.IsZero() && f.To.IsZero() {
		f.To = time.Now().UTC().Truncate(24 * time.Hour)
		f.From = f.To.AddDate(0, 0, -30)
	}
	codes, cells, err := m.totals(ctx, f)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	pending, err := m.ledger.Pending(ctx)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	files, err := m.files(ctx, fileFilter{}, 5, 0)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	m.deps.Web.Render(w, r, m.pages.dashboard, map[string]any{"Filter": f, "Codes": codes, "Days": dayRows(cells), "Pending": pending, "Files": files})
}

func (m *Module) itemList(w http.ResponseWriter, r *http.Request) {
	m.renderItems(w, r, filterFrom(r.URL.Query()), "Voci classificate")
}

// anomalies is the work queue: warnings and errors not hidden by an operator.
func (m *Module) anomalies(w http.ResponseWriter, r *http.Request) {
	f := filterFrom(r.URL.Query())
	f.Anomalies = true
	if !r.URL.Query().Has("nascosti") {
		f.Hidden = "no"
	}
	m.renderItems(w, r, f, "Anomalie da lavorare")
}

func (m *Module) renderItems(w http.ResponseWriter, r *http.Request, f itemFilter, title string) {
	ctx := r.Context()
	pager := web.NewPager(r, 50)
	total, err := m.countItems(ctx, f)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	pager.Total = total
	items, err := m.items(ctx, f, pager.PageSize, pager.Offset())
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	// The most recent accertamenti, to filter by one from the form.
	accertamenti, err := m.accertamenti(ctx, accertamentoFilter{}, accertamentiInFilter, 0)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	if f.Accertamento != "" && !slices.ContainsFunc(accertamenti, func(a Accertamento) bool { return a.ID == f.Accertamento }) {
		// An older one, reached from its page, stays selected.
		if a, err := m.Accertamento(ctx, f.Accertamento); err == nil {
			accertamenti = append(accertamenti, a)
		}
	}
	m.deps.Web.Render(w, r, m.pages.items, map[string]any{"Title": title, "Filter": f, "Items": items, "Total": total, "Pager": pager, "Codes": match.AllCodes,
		"Accertamenti": accertamenti})
}

// accertamentiInFilter bounds the accertamenti offered by the items' filter;
// an older one is reached from its own page.
const accertamentiInFilter = 200

// movementRow is a treasury movement shown next to its item.
type movementRow struct {
	ID, Causale, Payer, Sospeso, Code string
	Date                              time.Time
	AmountCents                       int64
	Regularized                       bool
}

func (m *Module) item(r *http.Request, kind, key string) (itemRow, error) {
	row := m.deps.DB.QueryRowContext(r.Context(), "SELECT "+itemColumns+" FROM reconcile_item WHERE kind = $1 AND key = $2", kind, key)
	it, err := scanItem(row)
	if errors.Is(err, sql.ErrNoRows) {
		return it, errs.E(errs.ENOTFOUND, "Voce %s non trovata", key)
	}
	return it, err
}

func (m *Module) itemDetail(w http.ResponseWriter, r *http.Request) {
	it, err := m.item(r, r.URL.Query().Get("tipo"), r.URL.Query().Get("chiave"))
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	data := map[string]any{"Item": it}
	if it.Kind == match.KindPayment {
		if err := m.itemAccertamento(r.Context(), it, data); err != nil {
			m.deps.Web.Error(w, r, err)
			return
		}
	}
	if it.Kind == match.KindMovement {
		var mv movementRow
		err := m.deps.DB.QueryRowContext(r.Context(), "SELECT id, causale, payer, sospeso, op_date, amount_cents, regularized FROM reconcile_movement WHERE id = $1",
			it.Key).Scan(&mv.ID, &mv.Causale, &mv.Payer, &mv.Sospeso, &mv.Date, &mv.AmountCents, &mv.Regularized)
		if err == nil {
			data["Movement"] = mv
		}
		link, err := m.ledger.LinkOf(r.Context(), m.deps.DB, it.Key)
		if err != nil {
			m.deps.Web.Error(w, r, err)
			return
		}
		if link != nil {
			data["Link"] = link
		} else if it.IUV == "" && (it.Code == string(match.TESNoMatch) || it.Code == string(match.TESNoIUFOrIUV)) {
			candidates, err := m.ledger.LinkCandidates(r.Context(), it.AmountCents, 30)
			if err != nil {
				m.deps.Web.Error(w, r, err)
				return
			}
			data["Linkable"] = true
			data["Candidates"] = candidates
		}
		if err := m.itemSplit(r.Context(), it, data); err != nil {
			m.deps.Web.Error(w, r, err)
			return
		}
	}
	m.deps.Web.Render(w, r, m.pages.item, data)
}

// movementLink links by hand a treasury movement whose causale lost the flow
// identifier (truncated by the bank, or missing) to the flow the operator
// picked; audited, and undone by movementUnlink.
func (m *Module) movementLink(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.FormValue("movimento")
	iuf := strings.TrimSpace(r.FormValue("iuf_manuale"))
	if iuf == "" {
		iuf = r.FormValue("iuf")
	}
	if iuf == "" {
		m.deps.Web.Error(w, r, errs.Field("iuf", "Scegli il flusso di rendicontazione da collegare"))
		return
	}
	_, err := m.linkMovement(ctx, id, iuf)
	m.afterLink(w, r, id, "collegato", err)
}

// movementUnlink undoes a manual link (audited).
func (m *Module) movementUnlink(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.FormValue("movimento")
	_, err := m.unlinkMovement(ctx, id)
	m.afterLink(w, r, id, "scollegato", err)
}

func (m *Module) afterLink(w http.ResponseWriter, r *http.Request, id, outcome string, err error) {
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/riconciliazione/voce?tipo=movement&chiave="+urlQuery(id)+"&esito="+outcome, http.StatusSeeOther)
}

// itemAnnotate saves an operator's note and the hidden flag; both survive
// reclassification (a changed code shows a hidden item again).
func (m *Module) itemAnnotate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	kind, key := r.FormValue("tipo"), r.FormValue("chiave")
	note := strings.TrimSpace(r.FormValue("nota"))
	hidden := r.FormValue("nascosta") == "1"
	if len(note) > 2000 {
		m.deps.Web.Error(w, r, errs.Field("nota", "La nota può avere al massimo 2000 caratteri"))
		return
	}
	before, err := m.item(r, kind, key)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	p := auth.FromContext(ctx)
	err = m.deps.DB.Transact(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE reconcile_item SET note = $1, hidden = $2, noted_by = $3, noted_at = $4 WHERE kind = $5 AND key = $6",
			note, hidden, p.Name, store.Now(), kind, key); err != nil {
			return err
		}
		after := map[string]any{"note": note, "hidden": hidden}
		if err := audit.Record(ctx, tx, audit.Entry{Action: "reconcile.annotate", ObjectType: "reconcile_item", ObjectID: kind + ":" + key,
			Before: map[string]any{"note": before.Note, "hidden": before.Hidden}, After: after}); err != nil {
			return err
		}
		return events.Append(ctx, tx, events.Event{Type: ledger.EventItemAnnotated, AggregateType: "reconcile_item", AggregateID: kind + ":" + key, Data: after})
	})
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/riconciliazione/voce?tipo="+kind+"&chiave="+urlQuery(key)+"&esito=salvata", http.StatusSeeOther)
}

func (m *Module) classifyNow(w http.ResponseWriter, r *http.Request) {
	job, err := m.deps.Jobs.Enqueue(r.Context(), nil, jobClassify, struct{}{}, jobs.Opts{})
	if err == nil {
		err = audit.RecordNow(r.Context(), m.deps.DB, audit.Entry{Action: "reconcile.classify", ObjectType: "job", ObjectID: job})
	}
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/riconciliazione", http.StatusSeeOther)
}

// dayRow is one line of the per-day table that also gives the charts' values.
type dayRow struct {
	Day                     time.Time
	Info, Warning, Error    int64
	InfoCents, WarningCents int64
	ErrorCents              int64
}

func dayRows(cells []dayCode) []dayRow {
	var out []dayRow
	for _, c := range cells {
		if len(out) == 0 || !out[len(out)-1].Day.Equal(c.Day) {
			out = append(out, dayRow{Day: c.Day})
		}
		d := &out[len(out)-1]
		switch match.Severity(c.Severity) {
		case match.Info:
			d.Info, d.InfoCents = d.Info+c.Count, d.InfoCents+c.Amount
		case match.Warning:
			d.Warning, d.WarningCents = d.Warning+c.Count, d.WarningCents+c.Amount
		default:
			d.Error, d.ErrorCents = d.Error+c.Count, d.ErrorCents+c.Amount
		}
	}
	return out
}
