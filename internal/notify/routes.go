package notify

import (
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/web"
)

type pages struct {
	messages, message, templates, template, campaigns *web.Page
	inbox, inboxMessage, preferences, panel           *web.Page
}

func (m *Module) routes(d *kernel.Deps) {
	w := d.Web
	w.AddMessages(messages)
	p := &pages{
		messages:     w.Templates(templatesFS, "templates/admin_messages.html"),
		message:      w.Templates(templatesFS, "templates/admin_message.html"),
		templates:    w.Templates(templatesFS, "templates/admin_templates.html"),
		template:     w.Templates(templatesFS, "templates/admin_template.html"),
		campaigns:    w.Templates(templatesFS, "templates/admin_campaigns.html"),
		inbox:        w.Templates(templatesFS, "templates/inbox.html"),
		inboxMessage: w.Templates(templatesFS, "templates/inbox_message.html"),
		preferences:  w.Templates(templatesFS, "templates/preferences.html"),
		panel:        w.Templates(templatesFS, "templates/panel.html"),
	}
	read, manage := web.Perm(PermRead), web.Perm(PermManage)
	w.HandleFunc("GET /admin/notifiche", read, m.adminList(p))
	w.HandleFunc("GET /admin/notifiche.csv", read, m.adminCSV)
	w.HandleFunc("GET /admin/notifiche/{id}", read, m.adminMessage(p))
	w.HandleFunc("GET /admin/notifiche/modelli", manage, m.adminTemplates(p))
	w.HandleFunc("GET /admin/notifiche/modelli/{key}", manage, m.adminTemplate(p))
	w.HandleFunc("POST /admin/notifiche/modelli/{key}", manage, m.adminTemplateSave(p))
	w.HandleFunc("GET /admin/notifiche/campagne", manage, m.adminCampaigns(p))
	w.HandleFunc("POST /admin/notifiche/campagne", manage, m.adminCampaignCreate(p))
	w.HandleFunc("POST /admin/notifiche/campagne/{id}/pausa", manage, m.adminCampaignStatus(CampaignPaused))
	w.HandleFunc("POST /admin/notifiche/campagne/{id}/riprendi", manage, m.adminCampaignStatus(CampaignRunning))

	w.HandleFunc("GET /area-personale/notifiche", web.Citizen, m.inboxList(p))
	w.HandleFunc("GET /area-personale/notifiche.csv", web.Citizen, m.inboxCSV)
	w.HandleFunc("GET /area-personale/notifiche/{id}", web.Citizen, m.inboxMessage(p))
	w.HandleFunc("POST /area-personale/notifiche/{id}/letto", web.Citizen, m.inboxMarkRead)
	w.HandleFunc("GET /area-personale/notifiche/preferenze", web.Citizen, m.preferencesForm(p))
	w.HandleFunc("POST /area-personale/notifiche/preferenze", web.Citizen, m.preferencesSave(p))
	w.AddPanel(web.Panel{ID: "notify", Title: messages["notify.panel"], Order: 5, Render: m.panel(p)})
	w.AddNav(web.NavItem{Label: messages["notify.nav"], Href: "/admin/notifiche", Access: read, Order: 80})
}
