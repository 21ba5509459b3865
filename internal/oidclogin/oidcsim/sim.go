// Package oidcsim is a small but real OpenID Connect provider for tests and
// the demo: discovery, JWKS, an authorization endpoint that logs the preset
// user in at once, a token endpoint that checks the PKCE verifier and signs
// RS256 ID tokens, and userinfo. It keeps everything in memory.
package oidcsim

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// User is who the provider says logged in.
type User struct {
	Subject string
	// Claims are released in the ID token and at userinfo: fiscal_number,
	// name, email, preferred_username…
	Claims map[string]any
}

// Client is a registered relying party. With no RedirectURIs any redirect is
// accepted; an empty Secret makes it a public client (PKCE only).
type Client struct {
	ID, Secret   string
	RedirectURIs []string
}

// Provider is the simulated OpenID provider. URL is its issuer.
type Provider struct {
	URL string

	key    *rsa.PrivateKey
	kid    string
	prefix string
	mux    *http.ServeMux
	srv    *http.Server

	mu           sync.Mutex
	clients      map[string]Client
	user         *User
	codes        map[string]grant
	tokens       map[string]accessGrant
	forge        func(claims map[string]any)
	signer       *Provider
	userInfoOnly bool
}

type grant struct {
	clientID, redirectURI, challenge, nonce string
	user                                    User
	expires                                 time.Time
}

type accessGrant struct {
	user    User
	expires time.Time
}

const (
	codeTTL  = time.Minute
	tokenTTL = 5 * time.Minute
)

// New returns a provider whose issuer is issuer; it serves the paths under
// the issuer's path, so it can be mounted inside another server.
func New(issuer string) (*Provider, error) {
	u, err := url.Parse(issuer)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("oidcsim: issuer %q is not an http(s) URL", issuer)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	p := &Provider{URL: strings.TrimRight(issuer, "/"), key: key, kid: randomString(8),
		prefix: strings.TrimRight(u.Path, "/"), clients: map[string]Client{},
		codes: map[string]grant{}, tokens: map[string]accessGrant{}}
	p.mux = http.NewServeMux()
	p.mux.HandleFunc("GET "+p.prefix+"/.well-known/openid-configuration", p.discovery)
	p.mux.HandleFunc("GET "+p.prefix+"/jwks", p.jwks)
	p.mux.HandleFunc("GET "+p.prefix+"/authorize", p.authorize)
	p.mux.HandleFunc("POST "+p.prefix+"/token", p.token)
	p.mux.HandleFunc("GET "+p.prefix+"/userinfo", p.userinfo)
	return p, nil
}

// Start runs a provider on a loopback port; Close stops it.
func Start() (*Provider, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p, err := New("http://" + ln.Addr().String())
	if err != nil {
		ln.Close()
		return nil, err
	}
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 5 * time.Second}
	go p.srv.Serve(ln)
	return p, nil
}

// Close stops a provider made by Start.
func (p *Provider) Close() error {
	if p.srv == nil {
		return nil
	}
	return p.srv.Close()
}

func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) { p.mux.ServeHTTP(w, r) }

// AddClient registers a relying party.
func (p *Provider) AddClient(c Client) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clients[c.ID] = c
}

// SetUser chooses who the next logins are for.
func (p *Provider) SetUser(u User) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.user = &u
}

// Cancel makes the next logins end with access_denied, as when a person
// cancels at the provider, until SetUser.
func (p *Provider) Cancel() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.user = nil
}

// Forge edits every ID token's claims before signing, so tests can issue
// tokens a relying party must refuse (a wrong nonce, audience…); nil stops it.
func (p *Provider) Forge(f func(claims map[string]any)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.forge = f
}

// SignAs makes the ID tokens come from other: its issuer and its key, as if
// another provider's token were replayed here; nil stops it.
func (p *Provider) SignAs(other *Provider) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.signer = other
}

// UserInfoOnly keeps the user's claims out of the ID token and releases
// them at userinfo only, as some providers do unless configured otherwise.
func (p *Provider) UserInfoOnly(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.userInfoOnly = on
}

func (p *Provider) discovery(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                p.URL,
		"authorization_endpoint":                p.URL + "/authorize",
		"token_endpoint":                        p.URL + "/token",
		"userinfo_endpoint":                     p.URL + "/userinfo",
		"jwks_uri":                              p.URL + "/jwks",
		"response_types_supported":              []string{"code"},
		"response_modes_supported":              []string{"query"},
		"grant_types_supported":                 []string{"authorization_code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"code_challenge_methods_supported":      []string{"S256"},
		"scopes_supported":                      []string{"openid", "profile", "email"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post", "none"},
		"claims_supported": []string{"sub", "name", "given_name", "family_name", "email",
			"preferred_username", "fiscal_number"},
	})
}

func (p *Provider) jwks(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
		{Key: &p.key.PublicKey, KeyID: p.kid, Algorithm: string(jose.RS256), Use: "sig"}}})
}

