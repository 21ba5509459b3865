package cloudplan

import "github.com/arengo-pa/arengo/internal/web"

// routes lists every URL of the module: find the handler from the URL here.
func (m *Module) routes(w *web.Server) {
	p := web.Perm(PermManage)
	w.HandleFunc("GET /admin/cloud", p, m.overview)
	w.HandleFunc("POST /admin/cloud/impostazioni", p, m.settingsPost)

	w.HandleFunc("GET /admin/cloud/applicativi", p, m.appList)
	w.HandleFunc("GET /admin/cloud/applicativi.csv", p, m.appListCSV)
	w.HandleFunc("POST /admin/cloud/applicativi", p, m.appCreate)
	w.HandleFunc("GET /admin/cloud/applicativi/{id}", p, m.appDetail)
	w.HandleFunc("POST /admin/cloud/applicativi/{id}", p, m.appSave)
	w.HandleFunc("POST /admin/cloud/applicativi/{id}/valutazioni", p, m.appJudgementsSave)
	w.HandleFunc("POST /admin/cloud/applicativi/{id}/scheda", p, m.appAssessmentSave)
	w.HandleFunc("POST /admin/cloud/applicativi/{id}/strategia", p, m.appStrategySave)
	w.HandleFunc("POST /admin/cloud/applicativi/{id}/dipendenze", p, m.appDependenciesSave)
	w.HandleFunc("POST /admin/cloud/applicativi/{id}/kpi", p, m.appKPISave)
	w.HandleFunc("GET /admin/cloud/applicativi/{id}/assessment.xlsx", p, m.assessmentXLSX)

	w.HandleFunc("GET /admin/cloud/server", p, m.serverList)
	w.HandleFunc("GET /admin/cloud/server.csv", p, m.serverListCSV)
	w.HandleFunc("GET /admin/cloud/server/{id}", p, m.serverDetail)
	w.HandleFunc("POST /admin/cloud/server/{id}", p, m.serverLinkSave)
	w.HandleFunc("POST /admin/cloud/server/{id}/dati", p, m.serverSave)

	w.HandleFunc("GET /admin/cloud/importa", p, m.importForm)
	w.HandleFunc("POST /admin/cloud/importa", p, m.importPost)
	w.HandleFunc("GET /admin/cloud/importa/{id}", p, m.importStatus)

	w.HandleFunc("GET /admin/cloud/ondate", p, m.waves)
	w.HandleFunc("GET /admin/cloud/ondate.svg", p, m.wavesSVG)
	w.HandleFunc("POST /admin/cloud/ondate/{n}/stato", p, m.waveStatePost)
	w.HandleFunc("GET /admin/cloud/costi", p, m.costs)
	w.HandleFunc("GET /admin/cloud/costi.csv", p, m.costsCSV)
	w.HandleFunc("GET /admin/cloud/competenze", p, m.skills)
	w.HandleFunc("POST /admin/cloud/competenze", p, m.skillsPost)

	w.HandleFunc("GET /admin/cloud/piano.xlsx", p, m.planXLSX)
	w.HandleFunc("GET /admin/cloud/piano.csv", p, m.planCSV)
	w.HandleFunc("GET /admin/cloud/piano.pdf", p, m.planPDF)
	w.HandleFunc("GET /admin/cloud/lista.xlsx", p, m.appListXLSX)
	w.HandleFunc("GET /admin/cloud/competenze.xlsx", p, m.skillsXLSX)
}
