// Package auth knows who is making a request — staff, citizen or machine
// client — and what they may do.
package auth

import (
	"context"
	"slices"
)

// Kind of principal.
type Kind string

const (
	Staff   Kind = "staff"
	Citizen Kind = "citizen"
	APIKey  Kind = "apikey"
)

// AllPermissions is held by the admin role: every permission, including
// those of modules added later.
const AllPermissions = "*"

// Principal is the authenticated caller.
type Principal struct {
	Kind       Kind
	ID         string
	Username   string
	Name       string
	Email      string
	FiscalCode string // citizens only
	Roles      []string
	perms      map[string]bool
	Scopes     []string // API keys only
	SessionID  string
}

// Can tells whether the principal holds perm. API keys hold the permissions
// named by their scopes.
func (p *Principal) Can(perm string) bool {
	if p == nil {
		return false
	}
	switch p.Kind {
	case Staff:
		return p.perms[AllPermissions] || p.perms[perm]
	case APIKey:
		return p.HasScope(perm)
	}
	return false
}

// HasScope tells whether an API key carries scope ("*" carries all).
func (p *Principal) HasScope(scope string) bool {
	return p != nil && (slices.Contains(p.Scopes, scope) || slices.Contains(p.Scopes, AllPermissions))
}

// IsStaff, IsCitizen are shorthands for templates.
func (p *Principal) IsStaff() bool   { return p != nil && p.Kind == Staff }
func (p *Principal) IsCitizen() bool { return p != nil && p.Kind == Citizen }

type ctxKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// FromContext returns the caller, or nil for an anonymous request.
func FromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(ctxKey{}).(*Principal)
	return p
}
