package payments

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/money"

	"github.com/arengo-pa/arengo/internal/audit"
	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/payments/gpd"
	"github.com/arengo-pa/arengo/internal/payments/mypay"
	"github.com/arengo-pa/arengo/internal/web"
)

func filterOf(r *http.Request) Filter {
	q := r.URL.Query()
	return Filter{Debtor: q.Get("debitore"), Notice: q.Get("avviso"), DebtType: q.Get("tipo"), Status: q.Get("stato")}
}

var statusOrder = []string{gpd.StatusDraft, gpd.StatusPublished, gpd.StatusValid, gpd.StatusPartiallyPaid,
	gpd.StatusPaid, gpd.StatusReported, gpd.StatusExpired, gpd.StatusInvalid}

type option struct{ Value, Label string }

func statusOptions() []option {
	out := make([]option, len(statusOrder))
	for i, s := range statusOrder {
		out[i] = option{s, StatusLabel(s)}
	}
	return out
}

func (m *Module) staffList(w http.ResponseWriter, r *http.Request) {
	f := filterOf(r)
	pager := web.NewPager(r, 50)
	f.Limit, f.Offset = pager.PageSize, pager.Offset()
	list, total, err := m.svc.Search(r.Context(), f)
	if err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	pager.Total = total
	types, err := m.svc.DebtTypes(r.Context())
	if err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	if f.Debtor != "" {
		audit.RecordNow(r.Context(), m.d.DB, audit.Entry{Action: "payments.search_debtor", ObjectType: "position", Subject: strings.ToUpper(f.Debtor)})
	}
	m.d.Web.Render(w, r, m.pages.list, map[string]any{"Filter": f, "Positions": list, "Pager": pager,
		"Types": types, "Statuses": statusOptions(), "Query": r.URL.RawQuery, "Label": StatusLabel, "Sim": m.svc.SimRunning()})
}

// staffCloseSimDay closes the in-process simulator's day now (the demo), so a
// demo user sees the day's flows reach the reconciliation without waiting for
// midnight.
func (m *Module) staffCloseSimDay(w http.ResponseWriter, r *http.Request) {
	day, files, dir, err := m.svc.CloseSimDay()
	if err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f
		if rel, err := filepath.Rel(dir, f); err == nil {
			names[i] = rel
		}
	}
	audit.RecordNow(r.Context(), m.d.DB, audit.Entry{Action: "payments.sim_close_day", ObjectType: "simulator",
		After: map[string]any{"day": day.Format(time.DateOnly), "dir": dir, "files": names}})
	m.d.Web.Render(w, r, m.pages.simDay, map[string]any{"Day": day, "Files": names, "Dir": dir})
}

// staffListCSV exports every position matching the filters (no page limit).
func (m *Module) staffListCSV(w http.ResponseWriter, r *http.Request) {
	f := filterOf(r)
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="posizioni.csv"`)
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.Write([]string{"iupd", "tipo_dovuto", "tipo_debitore", "codice_fiscale", "debitore", "causale", "stato",
		"importo", "pagato", "creata_il", "pagata_il"})
	const page = 1000
	for offset := 0; ; offset += page {
		f.Limit, f.Offset = page, offset
		list, _, err := m.svc.Search(r.Context(), f)
		if err != nil {
			m.d.Log.Error("payments: csv export", "err", err)
			return
		}
		for _, p := range list {
			paid := ""
			if p.PaidAt != nil {
				paid = p.PaidAt.Format(time.RFC3339)
			}
			cw.Write([]string{p.IUPD, p.DebtType, p.Debtor.Type, p.Debtor.FiscalCode, p.Debtor.Name, p.Description,
				p.Status, money.FormatCents(p.TotalCents), money.FormatCents(p.PaidCents), p.CreatedAt.Format(time.RFC3339), paid})
		}
		if len(list) < page {
			break
		}
	}
	cw.Flush()
	audit.RecordNow(r.Context(), m.d.DB, audit.Entry{Action: "payments.export_positions", ObjectType: "position", After: f})
}

func (m *Module) staffTotals(w http.ResponseWriter, r *http.Request) {
	totals, err := m.svc.Totals(r.Context())
	if err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	var due, collected int64
	for _, t := range totals {
		due += t.DueCents
		collected += t.CollectedCents
	}
	m.d.Web.Render(w, r, m.pages.totals, map[string]any{"Totals": totals, "Due": due, "Collected": collected})
}

func (m *Module) staffTotalsCSV(w http.ResponseWriter, r *http.Request) {
	totals, err := m.svc.Totals(r.Context())
	if err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="totali-per-tipo.csv"`)
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.Write([]string{"tipo_dovuto", "posizioni", "da_incassare", "incassato"})
	for _, t := range totals {
		cw.Write([]string{t.DebtType, strconv.Itoa(t.Positions), money.FormatCents(t.DueCents), money.FormatCents(t.CollectedCents)})
	}
	cw.Flush()
}

