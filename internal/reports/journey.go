package reports

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/reports/geo"
	"github.com/arengo-pa/arengo/internal/reports/receipt"
	"github.com/arengo-pa/arengo/internal/reports/upload"
	"github.com/arengo-pa/arengo/internal/web"
)

const ownerCookie = "arengo_reports_draft"

// draftOwner names who may resume a draft: the citizen's fiscal code, or a
// random cookie for someone reporting without an account.
func draftOwner(w http.ResponseWriter, r *http.Request) string {
	if p := auth.FromContext(r.Context()); p.IsCitizen() {
		return "cf:" + p.FiscalCode
	}
	if c, err := r.Cookie(ownerCookie); err == nil && len(c.Value) > 10 {
		return "anon:" + c.Value
	}
	v := randomCode()
	http.SetCookie(w, &http.Cookie{Name: ownerCookie, Value: v, Path: "/segnalazioni", HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: 30 * 86400})
	return "anon:" + v
}

func (m *Module) journeyPrivacy(w http.ResponseWriter, r *http.Request) {
	drafts, err := m.svc.Drafts(r.Context(), draftOwner(w, r))
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	cats, err := m.svc.Categories(r.Context(), true)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	m.deps.Web.Render(w, r, m.pages.privacy, map[string]any{"Drafts": drafts, "Step": 1, "Error": "", "Categories": cats})
}

func (m *Module) journeyPrivacyPost(w http.ResponseWriter, r *http.Request) {
	owner := draftOwner(w, r)
	if r.FormValue("privacy") != "1" {
		drafts, _ := m.svc.Drafts(r.Context(), owner)
		m.deps.Web.RenderStatus(w, r, http.StatusUnprocessableEntity, m.pages.privacy, map[string]any{"Drafts": drafts, "Step": 1,
			"Error": m.deps.Web.T(web.Lang(r), "reports.v.privacy")})
		return
	}
	d := &Draft{Owner: owner, Privacy: true, Answers: map[string][]string{}}
	if p := auth.FromContext(r.Context()); p.IsCitizen() {
		d.Email = p.Email
	}
	if err := m.svc.SaveDraft(r.Context(), d); err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	redirect(w, r, "/segnalazioni/nuova/"+d.ID+"/dati")
}

func (m *Module) loadDraft(w http.ResponseWriter, r *http.Request) (*Draft, bool) {
	d, err := m.svc.Draft(r.Context(), r.PathValue("draft"), draftOwner(w, r))
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return nil, false
	}
	if !d.Privacy {
		redirect(w, r, "/segnalazioni/nuova")
		return nil, false
	}
	return d, true
}

// dataView is what the data step shows.
func (m *Module) renderData(w http.ResponseWriter, r *http.Request, d *Draft, status int, formErr error, nearby []publicView) {
	cats, err := m.svc.Categories(r.Context(), true)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	var selected *Category
	for i := range cats {
		if cats[i].Code == d.Category {
			selected = &cats[i]
		}
	}
	msg, field := "", ""
	if formErr != nil {
		msg = errorIn(web.Lang(r), formErr)
		var e *errs.Error
		if asErr(formErr, &e) {
			field = e.Field
		}
	}
	m.deps.Web.RenderStatus(w, r, status, m.pages.data, map[string]any{
		"D": d, "Categories": cats, "Selected": selected, "Error": msg, "Field": field, "Nearby": nearby, "Step": 2,
		"Photos": d.count(upload.Photo), "Docs": d.count(upload.Document), "MaxPhotos": MaxPhotos, "MaxDocs": MaxDocuments,
		"Citizen": auth.FromContext(r.Context()).IsCitizen(), "Tiles": m.deps.Web.Site.MapTiles,
	})
}

func (m *Module) journeyData(w http.ResponseWriter, r *http.Request) {
	if d, ok := m.loadDraft(w, r); ok {
		m.renderData(w, r, d, http.StatusOK, nil, nil)
	}
}

