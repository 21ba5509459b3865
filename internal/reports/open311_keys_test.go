package reports

import (
	"context"
	"testing"

	"github.com/arengo-pa/arengo/internal/auth"
)

func TestKeyCacheKeepsOnlyValidKeys(t *testing.T) {
	var c keyCache
	calls := 0
	lookup := func(_ context.Context, key string) (*auth.Principal, error) {
		calls++
		if key == "ak_good_secret" {
			return &auth.Principal{Kind: auth.APIKey, ID: "k1", Scopes: []string{PermOpen311}}, nil
		}
		return nil, nil
	}
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		p, err := c.principal(ctx, "ak_good_secret", lookup)
		if err != nil || p == nil || p.ID != "k1" {
			t.Fatalf("good key: %+v %v", p, err)
		}
		p.ID = "changed by a caller"
	}
	if calls != 1 {
		t.Errorf("valid key looked up %d times, want 1", calls)
	}
	for i := 0; i < 3; i++ {
		if p, _ := c.principal(ctx, "ak_bad_secret", lookup); p != nil {
			t.Fatalf("bad key accepted: %+v", p)
		}
	}
	if calls != 4 {
		t.Errorf("invalid key looked up %d times in all, want every time", calls-1)
	}
	if len(c.entries) != 1 {
		t.Errorf("%d cached keys", len(c.entries))
	}
}
