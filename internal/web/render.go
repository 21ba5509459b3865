package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Rome on machines without zoneinfo

	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/errs"
)

//go:embed templates
var templatesFS embed.FS

var rome = func() *time.Location {
	l, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		panic(err)
	}
	return l
}()

// ProgressBar follows a background job on a page.
type ProgressBar struct{ JobID, DoneURL string }

// Page is a parsed page: the kernel layout plus a module's templates.
type Page struct{ t *template.Template }

// View is what every page template receives: the module's data in .Data and
// the request's context around it.
type View struct {
	Lang  string
	User  *auth.Principal
	Site  Site
	Nav   []NavItem
	Path  string
	Data  any
	Flash string
}

func (s *Server) funcs() template.FuncMap {
	return template.FuncMap{
		"t":        func(lang, key string) string { return s.T(lang, key) },
		"asset":    s.assets.URL,
		"euro":     Euro,
		"date":     func(t time.Time) string { return formatTime(t, "02/01/2006") },
		"datetime": func(t time.Time) string { return formatTime(t, "02/01/2006 15:04") },
		"isodate":  func(t time.Time) string { return formatTime(t, "2006-01-02") },
		"json": func(v any) (string, error) {
			b, err := json.Marshal(v)
			return string(b), err
		},
		"add": func(a, b int) int { return a + b },
		// flash shows the outcome named by ?esito= only when a module
		// registered a text for it ("flash.<esito>"), so a crafted link
		// cannot put arbitrary words on the comune's page.
		"flash": func(lang, key string) string {
			s.mu.Lock()
			defer s.mu.Unlock()
			if m, ok := s.messages["flash."+key]; ok && key != "" {
				return m.In(lang)
			}
			return ""
		},
		// bar is the argument of the progress_bar partial: the job to follow
		// and, optionally, the page to open when it is done.
		"bar": func(jobID, doneURL string) ProgressBar { return ProgressBar{JobID: jobID, DoneURL: doneURL} },
	}
}

func formatTime(t time.Time, layout string) string {
	if t.IsZero() {
		return ""
	}
	return t.In(rome).Format(layout)
}

// Euro formats cents the Italian way: 1.234,56 €.
func Euro(cents int64) string {
	neg := cents < 0
	if neg {
		cents = -cents
	}
	whole := fmt.Sprint(cents / 100)
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	sign := ""
	if neg {
		sign = "-"
	}
	return fmt.Sprintf("%s%s,%02d €", sign, b.String(), cents%100)
}

// Templates parses a module's page from its own files on top of the kernel
// layout. A parse error panics: templates are fixed at build time, and the
// module's tests render every page.
func (s *Server) Templates(fsys fs.FS, files ...string) *Page {
	base := template.Must(template.New("").Funcs(s.funcs()).ParseFS(templatesFS, "templates/*.html"))
	t := template.Must(base.ParseFS(fsys, files...))
	return &Page{t: t}
}

// Render writes a page inside the layout. The page is rendered into a buffer
// first so a template error gives a clean error page, not half a page.
func (s *Server) Render(w http.ResponseWriter, r *http.Request, p *Page, data any) {
	s.RenderStatus(w, r, http.StatusOK, p, data)
}

// RenderStatus is Render with a status code.
func (s *Server) RenderStatus(w http.ResponseWriter, r *http.Request, status int, p *Page, data any) {
	v := s.view(r, data)
	var buf bytes.Buffer
	if err := p.t.ExecuteTemplate(&buf, "layout", v); err != nil {
		s.log.Error("render", "path", r.URL.Path, "err", err)
		s.ErrorStatus(w, r, http.StatusInternalServerError, s.T(v.Lang, "error.internal"))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (s *Server) view(r *http.Request, data any) View {
	p := auth.FromContext(r.Context())
	return View{Lang: Lang(r), User: p, Site: s.Site, Nav: s.navFor(p), Path: r.URL.Path, Data: data, Flash: r.URL.Query().Get("esito")}
}

// Error answers with the status and message that err's code maps to; errors
// without a code are logged and shown as a generic internal error.
func (s *Server) Error(w http.ResponseWriter, r *http.Request, err error) {
	status := StatusOf(err)
	if status == http.StatusInternalServerError {
		s.log.Error("request failed", "path", r.URL.Path, "err", err)
	}
	s.ErrorStatus(w, r, status, errs.MessageOf(err))
}

// StatusOf maps an error code to an HTTP status.
func StatusOf(err error) int {
	switch errs.CodeOf(err) {
	case errs.ENOTFOUND:
		return http.StatusNotFound
	case errs.EINVALID:
		return http.StatusUnprocessableEntity
	case errs.ECONFLICT:
		return http.StatusConflict
	case errs.EFORBIDDEN:
		return http.StatusForbidden
	}
	return http.StatusInternalServerError
}

// ErrorStatus renders the error page, or problem+json for API callers.
func (s *Server) ErrorStatus(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if wantsJSON(r) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]any{"title": http.StatusText(status), "status": status, "detail": msg})
		return
	}
	page := s.errPage
	v := s.view(r, map[string]any{"Status": status, "Message": msg})
	var buf bytes.Buffer
	if err := page.t.ExecuteTemplate(&buf, "layout", v); err != nil {
		http.Error(w, msg, status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
