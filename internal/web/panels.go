package web

import (
	"bytes"
	"html/template"
	"net/http"
	"sort"

	"github.com/arengo-pa/arengo/internal/auth"
)

// Panel is a module's box in the citizen's Area personale.
type Panel struct {
	ID     string
	Title  Msg
	Order  int
	Render func(r *http.Request, p *auth.Principal) (template.HTML, error)
}

// AddPanel adds a panel to the Area personale.
func (s *Server) AddPanel(p Panel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.panels = append(s.panels, p)
	sort.SliceStable(s.panels, func(i, j int) bool { return s.panels[i].Order < s.panels[j].Order })
}

// RenderedPanel is a panel ready for the page.
type RenderedPanel struct {
	ID    string
	Title string
	HTML  template.HTML
	Err   bool
}

// Panels renders every panel for the citizen; a failing panel shows an error
// box instead of taking the whole page down.
func (s *Server) Panels(r *http.Request, p *auth.Principal) []RenderedPanel {
	s.mu.Lock()
	panels := append([]Panel(nil), s.panels...)
	s.mu.Unlock()
	out := make([]RenderedPanel, 0, len(panels))
	for _, pn := range panels {
		h, err := pn.Render(r, p)
		if err != nil {
			s.log.Error("area personale panel", "panel", pn.ID, "err", err)
		}
		out = append(out, RenderedPanel{ID: pn.ID, Title: pn.Title.In(Lang(r)), HTML: h, Err: err != nil})
	}
	return out
}

// Fragment renders a module template that is not a page (a panel's body).
func (s *Server) Fragment(p *Page, name string, r *http.Request, data any) (template.HTML, error) {
	var buf bytes.Buffer
	err := p.t.ExecuteTemplate(&buf, name, s.view(r, data))
	return template.HTML(buf.String()), err
}
