package reports

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/reports/geo"
	"github.com/arengo-pa/arengo/internal/reports/upload"
	"github.com/arengo-pa/arengo/internal/reports/workflow"
	"github.com/arengo-pa/arengo/internal/web"
)

// filterFrom reads the list filters shared by the public list and the queue.
func filterFrom(q url.Values) Filter {
	f := Filter{Category: q.Get("categoria"), State: q.Get("stato"), StateType: q.Get("tipo"), AreaID: q.Get("zona"),
		Office: q.Get("ufficio"), Text: q.Get("q"), Overdue: q.Get("scadute") == "1"}
	if t, err := time.ParseInLocation("2006-01-02", q.Get("dal"), rome); err == nil {
		f.From = t.UTC()
	}
	if t, err := time.ParseInLocation("2006-01-02", q.Get("al"), rome); err == nil {
		f.To = t.AddDate(0, 0, 1).UTC()
	}
	f.Page, _ = strconv.Atoi(q.Get("page"))
	return f
}

type categoryCount struct {
	Code, Name string
	Count      int
	Selected   bool
}

func (m *Module) publicList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := filterFrom(r.URL.Query())
	f.Public, f.Size = true, 20
	pager := web.NewPager(r, 20)
	f.Page, f.Size = pager.Page, pager.PageSize
	list, total, err := m.svc.List(ctx, f)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	pager.Total = total
	counts, err := m.svc.countsByCategory(ctx, f)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	resolved, err := m.svc.resolvedSince(ctx, m.svc.now().AddDate(-1, 0, 0))
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	lang := web.Lang(r)
	states, _ := m.svc.States(ctx)
	labels := stateLabels(states, lang)
	areas, _ := m.svc.Areas(ctx)
	now := m.svc.now()
	views := make([]publicView, len(list))
	for i, rep := range list {
		views[i] = toPublic(rep, now)
		views[i].StateLabel = labelOf(labels, rep)
	}
	for i := range counts {
		counts[i].Selected = counts[i].Code == f.Category
	}
	m.deps.Web.Render(w, r, m.pages.list, map[string]any{
		"Reports": views, "Total": total, "Pager": pager, "Counts": counts, "Resolved": resolved, "States": publicStates(states, lang),
		"Areas": areas, "Filter": r.URL.Query(), "Tab": r.URL.Query().Get("vista"),
		"PinsURL": "/segnalazioni/mappa.json?" + r.URL.Query().Encode(), "CSVURL": "/segnalazioni/export.csv?" + r.URL.Query().Encode(),
	})
}

// publicStates are the states a public report can be in, labelled in lang.
func publicStates(all []workflow.State, lang string) []workflow.State {
	var out []workflow.State
	for _, s := range statesIn(all, lang) {
		if s.Type.Public() {
			out = append(out, s)
		}
	}
	return out
}

// statesIn are the states with their labels in lang.
func statesIn(all []workflow.State, lang string) []workflow.State {
	out := make([]workflow.State, len(all))
	for i, s := range all {
		s.Label = web.Msg{IT: s.Label, EN: s.EN}.In(lang)
		out[i] = s
	}
	return out
}

// stateLabels maps state codes to their labels in lang: the English label
// where the state has one, else the Italian.
func stateLabels(states []workflow.State, lang string) map[string]string {
	out := make(map[string]string, len(states))
	for _, s := range statesIn(states, lang) {
		out[s.Code] = s.Label
	}
	return out
}

// historyText is a history entry's text in lang: the entries the module
// writes itself are translated, what staff wrote is shown as written.
func historyText(lang string, u Update) string {
	if lang == "it" {
		return u.Text
	}
	for _, k := range []string{"reports.h.filed", "reports.h.support", "reports.h.confirmed"} {
		if u.Text == messages[k].IT {
			return messages[k].In(lang)
		}
	}
	if n, ok := strings.CutPrefix(u.Text, messages["reports.h.merged"].IT); ok && u.Kind == KindMerge {
		return messages["reports.h.merged"].In(lang) + n
	}
	return u.Text
}

// mailStateLabel is the state's label for an e-mail to r's reporter: in
// English for an anonymous reporter who filed in English (the hub writes to
// them in that language); Italian otherwise, since a citizen's language is
// their hub preference, which this module does not know.
func mailStateLabel(r *Report, to workflow.State) string {
	if r.Reporter.Kind == ByAnonymous {
		return web.Msg{IT: to.Label, EN: to.EN}.In(r.Reporter.Lang)
	}
	return to.Label
}

// labelOf is the label of r's state from labels, or the one r was read with.
func labelOf(labels map[string]string, r *Report) string {
	if l, ok := labels[r.State]; ok {
		return l
	}
	return r.StateLabel
}

