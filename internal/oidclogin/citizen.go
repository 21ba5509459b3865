package oidclogin

import (
	"net/http"

	"github.com/arengo-pa/arengo/internal/audit"
	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/events"
	"github.com/arengo-pa/arengo/internal/store"
)

// loginCitizen records the citizen as the provider asserted them (name and
// e-mail are refreshed at every login) and opens their session.
func (f *flow) loginCitizen(w http.ResponseWriter, r *http.Request, claims map[string]any, next string) {
	ci, err := citizenFromClaims(claims)
	if err != nil {
		f.d.Log.Warn("oidc citizen without a usable fiscal code", "err", err)
		f.fail(w, r, http.StatusForbidden, "oidclogin.no_fiscal_code")
		return
	}
	ctx := r.Context()
	var id string
	err = f.d.DB.Transact(ctx, func(tx *store.Tx) error {
		var err error
		if id, err = f.d.Auth.UpsertCitizen(ctx, tx, ci); err != nil {
			return err
		}
		actx := auth.WithPrincipal(ctx, &auth.Principal{Kind: auth.Citizen, ID: id, Name: ci.Name, FiscalCode: ci.FiscalCode})
		if err := audit.Record(actx, tx, audit.Entry{Action: "oidclogin.citizen_login", ObjectType: "citizen", ObjectID: id,
			Subject: ci.FiscalCode, After: map[string]string{"issuer": f.issuer, "name": ci.Name, "email": ci.Email}}); err != nil {
			return err
		}
		return events.Append(ctx, tx, events.Event{Type: "oidclogin.citizen_logged_in", AggregateType: "citizen",
			AggregateID: id, Data: map[string]string{"citizen_id": id, "issuer": f.issuer}})
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