// staffPaidExport streams paid positions in MyPay's export layout.
func (m *Module) staffPaidExport(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-EXPORT-PAGATI-%s.csv"`, m.svc.cfg.IPA, time.Now().UTC().Format("20060102")))
	if err := m.svc.ExportPaid(r.Context(), w); err != nil {
		m.d.Log.Error("payments: paid export", "err", err)
	}
	audit.RecordNow(r.Context(), m.d.DB, audit.Entry{Action: "payments.export_paid", ObjectType: "position"})
}

func (m *Module) staffNoticesZip(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="avvisi.zip"`)
	f := filterOf(r)
	if _, err := m.svc.WriteNoticesZip(r.Context(), w, f); err != nil {
		m.d.Log.Error("payments: notices zip", "err", err)
	}
	audit.RecordNow(r.Context(), m.d.DB, audit.Entry{Action: "payments.notices_batch", ObjectType: "position", After: f})
}

// staffNoticesPDF prints the filtered notices as one PDF, streamed as it is
// drawn (a print run: ?fronte_retro=1 starts each notice on its own sheet).
func (m *Module) staffNoticesPDF(w http.ResponseWriter, r *http.Request) {
	f := filterOf(r)
	duplex := r.URL.Query().Get("fronte_retro") == "1"
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="avvisi.pdf"`)
	n, err := m.svc.WriteNoticesPDF(r.Context(), w, f, duplex)
	if err != nil {
		m.d.Log.Error("payments: notices pdf", "err", err, "written", n)
		if n == 0 {
			// Nothing sent yet: a clear page instead of an empty PDF.
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Del("Content-Disposition")
			m.d.Web.Error(w, r, errs.E(errs.ENOTFOUND, "nessun avviso da stampare con questi filtri"))
			return
		}
	}
	audit.RecordNow(r.Context(), m.d.DB, audit.Entry{Action: "payments.notices_batch_pdf", ObjectType: "position", After: f})
}

func (m *Module) staffNew(w http.ResponseWriter, r *http.Request) {
	m.renderNew(w, r, http.StatusOK, map[string]string{"tipo_debitore": "F"}, nil)
}

func (m *Module) renderNew(w http.ResponseWriter, r *http.Request, status int, form map[string]string, err error) {
	types, terr := m.svc.DebtTypes(r.Context())
	if terr != nil {
		m.d.Web.Error(w, r, terr)
		return
	}
	data := map[string]any{"Types": types, "Form": form}
	if err != nil {
		data["Error"] = errs.MessageOf(err)
		var e *errs.Error
		if ok := asErr(err, &e); ok {
			data["Field"] = e.Field
		}
	}
	m.d.Web.RenderStatus(w, r, status, m.pages.newPos, data)
}

func (m *Module) staffCreate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		m.d.Web.Error(w, r, errs.E(errs.EINVALID, "modulo illeggibile"))
		return
	}
	form := map[string]string{}
	for k := range r.PostForm {
		form[k] = strings.TrimSpace(r.PostForm.Get(k))
	}
	in, err := newPositionFromForm(form)
	if err == nil {
		var p *Position
		if p, err = m.svc.Create(r.Context(), in); err == nil {
			http.Redirect(w, r, "/admin/pagamenti/posizioni/"+p.ID+"?esito=Posizione+creata", http.StatusSeeOther)
			return
		}
	}
	m.renderNew(w, r, web.StatusOf(err), form, err)
}

