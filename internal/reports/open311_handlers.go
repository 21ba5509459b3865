package reports

import (
	"database/sql"
	"errors"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/reports/open311"
	"github.com/arengo-pa/arengo/internal/reports/upload"
)

// maxOpen311Body caps a POST: three photos and three documents at most.
const maxOpen311Body = 64 << 20

func (m *Module) open311Get(w http.ResponseWriter, r *http.Request) {
	base, f, ok := open311.SplitFormat(r.PathValue("file"))
	if !ok {
		open311.WriteError(w, open311.XML, open311.NotFound("formato non supportato: usare .xml o .json"))
		return
	}
	switch base {
	case "discovery":
		open311.Write(w, f, http.StatusOK, m.discovery())
	case "services":
		m.open311Services(w, r, f)
	case "requests":
		m.open311Requests(w, r, f)
	case "servicerequestupdates":
		start, end, err := open311.UpdatesWindow(r.URL.Query(), m.svc.now())
		if err != nil {
			open311.WriteError(w, f, err)
			return
		}
		list, err := m.svc.Open311Updates(r.Context(), start, end)
		m.writeOpen311(w, r, f, list, err)
	default:
		open311.WriteError(w, f, open311.NotFound("risorsa %q inesistente", base))
	}
}

func (m *Module) open311Post(w http.ResponseWriter, r *http.Request) {
	base, f, ok := open311.SplitFormat(r.PathValue("file"))
	if !ok {
		open311.WriteError(w, open311.XML, open311.NotFound("formato non supportato: usare .xml o .json"))
		return
	}
	form, files, err := readForm(w, r)
	if err != nil {
		open311.WriteError(w, f, err)
		return
	}
	key, err := m.apiKey(r, form)
	if err != nil {
		open311.WriteError(w, f, err)
		return
	}
	ctx := auth.WithPrincipal(r.Context(), key)
	r = r.WithContext(ctx)
	switch base {
	case "requests":
		m.open311Create(w, r, f, form, files, key)
	case "servicerequestupdates":
		m.open311Update(w, r, f, form, key)
	default:
		open311.WriteError(w, f, open311.NotFound("risorsa %q inesistente", base))
	}
}

// readForm parses a form-encoded or multipart body (media extension).
func readForm(w http.ResponseWriter, r *http.Request) (url.Values, []*multipart.FileHeader, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxOpen311Body)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			return nil, nil, open311.BadRequest("corpo multipart non leggibile o più grande di %d MB", maxOpen311Body>>20)
		}
		var files []*multipart.FileHeader
		for name, fhs := range r.MultipartForm.File {
			if name == "media" || name == "media[]" || strings.HasPrefix(name, "photo") {
				files = append(files, fhs...)
			}
		}
		return url.Values(r.MultipartForm.Value), files, nil
	}
	if err := r.ParseForm(); err != nil {
		return nil, nil, open311.BadRequest("corpo della richiesta non leggibile: usare application/x-www-form-urlencoded")
	}
	return r.PostForm, nil, nil
}

// apiKey checks the api_key form field (or a Bearer header) against the
// kernel's API keys: a missing, wrong or unscoped key is a 403.
func (m *Module) apiKey(r *http.Request, form url.Values) (*auth.Principal, error) {
	key := strings.TrimSpace(form.Get("api_key"))
	if key == "" {
		key = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	}
	if key == "" {
		return nil, open311.Forbidden("api_key mancante")
	}
	p, err := m.svc.keys.principal(r.Context(), key, m.deps.Auth.APIKeyPrincipal)
	if err != nil {
		return nil, err
	}
	if p == nil || !p.HasScope(PermOpen311) {
		return nil, open311.Forbidden("api_key non valida o senza il permesso %s", PermOpen311)
	}
	return p, nil
}

