package oidclogin

import (
	"errors"
	"net/http"

	"github.com/arengo-pa/arengo/internal/audit"
	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/store"
)

// loginStaff opens a session for the existing, active staff account the
// provider's claims name. Accounts are never created here: an admin creates
// them with their roles, so the comune's directory alone grants no access.
func (f *flow) loginStaff(w http.ResponseWriter, r *http.Request, claims map[string]any, next string) {
	username, email := staffKeys(claims)
	if username == "" && email == "" {
		f.fail(w, r, http.StatusForbidden, "oidclogin.staff_no_identity")
		return
	}
	ctx := r.Context()
	id, err := f.d.Auth.ActiveStaffByLogin(ctx, username, email)
	if err != nil {
		f.d.Web.Error(w, r, err)
		return
	}
	var p *auth.Principal
	if id != "" {
		if p, err = f.d.Auth.StaffPrincipal(ctx, id); errors.Is(err, auth.ErrBadCredentials) {
			id = ""
		} else if err != nil {
			f.d.Web.Error(w, r, err)
			return
		}
	}
	if id == "" {
		who := username
		if who == "" {
			who = email
		}
		f.d.Log.Warn("oidc staff login for no active account", "username", username, "email", email)
		f.fail(w, r, http.StatusForbidden, "oidclogin.staff_unknown", who)
		return
	}
	err = f.d.DB.Transact(ctx, func(tx *store.Tx) error {
		return audit.Record(auth.WithPrincipal(ctx, p), tx, audit.Entry{Action: "oidclogin.staff_login", ObjectType: "user",
			ObjectID: id, After: map[string]string{"issuer": f.issuer, "subject": claimString(claims, "sub")}})
	})
	if err == nil {
		err = f.startSession(w, r, id)
	}
	if err != nil {
		f.d.Web.Error(w, r, err)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}