// publicMapData gives the map its pins: public fields only.
func (m *Module) publicMapData(w http.ResponseWriter, r *http.Request) {
	f := filterFrom(r.URL.Query())
	f.Public, f.Page, f.Size = true, 1, 500
	list, _, err := m.svc.List(r.Context(), f)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	states, _ := m.svc.States(r.Context())
	labels := stateLabels(states, web.Lang(r))
	type pin struct {
		Number, Title, State, Type string
		Lat, Lon                   float64
	}
	pins := []pin{}
	for _, rep := range list {
		if rep.Lat.Valid {
			pins = append(pins, pin{rep.Number, rep.Title, labelOf(labels, rep), string(rep.StateType), rep.Lat.Float64, rep.Lon.Float64})
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(pins)
}

func (m *Module) publicReport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	rep, err := m.svc.Get(ctx, r.PathValue("number"))
	if err == nil && (!rep.StateType.Public() || m.isPrivate(r, rep)) {
		err = errs.E(errs.ENOTFOUND, "segnalazione %s inesistente", r.PathValue("number"))
	}
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	updates, err := m.svc.Updates(ctx, rep, true)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	media, err := m.svc.Media(ctx, rep.ID, false)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	var photos []Media
	for _, md := range media {
		if md.Kind == string(upload.Photo) {
			photos = append(photos, md)
		}
	}
	states, _ := m.svc.States(ctx)
	labels := stateLabels(states, web.Lang(r))
	p := auth.FromContext(ctx)
	owner := p.IsCitizen() && p.FiscalCode == rep.Reporter.FiscalCode
	view := toPublic(rep, m.svc.now())
	view.StateLabel = labelOf(labels, rep)
	for i := range updates {
		updates[i].Text = historyText(web.Lang(r), updates[i])
	}
	m.deps.Web.Render(w, r, m.pages.report, map[string]any{
		"R": view, "Updates": updates, "Photos": photos, "Labels": labels,
		"CanSupport": p.IsCitizen() && !owner && rep.StateType == workflow.Open, "Owner": owner,
	})
}

// isPrivate hides reports of private categories from everyone but staff.
func (m *Module) isPrivate(r *http.Request, rep *Report) bool {
	c, err := m.svc.Category(r.Context(), rep.CategoryID)
	return err != nil || (c.Private && !auth.FromContext(r.Context()).Can(PermManage))
}

// media serves a public photo; hidden photos, documents and photos of
// non-public reports are not found.
func (m *Module) media(w http.ResponseWriter, r *http.Request) {
	md, rep, err := m.svc.MediaByID(r.Context(), r.PathValue("id"))
	if err == nil && (md.Hidden || md.Kind != string(upload.Photo) || !rep.StateType.Public() || m.isPrivate(r, rep)) {
		err = errs.E(errs.ENOTFOUND, "allegato inesistente")
	}
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	m.serveBlob(w, r, md)
}

// serveBlob sends an attachment. Its ETag names the stored blob, and
// browsers must revalidate (no-cache): when a photo is redacted, or the
// redaction undone, the same URL serves the other blob at once instead of
// a copy kept in a browser cache.
func (m *Module) serveBlob(w http.ResponseWriter, r *http.Request, md Media) {
	sum := sha256.Sum256([]byte(md.BlobKey))
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "private, no-cache")
	if inm := r.Header.Get("If-None-Match"); inm != "" && strings.Contains(inm, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	rc, _, err := m.deps.Blob.Get(r.Context(), md.BlobKey)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	defer rc.Close()
	w.Header().Set("Content-Type", md.ContentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if md.Kind != string(upload.Photo) {
		w.Header().Set("Content-Disposition", "attachment; filename=\"documento.pdf\"")
	}
	_, _ = io.Copy(w, rc)
}

// nearbyJSON lets the map script offer nearby open reports while the
// citizen places the pin.
func (m *Module) nearbyJSON(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	lat, err1 := strconv.ParseFloat(q.Get("lat"), 64)
	lon, err2 := strconv.ParseFloat(q.Get("lon"), 64)
	type item struct {
		Number, Title, State string
		Metres               int
	}
	out := []item{}
	if err1 == nil && err2 == nil {
		near, err := m.svc.Nearby(r.Context(), q.Get("categoria"), geo.Point{Lat: lat, Lon: lon})
		if err != nil && errs.CodeOf(err) != errs.ENOTFOUND {
			m.deps.Web.Error(w, r, err)
			return
		}
		states, _ := m.svc.States(r.Context())
		labels := stateLabels(states, web.Lang(r))
		for _, n := range near {
			if !m.isPrivate(r, n.Item) {
				out = append(out, item{n.Item.Number, n.Item.Title, labelOf(labels, n.Item), int(n.Metres)})
			}
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(out)
}
