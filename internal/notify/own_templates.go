package notify

import (
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/web"
)

// The hub's own templates: a generic notice for campaigns and the welcome
// message of the demo.
const (
	TemplateNotice  = "notify.avviso"
	TemplateWelcome = "notify.benvenuto"
)

func (m *Module) defineOwnTemplates() {
	m.DefineTemplate(kernel.NotificationTemplate{
		Key:      TemplateNotice,
		Subject:  web.Msg{IT: "{{.titolo}}", EN: "{{.titolo}}"},
		Body:     web.Msg{IT: "{{.testo}}\n\nQuesto messaggio ti è stato inviato dal Comune. Lo trovi anche nella tua Area personale.", EN: "{{.testo}}\n\nThis message was sent to you by the municipality. You can also find it in your personal area."},
		Required: []string{"titolo", "testo"},
	})
	m.DefineTemplate(kernel.NotificationTemplate{
		Key:     TemplateWelcome,
		Subject: web.Msg{IT: "Benvenuto nell'Area personale", EN: "Welcome to your personal area"},
		Body: web.Msg{
			IT: "Ciao {{.nome}},\n\nda qui ricevi le comunicazioni del Comune: avvisi di pagamento, aggiornamenti sulle tue segnalazioni, scadenze.\n\n- Scegli i canali nelle **preferenze**: App IO, e-mail.\n- Ogni messaggio resta comunque qui.",
			EN: "Hello {{.nome}},\n\nhere you receive the municipality's messages: payment notices, updates on your reports, deadlines.\n\n- Choose your channels in the **preferences**: App IO, e-mail.\n- Every message is kept here anyway.",
		},
		Required: []string{"nome"},
	})
}