func (m *Module) discovery() open311.Discovery {
	base := m.deps.Config.BaseURL
	return open311.Discovery{
		Changeset:  "2026-01-01T00:00:00Z",
		Contact:    "Ufficio Relazioni con il Pubblico — " + m.deps.Web.Site.Comune,
		KeyService: "Chiedere una chiave all'amministratore del portale (" + base + "/admin); pagine numerate da 1 con page e page_size (massimo 1000).",
		Endpoints: []open311.Endpoint{{
			Specification: "http://wiki.open311.org/GeoReport_v2", URL: base + "/open311/v2", Changeset: "2026-01-01T00:00:00Z",
			Type: "production", Formats: []string{open311.XML.MIME(), open311.JSON.MIME()},
		}},
	}
}

func (m *Module) open311Services(w http.ResponseWriter, r *http.Request, f open311.Format) {
	cats, err := m.svc.Categories(r.Context(), true)
	if err != nil {
		open311.WriteError(w, f, err)
		return
	}
	list := open311.ServiceList{}
	for _, c := range cats {
		kw := c.Keywords
		if c.Private {
			kw = strings.Trim(kw+",private", ",")
		}
		list = append(list, open311.Service{Code: c.Code, Name: c.Name, Description: open311.Text(c.Description),
			Metadata: len(c.Attributes) > 0, Type: open311.Realtime, Keywords: open311.Text(kw), Group: open311.Text(c.Group)})
	}
	open311.Write(w, f, http.StatusOK, list)
}

func (m *Module) open311ServiceDefinition(w http.ResponseWriter, r *http.Request) {
	code, f, ok := open311.SplitFormat(r.PathValue("file"))
	if !ok {
		open311.WriteError(w, open311.XML, open311.NotFound("formato non supportato: usare .xml o .json"))
		return
	}
	c, err := m.svc.Category(r.Context(), code)
	if err != nil || !c.Active || c.Code != code {
		open311.WriteError(w, f, open311.NotFound("service_code %q inesistente", code))
		return
	}
	open311.Write(w, f, http.StatusOK, c.Definition())
}

func (m *Module) open311Requests(w http.ResponseWriter, r *http.Request, f open311.Format) {
	key, version := string(f)+"?"+r.URL.RawQuery, m.svc.version.Load()
	if body, ok := m.pages311.get(key, version); ok {
		open311.WriteBytes(w, f, http.StatusOK, body)
		return
	}
	q, err := open311.ParseQuery(r.URL.Query(), m.svc.now())
	if err != nil {
		open311.WriteError(w, f, err)
		return
	}
	body, release, err := m.svc.open311PageBuf(r.Context(), q, f, m.deps.Config.BaseURL)
	if err != nil {
		m.writeOpen311(w, r, f, nil, err)
		return
	}
	defer release()
	if m.pages311.admit(key) {
		m.pages311.put(key, version, append([]byte{}, body...))
	}
	open311.WriteBytes(w, f, http.StatusOK, body)
}

func (m *Module) open311Request(w http.ResponseWriter, r *http.Request) {
	id, f, ok := open311.SplitFormat(r.PathValue("file"))
	if !ok {
		open311.WriteError(w, open311.XML, open311.NotFound("formato non supportato: usare .xml o .json"))
		return
	}
	q := open311.Query{IDs: []string{id}, Page: 1, PageSize: 1, Extensions: true}
	list, err := m.svc.Open311Requests(r.Context(), q, m.deps.Config.BaseURL)
	if err == nil && len(list) == 0 {
		err = open311.NotFound("service_request_id %q inesistente", id)
	}
	m.writeOpen311(w, r, f, list, err)
}

func (m *Module) open311Token(w http.ResponseWriter, r *http.Request) {
	token, f, ok := open311.SplitFormat(r.PathValue("file"))
	if !ok {
		open311.WriteError(w, open311.XML, open311.NotFound("formato non supportato: usare .xml o .json"))
		return
	}
	number, err := m.svc.Token(r.Context(), token)
	if errors.Is(err, sql.ErrNoRows) {
		open311.WriteError(w, f, open311.NotFound("token %q inesistente", token))
		return
	}
	m.writeOpen311(w, r, f, open311.CreatedList{{ServiceRequestID: number, Token: token}}, err)
}