// newPositionFromForm reads the creation form; amounts in euro with a comma or dot.
func newPositionFromForm(f map[string]string) (NewPosition, error) {
	in := NewPosition{DebtType: f["tipo_dovuto"], Description: f["causale"], Publish: f["pubblica"] == "1", Source: "form",
		Debtor: Debtor{Type: f["tipo_debitore"], FiscalCode: f["codice_fiscale"], Name: f["nome"], Street: f["indirizzo"],
			Civic: f["civico"], PostalCode: f["cap"], City: f["comune"], Province: strings.ToUpper(f["provincia"]), Country: "IT",
			Email: f["email"]}}
	cents, err := mypay.ParseAmount(strings.ReplaceAll(f["importo"], ",", "."))
	if err != nil {
		return in, errs.Field("importo", "importo: scrivere ad esempio 125,50")
	}
	in.AmountCents = cents
	if in.DueDate, err = time.Parse("2006-01-02", f["scadenza"]); err != nil {
		return in, errs.Field("scadenza", "data di scadenza non valida")
	}
	if v := f["validita"]; v != "" {
		t, err := time.Parse("2006-01-02", v)
		if err != nil {
			return in, errs.Field("validita", "data di inizio validità non valida")
		}
		in.ValidityDate = &t
	}
	in.SwitchToExpired = f["scade"] == "1"
	if n, _ := strconv.Atoi(f["rate"]); n >= 2 {
		if n > 12 {
			return in, errs.Field("rate", "al massimo 12 rate")
		}
		each := cents / int64(n)
		for i := 0; i < n; i++ {
			amount := each
			if i == n-1 {
				amount = cents - each*int64(n-1)
			}
			in.Instalments = append(in.Instalments, Instalment{AmountCents: amount, DueDate: in.DueDate.AddDate(0, i, 0)})
		}
	}
	return in, nil
}

func (m *Module) staffDetail(w http.ResponseWriter, r *http.Request) {
	p, err := m.svc.Position(r.Context(), r.PathValue("id"))
	if err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	history, err := m.svc.History(r.Context(), p.ID)
	if err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	audit.RecordNow(r.Context(), m.d.DB, audit.Entry{Action: "payments.view_position", ObjectType: "position", ObjectID: p.ID, Subject: p.Debtor.FiscalCode})
	// The status it was created with: the first position change's "from" (the
	// history also records option expiries, whose statuses are the options').
	created := p.Status
	for _, h := range history {
		if _, ok := statusLabels[h.From]; ok {
			created = h.From
			break
		}
	}
	m.d.Web.Render(w, r, m.pages.detail, map[string]any{"P": p, "History": history, "Label": StatusLabel, "Created": created,
		"OptionLabel": OptionLabel, "SyncLabel": SyncLabel,
		"CanPublish": allowed("publish", p.Status), "CanCancel": allowed("cancel", p.Status), "Format": formatNotice})
}

func (m *Module) staffNotice(w http.ResponseWriter, r *http.Request) {
	p, err := m.svc.Position(r.Context(), r.PathValue("id"))
	if err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	m.writeNoticePDF(w, r, p)
}

func (m *Module) staffPublish(w http.ResponseWriter, r *http.Request) {
	p, err := m.svc.Publish(r.Context(), r.PathValue("id"))
	if err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/pagamenti/posizioni/"+p.ID+"?esito=Posizione+pubblicata", http.StatusSeeOther)
}

func (m *Module) staffCancel(w http.ResponseWriter, r *http.Request) {
	p, err := m.svc.Cancel(r.Context(), r.PathValue("id"), strings.TrimSpace(r.FormValue("motivo")))
	if err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/pagamenti/posizioni/"+p.ID+"?esito=Posizione+annullata", http.StatusSeeOther)
}

func (m *Module) staffImports(w http.ResponseWriter, r *http.Request) {
	list, err := m.svc.Imports(r.Context(), 50)
	if err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	m.d.Web.Render(w, r, m.pages.imports, map[string]any{"Imports": list, "IPA": m.svc.cfg.IPA})
}

func (m *Module) staffImportUpload(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 512<<20)
	file, hdr, err := r.FormFile("file")
	if err != nil {
		m.d.Web.Error(w, r, errs.Field("file", "scegliere il file da importare"))
		return
	}
	defer file.Close()
	imp, err := m.svc.StartImport(r.Context(), hdr.Filename, file)
	if err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	if _, err := m.svc.EnqueueImport(r.Context(), imp.ID); err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/pagamenti/importazioni/"+imp.ID, http.StatusSeeOther)
}

func (m *Module) staffImport(w http.ResponseWriter, r *http.Request) {
	imp, err := m.svc.ImportByID(r.Context(), r.PathValue("id"))
	if err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	m.d.Web.Render(w, r, m.pages.importOne, map[string]any{"Import": imp})
}

func (m *Module) staffImportRejections(w http.ResponseWriter, r *http.Request) {
	imp, err := m.svc.ImportByID(r.Context(), r.PathValue("id"))
	if err == nil && imp.RejectionsKey == "" {
		err = errs.E(errs.ENOTFOUND, "file degli scarti non ancora disponibile")
	}
	if err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	rc, _, err := m.d.Blob.Get(r.Context(), imp.RejectionsKey)
	if err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	defer rc.Close()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, strings.TrimSuffix(imp.FileName, ".zip")+"_SCARTI.csv"))
	copyTo(w, rc)
}
