package cloudplan

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/arengo-pa/arengo/internal/cloudplan/plan"
	"github.com/arengo-pa/arengo/internal/web"
)

type pages struct {
	overview, apps, app, servers, server, imports, importStatus, waves, costs, skills *web.Page
}

func parsePages(w *web.Server) pages {
	p := func(file string) *web.Page {
		return w.Templates(templatesFS, "templates/common.html", "templates/"+file)
	}
	return pages{overview: p("overview.html"), apps: p("apps.html"), app: p("app.html"), servers: p("servers.html"),
		server: p("server.html"), imports: p("import.html"), importStatus: p("import_status.html"), waves: p("waves.html"),
		costs: p("costs.html"), skills: p("skills.html")}
}

var messages = map[string]web.Msg{
	"cloudplan.title":   {IT: "Migrazione al cloud", EN: "Cloud migration"},
	"cloudplan.apps":    {IT: "Applicativi", EN: "Applications"},
	"cloudplan.servers": {IT: "Server", EN: "Servers"},
	"cloudplan.import":  {IT: "Importa file del kit", EN: "Import kit files"},
	"cloudplan.waves":   {IT: "Ondate di migrazione", EN: "Migration waves"},
	"cloudplan.costs":   {IT: "Costi, TCO e ROI", EN: "Costs, TCO and ROI"},
	"cloudplan.skills":  {IT: "Competenze", EN: "Skills"},
	"cloudplan.export":  {IT: "Esporta il piano", EN: "Export the plan"},
	"cloudplan.filter":  {IT: "Filtra", EN: "Filter"},
	"cloudplan.search":  {IT: "Cerca", EN: "Search"},
	"cloudplan.save":    {IT: "Salva", EN: "Save"},
	"cloudplan.csv":     {IT: "Scarica CSV", EN: "Download CSV"},
	"cloudplan.none":    {IT: "Nessun elemento", EN: "Nothing here"},
	"cloudplan.back":    {IT: "Torna al piano", EN: "Back to the plan"},
}

// Option is a select option with its selection state.
type Option struct {
	Value, Label string
	Selected     bool
}

func options(cur string, pairs ...[2]string) []Option {
	out := make([]Option, len(pairs))
	for i, p := range pairs {
		out[i] = Option{Value: p[0], Label: p[1], Selected: p[0] == cur}
	}
	return out
}

func strategyOptions(cur plan.Strategy, blank string) []Option {
	pairs := [][2]string{{"", blank}}
	for _, s := range plan.Strategies {
		pairs = append(pairs, [2]string{string(s), s.Label()})
	}
	return options(string(cur), pairs...)
}

func classOptions(cur plan.Class) []Option {
	return options(string(cur), [2]string{"", "non classificato"}, [2]string{"ordinario", "Ordinario"}, [2]string{"critico", "Critico"}, [2]string{"strategico", "Strategico"})
}

func modelOptions(cur plan.Model) []Option {
	pairs := [][2]string{{"", "da scegliere"}}
	for _, m := range plan.Models {
		pairs = append(pairs, [2]string{string(m), m.Label()})
	}
	return options(string(cur), pairs...)
}

func stateOptions(cur plan.AppState, blank string) []Option {
	pairs := [][2]string{}
	if blank != "" {
		pairs = append(pairs, [2]string{"", blank})
	}
	for _, s := range plan.AppStates {
		pairs = append(pairs, [2]string{string(s), stateLabel(s)})
	}
	return options(string(cur), pairs...)
}

func ratingOptions(cur string) []Option {
	return options(cur, [2]string{"", "—"}, [2]string{"Alto", "Alto"}, [2]string{"Medio", "Medio"}, [2]string{"Basso", "Basso"})
}

func stateLabel(s plan.AppState) string {
	return strings.ReplaceAll(strings.ToUpper(string(s[:1]))+string(s[1:]), "_", " ")
}

func strategyLabel(s plan.Strategy) string {
	if s == "" {
		return "—"
	}
	return s.Label()
}

func levelLabel(n int) string {
	for _, l := range plan.Levels {
		if l.Number == n {
			return fmt.Sprintf("%d · %s", n, l.Name)
		}
	}
	return "—"
}

func roiText(t plan.TCO) string {
	if !t.ROIKnown {
		return "—"
	}
	return fmt.Sprintf("%.0f%%", t.ROI*100)
}

// planColumns and planRow give every export (CSV, xlsx, PDF) and the list
// the same columns.
var planColumns = []string{"Applicativo", "Livello di priorità", "Classe ACN", "Modello di destinazione", "Avviso classificazione",
	"Strategia", "Origine della strategia", "Scelta da", "Motivazione", "Ondata", "Stato", "Server", "Giorni di lavoro",
	"TCO 5 anni (€)", "ROI", "PNRR 1.2", "Nota PNRR", "Avviso strategia"}

func planRow(a *App, ap *plan.AppPlan) []string {
	origin := "scelta"
	if ap.Suggested {
		origin = "suggerita dalle regole"
	}
	if ap.Strategy == "" {
		origin = ""
	}
	wave := ""
	if ap.Wave > 0 {
		wave = fmt.Sprint(ap.Wave)
	}
	class := string(a.Class)
	if class == "" {
		class = "non classificato"
	}
	mode := string(ap.PNRR.Mode)
	if ap.Strategy != "" && mode == "" {
		mode = "non finanziabile"
	}
	return []string{a.Name, levelLabel(ap.Level), class, modelLabel(a.Model), ap.ModelWarn, strategyLabel(ap.Strategy), origin,
		a.StrategyBy, a.StrategyReason, wave, stateLabel(a.State), fmt.Sprint(a.Servers), fmt.Sprint(a.EffortDays),
		euros(ap.TCO.Total), roiText(ap.TCO), mode, ap.PNRR.Reason, ap.ChoiceWarn}
}

func modelLabel(m plan.Model) string {
	if m == "" {
		return ""
	}
	return m.Label()
}

func euros(cents int64) string { return fmt.Sprintf("%d.%02d", cents/100, cents%100) }

func redirect(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}
