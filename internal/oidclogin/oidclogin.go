// Package oidclogin logs staff and citizens in through OpenID Connect: the
// authorization code flow with PKCE, state and nonce in a short-lived
// cookie, the ID token verified against the issuer's keys. Citizens come
// from the comune's SPID/CIE proxy (see docs/spid-cie.md) and are recorded
// at login; staff come from the comune's own provider and must already have
// an account, which an admin creates with its roles.
package oidclogin

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/config"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/web"
)

// Enabled tells which logins are configured (issuer and client id set).
func Enabled(cfg *config.Config) (staff, citizen bool) {
	return cfg.StaffOIDCIssuer != "" && cfg.StaffOIDCClientID != "",
		cfg.CitizenOIDCIssuer != "" && cfg.CitizenOIDCClientID != ""
}

// LoginPath is where a login link for kind ("staff" or "citizen") points.
func LoginPath(kind auth.Kind) string { return "/auth/oidc/" + string(kind) + "/login" }

// Register adds the login and callback routes of each configured issuer.
// The issuer is contacted at the first login, not here, so Arengo starts
// even while the identity provider is down.
func Register(d *kernel.Deps) error {
	d.Web.AddMessages(messages)
	staff, citizen := Enabled(d.Config)
	cfg := d.Config
	if staff {
		if err := register(d, auth.Staff, cfg.StaffOIDCIssuer, cfg.StaffOIDCClientID, cfg.StaffOIDCSecret, "/admin"); err != nil {
			return err
		}
	}
	if citizen {
		if err := register(d, auth.Citizen, cfg.CitizenOIDCIssuer, cfg.CitizenOIDCClientID, cfg.CitizenOIDCSecret, "/area-personale"); err != nil {
			return err
		}
	}
	return nil
}

// flow is one configured issuer: staff or citizens.
type flow struct {
	d                        *kernel.Deps
	kind                     auth.Kind
	env                      string // prefix of this flow's settings, for messages and extra options
	issuer, clientID, secret string
	callbackPath             string
	defaultNext              string
	scopes                   []string
	acrValues                string
	client                   *http.Client

	mu   sync.Mutex
	prov *oidc.Provider
}

func register(d *kernel.Deps, kind auth.Kind, issuer, clientID, secret, defaultNext string) error {
	env := "ARENGO_" + strings.ToUpper(string(kind)) + "_OIDC_"
	if u, err := url.Parse(issuer); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("setting %sISSUER=%q: must be the issuer's http(s) URL", env, issuer)
	}
	// The issuer is kept as written: it must equal, byte for byte, the
	// issuer in the provider's discovery document and ID tokens.
	f := &flow{d: d, kind: kind, env: env, issuer: issuer, clientID: clientID, secret: secret,
		callbackPath: "/auth/oidc/" + string(kind) + "/callback", defaultNext: defaultNext,
		scopes: []string{oidc.ScopeOpenID, "profile", "email"}, client: &http.Client{Timeout: 15 * time.Second}}
	if s := f.setting("SCOPES"); s != "" {
		f.scopes = strings.Fields(s)
		if !slices.Contains(f.scopes, oidc.ScopeOpenID) {
			f.scopes = append([]string{oidc.ScopeOpenID}, f.scopes...)
		}
	}
	f.acrValues = f.setting("ACR_VALUES")
	d.Web.HandleFunc("GET "+LoginPath(kind), web.Public, f.login)
	d.Web.HandleFunc("GET "+f.callbackPath, web.Public, f.callback)
	return nil
}

// setting reads one of this flow's optional settings beyond the kernel's
// issuer, client id and secret: SCOPES (space-separated, openid is always
// asked) and ACR_VALUES (e.g. https://www.spid.gov.it/SpidL2).
func (f *flow) setting(name string) string {
	if f.d.Config.Env == nil {
		return ""
	}
	return strings.TrimSpace(f.d.Config.Env(f.env + name))
}

func (f *flow) redirectURL() string { return f.d.Config.BaseURL + f.callbackPath }
