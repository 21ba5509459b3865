// Package portal is the kernel's own module: home page, staff and citizen
// login, the Area personale that other modules add panels to, the admin
// (users, roles, API keys, audit log, jobs), the API docs page and the
// pages every comune site must have.
package portal

import (
	"embed"
	"net/http"

	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/oidclogin"
	"github.com/arengo-pa/arengo/internal/store"
	"github.com/arengo-pa/arengo/internal/web"
)

//go:embed templates
var templatesFS embed.FS

// Module is the portal.
type Module struct {
	d     *kernel.Deps
	pages map[string]*web.Page
}

// New returns the portal module.
func New() *Module { return &Module{pages: map[string]*web.Page{}} }

func (m *Module) Name() string                 { return "portal" }
func (m *Module) Migrations() store.Migrations { return store.Migrations{Module: "portal"} }

// Init registers the portal's routes.
func (m *Module) Init(d *kernel.Deps) error {
	m.d = d
	for _, name := range []string{"home", "login", "citizen_login", "area", "static", "admin", "users", "roles",
		"apikeys", "audit", "jobs", "job", "apidocs"} {
		m.pages[name] = d.Web.Templates(templatesFS, "templates/"+name+".html")
	}
	d.Web.AddMessages(messages)
	admin := web.Perm("kernel.admin")
	routes := []struct {
		pattern string
		access  web.Access
		h       http.HandlerFunc
	}{
		{"GET /{$}", web.Public, m.home},
		{"GET /login", web.Public, m.loginForm},
		{"POST /login", web.Public, m.login},
		{"GET /accedi", web.Public, m.citizenLoginForm},
		{"POST /accedi/demo", web.Public, m.demoCitizenLogin},
		{"POST /logout", web.Public, m.logout},
		{"GET /area-personale", web.Citizen, m.area},
		{"GET /privacy", web.Public, m.static("privacy")},
		{"GET /note-legali", web.Public, m.static("legal")},
		{"GET /accessibilita", web.Public, m.static("accessibility")},
		{"GET /faq", web.Public, m.static("faq")},
		{"GET /api/v1/docs", web.Public, m.apiDocs},
		{"GET /jobs/{id}", web.Staff, m.job},
		{"GET /jobs/{id}/progress", web.Staff, m.jobProgress},
		{"GET /admin", web.Staff, m.adminHome},
		{"GET /admin/users", admin, m.users},
		{"POST /admin/users", admin, m.saveUser},
		{"GET /admin/roles", admin, m.roles},
		{"POST /admin/roles", admin, m.saveRole},
		{"GET /admin/api-keys", admin, m.apiKeys},
		{"POST /admin/api-keys", admin, m.createAPIKey},
		{"POST /admin/api-keys/{id}/revoke", admin, m.revokeAPIKey},
		{"GET /admin/audit", admin, m.audit},
		{"GET /admin/audit.csv", admin, m.auditCSV},
		{"GET /admin/jobs", admin, m.jobs},
	}
	for _, r := range routes {
		d.Web.HandleFunc(r.pattern, r.access, r.h)
	}
	d.Web.AddNav(web.NavItem{Label: web.Msg{IT: "Amministrazione", EN: "Administration"}, Href: "/admin", Access: web.Staff, Order: 90})
	return oidclogin.Register(d)
}
