package reports

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/notify"
	"github.com/arengo-pa/arengo/internal/reports/open311"
)

type env struct {
	app *kerneltest.App
	mod *Module
	svc *Service
	hub *notify.Module // set by fullEnv
}

func newEnv(t *testing.T) *env {
	t.Helper()
	m := New()
	app := kerneltest.New(t, m)
	e := &env{app: app, mod: m, svc: m.svc}
	ctx := context.Background()
	for _, c := range newEnvCategories() {
		if _, err := e.svc.SaveCategory(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func newEnvCategories() []Category {
	return []Category{
		{Code: "buche", Name: "Buche stradali", Group: "Strade, marciapiedi, segnaletica e viabilità", Description: "Buche nell'asfalto",
			RadiusM: 250, DeadlineDays: 15, Active: true, Hint: "Indica se la buca è pericolosa",
			Attributes: []open311.Attribute{{Variable: true, Code: "pericolo", Datatype: open311.SingleValueList, Required: true,
				Description: "È pericolosa?", Values: []open311.Value{{Key: "si", Name: "Sì"}, {Key: "no", Name: "No"}}}}},
		{Code: "rifiuti", Name: "Rifiuti abbandonati", Group: "Igiene urbana, rifiuti, pulizia e decoro", RadiusM: 100, DeadlineDays: 7,
			Active: true, AnonymousAllowed: true},
		{Code: "interna", Name: "Segnalazione riservata", RadiusM: 0, DeadlineDays: 30, Active: true, Private: true},
	}
}

func get(t *testing.T, c *http.Client, u string) (int, string, http.Header) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func postForm(t *testing.T, c *http.Client, u string, v url.Values) (int, string) {
	t.Helper()
	resp, err := c.PostForm(u, v)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func mustContain(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("body lacks %q:\n%s", w, truncate(body, 3000))
		}
	}
}

func mustNotContain(t *testing.T, body string, bans ...string) {
	t.Helper()
	for _, b := range bans {
		if strings.Contains(body, b) {
			t.Errorf("body contains %q:\n%s", b, truncate(body, 3000))
		}
	}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
