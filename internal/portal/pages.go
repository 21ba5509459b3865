package portal

import (
	"net/http"
	"sort"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/web"
)

func (m *Module) home(w http.ResponseWriter, r *http.Request) {
	m.d.Web.Render(w, r, m.pages["home"], nil)
}

type areaView struct {
	Panels []web.RenderedPanel
}

func (m *Module) area(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	m.d.Web.Render(w, r, m.pages["area"], areaView{Panels: m.d.Web.Panels(r, p)})
}

func (m *Module) static(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		m.d.Web.Render(w, r, m.pages["static"], name)
	}
}

type apiOperation struct {
	Method, Path, ID, Summary, Description string
	Scopes                                 []string
	Public                                 bool
	Params                                 []*huma.Param
	Responses                              []string
}

// apiDocs renders the OpenAPI document as a page on the server, so the docs
// need no external script.
func (m *Module) apiDocs(w http.ResponseWriter, r *http.Request) {
	doc := m.d.API.OpenAPI()
	var ops []apiOperation
	for path, item := range doc.Paths {
		for method, op := range map[string]*huma.Operation{"GET": item.Get, "POST": item.Post, "PUT": item.Put,
			"PATCH": item.Patch, "DELETE": item.Delete} {
			if op == nil {
				continue
			}
			o := apiOperation{Method: method, Path: path, ID: op.OperationID, Summary: op.Summary, Description: op.Description,
				Params: op.Parameters, Public: op.Metadata["public"] == true}
			for _, req := range op.Security {
				for _, s := range req {
					o.Scopes = append(o.Scopes, s...)
				}
			}
			for code := range op.Responses {
				o.Responses = append(o.Responses, code)
			}
			sort.Strings(o.Responses)
			ops = append(ops, o)
		}
	}
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].Path != ops[j].Path {
			return ops[i].Path < ops[j].Path
		}
		return ops[i].Method < ops[j].Method
	})
	m.d.Web.Render(w, r, m.pages["apidocs"], map[string]any{"Ops": ops, "Title": doc.Info.Title,
		"Version": doc.Info.Version, "Description": doc.Info.Description, "Tags": tagsOf(ops)})
}

func tagsOf(ops []apiOperation) []string {
	seen := map[string]bool{}
	var out []string
	for _, o := range ops {
		seg := strings.SplitN(strings.TrimPrefix(o.Path, "/"), "/", 2)[0]
		if !seen[seg] {
			seen[seg] = true
			out = append(out, seg)
		}
	}
	return out
}