// journeyDataPost saves the form into the draft; "Avanti" also checks it,
// offers nearby open reports of the same category first, then moves on.
func (m *Module) journeyDataPost(w http.ResponseWriter, r *http.Request) {
	d, ok := m.loadDraft(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, 70<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil && err != http.ErrNotMultipart {
		m.renderData(w, r, d, http.StatusUnprocessableEntity, errs.Field("photos", "gli allegati superano la dimensione massima consentita"), nil)
		return
	}
	if d.Category != r.FormValue("category") {
		d.SeenNearby = false
	}
	d.Category, d.Title, d.Details = r.FormValue("category"), strings.TrimSpace(r.FormValue("title")), strings.TrimSpace(r.FormValue("details"))
	d.Address, d.Lat, d.Lon = strings.TrimSpace(r.FormValue("address")), strings.TrimSpace(r.FormValue("lat")), strings.TrimSpace(r.FormValue("lon"))
	d.Email, d.Phone = strings.TrimSpace(r.FormValue("email")), strings.TrimSpace(r.FormValue("phone"))
	d.Answers = map[string][]string{}
	for k, v := range r.Form {
		if code, ok := strings.CutPrefix(k, "attr_"); ok {
			d.Answers[code] = v
		}
	}
	if id := r.FormValue("remove"); id != "" {
		m.svc.RemoveDraftFile(ctx, d, id)
	}
	var fileErr error
	if r.MultipartForm != nil {
		for _, field := range []string{"photos", "documents"} {
			for _, fh := range r.MultipartForm.File[field] {
				file, err := fh.Open()
				if err != nil {
					continue
				}
				clean, err := upload.Sanitize(fh.Filename, file, upload.Default)
				file.Close()
				if err == nil && (field == "photos") != (clean.Kind == upload.Photo) {
					kind := messages["reports.j.document"]
					if clean.Kind == upload.Photo {
						kind = messages["reports.j.photo"]
					}
					err = fieldErr(field, "reports.v.file_as", fh.Filename, kind)
				}
				if err == nil {
					err = m.svc.AttachToDraft(ctx, d, NamedFile{Name: fh.Filename, File: clean})
				}
				if err != nil && fileErr == nil {
					if upload.IsRefused(err) {
						err = errs.Field(field, "%s", err.Error())
					}
					fileErr = err
				}
			}
		}
	}
	if err := m.svc.SaveDraft(ctx, d); err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	if fileErr != nil {
		m.renderData(w, r, d, http.StatusUnprocessableEntity, fileErr, nil)
		return
	}
	if r.FormValue("action") != "next" {
		redirect(w, r, "/segnalazioni/nuova/"+d.ID+"/dati?esito=bozza")
		return
	}
	n, err := m.draftReport(r, d, false)
	if err == nil {
		var c Category
		if c, err = m.svc.Category(ctx, n.CategoryCode); err == nil {
			err = n.validate(c)
		}
	}
	if err != nil {
		m.renderData(w, r, d, http.StatusUnprocessableEntity, err, nil)
		return
	}
	if n.HasPoint && !d.SeenNearby && r.FormValue("ignore_nearby") != "1" {
		near, err := m.svc.Nearby(ctx, n.CategoryCode, geo.Point{Lat: n.Lat, Lon: n.Lon})
		if err != nil {
			m.deps.Web.Error(w, r, err)
			return
		}
		if len(near) > 0 {
			d.SeenNearby = true
			_ = m.svc.SaveDraft(ctx, d)
			states, _ := m.svc.States(ctx)
			labels := stateLabels(states, web.Lang(r))
			views := make([]publicView, len(near))
			for i, nr := range near {
				views[i] = toPublic(nr.Item, m.svc.now())
				views[i].StateLabel = labelOf(labels, nr.Item)
			}
			m.renderData(w, r, d, http.StatusOK, nil, views)
			return
		}
	}
	redirect(w, r, "/segnalazioni/nuova/"+d.ID+"/riepilogo")
}

// draftReport turns the draft into a NewReport (with files when asked).
func (m *Module) draftReport(r *http.Request, d *Draft, withFiles bool) (NewReport, error) {
	n := NewReport{CategoryCode: d.Category, Title: d.Title, Details: d.Details, Address: d.Address, Answers: d.Answers, Channel: "web"}
	if d.Lat != "" || d.Lon != "" {
		lat, err1 := strconv.ParseFloat(strings.Replace(d.Lat, ",", ".", 1), 64)
		lon, err2 := strconv.ParseFloat(strings.Replace(d.Lon, ",", ".", 1), 64)
		if err1 != nil || err2 != nil {
			return n, fieldErr("place", "reports.v.coords_form")
		}
		n.HasPoint, n.Lat, n.Lon = true, lat, lon
	}
	if d.Category == "" {
		return n, fieldErr("category", "reports.v.kind")
	}
	p := auth.FromContext(r.Context())
	if p.IsCitizen() {
		n.Reporter = Reporter{Kind: ByCitizen, FiscalCode: p.FiscalCode, Name: p.Name, Email: d.Email, Phone: d.Phone, Lang: web.Lang(r)}
	} else {
		n.Reporter = Reporter{Kind: ByAnonymous, Email: d.Email, Phone: d.Phone, Lang: web.Lang(r)}
		if d.Email != "" && !strings.Contains(d.Email, "@") {
			return n, fieldErr("email", "reports.v.email_bad")
		}
	}
	if withFiles {
		files, err := m.svc.draftFiles(r.Context(), d)
		if err != nil {
			return n, err
		}
		n.Files = files
	}
	return n, nil
}

func (m *Module) journeySummary(w http.ResponseWriter, r *http.Request) {
	d, ok := m.loadDraft(w, r)
	if !ok {
		return
	}
	n, err := m.draftReport(r, d, false)
	var c Category
	if err == nil {
		if c, err = m.svc.Category(r.Context(), n.CategoryCode); err == nil {
			err = n.validate(c)
		}
	}
	if err != nil {
		m.renderData(w, r, d, http.StatusUnprocessableEntity, err, nil)
		return
	}
	m.deps.Web.Render(w, r, m.pages.summary, map[string]any{"D": d, "N": n, "C": c, "Step": 3, "Answers": answerLabels(c, n.Answers),
		"Photos": d.count(upload.Photo), "Docs": d.count(upload.Document), "User": auth.FromContext(r.Context())})
}

func (m *Module) journeySubmit(w http.ResponseWriter, r *http.Request) {
	d, ok := m.loadDraft(w, r)
	if !ok {
		return
	}
	n, err := m.draftReport(r, d, true)
	if err != nil {
		m.renderData(w, r, d, http.StatusUnprocessableEntity, err, nil)
		return
	}
	rep, err := m.svc.Create(r.Context(), n)
	if err != nil {
		if errs.CodeOf(err) == errs.EINVALID {
			m.renderData(w, r, d, http.StatusUnprocessableEntity, err, nil)
			return
		}
		m.deps.Web.Error(w, r, err)
		return
	}
	_ = m.svc.DeleteDraft(r.Context(), d)
	if rep.Reporter.Kind == ByAnonymous {
		lang := web.Lang(r)
		m.deps.Web.Render(w, r, m.pages.notice, map[string]any{"Title": m.deps.Web.T(lang, "reports.n.check_title"),
			"Text": fmt.Sprintf(m.deps.Web.T(lang, "reports.n.check_text"), rep.Number, rep.Reporter.Email)})
		return
	}
	redirect(w, r, "/segnalazioni/"+rep.Number+"/inviata")
}

// ownReport loads a report the logged-in citizen made.
func (m *Module) ownReport(w http.ResponseWriter, r *http.Request) (*Report, bool) {
	rep, err := m.svc.Get(r.Context(), r.PathValue("number"))
	p := auth.FromContext(r.Context())
	if err == nil && (!p.IsCitizen() || rep.Reporter.FiscalCode != p.FiscalCode) {
		err = errs.E(errs.ENOTFOUND, "segnalazione %s inesistente", r.PathValue("number"))
	}
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return nil, false
	}
	return rep, true
}

