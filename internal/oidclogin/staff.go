package oidclogin

import (
	"context"
	"database/sql"
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
	id, err := f.findStaff(ctx, username, email)
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

// findStaff returns the active account whose username is the provider's
// preferred_username or e-mail, else the one account with that e-mail; ""
// when none (or, for the e-mail, more than one) matches.
func (f *flow) findStaff(ctx context.Context, username, email string) (string, error) {
	for _, u := range []string{username, email} {
		if u == "" {
			continue
		}
		var id string
		err := f.d.DB.QueryRowContext(ctx, `SELECT id FROM kernel_users WHERE username = $1 AND active = TRUE`, u).Scan(&id)
		if err == nil {
			return id, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return "", err
		}
	}
	if email == "" {
		return "", nil
	}
	rows, err := f.d.DB.QueryContext(ctx, `SELECT id FROM kernel_users WHERE LOWER(email) = $1 AND active = TRUE LIMIT 2`, email)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return "", err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil || len(ids) != 1 {
		return "", err
	}
	return ids[0], nil
}
