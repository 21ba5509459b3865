package cloudplan

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/arengo-pa/arengo/internal/cloudplan/kit"
	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/store"
	"github.com/arengo-pa/arengo/internal/web"
)

type serverFilter struct{ Q, Cluster, App string }

func (m *Module) filteredServers(r *http.Request) ([]Server, serverFilter, []string, error) {
	all, err := loadServers(r.Context(), m.deps.DB)
	if err != nil {
		return nil, serverFilter{}, nil, err
	}
	q := r.URL.Query()
	f := serverFilter{Q: strings.TrimSpace(q.Get("q")), Cluster: q.Get("cluster"), App: q.Get("applicativo")}
	var out []Server
	var clusters []string
	for _, s := range all {
		if s.Cluster != "" && !slices.Contains(clusters, s.Cluster) {
			clusters = append(clusters, s.Cluster)
		}
		switch {
		case f.Q != "" && !strings.Contains(strings.ToLower(s.Name+" "+s.OS+" "+strings.Join(s.Applications, " ")), strings.ToLower(f.Q)):
		case f.Cluster != "" && s.Cluster != f.Cluster:
		case f.App == "-" && len(s.AppIDs) > 0:
		case f.App != "" && f.App != "-" && !slices.Contains(s.AppIDs, f.App):
		default:
			out = append(out, s)
		}
	}
	slices.Sort(clusters)
	return out, f, clusters, nil
}

type serverRow struct {
	ID, Name, VCPU, Memory, Disk, OS, Cluster, Apps string
	MemoryMB                                        int64
	Disks                                           string
}

func toServerRow(s Server) serverRow {
	return serverRow{ID: s.ID, Name: s.Name, VCPU: fmt.Sprint(s.VCPU), Memory: fmt.Sprintf("%d GB", s.MemoryMB/1024),
		Disk: fmt.Sprintf("%d GB", s.DiskMB()/1024), OS: s.OS, Cluster: s.Cluster, Apps: strings.Join(s.Applications, "; "),
		MemoryMB: s.MemoryMB, Disks: diskList(s.DisksMB)}
}

func (m *Module) serverList(w http.ResponseWriter, r *http.Request) {
	servers, f, clusters, err := m.filteredServers(r)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	pager := web.NewPager(r, 50)
	pager.Total = len(servers)
	var rows []serverRow
	for _, s := range servers[min(pager.Offset(), len(servers)):min(pager.Offset()+pager.PageSize, len(servers))] {
		rows = append(rows, toServerRow(s))
	}
	cl := []Option{{Value: "", Label: "tutti", Selected: f.Cluster == ""}}
	for _, c := range clusters {
		cl = append(cl, Option{Value: c, Label: c, Selected: c == f.Cluster})
	}
	m.deps.Web.Render(w, r, m.pages.servers, map[string]any{"Rows": rows, "Filter": f, "Pager": pager, "Clusters": cl,
		"Unlinked": f.App == "-", "Query": r.URL.RawQuery})
}

func (m *Module) serverListCSV(w http.ResponseWriter, r *http.Request) {
	servers, _, _, err := m.filteredServers(r)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="server.csv"`)
	ks := make([]kit.Server, len(servers))
	for i, s := range servers {
		ks[i] = s.Server
	}
	if err := kit.WriteServersCSV(w, ks); err != nil {
		m.deps.Log.Error("server csv", "err", err)
	}
}

func (m *Module) serverDetail(w http.ResponseWriter, r *http.Request) {
	servers, err := loadServers(r.Context(), m.deps.DB)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	i := slices.IndexFunc(servers, func(s Server) bool { return s.ID == r.PathValue("id") })
	if i < 0 {
		m.deps.Web.Error(w, r, errs.E(errs.ENOTFOUND, "server inesistente"))
		return
	}
	apps, err := loadApps(r.Context(), m.deps.DB)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	var opts []Option
	for _, a := range apps {
		opts = append(opts, Option{Value: a.ID, Label: a.Name, Selected: slices.Contains(servers[i].AppIDs, a.ID)})
	}
	m.deps.Web.Render(w, r, m.pages.server, map[string]any{"Server": toServerRow(servers[i]), "Apps": opts})
}

func (m *Module) serverLinkSave(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	id := r.PathValue("id")
	if err := m.linkServer(r.Context(), id, r.Form["app"]); err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	redirect(w, r, "/admin/cloud/server/"+id+"?esito=salvato")
}

// serverSave edits a server's inventory data.
func (m *Module) serverSave(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var f formErr
	vcpu := f.int("vcpu", r.FormValue("vcpu"), 0, 4096)
	mem, err := kit.ParseMB(orZero(r.FormValue("memory")), 1)
	if err != nil {
		f.set("memory", "%s", err.Error())
	}
	var disks []int64
	for _, d := range strings.FieldsFunc(r.FormValue("disks"), func(r rune) bool { return r == ';' || r == '+' || r == '|' }) {
		mb, err := kit.ParseMB(d, 1024)
		if err != nil {
			f.set("disks", "%s", err.Error())
		}
		disks = append(disks, mb)
	}
	if f.err != nil {
		m.deps.Web.Error(w, r, f.err)
		return
	}
	err = m.deps.DB.Transact(r.Context(), func(tx *store.Tx) error {
		res, err := tx.ExecContext(r.Context(), `UPDATE cloudplan_server SET vcpu = $2, memory_mb = $3, disks_mb = $4, os = $5, cluster = $6, updated_at = $7 WHERE id = $1`,
			id, vcpu, mem, jsonText(nonNil(disks)), strings.TrimSpace(r.FormValue("os")), strings.TrimSpace(r.FormValue("cluster")), store.Now())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.ENOTFOUND, "server inesistente")
		}
		return changed(r.Context(), tx, "server_changed", "server", id, 0, nil, r.PostForm)
	})
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	redirect(w, r, "/admin/cloud/server/"+id+"?esito=salvato")
}

func orZero(v string) string {
	if strings.TrimSpace(v) == "" {
		return "0"
	}
	return v
}

func diskList(mb []int64) string {
	parts := make([]string, len(mb))
	for i, d := range mb {
		parts[i] = fmt.Sprintf("%d MB", d)
	}
	return strings.Join(parts, "; ")
}