func (m *Module) journeyDone(w http.ResponseWriter, r *http.Request) {
	if rep, ok := m.ownReport(w, r); ok {
		m.deps.Web.Render(w, r, m.pages.done, map[string]any{"R": rep, "Step": 4, "Rated": rep.Rating > 0})
	}
}

func (m *Module) receiptPDF(w http.ResponseWriter, r *http.Request) {
	rep, ok := m.ownReport(w, r)
	if !ok {
		return
	}
	media, err := m.svc.Media(r.Context(), rep.ID, true)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	photos := 0
	for _, md := range media {
		if md.Kind == string(upload.Photo) {
			photos++
		}
	}
	pdf, err := receipt.PDF(receipt.Data{Comune: m.deps.Web.Site.Comune, Number: rep.Number, Submitted: rep.CreatedAt,
		Category: rep.CategoryName, Title: rep.Title, Details: rep.Details, Address: rep.Address, Lat: rep.Lat.Float64, Lon: rep.Lon.Float64,
		Author: rep.Reporter.Name, FiscalCode: rep.Reporter.FiscalCode, Deadline: rep.DeadlineAt, Photos: photos, Documents: len(media) - photos,
		StatusURL: m.deps.Config.BaseURL + "/area-personale", Answers: receiptAnswers(m.reportAnswers(r.Context(), rep))})
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", "attachment; filename=\"ricevuta-"+rep.Number+".pdf\"")
	_, _ = w.Write(pdf)
}

