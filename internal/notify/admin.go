package notify

import (
	"encoding/csv"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/audit"
	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/notify/channel"
	"github.com/arengo-pa/arengo/internal/notify/markdown"
	"github.com/arengo-pa/arengo/internal/notify/tmpl"
	"github.com/arengo-pa/arengo/internal/store"
	"github.com/arengo-pa/arengo/internal/web"
)

var (
	allChannels = []string{channel.Inbox, channel.IO, channel.Email, channel.SEND}
	allStatuses = []string{Queued, Sent, Processed, Failed}
)

func filterFrom(r *http.Request) Filter {
	q := r.URL.Query()
	f := Filter{FiscalCode: strings.ToUpper(strings.TrimSpace(q.Get("cf"))), Template: q.Get("template"), Channel: q.Get("channel"),
		Status: q.Get("status"), CampaignID: q.Get("campaign"), Text: strings.TrimSpace(q.Get("q"))}
	if t, err := time.Parse("2006-01-02", q.Get("from")); err == nil {
		f.From = t
	}
	if t, err := time.Parse("2006-01-02", q.Get("to")); err == nil {
		f.To = t.AddDate(0, 0, 1)
	}
	return f
}

// query keeps the filters (not the page) for the CSV link.
func query(r *http.Request) string {
	q := r.URL.Query()
	q.Del("page")
	return q.Encode()
}

func (m *Module) adminList(p *pages) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f := filterFrom(r)
		pager := web.NewPager(r, 50)
		f.Page, f.PageSize = pager.Page, pager.PageSize
		rows, total, err := m.Search(r.Context(), f)
		if err != nil {
			m.deps.Web.Error(w, r, err)
			return
		}
		pager.Total = total
		m.deps.Web.Render(w, r, p.messages, map[string]any{"F": f, "Rows": rows, "Pager": pager, "Query": template.URL(query(r)),
			"Templates": m.templateKeys(), "Channels": allChannels, "Statuses": allStatuses, "Modes": m.channelModes()})
	}
}

