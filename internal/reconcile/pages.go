package reconcile

import "github.com/arengo-pa/arengo/internal/web"

// pages are the module's parsed templates, one per page.
type pages struct {
	dashboard, items, item, files, progress, accounting, debtTypes *web.Page
	accertamenti, accertamento                                     *web.Page
}

func parsePages(w *web.Server) pages {
	p := func(file string) *web.Page {
		return w.Templates(templatesFS, "templates/common.html", "templates/"+file)
	}
	return pages{dashboard: p("dashboard.html"), items: p("items.html"), item: p("item.html"), files: p("files.html"),
		progress: p("progress.html"), accounting: p("accounting.html"), debtTypes: p("debttypes.html"),
		accertamenti: p("accertamenti.html"), accertamento: p("accertamento.html")}
}

var messages = map[string]web.Msg{
	"reconcile.title":        {IT: "Riconciliazione pagamenti", EN: "Payment reconciliation"},
	"reconcile.dashboard":    {IT: "Cruscotto", EN: "Dashboard"},
	"reconcile.items":        {IT: "Voci classificate", EN: "Classified items"},
	"reconcile.anomalies":    {IT: "Anomalie da lavorare", EN: "Anomaly queue"},
	"reconcile.files":        {IT: "Flussi caricati", EN: "Loaded files"},
	"reconcile.accounting":   {IT: "Contabilità", EN: "Accounting"},
	"reconcile.debttypes":    {IT: "Tipi di dovuto", EN: "Debt types"},
	"reconcile.accertamenti": {IT: "Accertamenti", EN: "Revenue assessments"},
	"reconcile.item":         {IT: "Dettaglio voce", EN: "Item detail"},
	"reconcile.upload":       {IT: "Caricamento flusso", EN: "File upload"},
	"reconcile.filter":       {IT: "Filtra", EN: "Filter"},
	"reconcile.export":       {IT: "Esporta", EN: "Export"},
}