func (m *Module) ratePost(w http.ResponseWriter, r *http.Request) {
	rep, ok := m.ownReport(w, r)
	if !ok {
		return
	}
	stars, _ := strconv.Atoi(r.FormValue("rating"))
	if err := r.ParseForm(); err != nil {
		m.deps.Web.Error(w, r, errs.Field("rating", "modulo non leggibile"))
		return
	}
	err := m.svc.Rate(r.Context(), rep.Number, rep.Reporter, Rating{Stars: stars, Answers: r.Form["aspect"], Comment: r.FormValue("comment")})
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	redirect(w, r, "/segnalazioni/"+rep.Number+"/inviata?esito=grazie")
}

func (m *Module) supportPost(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	_, err := m.svc.Support(r.Context(), r.PathValue("number"), Reporter{Kind: ByCitizen, FiscalCode: p.FiscalCode})
	if err != nil && errs.CodeOf(err) != errs.ECONFLICT {
		m.deps.Web.Error(w, r, err)
		return
	}
	redirect(w, r, "/segnalazioni/"+r.PathValue("number")+"?esito=adesione")
}

func (m *Module) followUp(w http.ResponseWriter, r *http.Request) {
	if rep, ok := m.ownReport(w, r); ok {
		m.deps.Web.Render(w, r, m.pages.followUp, map[string]any{"R": rep})
	}
}

// followUpPost records the answer to "è stato risolto?": yes confirms the
// fix, no reopens the report with the citizen's comment.
func (m *Module) followUpPost(w http.ResponseWriter, r *http.Request) {
	rep, ok := m.ownReport(w, r)
	if !ok {
		return
	}
	c := Change{Public: r.FormValue("comment"), Author: "Cittadino"}
	switch r.FormValue("fixed") {
	case "si":
		if rep.StateType != "fixed" {
			c.To = "fixed_user"
		} else if c.Public == "" {
			c.Public = "Il cittadino conferma che il problema è risolto"
		}
	case "no":
		c.To = "reopened"
		if strings.TrimSpace(c.Public) == "" {
			m.deps.Web.Error(w, r, errs.Field("comment", "per riaprire la segnalazione descrivere cosa non è stato risolto"))
			return
		}
	default:
		m.deps.Web.Error(w, r, errs.Field("fixed", "rispondere sì o no"))
		return
	}
	if _, err := m.svc.Apply(r.Context(), rep.Number, 0, c); err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	redirect(w, r, "/segnalazioni/"+rep.Number+"?esito=grazie")
}

// confirmAnonymousPage only asks: mail scanners and link previews fetch
// every link in an e-mail, so opening the link must not confirm the report.
func (m *Module) confirmAnonymousPage(w http.ResponseWriter, r *http.Request) {
	number, err := m.svc.PendingConfirmation(r.Context(), r.PathValue("code"))
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	lang := web.Lang(r)
	m.deps.Web.Render(w, r, m.pages.notice, map[string]any{"Title": m.deps.Web.T(lang, "reports.n.confirm_title"),
		"Text":   fmt.Sprintf(m.deps.Web.T(lang, "reports.n.confirm_text"), number),
		"Action": r.URL.Path, "Button": m.deps.Web.T(lang, "reports.n.confirm_button")})
}

func (m *Module) confirmAnonymous(w http.ResponseWriter, r *http.Request) {
	rep, err := m.svc.Confirm(r.Context(), r.PathValue("code"))
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	lang := web.Lang(r)
	m.deps.Web.Render(w, r, m.pages.notice, map[string]any{"Title": m.deps.Web.T(lang, "reports.n.confirmed_title"),
		"Text": fmt.Sprintf(m.deps.Web.T(lang, "reports.n.confirmed_text"), rep.Number), "Link": "/segnalazioni/" + rep.Number})
}
