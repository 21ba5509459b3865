package portal

import (
	"encoding/csv"
	"net/http"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/audit"
	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/jobs"
	"github.com/arengo-pa/arengo/internal/store"
	"github.com/arengo-pa/arengo/internal/web"
)

func (m *Module) adminHome(w http.ResponseWriter, r *http.Request) {
	m.d.Web.Render(w, r, m.pages["admin"], nil)
}

func (m *Module) listUsers(r *http.Request) ([]auth.User, error) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	rows, err := m.d.DB.QueryContext(r.Context(), `SELECT u.id, u.username, u.name, u.email, u.active, u.created_at, COALESCE(ur.role, '')
		FROM kernel_users u LEFT JOIN kernel_user_roles ur ON ur.user_id = u.id
		WHERE ($1 = '' OR u.username LIKE '%' || $1 || '%' OR u.name LIKE '%' || $1 || '%')
		ORDER BY u.username, ur.role`, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []auth.User
	for rows.Next() {
		var u auth.User
		var role string
		if err := rows.Scan(&u.ID, &u.Username, &u.Name, &u.Email, &u.Active, &u.CreatedAt, &role); err != nil {
			return nil, err
		}
		if n := len(out); n > 0 && out[n-1].ID == u.ID {
			out[n-1].Roles = append(out[n-1].Roles, role)
			continue
		}
		if role != "" {
			u.Roles = []string{role}
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

func (m *Module) users(w http.ResponseWriter, r *http.Request) {
	m.renderUsers(w, r, http.StatusOK, "")
}

func (m *Module) renderUsers(w http.ResponseWriter, r *http.Request, status int, formErr string) {
	users, err := m.listUsers(r)
	if err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	roles, err := m.d.Auth.RoleNames(r.Context())
	if err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	m.d.Web.RenderStatus(w, r, status, m.pages["users"], map[string]any{"Users": users, "Roles": roles, "Q": r.URL.Query().Get("q"), "Error": formErr})
}

// saveUser creates a staff account or updates one (same username).
func (m *Module) saveUser(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		m.d.Web.Error(w, r, errs.E(errs.EINVALID, "modulo non leggibile"))
		return
	}
	username, roles := r.PostFormValue("username"), r.PostForm["roles"]
	err := m.d.DB.Transact(ctx, func(tx *store.Tx) error {
		id, err := m.d.Auth.CreateUser(ctx, tx, username, r.PostFormValue("name"), r.PostFormValue("email"), r.PostFormValue("password"), roles)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "kernel.user_save", ObjectType: "user", ObjectID: id,
			After: map[string]any{"username": username, "roles": roles}})
	})
	if errs.CodeOf(err) == errs.EINVALID {
		m.renderUsers(w, r, http.StatusUnprocessableEntity, errs.MessageOf(err))
		return
	}
	if err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/users?esito=salvato", http.StatusSeeOther)
}

type roleView struct {
	Name, Label string
	Perms       map[string]bool
}

func (m *Module) roles(w http.ResponseWriter, r *http.Request) {
	rows, err := m.d.DB.QueryContext(r.Context(), `SELECT r.name, r.label, COALESCE(p.permission, '') FROM kernel_roles r
		LEFT JOIN kernel_role_permissions p ON p.role = r.name ORDER BY r.name`)
	if err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	defer rows.Close()
	var roles []*roleView
	for rows.Next() {
		var name, label, perm string
		if err := rows.Scan(&name, &label, &perm); err != nil {
			m.d.Web.Error(w, r, err)
			return
		}
		if len(roles) == 0 || roles[len(roles)-1].Name != name {
			roles = append(roles, &roleView{Name: name, Label: label, Perms: map[string]bool{}})
		}
		if perm != "" {
			roles[len(roles)-1].Perms[perm] = true
		}
	}
	m.d.Web.Render(w, r, m.pages["roles"], map[string]any{"Roles": roles, "Permissions": m.d.Auth.Permissions()})
}

