package oidclogin_test

import (
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/oidclogin/oidcsim"
)

// TestBrowserCitizenLogin logs in with a real browser. The provider is
// reached as "localhost" and Arengo as 127.0.0.1, two different sites, so the
// browser itself decides whether the SameSite=Lax login cookie comes back
// with the provider's redirect.
func TestBrowserCitizenLogin(t *testing.T) {
	ctx := kerneltest.Browser(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	sim, err := oidcsim.New("http://localhost:" + port)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: sim, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	staff := startSim(t)
	app := kerneltest.NewWith(t, kerneltest.Options{Env: map[string]string{
		"ARENGO_CITIZEN_OIDC_ISSUER": sim.URL, "ARENGO_CITIZEN_OIDC_CLIENT_ID": citizenClient,
		"ARENGO_CITIZEN_OIDC_SECRET": citizenSecret,
		"ARENGO_STAFF_OIDC_ISSUER":   staff.URL, "ARENGO_STAFF_OIDC_CLIENT_ID": staffClient,
	}}, whoami{})
	sim.AddClient(oidcsim.Client{ID: citizenClient, Secret: citizenSecret})
	sim.SetUser(oidcsim.User{Subject: "spid-1", Claims: map[string]any{"fiscal_number": "TINIT-" + mario, "name": "Mario Rossi"}})
	staff.AddClient(oidcsim.Client{ID: staffClient})
	staff.SetUser(oidcsim.User{Subject: "ad-1", Claims: map[string]any{"preferred_username": "luigi.verdi"}})

	if err := chromedp.Do(ctx, chromedp.Navigate(app.URL+"/auth/oidc/citizen/login"),
		chromedp.WaitVisible(chromedp.CSS("body"))); err != nil {
		t.Fatal(err)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
	if err != nil || !strings.HasSuffix(loc, "/area-personale") || !strings.Contains(body, "citizen||"+mario+"|Mario Rossi") {
		t.Fatalf("browser at %s shows %q (%v)", loc, body, err)
	}

	// A colleague the comune's provider knows but Arengo does not.
	if err := chromedp.Do(ctx, chromedp.Navigate(app.URL+"/auth/oidc/staff/login"),
		chromedp.WaitVisible(chromedp.CSS("main")), kerneltest.Screenshot("/tmp/oidclogin-staff-unknown.png")); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil || !strings.Contains(text, "l'utenza «luigi.verdi» non è registrata") {
		t.Fatalf("staff refusal page shows %q (%v)", text, err)
	}
}
