package reconcile

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/money"
	"github.com/arengo-pa/arengo/internal/web"
)

const accertamentiPath = "/admin/riconciliazione/accertamenti"

func accertamentoFilterFrom(r *http.Request) accertamentoFilter {
	q := r.URL.Query()
	f := accertamentoFilter{State: q.Get("stato"), DebtType: q.Get("tipo"), Search: strings.TrimSpace(q.Get("cerca"))}
	f.Year, _ = strconv.Atoi(q.Get("anno"))
	return f
}

// formError tells whether err is the operator's to fix (shown on the page
// with the form) rather than a failure of the system.
func formError(err error) (int, bool) {
	switch errs.CodeOf(err) {
	case errs.EINVALID:
		return http.StatusUnprocessableEntity, true
	case errs.ECONFLICT:
		return http.StatusConflict, true
	}
	return 0, false
}

func (m *Module) accertamentoList(w http.ResponseWriter, r *http.Request) {
	m.renderAccertamenti(w, r, http.StatusOK, NewAccertamento{Year: time.Now().UTC().Year()}, "")
}

func (m *Module) renderAccertamenti(w http.ResponseWriter, r *http.Request, status int, form NewAccertamento, problem string) {
	ctx := r.Context()
	f := accertamentoFilterFrom(r)
	pager := web.NewPager(r, 50)
	total, err := m.countAccertamenti(ctx, f)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	pager.Total = total
	list, err := m.accertamenti(ctx, f, pager.PageSize, pager.Offset())
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	types, err := m.debtTypeList(ctx)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	m.deps.Web.RenderStatus(w, r, status, m.pages.accertamenti, map[string]any{"Filter": f, "List": list, "Total": total, "Pager": pager,
		"Types": types, "Form": form, "Problem": problem, "States": []string{StateInserito, StateChiuso, StateAnnullato}})
}

// accertamentoForm reads the create and edit forms.
func accertamentoForm(r *http.Request) (NewAccertamento, error) {
	n := NewAccertamento{Name: r.FormValue("nome"), DebtType: r.FormValue("tipo"), Office: r.FormValue("ufficio"), Chapter: r.FormValue("capitolo"),
		Code: r.FormValue("numero"), Description: r.FormValue("descrizione")}
	n.Year, _ = strconv.Atoi(strings.TrimSpace(r.FormValue("anno")))
	if s := strings.TrimSpace(r.FormValue("previsto")); s != "" {
		var f itemFilter
		if !f.setAmount(s) {
			return n, errs.Field("previsto", "Importo previsto non valido: scrivilo in euro, per esempio 1.250,00")
		}
		n.ForecastCents = f.Amount
	}
	return n, nil
}

func (m *Module) accertamentoCreate(w http.ResponseWriter, r *http.Request) {
	n, err := accertamentoForm(r)
	var a Accertamento
	if err == nil {
		a, err = m.CreateAccertamento(r.Context(), n)
	}
	if status, ok := formError(err); ok {
		m.renderAccertamenti(w, r, status, n, errs.MessageOf(err))
		return
	}
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	http.Redirect(w, r, accertamentiPath+"/"+a.ID+"?esito=creato", http.StatusSeeOther)
}

func (m *Module) accertamentoDetail(w http.ResponseWriter, r *http.Request) {
	m.renderAccertamento(w, r, http.StatusOK, "")
}