// adminCSV exports the filtered messages (up to 100,000 rows). Staff reading
// citizens' messages is recorded in the audit log.
func (m *Module) adminCSV(w http.ResponseWriter, r *http.Request) {
	f := filterFrom(r)
	f.PageSize = 1000
	if err := audit.RecordNow(r.Context(), m.deps.DB, audit.Entry{Action: "notify.export", ObjectType: "message", Subject: m.subject(f),
		After: map[string]string{"filters": query(r)}}); err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="notifiche.csv"`)
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "creato", "codice_fiscale", "modello", "oggetto", "canale", "stato", "motivo", "id_esterno", "percorso", "email_pseudonimo"})
	for page := 1; page <= 100; page++ {
		f.Page = page
		rows, _, err := m.Search(r.Context(), f)
		if err != nil || len(rows) == 0 {
			break
		}
		for _, row := range rows {
			for _, d := range row.Deliveries {
				cw.Write([]string{row.ID, row.CreatedAt.Format(time.RFC3339), row.FiscalCode, row.Template, row.Subject,
					d.Channel, d.Status, d.Reason, d.ExternalID, strings.Join(row.Route, " | "), row.EmailRef})
			}
		}
		cw.Flush()
	}
	cw.Flush()
}

func (m *Module) adminMessage(p *pages) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		msg, err := getMessage(ctx, m.deps.DB, r.PathValue("id"))
		if isNoRows(err) {
			err = notFound("messaggio inesistente")
		}
		if err != nil {
			m.deps.Web.Error(w, r, err)
			return
		}
		ds, err := deliveriesOf(ctx, m.deps.DB, msg.ID)
		if err == nil {
			err = audit.RecordNow(ctx, m.deps.DB, audit.Entry{Action: "notify.view_message", ObjectType: "message", ObjectID: msg.ID, Subject: msg.Recipient()})
		}
		if err != nil {
			m.deps.Web.Error(w, r, err)
			return
		}
		m.deps.Web.Render(w, r, p.message, map[string]any{"M": msg, "D": ds, "HTML": template.HTML(markdown.HTML(msg.Body))})
	}
}

type templateRow struct {
	tmpl.Template
	RequiredText string
}

func (m *Module) adminTemplates(p *pages) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var items []templateRow
		for _, k := range m.templateKeys() {
			t, _, err := m.template(r.Context(), m.deps.DB, k)
			if err != nil {
				m.deps.Web.Error(w, r, err)
				return
			}
			items = append(items, templateRow{Template: t, RequiredText: strings.Join(t.Required, ", ")})
		}
		m.deps.Web.Render(w, r, p.templates, map[string]any{"Items": items})
	}
}

type preview struct {
	Lang, Subject, Error string
	HTML                 template.HTML
}

func previews(t tmpl.Template, data map[string]any) []preview {
	var out []preview
	for _, lang := range []string{"it", "en"} {
		r, err := t.RenderForIO(lang, data)
		if err != nil {
			out = append(out, preview{Lang: lang, Error: err.Error()})
			continue
		}
		out = append(out, preview{Lang: lang, Subject: r.Subject, HTML: template.HTML(markdown.HTML(r.Markdown))})
	}
	return out
}

// sampleData makes placeholder data naming each required key, so the
// preview renders before the admin types anything.
func sampleData(t tmpl.Template) map[string]any {
	data := map[string]any{}
	for _, k := range t.Required {
		data[k] = "«" + k + "»"
	}
	return data
}

func (m *Module) adminTemplate(p *pages) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		t, ok, err := m.template(r.Context(), m.deps.DB, r.PathValue("key"))
		if err == nil && !ok {
			err = notFound("modello inesistente")
		}
		if err != nil {
			m.deps.Web.Error(w, r, err)
			return
		}
		data := sampleData(t)
		sample, _ := json.MarshalIndent(data, "", "  ")
		m.deps.Web.Render(w, r, p.template, map[string]any{"T": t, "RequiredText": strings.Join(t.Required, ", "),
			"Sample": string(sample), "Previews": previews(t, data), "Saved": r.URL.Query().Get("esito") == "salvato"})
	}
}

func (m *Module) adminTemplateSave(p *pages) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		def, ok := m.defaultTemplate(r.PathValue("key"))
		if !ok {
			m.deps.Web.Error(w, r, notFound("modello inesistente"))
			return
		}
		t := def
		t.Subject = tmpl.Text{IT: strings.TrimSpace(r.FormValue("subject_it")), EN: strings.TrimSpace(r.FormValue("subject_en"))}
		t.Body = tmpl.Text{IT: strings.TrimSpace(r.FormValue("body_it")), EN: strings.TrimSpace(r.FormValue("body_en"))}
		data := sampleData(t)
		sample := r.FormValue("sample")
		var errMsg string
		if strings.TrimSpace(sample) != "" {
			if err := json.Unmarshal([]byte(sample), &data); err != nil {
				errMsg = "Dati di esempio: JSON non valido: " + err.Error()
			}
		}
		if err := t.Parse(); err != nil && errMsg == "" {
			errMsg = err.Error()
		}
		if errMsg == "" && r.FormValue("action") == "save" {
			old, _, _ := m.template(ctx, m.deps.DB, t.Key)
			p := auth.FromContext(ctx)
			err := m.deps.DB.Transact(ctx, func(tx *store.Tx) error {
				if err := saveTemplate(ctx, tx, t, p.Username); err != nil {
					return err
				}
				if err := audit.Record(ctx, tx, audit.Entry{Action: "notify.template_edit", ObjectType: "template", ObjectID: t.Key,
					Before: old, After: t}); err != nil {
					return err
				}
				return templateEvent(ctx, tx, t.Key)
			})
			if err != nil {
				m.deps.Web.Error(w, r, err)
				return
			}
			http.Redirect(w, r, "/admin/notifiche/modelli/"+url.PathEscape(t.Key)+"?esito=salvato", http.StatusSeeOther)
			return
		}
		status := http.StatusOK
		if errMsg != "" {
			status = http.StatusUnprocessableEntity
		}
		m.deps.Web.RenderStatus(w, r, status, p.template, map[string]any{"T": t, "RequiredText": strings.Join(t.Required, ", "),
			"Sample": sample, "Previews": previewsIfParsed(t, data, errMsg), "Error": errMsg})
	}
}

func previewsIfParsed(t tmpl.Template, data map[string]any, errMsg string) []preview {
	if errMsg != "" {
		return nil
	}
	return previews(t, data)
}

// channelModes says, per channel, whether it talks to the simulator or to
// the real endpoint (chosen by ARENGO_IO_URL, ARENGO_SMTP_ADDR, ARENGO_SEND_URL).
func (m *Module) channelModes() []string {
	mode := func(name string, simulated bool) string {
		if simulated {
			return name + ": simulatore"
		}
		return name + ": servizio reale"
	}
	return []string{mode("App IO", m.sims.IO != nil), mode("e-mail", m.sims.SMTP != nil), mode("SEND", m.sims.SEND != nil)}
}
