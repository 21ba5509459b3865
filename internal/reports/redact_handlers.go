package reports

import (
	"net/http"

	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/reports/upload"
)

// staffRedact covers a rectangle of a photo's public copy.
func (m *Module) staffRedact(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		m.deps.Web.Error(w, r, errs.Field("rect", "modulo non leggibile"))
		return
	}
	rect, err := upload.ParseRect(r.FormValue("x"), r.FormValue("y"), r.FormValue("w"), r.FormValue("h"))
	if err != nil {
		m.deps.Web.Error(w, r, errs.Field("rect", "%s", err.Error()))
		return
	}
	if _, err := m.svc.RedactPhoto(r.Context(), r.PathValue("number"), r.PathValue("id"), rect, r.FormValue("reason")); err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	redirect(w, r, "/admin/segnalazioni/r/"+r.PathValue("number")+"?esito=salvato#foto-"+r.PathValue("id"))
}

// staffUnredact makes the original photo public again.
func (m *Module) staffUnredact(w http.ResponseWriter, r *http.Request) {
	if _, err := m.svc.UnredactPhoto(r.Context(), r.PathValue("number"), r.PathValue("id"), r.FormValue("reason")); err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	redirect(w, r, "/admin/segnalazioni/r/"+r.PathValue("number")+"?esito=salvato#foto-"+r.PathValue("id"))
}