// authorize checks the request and, without asking anything, redirects back
// with a code for the preset user. Errors about the client or the redirect
// URI are shown here, the others are sent back to the client as the spec says.
func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p.mu.Lock()
	c, known := p.clients[q.Get("client_id")]
	p.mu.Unlock()
	redirect := q.Get("redirect_uri")
	ru, err := url.Parse(redirect)
	switch {
	case !known:
		http.Error(w, "unknown client_id", http.StatusBadRequest)
		return
	case err != nil || !ru.IsAbs() || (len(c.RedirectURIs) > 0 && !slices.Contains(c.RedirectURIs, redirect)):
		http.Error(w, "redirect_uri not registered for this client", http.StatusBadRequest)
		return
	}
	back := func(params url.Values) {
		params.Set("state", q.Get("state"))
		rq := ru.Query()
		for k, v := range params {
			rq[k] = v
		}
		ru.RawQuery = rq.Encode()
		http.Redirect(w, r, ru.String(), http.StatusFound)
	}
	fail := func(code, desc string) { back(url.Values{"error": {code}, "error_description": {desc}}) }
	switch {
	case q.Get("response_type") != "code":
		fail("unsupported_response_type", "only the authorization code flow is supported")
		return
	case !slices.Contains(strings.Fields(q.Get("scope")), "openid"):
		fail("invalid_scope", "scope must include openid")
		return
	case q.Get("code_challenge") == "" || q.Get("code_challenge_method") != "S256":
		fail("invalid_request", "PKCE with S256 is required")
		return
	}
	p.mu.Lock()
	user := p.user
	code := randomString(24)
	if user != nil {
		p.codes[code] = grant{clientID: c.ID, redirectURI: redirect, challenge: q.Get("code_challenge"),
			nonce: q.Get("nonce"), user: *user, expires: time.Now().Add(codeTTL)}
	}
	p.mu.Unlock()
	if user == nil {
		fail("access_denied", "the person cancelled the login")
		return
	}
	back(url.Values{"code": {code}})
}

// token exchanges a code, once, for an access token and a signed ID token.
func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		tokenError(w, http.StatusBadRequest, "invalid_request", "unreadable form")
		return
	}
	id, secret, basic := r.BasicAuth()
	if basic {
		// RFC 6749 §2.3.1: the credentials are form-encoded before Basic.
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	p.mu.Lock()
	c, known := p.clients[id]
	p.mu.Unlock()
	if !known || subtle.ConstantTimeCompare([]byte(c.Secret), []byte(secret)) != 1 {
		// The code is not spent: a client may retry with the other way of
		// sending its credentials, as golang.org/x/oauth2 does.
		tokenError(w, http.StatusUnauthorized, "invalid_client", "client authentication failed")
		return
	}
	p.mu.Lock()
	code := r.PostForm.Get("code")
	g, found := p.codes[code]
	delete(p.codes, code)
	p.mu.Unlock()
	switch {
	case r.PostForm.Get("grant_type") != "authorization_code":
		tokenError(w, http.StatusBadRequest, "unsupported_grant_type", "only authorization_code")
		return
	case !found || time.Now().After(g.expires) || g.clientID != id:
		tokenError(w, http.StatusBadRequest, "invalid_grant", "unknown, used or expired code")
		return
	case g.redirectURI != r.PostForm.Get("redirect_uri"):
		tokenError(w, http.StatusBadRequest, "invalid_grant", "redirect_uri differs from the authorization request")
		return
	case s256(r.PostForm.Get("code_verifier")) != g.challenge:
		tokenError(w, http.StatusBadRequest, "invalid_grant", "PKCE verifier does not match the challenge")
		return
	}
	idToken, err := p.idToken(g)
	if err != nil {
		tokenError(w, http.StatusInternalServerError, "server_error", err.Error())
		return
	}
	access := randomString(32)
	p.mu.Lock()
	p.tokens[access] = accessGrant{user: g.user, expires: time.Now().Add(tokenTTL)}
	p.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"access_token": access, "token_type": "Bearer",
		"expires_in": int(tokenTTL.Seconds()), "id_token": idToken})
}

func (p *Provider) idToken(g grant) (string, error) {
	p.mu.Lock()
	signer, forge, userInfoOnly := p, p.forge, p.userInfoOnly
	if p.signer != nil {
		signer = p.signer
	}
	p.mu.Unlock()
	now := time.Now()
	claims := map[string]any{}
	if !userInfoOnly {
		maps.Copy(claims, g.user.Claims)
	}
	maps.Copy(claims, map[string]any{"iss": signer.URL, "sub": g.user.Subject, "aud": g.clientID,
		"iat": now.Unix(), "auth_time": now.Unix(), "exp": now.Add(tokenTTL).Unix()})
	if g.nonce != "" {
		claims["nonce"] = g.nonce
	}
	if forge != nil {
		forge(claims)
	}
	return signer.sign(claims)
}

func (p *Provider) sign(claims map[string]any) (string, error) {
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: p.key, KeyID: p.kid}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	jws, err := s.Sign(payload)
	if err != nil {
		return "", err
	}
	return jws.CompactSerialize()
}

func (p *Provider) userinfo(w http.ResponseWriter, r *http.Request) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	p.mu.Lock()
	g, found := p.tokens[tok]
	p.mu.Unlock()
	if !ok || !found || time.Now().After(g.expires) {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		http.Error(w, "invalid access token", http.StatusUnauthorized)
		return
	}
	claims := maps.Clone(g.user.Claims)
	if claims == nil {
		claims = map[string]any{}
	}
	claims["sub"] = g.user.Subject
	writeJSON(w, http.StatusOK, claims)
}

func s256(verifier string) string {
	h := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

func tokenError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func randomString(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
