package oidclogin_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/config"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/oidclogin"
	"github.com/arengo-pa/arengo/internal/oidclogin/oidcsim"
	"github.com/arengo-pa/arengo/internal/store"
	"github.com/arengo-pa/arengo/internal/web"
)

// whoami stands in for the portal: the pages a login lands on say who the
// session belongs to.
type whoami struct{}

func (whoami) Name() string                 { return "oidclogintest" }
func (whoami) Migrations() store.Migrations { return store.Migrations{} }
func (whoami) Init(d *kernel.Deps) error {
	show := func(w http.ResponseWriter, r *http.Request) {
		p := auth.FromContext(r.Context())
		if p == nil {
			fmt.Fprint(w, "anonymous")
			return
		}
		fmt.Fprintf(w, "%s|%s|%s|%s|%s", p.Kind, p.Username, p.FiscalCode, p.Name, p.Email)
	}
	d.Web.HandleFunc("GET /area-personale", web.Citizen, show)
	d.Web.HandleFunc("GET /admin", web.Staff, show)
	d.Web.HandleFunc("GET /pagina/{x}", web.Public, show)
	return oidclogin.Register(d)
}

type env struct {
	app            *kerneltest.App
	citizen, staff *oidcsim.Provider
}

const (
	citizenClient, citizenSecret = "arengo-cittadini", "segreto-cittadini"
	staffClient, staffSecret     = "arengo-operatori", "segreto:con/caratteri&speciali"
	mario                        = "RSSMRA80A01H501U"
)

func startSim(t *testing.T) *oidcsim.Provider {
	t.Helper()
	sim, err := oidcsim.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	return sim
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{citizen: startSim(t), staff: startSim(t)}
	e.app = kerneltest.NewWith(t, kerneltest.Options{Env: map[string]string{
		"ARENGO_CITIZEN_OIDC_ISSUER": e.citizen.URL, "ARENGO_CITIZEN_OIDC_CLIENT_ID": citizenClient,
		"ARENGO_CITIZEN_OIDC_SECRET": citizenSecret,
		"ARENGO_STAFF_OIDC_ISSUER":   e.staff.URL, "ARENGO_STAFF_OIDC_CLIENT_ID": staffClient,
		"ARENGO_STAFF_OIDC_SECRET": staffSecret,
	}}, whoami{})
	// The providers accept exactly the callback URLs a comune registers.
	e.citizen.AddClient(oidcsim.Client{ID: citizenClient, Secret: citizenSecret,
		RedirectURIs: []string{e.app.URL + "/auth/oidc/citizen/callback"}})
	e.staff.AddClient(oidcsim.Client{ID: staffClient, Secret: staffSecret,
		RedirectURIs: []string{e.app.URL + "/auth/oidc/staff/callback"}})
	e.citizen.SetUser(oidcsim.User{Subject: "spid-0001", Claims: map[string]any{
		"fiscal_number": "TINIT-" + mario, "given_name": "Mario", "family_name": "Rossi", "email": "Mario.Rossi@Example.it"}})
	return e
}

// browser follows redirects and keeps cookies, like a person's browser.
func browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second}
}

func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func (e *env) sessionToken(c *http.Client) string {
	u, _ := url.Parse(e.app.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == web.SessionCookie {
			return ck.Value
		}
	}
	return ""
}

func TestCitizenLogin(t *testing.T) {
	e := newEnv(t)
	c := browser()
	res, body := get(t, c, e.app.URL+"/auth/oidc/citizen/login")
	if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/area-personale" {
		t.Fatalf("ended at %s with %d: %s", res.Request.URL, res.StatusCode, body)
	}
	if want := "citizen||" + mario + "|Mario Rossi|mario.rossi@example.it"; body != want {
		t.Fatalf("area personale shows %q, want %q", body, want)
	}
	p, err := e.app.Deps.Auth.SessionPrincipal(context.Background(), e.sessionToken(c))
	if err != nil || p == nil || p.Kind != auth.Citizen || p.FiscalCode != mario {
		t.Fatalf("session principal %+v, %v", p, err)
	}
	var audits, events int
	db := e.app.Deps.DB
	db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM kernel_audit WHERE action = 'oidclogin.citizen_login'
		AND subject = $1 AND actor_kind = 'citizen'`, mario).Scan(&audits)
	db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM kernel_outbox WHERE type = 'oidclogin.citizen_logged_in'
		AND aggregate_id = $1`, p.ID).Scan(&events)
	if audits != 1 || events != 1 {
		t.Fatalf("audit entries %d, outbox events %d; want 1 and 1", audits, events)
	}

	// A second login updates what the provider now asserts, same citizen.
	e.citizen.SetUser(oidcsim.User{Subject: "spid-0001", Claims: map[string]any{
		"fiscalNumber": strings.ToLower(mario), "name": "Mario  Rossi\u0007", "email": "nuova@example.it"}})
	c2 := browser()
	res, body = get(t, c2, e.app.URL+"/auth/oidc/citizen/login?next=/pagina/pratiche%3Fanno=2026")
	if res.Request.URL.Path != "/pagina/pratiche" || res.Request.URL.RawQuery != "anno=2026" ||
		body != "citizen||"+mario+"|Mario Rossi|nuova@example.it" {
		t.Fatalf("second login ended at %s showing %q", res.Request.URL, body)
	}
	p2, _ := e.app.Deps.Auth.SessionPrincipal(context.Background(), e.sessionToken(c2))
	if p2 == nil || p2.ID != p.ID {
		t.Fatalf("second login is citizen %+v, want id %s", p2, p.ID)
	}
}