// saveRole creates or updates a role with the checked permissions.
func (m *Module) saveRole(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		m.d.Web.Error(w, r, errs.E(errs.EINVALID, "modulo non leggibile"))
		return
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	label := strings.TrimSpace(r.PostFormValue("label"))
	perms := r.PostForm["permissions"]
	if name == "" || label == "" {
		m.d.Web.Error(w, r, errs.Field("name", "nome e descrizione del ruolo sono obbligatori"))
		return
	}
	err := m.d.DB.Transact(ctx, func(tx *store.Tx) error {
		var before []string
		rows, err := tx.QueryContext(ctx, `SELECT permission FROM kernel_role_permissions WHERE role = $1 ORDER BY permission`, name)
		if err != nil {
			return err
		}
		for rows.Next() {
			var p string
			rows.Scan(&p)
			before = append(before, p)
		}
		rows.Close()
		if _, err := tx.ExecContext(ctx, `INSERT INTO kernel_roles (name, label) VALUES ($1, $2)
			ON CONFLICT (name) DO UPDATE SET label = excluded.label`, name, label); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM kernel_role_permissions WHERE role = $1`, name); err != nil {
			return err
		}
		for _, p := range perms {
			if _, err := tx.ExecContext(ctx, `INSERT INTO kernel_role_permissions (role, permission) VALUES ($1, $2)`, name, p); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "kernel.role_save", ObjectType: "role", ObjectID: name,
			Before: before, After: perms})
	})
	if err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/roles?esito=salvato", http.StatusSeeOther)
}

func (m *Module) apiKeys(w http.ResponseWriter, r *http.Request) {
	m.renderAPIKeys(w, r, "")
}

func (m *Module) renderAPIKeys(w http.ResponseWriter, r *http.Request, newKey string) {
	keys, err := m.d.Auth.APIKeys(r.Context())
	if err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	m.d.Web.Render(w, r, m.pages["apikeys"], map[string]any{"Keys": keys, "NewKey": newKey, "Permissions": m.d.Auth.Permissions()})
}

func (m *Module) createAPIKey(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		m.d.Web.Error(w, r, errs.E(errs.EINVALID, "modulo non leggibile"))
		return
	}
	var key string
	err := m.d.DB.Transact(ctx, func(tx *store.Tx) error {
		id, k, err := m.d.Auth.CreateAPIKey(ctx, tx, r.PostFormValue("name"), r.PostForm["scopes"])
		if err != nil {
			return err
		}
		key = k
		return audit.Record(ctx, tx, audit.Entry{Action: "kernel.apikey_create", ObjectType: "apikey", ObjectID: id,
			After: map[string]any{"name": r.PostFormValue("name"), "scopes": r.PostForm["scopes"]}})
	})
	if err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	// The secret is shown once, on this response only.
	m.renderAPIKeys(w, r, key)
}

func (m *Module) revokeAPIKey(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("id")
	err := m.d.DB.Transact(ctx, func(tx *store.Tx) error {
		if err := m.d.Auth.RevokeAPIKey(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "kernel.apikey_revoke", ObjectType: "apikey", ObjectID: id})
	})
	if err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/api-keys?esito=revocata", http.StatusSeeOther)
}

func auditFilter(r *http.Request) audit.Filter {
	q := r.URL.Query()
	f := audit.Filter{Actor: q.Get("actor"), Action: q.Get("action"), Object: q.Get("object"), Subject: strings.ToUpper(q.Get("subject"))}
	if t, err := time.Parse("2006-01-02", q.Get("from")); err == nil {
		f.From = t
	}
	if t, err := time.Parse("2006-01-02", q.Get("to")); err == nil {
		f.To = t.AddDate(0, 0, 1)
	}
	return f
}

func (m *Module) audit(w http.ResponseWriter, r *http.Request) {
	f := auditFilter(r)
	pager := web.NewPager(r, 50)
	f.Limit, f.Offset = pager.PageSize, pager.Offset()
	rows, total, err := audit.Search(r.Context(), m.d.DB, f)
	if err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	pager.Total = total
	csvURL := "/admin/audit.csv"
	if r.URL.RawQuery != "" {
		csvURL += "?" + r.URL.RawQuery
	}
	m.d.Web.Render(w, r, m.pages["audit"], map[string]any{"Rows": rows, "Pager": pager, "Q": r.URL.Query(), "CSV": csvURL})
}

func (m *Module) auditCSV(w http.ResponseWriter, r *http.Request) {
	f := auditFilter(r)
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="registro-attivita.csv"`)
	cw := csv.NewWriter(w)
	cw.Write([]string{"at", "actor_kind", "actor", "action", "object_type", "object_id", "subject", "before", "after", "client_ip", "request_id"})
	for f.Offset = 0; ; f.Offset += 1000 {
		f.Limit = 1000
		rows, _, err := audit.Search(r.Context(), m.d.DB, f)
		if err != nil {
			m.d.Log.Error("audit export", "err", err)
			break
		}
		for _, a := range rows {
			cw.Write([]string{a.At.UTC().Format(time.RFC3339), a.ActorKind, a.ActorName, a.Action, a.ObjectType, a.ObjectID,
				a.Subject, a.Before, a.After, a.ClientIP, a.RequestID})
		}
		if len(rows) < 1000 {
			break
		}
	}
	cw.Flush()
}

func (m *Module) jobs(w http.ResponseWriter, r *http.Request) {
	list, err := m.d.Jobs.List(r.Context(), r.URL.Query().Get("status"), 200)
	if err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	scheds, err := m.d.Jobs.Schedules(r.Context())
	if err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	m.d.Web.Render(w, r, m.pages["jobs"], map[string]any{"Jobs": list, "Schedules": scheds, "Status": r.URL.Query().Get("status"),
		"Statuses": []string{jobs.Queued, jobs.Running, jobs.Done, jobs.Failed}})
}
