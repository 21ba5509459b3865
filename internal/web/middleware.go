package web

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/audit"
	"github.com/arengo-pa/arengo/internal/auth"
)

// SessionCookie names the login cookie.
const SessionCookie = "arengo_session"

// contentSecurityPolicy allows nothing from other origins and no inline
// script or style: every script and stylesheet is a file of ours. data: URIs
// are needed by Bootstrap Italia's CSS icons; tiles for the map come from
// the tile server the comune configures (see MapTiles).
func (s *Server) contentSecurityPolicy() string {
	img := "'self' data:"
	if s.Site.MapTiles != "" {
		if u, err := url.Parse(s.Site.MapTiles); err == nil && u.Host != "" {
			img += " " + u.Scheme + "://" + u.Host
		}
	}
	return "default-src 'self'; script-src 'self'; style-src 'self'; img-src " + img +
		"; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
}

// Handler returns the whole site with its middleware: request id and logging,
// panic recovery, security headers, cross-origin request protection (Go's
// Sec-Fetch-Site / Origin check, which refuses cross-site form posts), and
// the caller's identity from the session cookie or an API key.
func (s *Server) Handler(metrics func(pattern string, status int, d time.Duration)) http.Handler {
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.ErrorStatus(w, r, http.StatusForbidden, s.T(Lang(r), "error.csrf"))
	}))
	inner := csrf.Handler(s.identify(s.mux))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		reqID := r.Header.Get("X-Request-Id")
		if reqID == "" || len(reqID) > 64 {
			reqID = newRequestID()
		}
		ip := clientIP(r)
		ctx := audit.WithRequest(r.Context(), reqID, ip)
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		h := rec.Header()
		h.Set("X-Request-Id", reqID)
		h.Set("Content-Security-Policy", s.contentSecurityPolicy())
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("panic serving request", "request_id", reqID, "path", r.URL.Path, "panic", fmt.Sprint(p))
				if !rec.wrote {
					s.ErrorStatus(rec, r, http.StatusInternalServerError, s.T(Lang(r), "error.internal"))
				}
			}
			d := time.Since(start)
			pattern := r.Pattern
			if pattern == "" {
				pattern = "unmatched"
			}
			if metrics != nil {
				metrics(pattern, rec.status, d)
			}
			s.log.Info("request", "request_id", reqID, "method", r.Method, "path", r.URL.Path, "status", rec.status,
				"duration_ms", d.Milliseconds(), "bytes", rec.bytes, "ip", ip)
		}()
		inner.ServeHTTP(rec, r.WithContext(ctx))
	})
}

func (s *Server) identify(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p *auth.Principal
		var err error
		if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
			p, err = s.principals.APIKeyPrincipal(r.Context(), strings.TrimPrefix(h, "Bearer "))
			if err == nil && p == nil {
				s.ErrorStatus(w, r, http.StatusUnauthorized, s.T(Lang(r), "error.apikey"))
				return
			}
		} else if c, cerr := r.Cookie(SessionCookie); cerr == nil && c.Value != "" {
			p, err = s.principals.SessionPrincipal(r.Context(), c.Value)
		}
		if err != nil {
			s.log.Error("identify caller", "err", err)
			s.ErrorStatus(w, r, http.StatusServiceUnavailable, s.T(Lang(r), "error.internal"))
			return
		}
		if p != nil {
			r = r.WithContext(auth.WithPrincipal(r.Context(), p))
		}
		next.ServeHTTP(w, r)
	})
}

// SetSessionCookie stores the login token with the flags a session cookie
// needs: HttpOnly, SameSite=Lax, Secure when the site is served over https.
func (s *Server) SetSessionCookie(w http.ResponseWriter, tok string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: tok, Path: "/", HttpOnly: true,
		Secure: strings.HasPrefix(s.Site.BaseURL, "https://"), SameSite: http.SameSiteLaxMode, MaxAge: int(maxAge.Seconds())})
}

// ClearSessionCookie removes it at logout.
func (s *Server) ClearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", HttpOnly: true,
		Secure: strings.HasPrefix(s.Site.BaseURL, "https://"), SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
	wrote  bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.status = code
		r.wrote = true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func newRequestID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// clientIP is the peer address; behind a reverse proxy the proxy is
// expected to be the only peer and to set X-Forwarded-For.
func clientIP(r *http.Request) string {
	if f := r.Header.Get("X-Forwarded-For"); f != "" {
		ip, _, _ := strings.Cut(f, ",")
		return strings.TrimSpace(ip)
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