func (m *Module) renderAccertamento(w http.ResponseWriter, r *http.Request, status int, problem string) {
	ctx := r.Context()
	a, err := m.Accertamento(ctx, r.PathValue("id"))
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	pager := web.NewPager(r, 50)
	if pager.Total, err = m.countAssigned(ctx, a.ID); err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	var assigned []AssignedPayment
	err = m.eachAssigned(ctx, a.ID, pager.PageSize, pager.Offset(), func(p AssignedPayment) error { assigned = append(assigned, p); return nil })
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	q := r.URL.Query()
	from, _ := time.Parse(time.DateOnly, q.Get("dal"))
	to, _ := time.Parse(time.DateOnly, q.Get("al"))
	search := strings.TrimSpace(q.Get("cerca"))
	data := map[string]any{"A": a, "Assigned": assigned, "Pager": pager, "Problem": problem, "From": from, "To": to, "Search": search,
		"CanReopen": auth.FromContext(ctx).Can(PermReopen)}
	if a.Open() {
		items, total, err := m.assignable(ctx, a, from, to, search, 50, 0)
		if err != nil {
			m.deps.Web.Error(w, r, err)
			return
		}
		data["Assignable"], data["AssignableTotal"] = items, total
	}
	m.deps.Web.RenderStatus(w, r, status, m.pages.accertamento, data)
}

// accertamentoAction runs one lifecycle step posted from the detail page and
// comes back to it with the outcome, or shows the page with the problem.
func (m *Module) accertamentoAction(outcome string, fn func(m *Module, r *http.Request, id string) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		err := fn(m, r, id)
		if status, ok := formError(err); ok {
			m.renderAccertamento(w, r, status, errs.MessageOf(err))
			return
		}
		if err != nil {
			m.deps.Web.Error(w, r, err)
			return
		}
		http.Redirect(w, r, accertamentiPath+"/"+id+"?esito="+outcome, http.StatusSeeOther)
	}
}

func postAssign(m *Module, r *http.Request, id string) error {
	if r.FormValue("periodo") == "1" {
		from, errFrom := time.Parse(time.DateOnly, r.FormValue("dal"))
		to, errTo := time.Parse(time.DateOnly, r.FormValue("al"))
		if errFrom != nil || errTo != nil {
			return errs.Field("dal", "Indica il periodo con le date dal e al")
		}
		_, err := m.AssignPeriod(r.Context(), id, from, to)
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errs.Field("chiave", "Modulo non leggibile")
	}
	_, err := m.AssignPayments(r.Context(), id, r.PostForm["chiave"])
	return err
}

func postUnassign(m *Module, r *http.Request, id string) error {
	_, err := m.UnassignPayment(r.Context(), id, r.FormValue("chiave"))
	return err
}

func postUpdate(m *Module, r *http.Request, id string) error {
	n, err := accertamentoForm(r)
	if err == nil {
		_, err = m.UpdateAccertamento(r.Context(), id, n)
	}
	return err
}

func postClose(m *Module, r *http.Request, id string) error {
	_, err := m.CloseAccertamento(r.Context(), id)
	return err
}

func postCancel(m *Module, r *http.Request, id string) error {
	_, err := m.CancelAccertamento(r.Context(), id, r.FormValue("motivo"))
	return err
}

func postReopen(m *Module, r *http.Request, id string) error {
	_, err := m.ReopenAccertamento(r.Context(), id, r.FormValue("motivo"))
	return err
}

// itemAccertamento tells the payment's detail page which accertamento holds
// it, or which open ones of its debt type could take it.
func (m *Module) itemAccertamento(ctx context.Context, it itemRow, data map[string]any) error {
	a, err := m.accertamentoOf(ctx, it.Key)
	if err != nil || a != nil {
		data["Accertamento"] = a
		return err
	}
	if !isCollected(it.Code) || it.DebtType == "" {
		return nil
	}
	open, err := m.accertamenti(ctx, accertamentoFilter{State: StateInserito, DebtType: it.DebtType}, 100, 0)
	data["OpenAccertamenti"] = open
	return err
}

// itemAssign assigns the payment shown on its detail page to the open
// accertamento the operator picked.
func (m *Module) itemAssign(w http.ResponseWriter, r *http.Request) {
	key := r.FormValue("chiave")
	id := r.FormValue("accertamento")
	back := "/admin/riconciliazione/voce?tipo=payment&chiave=" + urlQuery(key)
	if id == "" {
		m.deps.Web.Error(w, r, errs.Field("accertamento", "Scegli l'accertamento"))
		return
	}
	if _, err := m.AssignPayments(r.Context(), id, []string{key}); err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	http.Redirect(w, r, back+"&esito=assegnata", http.StatusSeeOther)
}

