package main

import (
	"github.com/danielgtaylor/huma/v2"
	"net/http"
	"strings"
	"testing"

	"github.com/arengo-pa/arengo/internal/config"
	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
)

func allModules(t *testing.T) *kerneltest.App {
	t.Helper()
	cfg, err := config.Load(nil, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	return kerneltest.New(t, modules(cfg)...)
}

// concrete turns a route pattern into a request path.
func concrete(pattern string) (method, path string) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = "GET", pattern
	}
	path = strings.ReplaceAll(path, "{$}", "")
	for strings.Contains(path, "{") {
		i := strings.Index(path, "{")
		j := strings.Index(path[i:], "}")
		path = path[:i] + "x" + path[i+j+1:]
	}
	return method, path
}

func do(t *testing.T, c *http.Client, method, url string) int {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(""))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// Every non-public page refuses anonymous visitors, and visitors of the wrong
// kind or without the permission; every non-public API operation refuses
// callers without a key and keys without the scope.
func TestEveryRouteChecksAccess(t *testing.T) {
	app := allModules(t)
	anon := app.Client(t)
	citizen := app.Client(t)
	app.LoginCitizen(t, citizen, "RSSMRA80A01H501U")
	powerless := app.Client(t)
	app.LoginStaff(t, powerless, "senzapermessi")

	routes := app.Deps.Web.Routes()
	if len(routes) < 20 {
		t.Fatalf("only %d routes registered", len(routes))
	}
	checked := 0
	for _, r := range routes {
		if r.Access.IsPublic() {
			continue
		}
		method, path := concrete(r.Pattern)
		url := app.URL + path
		if got := do(t, anon, method, url); got != http.StatusSeeOther && got != http.StatusUnauthorized {
			t.Errorf("%s (%s) anonymous: status %d, want a login redirect or 401", r.Pattern, r.Access, got)
		}
		switch a := r.Access.String(); {
		case a == "citizen":
			if got := do(t, powerless, method, url); got != http.StatusForbidden {
				t.Errorf("%s (citizen) as staff: status %d, want 403", r.Pattern, got)
			}
		case a == "staff":
			if got := do(t, citizen, method, url); got != http.StatusForbidden {
				t.Errorf("%s (staff) as citizen: status %d, want 403", r.Pattern, got)
			}
		default:
			for name, c := range map[string]*http.Client{"citizen": citizen, "staff without permission": powerless} {
				if got := do(t, c, method, url); got != http.StatusForbidden {
					t.Errorf("%s (%s) as %s: status %d, want 403", r.Pattern, a, name, got)
				}
			}
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no protected route was checked")
	}

	noScope := app.APIKey(t)
	doc := app.Deps.API.OpenAPI()
	ops := 0
	for p, item := range doc.Paths {
		for method, op := range map[string]*huma.Operation{"GET": item.Get, "POST": item.Post, "PUT": item.Put,
			"PATCH": item.Patch, "DELETE": item.Delete} {
			if op == nil || op.Metadata["public"] == true {
				continue
			}
			_, path := concrete(p)
			url := app.URL + "/api/v1" + path
			if got := do(t, anon, method, url); got != http.StatusUnauthorized {
				t.Errorf("API %s %s anonymous: status %d, want 401", method, p, got)
			}
			req, _ := http.NewRequest(method, url, strings.NewReader("{}"))
			req.Header.Set("Authorization", "Bearer "+noScope)
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("API %s %s with a key without scopes: status %d, want 403", method, p, resp.StatusCode)
			}
			ops++
		}
	}
	t.Logf("checked %d protected pages and %d protected API operations", checked, ops)
}
