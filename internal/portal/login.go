package portal

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/arengo-pa/arengo/internal/audit"
	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/store"
	"github.com/arengo-pa/arengo/internal/web"
)

type loginView struct {
	Next        string
	Error       string
	Username    string
	StaffOIDC   bool
	CitizenOIDC bool
	Demo        bool
	Citizens    []DemoCitizen
}

func (m *Module) loginForm(w http.ResponseWriter, r *http.Request) {
	m.d.Web.Render(w, r, m.pages["login"], loginView{Next: web.LocalPath(r.URL.Query().Get("next"), "/admin"),
		StaffOIDC: m.d.Config.StaffOIDCIssuer != "", Demo: m.d.Config.Demo})
}

// login checks a staff password. Attempts are counted per username and per
// client address in the database, so the limit holds across processes.
func (m *Module) login(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	username := strings.TrimSpace(r.PostFormValue("username"))
	next := web.LocalPath(r.PostFormValue("next"), "/admin")
	view := loginView{Next: next, Username: username, StaffOIDC: m.d.Config.StaffOIDCIssuer != "", Demo: m.d.Config.Demo}
	ip := clientAddr(r)
	for _, key := range []string{"user:" + strings.ToLower(username), "ip:" + ip} {
		if err := m.d.Auth.CountLoginAttempt(ctx, key); err != nil {
			view.Error = errs.MessageOf(err)
			m.d.Web.RenderStatus(w, r, http.StatusTooManyRequests, m.pages["login"], view)
			return
		}
	}
	id, err := m.d.Auth.CheckPassword(ctx, username, r.PostFormValue("password"))
	if err != nil {
		if !errors.Is(err, auth.ErrBadCredentials) {
			m.d.Web.Error(w, r, err)
			return
		}
		audit.RecordNow(ctx, m.d.DB, audit.Entry{Action: "kernel.login_failed", ObjectType: "user", ObjectID: username})
		view.Error = errs.MessageOf(err)
		m.d.Web.RenderStatus(w, r, http.StatusUnauthorized, m.pages["login"], view)
		return
	}
	m.d.Auth.ResetLoginAttempts(ctx, "user:"+strings.ToLower(username))
	p, err := m.d.Auth.StaffPrincipal(ctx, id)
	if err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	if err := m.startSession(ctx, w, p, "kernel.login"); err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (m *Module) startSession(ctx context.Context, w http.ResponseWriter, p *auth.Principal, action string) error {
	tok, err := m.d.Auth.StartSession(ctx, p.Kind, p.ID)
	if err != nil {
		return err
	}
	ctx = auth.WithPrincipal(ctx, p)
	if err := audit.RecordNow(ctx, m.d.DB, audit.Entry{Action: action, ObjectType: string(p.Kind), ObjectID: p.ID, Subject: p.FiscalCode}); err != nil {
		return err
	}
	m.d.Web.SetSessionCookie(w, tok, m.d.Auth.SessionTTL)
	return nil
}

func (m *Module) citizenLoginForm(w http.ResponseWriter, r *http.Request) {
	v := loginView{Next: web.LocalPath(r.URL.Query().Get("next"), "/area-personale"),
		CitizenOIDC: m.d.Config.CitizenOIDCIssuer != "", Demo: m.d.Config.Demo}
	if v.Demo {
		v.Citizens = DemoCitizens
	}
	m.d.Web.Render(w, r, m.pages["citizen_login"], v)
}

// demoCitizenLogin lets a visitor of the demo act as one of the fictitious
// citizens. It exists only in demo mode.
func (m *Module) demoCitizenLogin(w http.ResponseWriter, r *http.Request) {
	if !m.d.Config.Demo {
		m.d.Web.Error(w, r, errs.E(errs.ENOTFOUND, "accesso dimostrativo non disponibile"))
		return
	}
	fc := r.PostFormValue("fiscal_code")
	var chosen *DemoCitizen
	for i := range DemoCitizens {
		if DemoCitizens[i].FiscalCode == fc {
			chosen = &DemoCitizens[i]
		}
	}
	if chosen == nil {
		m.d.Web.Error(w, r, errs.Field("fiscal_code", "scegli uno dei cittadini dimostrativi"))
		return
	}
	ctx := r.Context()
	var id string
	err := m.d.DB.Transact(ctx, func(tx *store.Tx) error {
		var err error
		id, err = m.d.Auth.UpsertCitizen(ctx, tx, auth.CitizenInfo{FiscalCode: chosen.FiscalCode, Name: chosen.Name, Email: chosen.Email})
		return err
	})
	if err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	p, err := m.d.Auth.CitizenPrincipal(ctx, id)
	if err == nil {
		err = m.startSession(ctx, w, p, "kernel.login_demo_citizen")
	}
	if err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	http.Redirect(w, r, web.LocalPath(r.PostFormValue("next"), "/area-personale"), http.StatusSeeOther)
}

func (m *Module) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(web.SessionCookie); err == nil {
		m.d.Auth.EndSession(r.Context(), c.Value)
	}
	m.d.Web.ClearSessionCookie(w)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func clientAddr(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i > 0 {
		host = host[:i]
	}
	return host
}
