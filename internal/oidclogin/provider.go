package oidclogin

import (
	"context"
	"fmt"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// provider returns the issuer's discovered configuration, fetching it on
// first use and again after a failure; keys are fetched and rotated by
// go-oidc as tokens arrive.
func (f *flow) provider(ctx context.Context) (*oidc.Provider, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.prov != nil {
		return f.prov, nil
	}
	p, err := oidc.NewProvider(f.clientContext(ctx), f.issuer)
	if err != nil {
		return nil, fmt.Errorf("discovery at %s: %w", f.issuer, err)
	}
	f.prov = p
	return p, nil
}

// clientContext makes go-oidc and oauth2 use our client, with its timeout.
func (f *flow) clientContext(ctx context.Context) context.Context {
	return oidc.ClientContext(ctx, f.client)
}

func (f *flow) oauth(p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: f.clientID, ClientSecret: f.secret, Endpoint: p.Endpoint(),
		RedirectURL: f.redirectURL(), Scopes: f.scopes}
}