func TestLoginKeepsOnlyLocalNext(t *testing.T) {
	e := newEnv(t)
	for _, next := range []string{"https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"} {
		res, _ := get(t, browser(), e.app.URL+"/auth/oidc/citizen/login?next="+url.QueryEscape(next))
		if res.Request.URL.Host != strings.TrimPrefix(e.app.URL, "http://") || res.Request.URL.Path != "/area-personale" {
			t.Errorf("next=%q ended at %s, want the area personale", next, res.Request.URL)
		}
	}
}

// TestPendingCookie checks the login attempt cookie's flags and that the
// authorization request carries PKCE, state and nonce.
func TestPendingCookie(t *testing.T) {
	e := newEnv(t)
	res, _ := get(t, e.app.Client(t), e.app.URL+"/auth/oidc/citizen/login")
	loc, _ := url.Parse(res.Header.Get("Location"))
	q := loc.Query()
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc.String(), e.citizen.URL+"/authorize") ||
		q.Get("code_challenge_method") != "S256" || q.Get("state") == "" || q.Get("nonce") == "" ||
		q.Get("redirect_uri") != e.app.URL+"/auth/oidc/citizen/callback" {
		t.Fatalf("login redirect %d to %s", res.StatusCode, loc)
	}
	var pc *http.Cookie
	for _, ck := range res.Cookies() {
		if ck.Name == "arengo_oidc_citizen" {
			pc = ck
		}
	}
	if pc == nil || !pc.HttpOnly || pc.SameSite != http.SameSiteLaxMode || pc.Path != "/auth/oidc/citizen/callback" ||
		pc.MaxAge <= 0 || pc.MaxAge > 900 {
		t.Fatalf("pending cookie %+v", pc)
	}
	if strings.Contains(pc.Value, q.Get("code_challenge")) {
		t.Fatal("the cookie holds the challenge, it should hold the verifier")
	}
}

