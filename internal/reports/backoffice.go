package reports

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/audit"
	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/web"
)

func (m *Module) queue(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := filterFrom(r.URL.Query())
	pager := web.NewPager(r, 50)
	f.Page, f.Size = pager.Page, pager.PageSize
	list, total, err := m.svc.List(ctx, f)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	pager.Total = total
	cats, _ := m.svc.Categories(ctx, false)
	all, _ := m.svc.States(ctx)
	states, labels := statesIn(all, web.Lang(r)), stateLabels(all, web.Lang(r))
	for _, rep := range list {
		rep.StateLabel = labelOf(labels, rep)
	}
	areas, _ := m.svc.Areas(ctx)
	views, _ := m.svc.Views(ctx, auth.FromContext(ctx).ID)
	for i := range views {
		views[i].Href = "/admin/segnalazioni?" + views[i].Query
	}
	m.deps.Web.Render(w, r, m.pages.queue, map[string]any{"Reports": list, "Total": total, "Pager": pager, "Categories": cats,
		"States": states, "Areas": areas, "Views": views, "Filter": r.URL.Query(), "Query": r.URL.RawQuery, "Now": m.svc.now(),
		"ExportURL": "/admin/segnalazioni/export.csv?" + r.URL.RawQuery})
}

// queueCSV exports the filtered queue (office data: staff only, audited).
func (m *Module) queueCSV(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := filterFrom(r.URL.Query())
	f.Size = 1000
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", "attachment; filename=\"segnalazioni.csv\"")
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"numero", "data", "categoria", "stato", "titolo", "indirizzo", "lat", "lon", "zona", "ufficio", "priorita",
		"presa_in_carico", "scadenza", "risolta", "sostegni", "scaduta"})
	now := m.svc.now()
	for page := 1; ; page++ {
		f.Page = page
		list, _, err := m.svc.List(ctx, f)
		if err != nil {
			m.deps.Log.Error("reports csv", "err", err)
			return
		}
		for _, rep := range list {
			_ = cw.Write([]string{rep.Number, rep.CreatedAt.In(rome).Format(time.RFC3339), rep.CategoryName, rep.StateLabel, rep.Title,
				rep.Address, coord(rep.Lat.Float64, rep.Lat.Valid), coord(rep.Lon.Float64, rep.Lon.Valid), rep.AreaName, rep.Office,
				strconv.Itoa(rep.Priority), timeOrEmpty(rep.TakenAt.Time), rep.DeadlineAt.In(rome).Format("2006-01-02"),
				timeOrEmpty(rep.FixedAt.Time), strconv.Itoa(rep.Supporters), yesNo(rep.Overdue(now))})
		}
		if len(list) < f.Size {
			break
		}
	}
	cw.Flush()
	_ = audit.RecordNow(ctx, m.deps.DB, audit.Entry{Action: "reports.export", ObjectType: "report", ObjectID: r.URL.RawQuery})
}

func yesNo(b bool) string {
	if b {
		return "sì"
	}
	return "no"
}

func coord(v float64, ok bool) string {
	if !ok {
		return ""
	}
	return strconv.FormatFloat(v, 'f', 6, 64)
}

func timeOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(rome).Format(time.RFC3339)
}

func (m *Module) saveView(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	if err := m.svc.SaveView(r.Context(), p.ID, r.FormValue("view_name"), r.FormValue("query")); err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	redirect(w, r, "/admin/segnalazioni?"+r.FormValue("query"))
}

