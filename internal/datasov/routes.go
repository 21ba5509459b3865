package datasov

import (
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/web"
)

func (m *Module) routes(d *kernel.Deps) {
	page := d.Web.Templates(templatesFS, "templates/admin.html")
	admin := web.Perm(PermAdmin)
	d.Web.HandleFunc("GET /admin/dati", admin, m.adminPage(page))
	d.Web.HandleFunc("GET /admin/dati/tabelle.csv", admin, m.tablesCSV)
	d.Web.HandleFunc("GET /admin/dati/schemi/{table}", admin, m.schema)
	d.Web.HandleFunc("POST /admin/dati/esporta", admin, m.startExport)
	d.Web.AddNav(web.NavItem{Label: web.Msg{IT: "Dati", EN: "Data"}, Href: "/admin/dati", Access: admin, Order: 90})
}