func (m *Module) writeOpen311(w http.ResponseWriter, r *http.Request, f open311.Format, d open311.Document, err error) {
	if err != nil {
		var fail *open311.Failure
		if !errors.As(err, &fail) {
			m.deps.Log.Error("open311", "path", r.URL.Path, "err", err)
		}
		open311.WriteError(w, f, err)
		return
	}
	open311.Write(w, f, http.StatusOK, d)
}

func (m *Module) open311Create(w http.ResponseWriter, r *http.Request, f open311.Format, form url.Values, fhs []*multipart.FileHeader, key *auth.Principal) {
	req, err := open311.ParseCreate(form)
	if err != nil {
		open311.WriteError(w, f, err)
		return
	}
	c, err := m.svc.Category(r.Context(), req.ServiceCode)
	if err != nil || !c.Active || c.Code != req.ServiceCode {
		open311.WriteError(w, f, open311.NotFound("service_code %q inesistente", req.ServiceCode))
		return
	}
	if _, err := c.Definition().Check(req.Attributes); err != nil {
		open311.WriteError(w, f, err)
		return
	}
	files, err := sanitizeAll(fhs)
	if err != nil {
		open311.WriteError(w, f, err)
		return
	}
	details := req.Description
	if details == "" {
		details = c.Name
	}
	n := NewReport{
		CategoryCode: c.Code, Title: titleFrom(details), Details: details, HasPoint: req.HasPoint, Lat: req.Lat, Lon: req.Long,
		Address: req.AddressString, AddressID: req.AddressID, Answers: req.Attributes, Channel: "open311", Files: files,
		Reporter: Reporter{Kind: ByAPI, Name: strings.TrimSpace(req.FirstName + " " + req.LastName), Email: req.Email,
			Phone: req.Phone, Account: req.AccountID, Device: req.DeviceID},
	}
	if len(req.MediaURLs) > 0 {
		n.MediaURL = req.MediaURLs[0]
	}
	rep, err := m.svc.create(r.Context(), c, n)
	if err != nil {
		open311.WriteError(w, f, asOpen311(err))
		return
	}
	open311.Write(w, f, http.StatusOK, open311.CreatedList{{ServiceRequestID: rep.Number,
		ServiceNotice: open311.Text("Risposta prevista entro " + rep.DeadlineAt.In(rome).Format("02/01/2006"))}})
}

func (m *Module) open311Update(w http.ResponseWriter, r *http.Request, f open311.Format, form url.Values, key *auth.Principal) {
	u, err := open311.ParseUpdatePost(form, m.svc.now())
	if err != nil {
		open311.WriteError(w, f, err)
		return
	}
	ctx := r.Context()
	if id, err := m.svc.externalUpdateID(ctx, key.ID+":"+u.UpdateID); err == nil {
		open311.Write(w, f, http.StatusOK, open311.UpdateList{{UpdateID: id, ServiceRequestID: u.ServiceRequestID, Status: u.Status,
			UpdatedDatetime: open311.At(u.Updated), Description: open311.Text(u.Description)}})
		return
	}
	rep, err := m.svc.Get(ctx, u.ServiceRequestID)
	if err != nil {
		open311.WriteError(w, f, open311.NotFound("service_request_id %q inesistente", u.ServiceRequestID))
		return
	}
	states, err := m.svc.States(ctx)
	if err != nil {
		open311.WriteError(w, f, err)
		return
	}
	to, ok := stateForOpen311(states, u.Status)
	if !ok {
		open311.WriteError(w, f, open311.BadRequest("status %q non previsto dalla tabella degli stati", u.Status))
		return
	}
	change := Change{Public: u.Description, Staff: true, Author: key.Name}
	// An update older than the report's last change does not move its state
	// (FixMyStreet's safeguard), and the same state is not set twice.
	if to.Code != rep.State && !u.Updated.Before(rep.UpdatedAt) {
		change.To = to.Code
	}
	if change.To == "" && change.Public == "" {
		change.Public = "Aggiornamento dal sistema " + key.Name
	}
	if _, err := m.svc.Apply(withExternalID(ctx, key.ID+":"+u.UpdateID), rep.Number, 0, change); err != nil {
		open311.WriteError(w, f, asOpen311(err))
		return
	}
	id, err := m.svc.externalUpdateID(ctx, key.ID+":"+u.UpdateID)
	m.writeOpen311(w, r, f, open311.UpdateList{{UpdateID: id, ServiceRequestID: rep.Number, Status: u.Status,
		UpdatedDatetime: open311.At(u.Updated), Description: open311.Text(u.Description)}}, err)
}