func (m *Module) staffReport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	rep, err := m.svc.Get(ctx, r.PathValue("number"))
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	// Opening the report shows the reporter's personal data: audited.
	if rep.Reporter.FiscalCode != "" || rep.Reporter.Email != "" {
		if err := audit.RecordNow(ctx, m.deps.DB, audit.Entry{Action: "reports.view_reporter", ObjectType: "report", ObjectID: rep.Number,
			Subject: rep.Reporter.FiscalCode}); err != nil {
			m.deps.Web.Error(w, r, err)
			return
		}
	}
	updates, err := m.svc.Updates(ctx, rep, false)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	media, _ := m.svc.Media(ctx, rep.ID, true)
	all, _ := m.svc.States(ctx)
	states := statesIn(all, web.Lang(r))
	rep.StateLabel = labelOf(stateLabels(all, web.Lang(r)), rep)
	for i := range updates {
		updates[i].Text = historyText(web.Lang(r), updates[i])
	}
	templates, _ := m.svc.Templates(ctx, true)
	cat, _ := m.svc.Category(ctx, rep.CategoryID)
	var candidates []publicView
	if rep.Lat.Valid {
		near, _ := m.svc.nearby(ctx, rep.CategoryID, pointOf(rep), 1000, 10)
		for _, n := range near {
			if n.Item.ID != rep.ID {
				candidates = append(candidates, toPublic(n.Item, m.svc.now()))
			}
		}
	}
	labels := map[string]string{}
	for _, s := range states {
		labels[s.Code] = s.Label
	}
	redacted, err := m.svc.redactions(ctx, rep.ID, media)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	m.deps.Web.Render(w, r, m.pages.staffReport, map[string]any{"R": rep, "Updates": updates, "Media": media, "States": states,
		"Templates": templates, "Labels": labels, "Category": cat, "Answers": answerLabels(cat, rep.Answers), "Duplicates": candidates,
		"Overdue": rep.Overdue(m.svc.now()), "Redacted": redacted})
}

func (m *Module) staffChange(w http.ResponseWriter, r *http.Request) {
	version, _ := strconv.ParseInt(r.FormValue("version"), 10, 64)
	office := m.deps.Web.Site.Comune
	_, err := m.svc.Apply(r.Context(), r.PathValue("number"), version, Change{To: r.FormValue("state"), Public: r.FormValue("public"),
		Internal: r.FormValue("internal"), DuplicateOf: r.FormValue("duplicate_of"), Staff: true, Author: office})
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	redirect(w, r, "/admin/segnalazioni/r/"+r.PathValue("number")+"?esito=salvato")
}

func (m *Module) staffTriage(w http.ResponseWriter, r *http.Request) {
	prio, _ := strconv.Atoi(r.FormValue("priority"))
	t := Triage{Priority: prio, Office: r.FormValue("office"), Operator: r.FormValue("operator")}
	if s := r.FormValue("deadline"); s != "" {
		d, err := time.ParseInLocation("2006-01-02", s, rome)
		if err != nil {
			m.deps.Web.Error(w, r, errs.Field("deadline", "data di scadenza non valida (aaaa-mm-gg)"))
			return
		}
		t.Deadline = d.Add(23*time.Hour + 59*time.Minute).UTC()
	}
	if _, err := m.svc.SetTriage(r.Context(), r.PathValue("number"), t); err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	redirect(w, r, "/admin/segnalazioni/r/"+r.PathValue("number")+"?esito=salvato")
}

func (m *Module) staffModerate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		m.deps.Web.Error(w, r, errs.Field("title", "modulo non leggibile"))
		return
	}
	_, err := m.svc.Moderate(r.Context(), r.PathValue("number"), r.FormValue("title"), r.FormValue("details"), r.Form["hide"], r.FormValue("reason"))
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	redirect(w, r, "/admin/segnalazioni/r/"+r.PathValue("number")+"?esito=salvato")
}

// staffMedia serves any attachment, hidden ones and documents included;
// ?originale=1 serves a redacted photo as it was filed.
func (m *Module) staffMedia(w http.ResponseWriter, r *http.Request) {
	md, rep, err := m.svc.MediaByID(r.Context(), r.PathValue("id"))
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	seen := map[string]string{"media": md.ID}
	if orig, ok := originalKey(md.BlobKey); ok && r.URL.Query().Get("originale") == "1" {
		md.BlobKey, seen["version"] = orig, "originale non oscurata"
	}
	if err := audit.RecordNow(r.Context(), m.deps.DB, audit.Entry{Action: "reports.view_media", ObjectType: "report", ObjectID: rep.Number,
		Subject: rep.Reporter.FiscalCode, After: seen}); err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	m.serveBlob(w, r, md)
}

func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
