package notify

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/errs"
)

type campaignForm struct {
	Name, Template, Data, FiscalCodes string
	Rate                              int
}

func (m *Module) renderCampaigns(w http.ResponseWriter, r *http.Request, p *pages, status int, form campaignForm, errMsg string) {
	items, err := listCampaigns(r.Context(), m.deps.DB)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	m.deps.Web.RenderStatus(w, r, status, p.campaigns, map[string]any{"Items": items, "Templates": m.templateKeys(), "Form": form, "Error": errMsg})
}

func (m *Module) adminCampaigns(p *pages) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		m.renderCampaigns(w, r, p, http.StatusOK, campaignForm{Template: TemplateNotice, Rate: 600,
			Data: `{"titolo": "Avviso TARI 2026", "testo": "È disponibile l'avviso di pagamento della TARI 2026. Puoi pagarlo con pagoPA dall'Area personale entro la scadenza indicata."}`}, "")
	}
}

func (m *Module) adminCampaignCreate(p *pages) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rate, _ := strconv.Atoi(r.FormValue("rate_per_minute"))
		form := campaignForm{Name: r.FormValue("name"), Template: r.FormValue("template"), Data: r.FormValue("data"),
			FiscalCodes: r.FormValue("fiscal_codes"), Rate: rate}
		var data map[string]any
		if strings.TrimSpace(form.Data) != "" {
			if err := json.Unmarshal([]byte(form.Data), &data); err != nil {
				m.renderCampaigns(w, r, p, http.StatusUnprocessableEntity, form, "Dati: JSON non valido: "+err.Error())
				return
			}
		}
		_, err := m.CreateCampaign(r.Context(), NewCampaign{Name: form.Name, Template: form.Template, Data: data,
			FiscalCodes: form.FiscalCodes, RatePerMinute: rate}, auth.FromContext(r.Context()).Username)
		if errs.CodeOf(err) == errs.EINVALID {
			m.renderCampaigns(w, r, p, http.StatusUnprocessableEntity, form, errs.MessageOf(err))
			return
		}
		if err != nil {
			m.deps.Web.Error(w, r, err)
			return
		}
		http.Redirect(w, r, "/admin/notifiche/campagne?esito=avviata", http.StatusSeeOther)
	}
}

func (m *Module) adminCampaignStatus(status string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := m.SetCampaignStatus(r.Context(), r.PathValue("id"), status); err != nil {
			m.deps.Web.Error(w, r, err)
			return
		}
		http.Redirect(w, r, "/admin/notifiche/campagne?esito="+status, http.StatusSeeOther)
	}
}
