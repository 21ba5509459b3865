package oidclogin

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/web"
)

// login sends the browser to the provider with a fresh state, nonce and
// PKCE verifier, remembered in the pending cookie.
func (f *flow) login(w http.ResponseWriter, r *http.Request) {
	prov, err := f.provider(r.Context())
	if err != nil {
		f.d.Log.Error("oidc provider unreachable", "flow", f.kind, "err", err)
		f.fail(w, r, http.StatusServiceUnavailable, "oidclogin.unavailable")
		return
	}
	p := pending{State: random(), Nonce: random(), Verifier: oauth2.GenerateVerifier(),
		Next: web.LocalPath(r.URL.Query().Get("next"), f.defaultNext)}
	f.setPending(w, p)
	opts := []oauth2.AuthCodeOption{oidc.Nonce(p.Nonce), oauth2.S256ChallengeOption(p.Verifier)}
	if f.acrValues != "" {
		opts = append(opts, oauth2.SetAuthURLParam("acr_values", f.acrValues))
	}
	http.Redirect(w, r, f.oauth(prov).AuthCodeURL(p.State, opts...), http.StatusSeeOther)
}

// callback checks that the answer belongs to the attempt this browser
// started (state), exchanges the code with the PKCE verifier, verifies the
// ID token (signature, issuer, audience, expiry) and its nonce, then logs
// the person in.
func (f *flow) callback(w http.ResponseWriter, r *http.Request) {
	p, ok := f.takePending(w, r)
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		f.d.Log.Warn("oidc login refused by provider", "flow", f.kind, "error", e, "description", q.Get("error_description"))
		f.fail(w, r, http.StatusForbidden, "oidclogin.denied")
		return
	}
	if !ok || subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(p.State)) != 1 || q.Get("code") == "" {
		f.fail(w, r, http.StatusBadRequest, "oidclogin.expired")
		return
	}
	prov, err := f.provider(r.Context())
	if err != nil {
		f.d.Log.Error("oidc provider unreachable", "flow", f.kind, "err", err)
		f.fail(w, r, http.StatusServiceUnavailable, "oidclogin.unavailable")
		return
	}
	ctx := f.clientContext(r.Context())
	tok, err := f.oauth(prov).Exchange(ctx, q.Get("code"), oauth2.VerifierOption(p.Verifier))
	if err != nil {
		f.refuse(w, r, "code exchange", err)
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		f.refuse(w, r, "token response", fmt.Errorf("no id_token"))
		return
	}
	idt, err := prov.Verifier(&oidc.Config{ClientID: f.clientID}).Verify(ctx, raw)
	if err != nil {
		f.refuse(w, r, "id token", err)
		return
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(p.Nonce)) != 1 {
		f.refuse(w, r, "id token", fmt.Errorf("nonce does not match the login attempt"))
		return
	}
	claims := map[string]any{}
	if err := idt.Claims(&claims); err != nil {
		f.refuse(w, r, "id token claims", err)
		return
	}
	// A token for several audiences must name us as the party it was issued
	// to (OpenID Connect Core §3.1.3.7).
	if len(idt.Audience) > 1 && claimString(claims, "azp") != f.clientID {
		f.refuse(w, r, "id token", fmt.Errorf("several audiences and azp %q", claimString(claims, "azp")))
		return
	}
	if f.needsUserInfo(claims) && prov.UserInfoEndpoint() != "" {
		f.addUserInfo(r, prov, tok, idt.Subject, claims)
	}
	if f.kind == auth.Citizen {
		f.loginCitizen(w, r, claims, p.Next)
	} else {
		f.loginStaff(w, r, claims, p.Next)
	}
}

// needsUserInfo tells whether the ID token lacks claims we use: some
// providers release them at userinfo only.
func (f *flow) needsUserInfo(c map[string]any) bool {
	if f.kind == auth.Staff {
		u, e := staffKeys(c)
		return u == "" && e == ""
	}
	ci, err := citizenFromClaims(c)
	return err != nil || ci.Name == "" || ci.Email == ""
}

// addUserInfo fills the claims the ID token lacks from userinfo, whose
// subject must be the ID token's (OpenID Connect Core §5.3.2). A failure
// leaves the claims as they were: what is still missing refuses the login.
func (f *flow) addUserInfo(r *http.Request, prov *oidc.Provider, tok *oauth2.Token, subject string, claims map[string]any) {
	ui, err := prov.UserInfo(f.clientContext(r.Context()), oauth2.StaticTokenSource(tok))
	if err != nil {
		f.d.Log.Warn("oidc userinfo", "flow", f.kind, "err", err)
		return
	}
	if ui.Subject != subject {
		f.d.Log.Error("oidc userinfo subject differs from the id token", "flow", f.kind)
		return
	}
	extra := map[string]any{}
	if err := ui.Claims(&extra); err != nil {
		f.d.Log.Warn("oidc userinfo claims", "flow", f.kind, "err", err)
		return
	}
	for k, v := range extra {
		if _, ok := claims[k]; !ok {
			claims[k] = v
		}
	}
}

// startSession replaces any session the browser had (no session fixation)
// and sets the new session cookie.
func (f *flow) startSession(w http.ResponseWriter, r *http.Request, id string) error {
	if c, err := r.Cookie(web.SessionCookie); err == nil && c.Value != "" {
		if err := f.d.Auth.EndSession(r.Context(), c.Value); err != nil {
			return err
		}
	}
	tok, err := f.d.Auth.StartSession(r.Context(), f.kind, id)
	if err != nil {
		return err
	}
	f.d.Web.SetSessionCookie(w, tok, f.d.Auth.SessionTTL)
	return nil
}

func (f *flow) refuse(w http.ResponseWriter, r *http.Request, step string, err error) {
	f.d.Log.Warn("oidc login refused", "flow", f.kind, "step", step, "err", err)
	f.fail(w, r, http.StatusForbidden, "oidclogin.refused")
}

func (f *flow) fail(w http.ResponseWriter, r *http.Request, status int, key string, args ...any) {
	msg := f.d.Web.T(web.Lang(r), key)
	if len(args) > 0 {
		msg = fmt.Sprintf(msg, args...)
	}
	f.d.Web.ErrorStatus(w, r, status, msg)
}

func random() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
