package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/arengo-pa/arengo/internal/config"
	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/store"
)

// A staff member logs in with the form and reaches the admin; a citizen
// logs in (demo identity) and sees the Area personale.
func TestBrowserStaffAndCitizenLogin(t *testing.T) {
	cfg, _ := config.Load(nil, func(string) string { return "" })
	app := kerneltest.NewWith(t, kerneltest.Options{Env: map[string]string{"ARENGO_DEMO": "1"}}, modules(cfg)...)
	ctx := context.Background()
	err := app.Deps.DB.Transact(ctx, func(tx *store.Tx) error {
		_, err := app.Deps.Auth.CreateUser(ctx, tx, "anna", "Anna Operatrice", "anna@example.it", "password-sicura", []string{"admin"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	shots := kerneltest.ScreenshotDir(t)

	b := kerneltest.Browser(t)
	err = chromedp.Do(b,
		chromedp.Navigate(app.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS("#username"), "anna"),
		chromedp.SendKeys(chromedp.CSS("#password"), "password-sicura"),
		kerneltest.Screenshot(filepath.Join(shots, "login.png")),
		chromedp.Click(chromedp.CSS("form[action='/login'] button[type=submit]")),
		kerneltest.AwaitVisible(chromedp.CSS("a[href='/admin/users']")),
		kerneltest.Screenshot(filepath.Join(shots, "admin.png")),
	)
	if err != nil {
		t.Fatalf("staff login: %v", err)
	}
	if loc, _ := chromedp.Run(b, chromedp.Location()); !strings.HasSuffix(loc, "/admin") {
		t.Fatalf("after staff login the browser is at %s", loc)
	}

	c := kerneltest.Browser(t)
	err = chromedp.Do(c,
		chromedp.Navigate(app.URL+"/area-personale"),
		chromedp.WaitVisible(chromedp.CSS("#demo-login")),
		chromedp.Click(chromedp.CSS("#demo-login")),
		kerneltest.AwaitVisible(chromedp.CSS("#citizen-name")),
		kerneltest.Screenshot(filepath.Join(shots, "area-personale.png")),
	)
	if err != nil {
		t.Fatalf("citizen login: %v", err)
	}
	name, err := chromedp.Run(c, chromedp.Text(chromedp.CSS("#citizen-name")))
	if err != nil || !strings.Contains(name, "Mario Rossi") || !strings.Contains(name, "RSSMRA80A01H501U") {
		t.Fatalf("Area personale shows %q (%v)", name, err)
	}
	kerneltest.AssertAccessible(t, c, "Area personale")
	for _, page := range []string{"/", "/accedi", "/login", "/api/v1/docs", "/privacy"} {
		if err := chromedp.Do(c, chromedp.Navigate(app.URL+page), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
			t.Fatal(err)
		}
		kerneltest.AssertAccessible(t, c, page)
	}
	for _, page := range []string{"/admin", "/admin/users", "/admin/roles", "/admin/api-keys", "/admin/audit", "/admin/jobs"} {
		if err := chromedp.Do(b, chromedp.Navigate(app.URL+page), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
			t.Fatal(err)
		}
		kerneltest.AssertAccessible(t, b, page)
	}
}
