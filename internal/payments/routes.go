package payments

import "github.com/arengo-pa/arengo/internal/web"

// routes lists every URL of the module: find the handler from the URL here.
func (m *Module) routes(w *web.Server) {
	// Citizen: notices, payment and receipts of their own positions.
	w.HandleFunc("GET /pagamenti/avvisi/{option}/avviso.pdf", web.Citizen, m.citizenNotice)
	w.HandleFunc("GET /pagamenti/avvisi/{option}/paga", web.Citizen, m.citizenPay)
	w.HandleFunc("GET /pagamenti/avvisi/{option}/ricevuta.pdf", web.Citizen, m.citizenReceipt)
	w.HandleFunc("GET /pagamenti/esito", web.Citizen, m.citizenOutcome)

	// Staff.
	manage := web.Perm(PermManage)
	w.HandleFunc("GET /admin/pagamenti", manage, m.staffList)
	w.HandleFunc("GET /admin/pagamenti/export.csv", manage, m.staffListCSV)
	w.HandleFunc("GET /admin/pagamenti/totali", manage, m.staffTotals)
	w.HandleFunc("GET /admin/pagamenti/totali.csv", manage, m.staffTotalsCSV)
	w.HandleFunc("GET /admin/pagamenti/pagati.csv", manage, m.staffPaidExport)
	w.HandleFunc("GET /admin/pagamenti/avvisi.zip", manage, m.staffNoticesZip)
	w.HandleFunc("GET /admin/pagamenti/avvisi.pdf", manage, m.staffNoticesPDF)
	w.HandleFunc("GET /admin/pagamenti/nuova", manage, m.staffNew)
	w.HandleFunc("POST /admin/pagamenti/nuova", manage, m.staffCreate)
	w.HandleFunc("GET /admin/pagamenti/importazioni", manage, m.staffImports)
	w.HandleFunc("POST /admin/pagamenti/importazioni", manage, m.staffImportUpload)
	w.HandleFunc("GET /admin/pagamenti/importazioni/{id}", manage, m.staffImport)
	w.HandleFunc("GET /admin/pagamenti/importazioni/{id}/scarti.csv", manage, m.staffImportRejections)
	w.HandleFunc("GET /admin/pagamenti/posizioni/{id}", manage, m.staffDetail)
	w.HandleFunc("GET /admin/pagamenti/posizioni/{id}/avviso.pdf", manage, m.staffNotice)
	w.HandleFunc("POST /admin/pagamenti/posizioni/{id}/pubblica", manage, m.staffPublish)
	w.HandleFunc("POST /admin/pagamenti/posizioni/{id}/annulla", manage, m.staffCancel)
	w.HandleFunc("POST /admin/pagamenti/simulatore/chiudi-giornata", manage, m.staffCloseSimDay)
}
