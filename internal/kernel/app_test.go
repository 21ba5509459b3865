package kernel_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
)

func TestHealthAndReadiness(t *testing.T) {
	app := kerneltest.New(t)
	for _, path := range []string{"/healthz", "/readyz", "/metrics", "/api/v1/openapi.json"} {
		resp, err := http.Get(app.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d: %s", path, resp.StatusCode, body)
		}
	}
}
