package reports

import (
	"context"
	"crypto/sha256"
	"sync"
	"time"

	"github.com/arengo-pa/arengo/internal/auth"
)

// keyTTL bounds how long a revoked or rescoped API key keeps working in a
// process that has just seen it valid. Open311 clients post in bursts
// (imports, apps syncing), and the lookup was a database read per request.
const keyTTL = 10 * time.Second

const maxCachedKeys = 1024

// keyCache remembers API keys found valid, by the SHA-256 of the key (the
// key itself is not kept). Unknown keys are never cached, so guessing fills
// nothing.
type keyCache struct {
	mu      sync.Mutex
	entries map[[32]byte]cachedKey
}

type cachedKey struct {
	p  *auth.Principal
	at time.Time
}

// principal resolves key through lookup, reusing a recent answer.
func (c *keyCache) principal(ctx context.Context, key string, lookup func(context.Context, string) (*auth.Principal, error)) (*auth.Principal, error) {
	sum := sha256.Sum256([]byte(key))
	c.mu.Lock()
	e, ok := c.entries[sum]
	c.mu.Unlock()
	if ok && time.Since(e.at) < keyTTL {
		cp := *e.p
		return &cp, nil
	}
	p, err := lookup(ctx, key)
	if err != nil || p == nil {
		return p, err
	}
	c.mu.Lock()
	if c.entries == nil || len(c.entries) >= maxCachedKeys {
		c.entries = map[[32]byte]cachedKey{}
	}
	stored := *p
	c.entries[sum] = cachedKey{p: &stored, at: time.Now()}
	c.mu.Unlock()
	return p, nil
}
