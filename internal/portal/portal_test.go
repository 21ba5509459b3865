package portal_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/arengo-pa/arengo/internal/audit"
	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/portal"
	"github.com/arengo-pa/arengo/internal/store"
)

func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func newUser(t *testing.T, app *kerneltest.App, username, password string) {
	t.Helper()
	ctx := context.Background()
	err := app.Deps.DB.Transact(ctx, func(tx *store.Tx) error {
		_, err := app.Deps.Auth.CreateUser(ctx, tx, username, "Nome "+username, username+"@example.it", password, []string{"admin"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestHomePageLayoutAndHeaders(t *testing.T) {
	app := kerneltest.New(t, portal.New())
	resp, body := get(t, app.Client(t), app.URL+"/")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows inline code: %q", csp)
	}
	if resp.Header.Get("X-Request-Id") == "" {
		t.Error("no request id")
	}
	for _, want := range []string{`lang="it"`, `data-element="report-inefficiency"`, "Comune di Esempio", `id="main-container"`, `<footer`} {
		if !strings.Contains(body, want) {
			t.Errorf("home page lacks %s", want)
		}
	}
	if regexp.MustCompile(`<script>|style="`).MatchString(body) {
		t.Error("home page has inline script or style")
	}
	// Assets are served under their content hash, cacheable for good.
	css := regexp.MustCompile(`/static/[0-9a-f]{12}/vendor/bootstrap-italia/css/bootstrap-italia.min.css`).FindString(body)
	if css == "" {
		t.Fatal("no hashed Bootstrap Italia stylesheet in the page")
	}
	resp, _ = get(t, app.Client(t), app.URL+css)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("stylesheet: status %d cache %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
}

func TestEnglishOnRequest(t *testing.T) {
	app := kerneltest.New(t, portal.New())
	c := app.Client(t)
	resp, _ := get(t, c, app.URL+"/lingua?l=en&next=/")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("language switch status %d", resp.StatusCode)
	}
	_, body := get(t, c, app.URL+"/")
	if !strings.Contains(body, `lang="en"`) || !strings.Contains(body, "Report a problem") {
		t.Fatal("page not in English after choosing English")
	}
}

func TestStaffLoginAuditAndLimit(t *testing.T) {
	app := kerneltest.New(t, portal.New())
	newUser(t, app, "marta", "password-giusta")
	c := app.Client(t)
	post := func(pw string) *http.Response {
		resp, err := c.PostForm(app.URL+"/login", url.Values{"username": {"marta"}, "password": {pw}, "next": {"/admin"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if r := post("sbagliata"); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password: status %d", r.StatusCode)
	}
	if r := post("password-giusta"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/admin" {
		t.Fatalf("right password: status %d location %q", r.StatusCode, r.Header.Get("Location"))
	}
	cookie := ""
	for _, ck := range c.Jar.Cookies(mustURL(app.URL)) {
		if ck.Name == "arengo_session" {
			cookie = ck.Value
		}
	}
	if cookie == "" {
		t.Fatal("no session cookie after login")
	}
	resp, body := get(t, c, app.URL+"/admin/users")
	if resp.StatusCode != 200 || !strings.Contains(body, "marta") {
		t.Fatalf("admin users page: %d", resp.StatusCode)
	}
	rows, _, err := audit.Search(context.Background(), app.Deps.DB, audit.Filter{Action: "kernel.login"})
	if err != nil || len(rows) < 2 {
		t.Fatalf("audit has %d login entries (%v), want the failure and the success", len(rows), err)
	}
	// Past the limit even the right password is refused.
	for i := 0; i < 10; i++ {
		post("sbagliata")
	}
	if r := post("password-giusta"); r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("after many failures: status %d, want 429", r.StatusCode)
	}
}

// A form posted from another site is refused before any handler runs.
func TestCrossSitePostRefused(t *testing.T) {
	app := kerneltest.New(t, portal.New())
	newUser(t, app, "piero", "password-giusta")
	req, _ := http.NewRequest("POST", app.URL+"/login", strings.NewReader("username=piero&password=password-giusta"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site login post: status %d, want 403", resp.StatusCode)
	}
}

func TestDemoSeedIsIdempotent(t *testing.T) {
	app := kerneltest.NewWith(t, kerneltest.Options{NoRun: true}, portal.New())
	m := portal.New()
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if err := m.SeedDemo(ctx, app.Deps); err != nil {
			t.Fatal(err)
		}
	}
	var users, citizens, keys int
	app.Deps.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM kernel_users`).Scan(&users)
	app.Deps.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM kernel_citizens`).Scan(&citizens)
	app.Deps.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM kernel_api_keys`).Scan(&keys)
	if users != 1 || citizens != len(portal.DemoCitizens) || keys != 1 {
		t.Fatalf("after two seeds: %d users, %d citizens, %d keys", users, citizens, keys)
	}
	p, err := app.Deps.Auth.APIKeyPrincipal(ctx, portal.DemoAPIKey)
	if err != nil || p == nil || !p.HasScope("reports.manage") {
		t.Fatalf("demo key does not authenticate with every scope: %+v %v", p, err)
	}
}

func mustURL(s string) *url.URL {
	u, _ := url.Parse(s)
	return u
}