func (m *Module) open311Media(w http.ResponseWriter, r *http.Request) {
	f := open311.JSON
	id := r.PathValue("id")
	if base, ff, ok := open311.SplitFormat(id); ok {
		id, f = base, ff
	}
	form, fhs, err := readForm(w, r)
	if err != nil {
		open311.WriteError(w, f, err)
		return
	}
	key, err := m.apiKey(r, form)
	if err != nil {
		open311.WriteError(w, f, err)
		return
	}
	if len(fhs) == 0 {
		open311.WriteError(w, f, open311.BadRequest("nessun file: inviare multipart/form-data con il campo media"))
		return
	}
	files, err := sanitizeAll(fhs)
	if err != nil {
		open311.WriteError(w, f, err)
		return
	}
	if _, err := m.svc.Get(r.Context(), id); err != nil {
		open311.WriteError(w, f, open311.NotFound("service_request_id %q inesistente", id))
		return
	}
	if _, err := m.svc.AddMedia(auth.WithPrincipal(r.Context(), key), id, files); err != nil {
		open311.WriteError(w, f, asOpen311(err))
		return
	}
	list, err := m.svc.Open311Requests(r.Context(), open311.Query{IDs: []string{id}, Page: 1, PageSize: 1}, m.deps.Config.BaseURL)
	m.writeOpen311(w, r, f, list, err)
}

// sanitizeAll cleans every uploaded file, refusing the lot on the first bad one.
func sanitizeAll(fhs []*multipart.FileHeader) ([]NamedFile, error) {
	var out []NamedFile
	for _, fh := range fhs {
		fh := fh
		file, err := fh.Open()
		if err != nil {
			return nil, open311.BadRequest("file %q non leggibile", fh.Filename)
		}
		clean, err := upload.Sanitize(fh.Filename, file, upload.Default)
		file.Close()
		if err != nil {
			if upload.IsRefused(err) {
				return nil, open311.BadRequest("%s", err.Error())
			}
			return nil, err
		}
		out = append(out, NamedFile{Name: fh.Filename, File: clean})
	}
	return out, nil
}

// asOpen311 maps a domain error to the spec's statuses.
func asOpen311(err error) error {
	switch errs.CodeOf(err) {
	case errs.ENOTFOUND:
		return open311.NotFound("%s", errs.MessageOf(err))
	case errs.EINVALID, errs.ECONFLICT:
		return open311.BadRequest("%s", errs.MessageOf(err))
	case errs.EFORBIDDEN:
		return open311.Forbidden("%s", errs.MessageOf(err))
	}
	return err
}

// titleFrom makes a title from the first line of a description (Open311
// has no title field).
func titleFrom(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	line = strings.TrimSpace(line)
	if utf8.RuneCountInString(line) > 80 {
		line = string([]rune(line)[:79]) + "…"
	}
	return line
}
