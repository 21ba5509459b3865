package reports

import (
	"html/template"
	"net/http"

	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/web"
)

// panel is "Le mie segnalazioni" in the Area personale: state, date taken
// in charge and latest expected date (C.SE.1.9, C.SE.1.10).
func (m *Module) panel(r *http.Request, p *auth.Principal) (template.HTML, error) {
	if !p.IsCitizen() {
		return "", nil
	}
	list, _, err := m.svc.List(r.Context(), Filter{Reporter: p.FiscalCode, Size: 50})
	if err != nil {
		return "", err
	}
	drafts, err := m.svc.Drafts(r.Context(), "cf:"+p.FiscalCode)
	if err != nil {
		return "", err
	}
	states, err := m.svc.States(r.Context())
	if err != nil {
		return "", err
	}
	labels := stateLabels(states, web.Lang(r))
	for _, rep := range list {
		rep.StateLabel = labelOf(labels, rep)
	}
	return m.deps.Web.Fragment(m.pages.panel, "reports-panel", r, map[string]any{"Reports": list, "Drafts": drafts})
}
