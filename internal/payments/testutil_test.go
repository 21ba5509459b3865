package payments_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/payments"
)

// newApp starts the kernel with the payments module and the demo dovuti types.
func newApp(t *testing.T, env map[string]string) (*kerneltest.App, *payments.Module) {
	t.Helper()
	m := payments.New()
	if env == nil {
		env = map[string]string{}
	}
	if _, ok := env["ARENGO_PAGOPA_SIM_DIR"]; !ok {
		env["ARENGO_PAGOPA_SIM_DIR"] = t.TempDir()
	}
	app := kerneltest.NewWith(t, kerneltest.Options{Env: env}, m)
	// Wait until the app serves: a test that ends while the kernel is still
	// starting makes kerneltest report "begin: context canceled".
	kerneltest.Eventually(t, 5*time.Second, "server up", func() bool {
		resp, err := http.Get(app.URL + "/api/v1/openapi.json")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return true
	})
	if err := m.Service().EnsureDebtTypes(context.Background(), []payments.DebtType{
		{Code: "TARI", Description: "Tassa rifiuti", Category: "0101101IM", IBAN: "IT60X0542811101000000123456", DueDateRequired: true, Active: true},
		{Code: "MENSA", Description: "Mensa", Category: "0102108SE", IBAN: "IT60X0542811101000000123456", Active: true},
	}); err != nil {
		t.Fatal(err)
	}
	return app, m
}

func noRedirect(c *http.Client) *http.Client {
	cp := *c
	cp.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cp
}

var due = time.Date(2031, 6, 30, 0, 0, 0, 0, time.UTC)
