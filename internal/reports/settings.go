package reports

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/reports/open311"
	"github.com/arengo-pa/arengo/internal/reports/workflow"
)

func (m *Module) settings(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	cats, err := m.svc.Categories(ctx, false)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	states, _ := m.svc.States(ctx)
	rules, _ := m.svc.Rules(ctx)
	templates, _ := m.svc.Templates(ctx, false)
	areas, _ := m.svc.Areas(ctx)
	var edit *Category
	questions := ""
	if id := r.URL.Query().Get("categoria"); id != "" {
		for i := range cats {
			if cats[i].ID == id {
				edit = &cats[i]
				questions = questionsText(cats[i].Attributes)
			}
		}
	}
	m.deps.Web.Render(w, r, m.pages.settings, map[string]any{"Categories": cats, "States": states, "Rules": rules,
		"Templates": templates, "Areas": areas, "Edit": edit, "Questions": questions, "Types": workflow.Types, "Datatypes": open311.Datatypes})
}

// questionsText renders a category's questions one per line, the format the
// admin edits: code | datatype | required (sì/no) | question | key=label; key=label
func questionsText(attrs []open311.Attribute) string {
	var lines []string
	for _, a := range attrs {
		req := "no"
		if a.Required {
			req = "sì"
		}
		var vals []string
		for _, v := range a.Values {
			vals = append(vals, v.Key+"="+v.Name)
		}
		lines = append(lines, strings.Join([]string{a.Code, a.Datatype, req, a.Description, strings.Join(vals, "; ")}, " | "))
	}
	return strings.Join(lines, "\n")
}

// parseQuestions reads the admin's lines back, naming the line at fault.
func parseQuestions(text string) ([]open311.Attribute, error) {
	var out []open311.Attribute
	for i, line := range splitLines(text) {
		parts := strings.Split(line, "|")
		for j := range parts {
			parts[j] = strings.TrimSpace(parts[j])
		}
		if len(parts) < 4 {
			return nil, errs.Field("questions", "riga %d: servono almeno codice | tipo | obbligatoria | domanda", i+1)
		}
		a := open311.Attribute{Variable: true, Code: parts[0], Datatype: parts[1], Description: parts[3],
			Required: parts[2] == "sì" || parts[2] == "si" || parts[2] == "true"}
		if len(parts) > 4 && parts[4] != "" {
			for _, kv := range strings.Split(parts[4], ";") {
				k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
				if !ok || strings.TrimSpace(k) == "" {
					return nil, errs.Field("questions", "riga %d: valore %q non nel formato chiave=etichetta", i+1, kv)
				}
				a.Values = append(a.Values, open311.Value{Key: strings.TrimSpace(k), Name: strings.TrimSpace(v)})
			}
		}
		out = append(out, a)
	}
	return out, nil
}

func (m *Module) saveCategory(w http.ResponseWriter, r *http.Request) {
	radius, err1 := strconv.Atoi(r.FormValue("radius_m"))
	deadline, err2 := strconv.Atoi(r.FormValue("deadline_days"))
	order, _ := strconv.Atoi(r.FormValue("ord"))
	if err1 != nil {
		m.deps.Web.Error(w, r, errs.Field("radius_m", "raggio non numerico"))
		return
	}
	if err2 != nil {
		m.deps.Web.Error(w, r, errs.Field("deadline_days", "giorni non numerici"))
		return
	}
	attrs, err := parseQuestions(r.FormValue("questions"))
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	c := Category{ID: r.FormValue("id"), Code: r.FormValue("code"), Name: r.FormValue("name"), Group: strings.TrimSpace(r.FormValue("group")),
		Description: strings.TrimSpace(r.FormValue("description")), Hint: strings.TrimSpace(r.FormValue("hint")),
		Keywords: strings.TrimSpace(r.FormValue("keywords")), RadiusM: radius, DeadlineDays: deadline,
		AnonymousAllowed: r.FormValue("anonymous") == "1", Private: r.FormValue("private") == "1", Active: r.FormValue("active") == "1",
		Order: order, Attributes: attrs}
	if _, err := m.svc.SaveCategory(r.Context(), c); err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	redirect(w, r, "/admin/segnalazioni/configurazione?esito=salvato")
}

func (m *Module) saveState(w http.ResponseWriter, r *http.Request) {
	order, _ := strconv.Atoi(r.FormValue("ord"))
	st := workflow.State{Code: strings.TrimSpace(r.FormValue("code")), Label: strings.TrimSpace(r.FormValue("label")),
		EN: strings.TrimSpace(r.FormValue("label_en")), Type: workflow.Type(r.FormValue("type")), Open311: r.FormValue("open311"), Order: order}
	if err := m.svc.SaveState(r.Context(), st); err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	redirect(w, r, "/admin/segnalazioni/configurazione?esito=salvato#stati")
}

func (m *Module) saveRule(w http.ResponseWriter, r *http.Request) {
	order, _ := strconv.Atoi(r.FormValue("ord"))
	if _, err := m.svc.SaveRule(r.Context(), Rule{CategoryID: r.FormValue("category_id"), AreaID: r.FormValue("area_id"),
		Office: r.FormValue("office"), Operator: r.FormValue("operator"), Order: order}); err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	redirect(w, r, "/admin/segnalazioni/configurazione?esito=salvato#regole")
}

func (m *Module) deleteRule(w http.ResponseWriter, r *http.Request) {
	if err := m.svc.DeleteRule(r.Context(), r.PathValue("id")); err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	redirect(w, r, "/admin/segnalazioni/configurazione?esito=salvato#regole")
}

func (m *Module) saveTemplate(w http.ResponseWriter, r *http.Request) {
	if _, err := m.svc.SaveTemplate(r.Context(), Template{ID: r.FormValue("id"), Title: r.FormValue("title"), Text: r.FormValue("text"),
		State: r.FormValue("state"), Active: r.FormValue("active") == "1"}); err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	redirect(w, r, "/admin/segnalazioni/configurazione?esito=salvato#modelli")
}

// saveArea reads a boundary as "lat, lon" lines.
func (m *Module) saveArea(w http.ResponseWriter, r *http.Request) {
	var poly [][2]float64
	for i, line := range splitLines(r.FormValue("polygon")) {
		var lat, lon float64
		if _, err := fmt.Sscanf(strings.ReplaceAll(line, " ", ""), "%f,%f", &lat, &lon); err != nil {
			m.deps.Web.Error(w, r, errs.Field("polygon", "riga %d: %q non è nel formato «latitudine, longitudine»", i+1, line))
			return
		}
		poly = append(poly, [2]float64{lat, lon})
	}
	if _, err := m.svc.SaveArea(r.Context(), Area{Name: r.FormValue("name"), Polygon: poly}); err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	redirect(w, r, "/admin/segnalazioni/configurazione?esito=salvato#aree")
}
