// Package api is the JSON REST API under /api/v1: OpenAPI 3.1 from huma,
// errors as application/problem+json, one pagination convention, and access
// checked for every operation (closed unless declared).
package api

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/arengo-pa/arengo/internal/auth"
)

// Prefix is where the API is mounted.
const Prefix = "/api/v1"

// SchemeName is the security scheme of API keys and staff sessions.
const SchemeName = "bearer"

// New returns the API and the handler that serves it. Operations register
// on the API; the handler is mounted under Prefix.
func New(version string) (huma.API, http.Handler) {
	mux := http.NewServeMux()
	cfg := huma.DefaultConfig("Arengo API", version)
	cfg.Info.Description = "API dei servizi del comune. Autenticazione: `Authorization: Bearer <chiave API>` con gli scope indicati su ogni operazione."
	cfg.Servers = []*huma.Server{{URL: Prefix}}
	cfg.OpenAPIPath = "/openapi"
	cfg.DocsPath = ""
	cfg.SchemasPath = "/schemas"
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		SchemeName: {Type: "http", Scheme: "bearer", Description: "Chiave API (ak_…) con scope, o sessione di un operatore"},
	}
	a := humago.NewWithPrefix(mux, Prefix, cfg)
	a.UseMiddleware(guard(a))
	return a, mux
}

// Scopes is the Security of an operation that needs one of the scopes (a
// staff session needs the permission of the same name).
func Scopes(scopes ...string) []map[string][]string {
	return []map[string][]string{{SchemeName: scopes}}
}

// PublicOp marks an operation anyone may call; every other operation must
// name its scopes, or it is refused to everyone.
var PublicOp = map[string]any{"public": true}

func guard(a huma.API) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		op := ctx.Operation()
		if op.Metadata["public"] == true {
			next(ctx)
			return
		}
		p := auth.FromContext(ctx.Context())
		if p == nil {
			huma.WriteErr(a, ctx, http.StatusUnauthorized, "autenticazione richiesta: usa una chiave API (Authorization: Bearer …)")
			return
		}
		if !allowed(p, op.Security) {
			huma.WriteErr(a, ctx, http.StatusForbidden, "la chiave o l'utente non hanno lo scope richiesto")
			return
		}
		next(ctx)
	}
}

func allowed(p *auth.Principal, security []map[string][]string) bool {
	for _, req := range security {
		scopes, ok := req[SchemeName]
		if !ok {
			continue
		}
		if len(scopes) == 0 {
			return p.Kind == auth.Staff || p.Kind == auth.APIKey
		}
		for _, s := range scopes {
			if p.Can(s) {
				return true
			}
		}
	}
	return false
}

// PageParams is embedded in list inputs.
type PageParams struct {
	Page     int `query:"page" default:"1" minimum:"1" doc:"Numero di pagina, da 1"`
	PageSize int `query:"page_size" default:"50" minimum:"1" maximum:"1000" doc:"Elementi per pagina"`
}

// Offset is the first row of the page.
func (p PageParams) Offset() int { return (p.Page - 1) * p.PageSize }

// Page is the body of every list response.
type Page[T any] struct {
	Items    []T `json:"items"`
	Page     int `json:"page"`
	PageSize int `json:"page_size"`
	Total    int `json:"total"`
}
