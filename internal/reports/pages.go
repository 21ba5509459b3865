package reports

import (
	"net/http"
	"time"

	"github.com/arengo-pa/arengo/internal/reports/workflow"
	"github.com/arengo-pa/arengo/internal/web"
)

// pages are the module's parsed templates, one per page.
type pages struct {
	list, report, privacy, data, summary, done, followUp, notice *web.Page
	queue, staffReport, settings, dashboard, panel               *web.Page
}

func parsePages(w *web.Server) pages {
	p := func(file string) *web.Page {
		return w.Templates(templatesFS, "templates/common.html", "templates/"+file)
	}
	return pages{
		list: p("list.html"), report: p("report.html"), privacy: p("journey_privacy.html"), data: p("journey_data.html"),
		summary: p("journey_summary.html"), done: p("journey_done.html"), followUp: p("followup.html"), notice: p("notice.html"),
		queue: p("queue.html"), staffReport: p("staff_report.html"), settings: p("settings.html"), dashboard: p("dashboard.html"),
		panel: p("panel.html"),
	}
}

var messages = map[string]web.Msg{
	"reports.title":       {IT: "Segnalazioni", EN: "Reports"},
	"reports.new":         {IT: "Segnala disservizio", EN: "Report a problem"},
	"reports.list":        {IT: "Elenco segnalazioni", EN: "List of reports"},
	"reports.map":         {IT: "Mappa", EN: "Map"},
	"reports.listtab":     {IT: "Elenco", EN: "List"},
	"reports.category":    {IT: "Categoria", EN: "Category"},
	"reports.state":       {IT: "Stato", EN: "Status"},
	"reports.area":        {IT: "Zona", EN: "Area"},
	"reports.from":        {IT: "Dal", EN: "From"},
	"reports.to":          {IT: "Al", EN: "To"},
	"reports.filter":      {IT: "Filtra", EN: "Filter"},
	"reports.history":     {IT: "Cronologia", EN: "History"},
	"reports.queue":       {IT: "Coda delle segnalazioni", EN: "Report queue"},
	"reports.dashboard":   {IT: "Cruscotto", EN: "Dashboard"},
	"reports.settings":    {IT: "Configurazione", EN: "Settings"},
	"reports.step1":       {IT: "Autorizzazioni e condizioni", EN: "Authorisations and conditions"},
	"reports.step2":       {IT: "Dati di segnalazione", EN: "Report details"},
	"reports.step3":       {IT: "Riepilogo", EN: "Summary"},
	"reports.sent":        {IT: "Segnalazione inviata", EN: "Report sent"},
	"reports.savedraft":   {IT: "Salva richiesta", EN: "Save request"},
	"reports.next":        {IT: "Avanti", EN: "Next"},
	"reports.back":        {IT: "Indietro", EN: "Back"},
	"reports.mine":        {IT: "Le mie segnalazioni", EN: "My reports"},
	"reports.export":      {IT: "Esporta CSV", EN: "Export CSV"},
	"reports.nearby":      {IT: "Segnalazioni simili già aperte qui vicino", EN: "Similar open reports nearby"},
	"reports.metoo":       {IT: "Anche io", EN: "Me too"},
	"reports.takenin":     {IT: "Presa in carico il", EN: "Taken in charge on"},
	"reports.deadline":    {IT: "Data massima prevista", EN: "Latest expected date"},
	"reports.number":      {IT: "Numero segnalazione", EN: "Request number"},
	"reports.resolved12m": {IT: "segnalazioni risolte negli ultimi 12 mesi", EN: "reports resolved in the last 12 months"},
}

// publicView is a report as anyone may see it: no reporter field exists
// here, so a template cannot show one by mistake.
type publicView struct {
	Number, Title, Details, Category, CategoryCode, State, StateLabel, Address, Area, MediaURL, Office string
	StateType                                                                                          workflow.Type
	Lat, Lon                                                                                           float64
	HasPoint                                                                                           bool
	Supporters                                                                                         int
	CreatedAt, UpdatedAt, DeadlineAt                                                                   time.Time
	TakenAt, FixedAt                                                                                   time.Time
	Overdue                                                                                            bool
}

func toPublic(r *Report, now time.Time) publicView {
	return publicView{Number: r.Number, Title: r.Title, Details: r.Details, Category: r.CategoryName, CategoryCode: r.CategoryCode,
		State: r.State, StateLabel: r.StateLabel, StateType: r.StateType, Address: r.Address, Area: r.AreaName, MediaURL: r.MediaURL,
		Office: r.Office, Lat: r.Lat.Float64, Lon: r.Lon.Float64, HasPoint: r.Lat.Valid, Supporters: r.Supporters,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, DeadlineAt: r.DeadlineAt, TakenAt: r.TakenAt.Time, FixedAt: r.FixedAt.Time,
		Overdue: r.Overdue(now)}
}

// redirect answers a form post with 303 See Other.
func redirect(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}
