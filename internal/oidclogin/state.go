package oidclogin

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/web"
)

// pending is what the login step keeps for its callback, in a cookie that
// only the callback path receives: no server-side state, so any of several
// Arengo processes can finish a login another one started.
type pending struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Next     string `json:"x"`
}

// pendingTTL is how long a person has to log in at the provider.
const pendingTTL = 10 * time.Minute

func (f *flow) cookieName() string { return "arengo_oidc_" + string(f.kind) }

// SameSite=Lax: the provider's redirect back is a top-level GET, which
// carries Lax cookies; a cross-site POST or sub-request does not.
func (f *flow) pendingCookie(value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: f.cookieName(), Value: value, Path: f.callbackPath, MaxAge: maxAge, HttpOnly: true,
		Secure: strings.HasPrefix(f.d.Config.BaseURL, "https://"), SameSite: http.SameSiteLaxMode}
}

func (f *flow) setPending(w http.ResponseWriter, p pending) {
	b, _ := json.Marshal(p)
	http.SetCookie(w, f.pendingCookie(base64.RawURLEncoding.EncodeToString(b), int(pendingTTL.Seconds())))
}

// takePending reads the cookie and removes it: a login attempt is used once.
func (f *flow) takePending(w http.ResponseWriter, r *http.Request) (pending, bool) {
	c, err := r.Cookie(f.cookieName())
	if err != nil {
		return pending{}, false
	}
	http.SetCookie(w, f.pendingCookie("", -1))
	return decodePending(c.Value, f.defaultNext)
}

// decodePending parses the cookie's value; the browser may send anything,
// so every field is checked again.
func decodePending(v, defaultNext string) (pending, bool) {
	if len(v) > 4096 {
		return pending{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		return pending{}, false
	}
	var p pending
	if json.Unmarshal(b, &p) != nil || p.State == "" || p.Nonce == "" || len(p.Verifier) < 43 || len(p.Verifier) > 128 {
		return pending{}, false
	}
	p.Next = web.LocalPath(p.Next, defaultNext)
	return p, true
}
