package oidcsim_test

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/arengo-pa/arengo/internal/oidclogin/oidcsim"
)

const redirect = "http://rp.example/callback"

func setup(t *testing.T) (*oidcsim.Provider, *oidc.Provider, *oauth2.Config) {
	t.Helper()
	sim, err := oidcsim.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	sim.AddClient(oidcsim.Client{ID: "rp", Secret: "s", RedirectURIs: []string{redirect}})
	sim.SetUser(oidcsim.User{Subject: "u1", Claims: map[string]any{"fiscal_number": "TINIT-RSSMRA80A01H501U"}})
	prov, err := oidc.NewProvider(context.Background(), sim.URL)
	if err != nil {
		t.Fatal(err)
	}
	// One way of sending the secret, so a refusal is not retried the other way.
	ep := prov.Endpoint()
	ep.AuthStyle = oauth2.AuthStyleInHeader
	return sim, prov, &oauth2.Config{ClientID: "rp", ClientSecret: "s", Endpoint: ep,
		RedirectURL: redirect, Scopes: []string{"openid"}}
}

// authorize runs the authorization step and returns the code.
func authorize(t *testing.T, cfg *oauth2.Config, verifier string) string {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(cfg.AuthCodeURL("st", oidc.Nonce("n1"), oauth2.S256ChallengeOption(verifier)))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc, _ := url.Parse(res.Header.Get("Location"))
	if res.StatusCode != http.StatusFound || !strings.HasPrefix(loc.String(), redirect) || loc.Query().Get("state") != "st" {
		t.Fatalf("authorize answered %d to %s", res.StatusCode, loc)
	}
	return loc.Query().Get("code")
}

func TestCodeFlow(t *testing.T) {
	_, prov, cfg := setup(t)
	ctx := context.Background()
	v := oauth2.GenerateVerifier()
	code := authorize(t, cfg, v)
	if _, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(oauth2.GenerateVerifier())); err == nil ||
		!strings.Contains(err.Error(), "PKCE") {
		t.Fatalf("exchange with another verifier: %v", err)
	}
	// A refused exchange spends the code, like a used one.
	if _, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(v)); err == nil {
		t.Fatal("a code was exchanged twice")
	}
	code = authorize(t, cfg, v)
	tok, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(v))
	if err != nil {
		t.Fatal(err)
	}
	idt, err := prov.Verifier(&oidc.Config{ClientID: "rp"}).Verify(ctx, tok.Extra("id_token").(string))
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	idt.Claims(&claims)
	if idt.Nonce != "n1" || idt.Subject != "u1" || claims["fiscal_number"] != "TINIT-RSSMRA80A01H501U" {
		t.Fatalf("id token %+v claims %v", idt, claims)
	}
	ui, err := prov.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil || ui.Subject != "u1" {
		t.Fatalf("userinfo %+v, %v", ui, err)
	}
}

func TestRefusals(t *testing.T) {
	_, _, cfg := setup(t)
	ctx := context.Background()
	v := oauth2.GenerateVerifier()
	bad := *cfg
	bad.ClientSecret = "wrong"
	code := authorize(t, cfg, v)
	if _, err := bad.Exchange(ctx, code, oauth2.VerifierOption(v)); err == nil {
		t.Error("wrong client secret accepted")
	}
	if _, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(v)); err != nil {
		t.Errorf("the right client could not use a code after a failed client authentication: %v", err)
	}
	for name, u := range map[string]string{
		"unregistered redirect": strings.Replace(cfg.AuthCodeURL("st", oauth2.S256ChallengeOption(v)), "rp.example", "evil.example", 1),
		"unknown client":        strings.Replace(cfg.AuthCodeURL("st", oauth2.S256ChallengeOption(v)), "client_id=rp", "client_id=x", 1),
	} {
		res, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d", name, res.StatusCode)
		}
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(cfg.AuthCodeURL("st")) // no PKCE
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if loc, _ := url.Parse(res.Header.Get("Location")); loc.Query().Get("error") != "invalid_request" || loc.Query().Get("code") != "" {
		t.Errorf("authorization without PKCE answered %s", loc)
	}
}

// TestMountedUnderPath: an issuer with a path (as Keycloak's realms or a
// simulator mounted inside another server) serves its endpoints below it.
func TestMountedUnderPath(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sim, err := oidcsim.New("http://" + ln.Addr().String() + "/realms/comune")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: sim}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	prov, err := oidc.NewProvider(context.Background(), sim.URL)
	if err != nil {
		t.Fatal(err)
	}
	if got := prov.Endpoint().TokenURL; got != sim.URL+"/token" {
		t.Fatalf("token endpoint %s", got)
	}
	res, err := http.Get(sim.URL + "/jwks")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("jwks: %v %v", res, err)
	}
	res.Body.Close()
}
