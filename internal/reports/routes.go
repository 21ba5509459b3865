package reports

import "github.com/arengo-pa/arengo/internal/web"

// routes lists every URL of the module: find the handler from the URL here.
// The outbox events it reacts to are subscribed here too (listen).
func (m *Module) routes(w *web.Server) {
	m.listen()

	// Open311 GeoReport v2 (format suffix in the last path segment).
	w.HandleFunc("GET /open311/v2/{file}", web.Public, m.open311Get)
	w.HandleFunc("POST /open311/v2/{file}", web.Public, m.open311Post)
	w.HandleFunc("GET /open311/v2/services/{file}", web.Public, m.open311ServiceDefinition)
	w.HandleFunc("GET /open311/v2/requests/{file}", web.Public, m.open311Request)
	w.HandleFunc("GET /open311/v2/tokens/{file}", web.Public, m.open311Token)
	w.HandleFunc("POST /open311/v2/requests/{id}/media", web.Public, m.open311Media)

	// Public view.
	w.HandleFunc("GET /segnalazioni", web.Public, m.publicList)
	w.HandleFunc("GET /segnalazioni/mappa.json", web.Public, m.publicMapData)
	w.HandleFunc("GET /segnalazioni/export.csv", web.Public, m.publicCSV)
	w.HandleFunc("GET /segnalazioni/{number}", web.Public, m.publicReport)
	w.HandleFunc("GET /segnalazioni-foto/{id}", web.Public, m.media)

	// Citizen journey (Designers Italia "segnalazione disservizio").
	w.HandleFunc("GET /segnalazioni/nuova", web.Public, m.journeyPrivacy)
	w.HandleFunc("POST /segnalazioni/nuova", web.Public, m.journeyPrivacyPost)
	w.HandleFunc("GET /segnalazioni/nuova/{draft}/dati", web.Public, m.journeyData)
	w.HandleFunc("POST /segnalazioni/nuova/{draft}/dati", web.Public, m.journeyDataPost)
	w.HandleFunc("GET /segnalazioni/nuova/{draft}/riepilogo", web.Public, m.journeySummary)
	w.HandleFunc("POST /segnalazioni/nuova/{draft}/invia", web.Public, m.journeySubmit)
	w.HandleFunc("GET /segnalazioni/{number}/inviata", web.Citizen, m.journeyDone)
	w.HandleFunc("GET /segnalazioni/{number}/ricevuta.pdf", web.Citizen, m.receiptPDF)
	w.HandleFunc("POST /segnalazioni/{number}/valutazione", web.Citizen, m.ratePost)
	w.HandleFunc("POST /segnalazioni/{number}/anche-io", web.Citizen, m.supportPost)
	w.HandleFunc("GET /segnalazioni/{number}/risolta", web.Citizen, m.followUp)
	w.HandleFunc("POST /segnalazioni/{number}/risolta", web.Citizen, m.followUpPost)
	w.HandleFunc("GET /segnalazioni-conferma/{code}", web.Public, m.confirmAnonymousPage)
	w.HandleFunc("POST /segnalazioni-conferma/{code}", web.Public, m.confirmAnonymous)
	w.HandleFunc("GET /segnalazioni/vicine.json", web.Public, m.nearbyJSON)

	// Back office.
	manage := web.Perm(PermManage)
	w.HandleFunc("GET /admin/segnalazioni", manage, m.queue)
	w.HandleFunc("GET /admin/segnalazioni/export.csv", manage, m.queueCSV)
	w.HandleFunc("POST /admin/segnalazioni/viste", manage, m.saveView)
	w.HandleFunc("GET /admin/segnalazioni/cruscotto", manage, m.dashboard)
	w.HandleFunc("GET /admin/segnalazioni/cruscotto.csv", manage, m.dashboardCSV)
	w.HandleFunc("GET /admin/segnalazioni/r/{number}", manage, m.staffReport)
	w.HandleFunc("POST /admin/segnalazioni/r/{number}/stato", manage, m.staffChange)
	w.HandleFunc("POST /admin/segnalazioni/r/{number}/assegnazione", manage, m.staffTriage)
	w.HandleFunc("POST /admin/segnalazioni/r/{number}/moderazione", manage, m.staffModerate)
	w.HandleFunc("POST /admin/segnalazioni/r/{number}/foto/{id}/oscura", manage, m.staffRedact)
	w.HandleFunc("POST /admin/segnalazioni/r/{number}/foto/{id}/ripristina", manage, m.staffUnredact)
	w.HandleFunc("GET /admin/segnalazioni/allegati/{id}", manage, m.staffMedia)
	w.HandleFunc("GET /admin/segnalazioni/configurazione", manage, m.settings)
	w.HandleFunc("POST /admin/segnalazioni/categorie", manage, m.saveCategory)
	w.HandleFunc("POST /admin/segnalazioni/stati", manage, m.saveState)
	w.HandleFunc("POST /admin/segnalazioni/regole", manage, m.saveRule)
	w.HandleFunc("POST /admin/segnalazioni/regole/{id}/elimina", manage, m.deleteRule)
	w.HandleFunc("POST /admin/segnalazioni/modelli", manage, m.saveTemplate)
	w.HandleFunc("POST /admin/segnalazioni/aree", manage, m.saveArea)
}
