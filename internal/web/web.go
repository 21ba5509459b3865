// Package web is the server-rendered site's shell: routing with declared
// access, the middleware every request passes, templates in the Designers
// Italia layout, translations, static assets and the Area personale.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/arengo-pa/arengo/internal/auth"
)

// Access is who may reach a route.
type Access struct {
	level access
	Perm  string
}

type access int

const (
	levelPublic access = iota
	levelCitizen
	levelStaff
	levelPerm
)

var (
	// Public routes need no login.
	Public = Access{level: levelPublic}
	// Citizen routes need a logged-in citizen.
	Citizen = Access{level: levelCitizen}
	// Staff routes need any staff login.
	Staff = Access{level: levelStaff}
)

// Perm routes need a staff member (or API key) holding perm.
func Perm(perm string) Access { return Access{level: levelPerm, Perm: perm} }

// IsPublic tells whether anyone may reach the route.
func (a Access) IsPublic() bool { return a.level == levelPublic }

func (a Access) String() string {
	switch a.level {
	case levelPublic:
		return "public"
	case levelCitizen:
		return "citizen"
	case levelStaff:
		return "staff"
	}
	return "perm:" + a.Perm
}

// allows reports whether p may pass; loginNeeded tells an anonymous caller
// apart from one who lacks the right.
func (a Access) allows(p *auth.Principal) (ok, loginNeeded bool) {
	switch a.level {
	case levelPublic:
		return true, false
	case levelCitizen:
		return p.IsCitizen(), p == nil
	case levelStaff:
		return p.IsStaff(), p == nil
	default:
		return p.Can(a.Perm), p == nil
	}
}

// Route is a registered route, kept so a test can walk them all.
type Route struct {
	Pattern string
	Access  Access
}

// Principals resolves the caller of a request.
type Principals interface {
	SessionPrincipal(ctx context.Context, tok string) (*auth.Principal, error)
	APIKeyPrincipal(ctx context.Context, key string) (*auth.Principal, error)
}

// Server holds the routes and the shared page machinery.
type Server struct {
	mux        *http.ServeMux
	log        *slog.Logger
	principals Principals
	Site       Site

	mu       sync.Mutex
	routes   []Route
	messages map[string]Msg
	panels   []Panel
	nav      []NavItem
	assets   *assets
	errPage  *Page
}

// Site is what the layout shows of the comune.
type Site struct {
	Comune     string
	ComuneCode string
	BaseURL    string
	Demo       bool
	Version    string
	// MapTiles is the tile URL template of the comune's map server
	// ("https://tiles.example.it/{z}/{x}/{y}.png"); empty shows the map without tiles.
	MapTiles string
}

// NewServer returns a server with the kernel's assets and layout.
func NewServer(log *slog.Logger, principals Principals, site Site) *Server {
	s := &Server{mux: http.NewServeMux(), log: log, principals: principals, Site: site, messages: map[string]Msg{}}
	s.assets = newAssets()
	s.AddMessages(kernelMessages)
	s.errPage = s.Templates(templatesFS, "templates/pages/error.html")
	s.mux.Handle("GET /static/", s.assets)
	s.HandleFunc("GET /lingua", Public, s.setLang)
	return s
}

// Handle registers a handler with its access rule. pattern uses net/http's
// method patterns ("GET /segnalazioni/{id}").
func (s *Server) Handle(pattern string, a Access, h http.Handler) {
	s.mu.Lock()
	s.routes = append(s.routes, Route{Pattern: pattern, Access: a})
	s.mu.Unlock()
	s.mux.Handle(pattern, s.guard(a, h))
}

// HandleFunc is Handle for a function.
func (s *Server) HandleFunc(pattern string, a Access, h http.HandlerFunc) { s.Handle(pattern, a, h) }

// Mount attaches a sub-handler that checks access itself (the API).
func (s *Server) Mount(prefix string, h http.Handler) { s.mux.Handle(prefix, h) }

// Routes lists every registered route.
func (s *Server) Routes() []Route {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append([]Route(nil), s.routes...)
	sort.Slice(out, func(i, j int) bool { return out[i].Pattern < out[j].Pattern })
	return out
}

func (s *Server) guard(a Access, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := auth.FromContext(r.Context())
		ok, loginNeeded := a.allows(p)
		if ok {
			h.ServeHTTP(w, r)
			return
		}
		if loginNeeded && r.Method == http.MethodGet && !wantsJSON(r) {
			login := "/accedi"
			if a.level == levelStaff || a.level == levelPerm {
				login = "/login"
			}
			http.Redirect(w, r, login+"?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		status := http.StatusForbidden
		if loginNeeded {
			status = http.StatusUnauthorized
		}
		s.ErrorStatus(w, r, status, s.T(Lang(r), "error.forbidden"))
	})
}

func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json") || strings.HasPrefix(r.URL.Path, "/api/")
}

// NavItem is an entry of the main menu.
type NavItem struct {
	Label  Msg
	Href   string
	Access Access
	Order  int
}

// AddNav adds a main-menu entry, shown to those its access allows.
func (s *Server) AddNav(n NavItem) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nav = append(s.nav, n)
	sort.SliceStable(s.nav, func(i, j int) bool { return s.nav[i].Order < s.nav[j].Order })
}

func (s *Server) navFor(p *auth.Principal) []NavItem {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []NavItem
	for _, n := range s.nav {
		if ok, _ := n.Access.allows(p); ok {
			out = append(out, n)
		}
	}
	return out
}