var accertamentoHeader = []string{"id", "nome", "tipo_dovuto", "ufficio", "capitolo", "accertamento", "esercizio", "descrizione", "stato",
	"importo_previsto", "pagamenti", "importo_assegnato", "differenza", "motivo", "creato_da", "creato_il", "chiuso_il"}

func accertamentoRecord(a Accertamento) []string {
	closed := ""
	if a.ClosedAt != nil {
		closed = a.ClosedAt.Format(time.RFC3339)
	}
	return []string{a.ID, a.Name, a.DebtType, a.Office, a.Chapter, a.Code, strconv.Itoa(a.Year), a.Description, a.State,
		money.FormatCents(a.ForecastCents), strconv.FormatInt(a.AssignedCount, 10), money.FormatCents(a.AssignedCents), money.FormatCents(a.DiffCents()),
		a.Reason, a.CreatedBy, a.CreatedAt.Format(time.RFC3339), closed}
}

func (m *Module) accertamentiCSV(w http.ResponseWriter, r *http.Request) {
	cw := csvResponse(w, "accertamenti.csv")
	cw.Write(accertamentoHeader)
	err := m.eachAccertamento(r.Context(), accertamentoFilterFrom(r), exportCap, 0, func(a Accertamento) error { return cw.Write(accertamentoRecord(a)) })
	cw.Flush()
	if err != nil {
		m.deps.Log.Error("reconcile: CSV export interrupted", "err", err)
	}
}

func (m *Module) accertamentiXLSX(w http.ResponseWriter, r *http.Request) {
	amounts := map[int]func(Accertamento) int64{9: func(a Accertamento) int64 { return a.ForecastCents }, 11: func(a Accertamento) int64 { return a.AssignedCents },
		12: Accertamento.DiffCents}
	m.writeXLSX(w, r, "Accertamenti", "accertamenti.xlsx", accertamentoHeader, func(row func([]any) error) error {
		return m.eachAccertamento(r.Context(), accertamentoFilterFrom(r), exportCap, 0, func(a Accertamento) error {
			cells := anys(accertamentoRecord(a))
			cells[10] = a.AssignedCount
			for i, f := range amounts {
				cells[i] = float64(f(a)) / 100
			}
			return row(cells)
		})
	})
}

// accertamentoPaymentsCSV is the detail for the accounting system: one line
// per payment with the budget line of the accertamento (MyPivot's export of
// mygov_accertamento_dettaglio).
func (m *Module) accertamentoPaymentsCSV(w http.ResponseWriter, r *http.Request) {
	a, err := m.Accertamento(r.Context(), r.PathValue("id"))
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	cw := csvResponse(w, "accertamento-"+a.ID+".csv")
	cw.Write([]string{"accertamento", "nome", "stato", "tipo_dovuto", "ufficio", "capitolo", "numero_accertamento", "esercizio", "chiave", "iuv",
		"giorno", "importo", "attivo", "assegnato_da", "assegnato_il", "classificazione"})
	err = m.eachAssigned(r.Context(), a.ID, exportCap, 0, func(p AssignedPayment) error {
		active := "si"
		if !p.Active {
			active = "no"
		}
		return cw.Write([]string{a.ID, a.Name, a.State, a.DebtType, a.Office, a.Chapter, a.Code, strconv.Itoa(a.Year), p.Key, p.IUV,
			p.Day.Format(time.DateOnly), money.FormatCents(p.AmountCents), active, p.AssignedBy, p.AssignedAt.Format(time.RFC3339), p.Code})
	})
	cw.Flush()
	if err != nil {
		m.deps.Log.Error("reconcile: CSV export interrupted", "err", err)
	}
}