// TestCitizenLoginRefused runs logins that must not open a session.
func TestCitizenLoginRefused(t *testing.T) {
	e := newEnv(t)
	other := startSim(t)
	other.AddClient(oidcsim.Client{ID: citizenClient, Secret: citizenSecret})
	cases := []struct {
		name   string
		setup  func()
		status int
		says   string
	}{
		{"wrong nonce", func() { e.citizen.Forge(func(c map[string]any) { c["nonce"] = "un-altro-nonce" }) },
			http.StatusForbidden, "non ha confermato"},
		{"token from another issuer", func() { e.citizen.SignAs(other) }, http.StatusForbidden, "non ha confermato"},
		{"issuer claim of another provider", func() { e.citizen.Forge(func(c map[string]any) { c["iss"] = other.URL }) },
			http.StatusForbidden, "non ha confermato"},
		{"token for another client", func() { e.citizen.Forge(func(c map[string]any) { c["aud"] = "altro-client" }) },
			http.StatusForbidden, "non ha confermato"},
		{"token shared with another client", func() {
			e.citizen.Forge(func(c map[string]any) { c["aud"] = []string{citizenClient, "altro-client"}; c["azp"] = "altro-client" })
		}, http.StatusForbidden, "non ha confermato"},
		{"expired token", func() {
			e.citizen.Forge(func(c map[string]any) { c["exp"] = time.Now().Add(-time.Hour).Unix() })
		}, http.StatusForbidden, "non ha confermato"},
		{"no fiscal code", func() {
			e.citizen.SetUser(oidcsim.User{Subject: "x", Claims: map[string]any{"name": "Senza Codice"}})
		}, http.StatusForbidden, "codice fiscale"},
		{"invalid fiscal code", func() {
			e.citizen.SetUser(oidcsim.User{Subject: "x", Claims: map[string]any{"fiscal_number": "TINIT-RSSMRA80A01H501X"}})
		}, http.StatusForbidden, "codice fiscale"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e.citizen.Forge(nil)
			e.citizen.SignAs(nil)
			tc.setup()
			c := browser()
			res, body := get(t, c, e.app.URL+"/auth/oidc/citizen/login")
			if res.StatusCode != tc.status || !strings.Contains(body, tc.says) {
				t.Fatalf("got %d at %s, want %d saying %q:\n%s", res.StatusCode, res.Request.URL, tc.status, tc.says, body)
			}
			if tok := e.sessionToken(c); tok != "" {
				t.Fatalf("a session cookie was set")
			}
		})
	}
	var n int
	e.app.Deps.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM kernel_citizens`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d citizens recorded by refused logins", n)
	}
}

// TestTamperedState walks the redirects by hand and changes the state the
// provider sends back, as a forged callback link would.
func TestTamperedState(t *testing.T) {
	e := newEnv(t)
	c := e.app.Client(t) // does not follow redirects
	res, _ := get(t, c, e.app.URL+"/auth/oidc/citizen/login")
	res, _ = get(t, c, res.Header.Get("Location"))
	cb, err := url.Parse(res.Header.Get("Location"))
	if err != nil || cb.Query().Get("code") == "" {
		t.Fatalf("provider answered %d, %s", res.StatusCode, res.Header.Get("Location"))
	}
	q := cb.Query()
	good := q.Get("state")
	q.Set("state", good+"x")
	cb.RawQuery = q.Encode()
	res, body := get(t, c, cb.String())
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "scaduta o non è valida") || e.sessionToken(c) != "" {
		t.Fatalf("tampered state: %d, session %q", res.StatusCode, e.sessionToken(c))
	}
	// The attempt is spent: the genuine answer no longer logs in either.
	q.Set("state", good)
	cb.RawQuery = q.Encode()
	if res, _ = get(t, c, cb.String()); res.StatusCode != http.StatusBadRequest || e.sessionToken(c) != "" {
		t.Fatalf("replayed callback: %d", res.StatusCode)
	}
	// A callback in a browser that never started a login is refused too.
	if res, _ = get(t, browser(), cb.String()); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("callback without the pending cookie: %d", res.StatusCode)
	}
}

// TestProviderDenies: the provider answers with an error (here
// access_denied) instead of a code.
func TestProviderDenies(t *testing.T) {
	e := newEnv(t)
	e.citizen.Forge(func(map[string]any) { t.Error("a token was issued") })
	e.citizen.Cancel()
	res, body := get(t, browser(), e.app.URL+"/auth/oidc/citizen/login")
	if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "annullato") {
		t.Fatalf("got %d: %s", res.StatusCode, body)
	}
}

// TestClaimsAtUserInfo: some providers release the person's claims at
// userinfo only, not in the ID token.
func TestClaimsAtUserInfo(t *testing.T) {
	e := newEnv(t)
	e.citizen.UserInfoOnly(true)
	c := browser()
	res, body := get(t, c, e.app.URL+"/auth/oidc/citizen/login")
	if res.StatusCode != http.StatusOK || body != "citizen||"+mario+"|Mario Rossi|mario.rossi@example.it" {
		t.Fatalf("got %d: %q", res.StatusCode, body)
	}
}

func TestStaffLogin(t *testing.T) {
	e := newEnv(t)
	e.app.StaffSession(t, "mario.rossi", "reports.manage")
	e.app.StaffSession(t, "anna.bianchi", "reports.manage")
	if _, err := e.app.Deps.DB.ExecContext(context.Background(),
		`UPDATE kernel_users SET active = FALSE WHERE username = 'anna.bianchi'`); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		claims map[string]any
		status int
		says   string
	}{
		{"by preferred_username", map[string]any{"preferred_username": "Mario.Rossi"}, http.StatusOK, "staff|mario.rossi|"},
		{"by e-mail", map[string]any{"email": "MARIO.ROSSI@example.it"}, http.StatusOK, "staff|mario.rossi|"},
		{"unverified e-mail", map[string]any{"email": "mario.rossi@example.it", "email_verified": false},
			http.StatusForbidden, "né il nome utente né"},
		{"unknown user", map[string]any{"preferred_username": "luigi.verdi", "email": "luigi.verdi@example.it"},
			http.StatusForbidden, "l&#39;utenza «luigi.verdi» non è registrata"},
		{"inactive user", map[string]any{"preferred_username": "anna.bianchi"}, http.StatusForbidden, "non è registrata o non è attiva"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e.staff.SetUser(oidcsim.User{Subject: "ad-" + tc.name, Claims: tc.claims})
			c := browser()
			res, body := get(t, c, e.app.URL+"/auth/oidc/staff/login")
			if res.StatusCode != tc.status || !strings.Contains(body, tc.says) {
				t.Fatalf("got %d at %s, want %d saying %q:\n%s", res.StatusCode, res.Request.URL, tc.status, tc.says, body)
			}
			if ok := tc.status == http.StatusOK; ok != (e.sessionToken(c) != "") {
				t.Fatalf("session cookie present: %v, want %v", !ok, ok)
			}
			if tc.status == http.StatusOK && res.Request.URL.Path != "/admin" {
				t.Fatalf("staff login ended at %s, want /admin", res.Request.URL)
			}
		})
	}
	var users, audits int
	db := e.app.Deps.DB
	db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM kernel_users`).Scan(&users)
	db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM kernel_audit WHERE action = 'oidclogin.staff_login'
		AND actor_name = 'mario.rossi'`).Scan(&audits)
	if users != 2 || audits != 2 {
		t.Fatalf("%d staff accounts (want 2: none created by login), %d login audits (want 2)", users, audits)
	}
}

func TestNotConfigured(t *testing.T) {
	app := kerneltest.New(t, whoami{})
	for _, r := range app.Deps.Web.Routes() {
		if strings.HasPrefix(strings.TrimPrefix(r.Pattern, "GET "), "/auth/oidc/") {
			t.Errorf("route %s registered with no issuer configured", r.Pattern)
		}
	}
	if s, c := oidclogin.Enabled(app.Deps.Config); s || c {
		t.Errorf("Enabled = %v, %v with nothing configured", s, c)
	}
	res, _ := get(t, browser(), app.URL+"/auth/oidc/citizen/login")
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("citizen login answers %d, want 404", res.StatusCode)
	}
}

// TestProviderDown: Arengo starts while the provider is down and logins
// fail with a clear page until it is back.
func TestProviderDown(t *testing.T) {
	app := kerneltest.NewWith(t, kerneltest.Options{Env: map[string]string{
		"ARENGO_CITIZEN_OIDC_ISSUER": "http://127.0.0.1:1", "ARENGO_CITIZEN_OIDC_CLIENT_ID": "x"}}, whoami{})
	res, body := get(t, browser(), app.URL+"/auth/oidc/citizen/login")
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "non è raggiungibile") {
		t.Fatalf("got %d: %s", res.StatusCode, body)
	}
}

func TestScopesAndACRSettings(t *testing.T) {
	sim := startSim(t)
	app := kerneltest.NewWith(t, kerneltest.Options{Env: map[string]string{
		"ARENGO_CITIZEN_OIDC_ISSUER": sim.URL, "ARENGO_CITIZEN_OIDC_CLIENT_ID": "x",
		"ARENGO_CITIZEN_OIDC_SCOPES":     "profile  spid_attributes",
		"ARENGO_CITIZEN_OIDC_ACR_VALUES": "https://www.spid.gov.it/SpidL2"}}, whoami{})
	res, _ := get(t, app.Client(t), app.URL+"/auth/oidc/citizen/login")
	loc, _ := url.Parse(res.Header.Get("Location"))
	if q := loc.Query(); q.Get("scope") != "openid profile spid_attributes" || q.Get("acr_values") != "https://www.spid.gov.it/SpidL2" {
		t.Fatalf("authorization request %s", loc)
	}
}

func TestRegisterRefusesBadIssuer(t *testing.T) {
	d := &kernel.Deps{Config: &config.Config{CitizenOIDCIssuer: "login.comune.it", CitizenOIDCClientID: "x"},
		Web: web.NewServer(slog.Default(), nil, web.Site{})}
	err := oidclogin.Register(d)
	if err == nil || !strings.Contains(err.Error(), "ARENGO_CITIZEN_OIDC_ISSUER") {
		t.Fatalf("Register = %v, want an error naming the setting", err)
	}
}
