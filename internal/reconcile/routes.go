package reconcile

import "github.com/arengo-pa/arengo/internal/web"

// routes lists every URL of the module: find the handler from the URL here.
func (m *Module) routes(w *web.Server) {
	manage := web.Perm(PermManage)
	w.HandleFunc("GET /admin/riconciliazione", manage, m.dashboard)
	w.HandleFunc("GET /admin/riconciliazione/grafico-giorni.svg", manage, m.chartDays)
	w.HandleFunc("GET /admin/riconciliazione/voci", manage, m.itemList)
	w.HandleFunc("GET /admin/riconciliazione/voci.csv", manage, m.itemsCSV)
	w.HandleFunc("GET /admin/riconciliazione/voci.xlsx", manage, m.itemsXLSX)
	w.HandleFunc("GET /admin/riconciliazione/anomalie", manage, m.anomalies)
	w.HandleFunc("GET /admin/riconciliazione/voce", manage, m.itemDetail)
	w.HandleFunc("POST /admin/riconciliazione/voce", manage, m.itemAnnotate)
	w.HandleFunc("POST /admin/riconciliazione/collega", manage, m.movementLink)
	w.HandleFunc("POST /admin/riconciliazione/scollega", manage, m.movementUnlink)
	w.HandleFunc("POST /admin/riconciliazione/classifica", manage, m.classifyNow)
	w.HandleFunc("GET /admin/riconciliazione/file", manage, m.fileList)
	w.HandleFunc("GET /admin/riconciliazione/file.csv", manage, m.filesCSV)
	w.HandleFunc("POST /admin/riconciliazione/file", manage, m.fileUpload)
	w.HandleFunc("GET /admin/riconciliazione/file/{id}/originale", manage, m.fileDownload)
	w.HandleFunc("GET /admin/riconciliazione/caricamenti/{job}", manage, m.uploadProgress)
	w.HandleFunc("GET /admin/riconciliazione/contabilita", manage, m.accounting)
	w.HandleFunc("GET /admin/riconciliazione/contabilita.csv", manage, m.accountingCSV)
	w.HandleFunc("GET /admin/riconciliazione/sospesi.csv", manage, m.sospesiCSV)
	w.HandleFunc("GET /admin/riconciliazione/tipi-dovuto", manage, m.debtTypes)
	w.HandleFunc("GET /admin/riconciliazione/tipi-dovuto.csv", manage, m.debtTypesCSV)
	w.HandleFunc("POST /admin/riconciliazione/tipi-dovuto", manage, m.debtTypeSave)
}
