package portal

import (
	"encoding/json"
	"net/http"

	"github.com/arengo-pa/arengo/internal/errs"
)

// jobProgress feeds the progress bars.
func (m *Module) jobProgress(w http.ResponseWriter, r *http.Request) {
	st, err := m.d.Jobs.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		m.d.Web.Error(w, r, errs.E(errs.ENOTFOUND, "attività non trovata"))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(map[string]any{"id": st.ID, "status": st.Status, "percent": st.Percent(),
		"done": st.ProgressDone, "total": st.ProgressTotal, "message": st.ProgressMessage, "error": st.LastError})
}

// job is the page of one job; without JavaScript it refreshes itself until
// the job ends.
func (m *Module) job(w http.ResponseWriter, r *http.Request) {
	st, err := m.d.Jobs.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		m.d.Web.Error(w, r, errs.E(errs.ENOTFOUND, "attività non trovata"))
		return
	}
	m.d.Web.Render(w, r, m.pages["job"], st)
}
