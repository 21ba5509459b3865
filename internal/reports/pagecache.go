package reports

import (
	"sync"
	"time"
)

// pageTTL bounds how stale a cached public page can be when another process
// changed the data (changes made through this process drop it at once).
const pageTTL = 5 * time.Second

// pageCache keeps encoded public Open311 pages: clients such as
// FixMyStreet and open-data harvesters poll the same query again and again.
type pageCache struct {
	mu      sync.Mutex
	entries map[string]cachedPage
	// asked holds the queries answered once and not kept (see admit).
	asked map[string]bool
}

type cachedPage struct {
	body    []byte
	version uint64
	at      time.Time
}

const maxCachedPages = 256

// admit says whether the page of key is worth keeping: only once key has
// been asked for before. A query asked once (a harvester walking pages, a
// one-off filter) would push out the pages clients poll, and keeping it
// costs a copy of the page.
func (c *pageCache) admit(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.asked[key] {
		return true
	}
	if c.asked == nil || len(c.asked) >= 4*maxCachedPages {
		c.asked = map[string]bool{}
	}
	c.asked[key] = true
	return false
}

func (c *pageCache) get(key string, version uint64) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.entries[key]
	if !ok || p.version != version || time.Since(p.at) > pageTTL {
		return nil, false
	}
	return p.body, true
}

func (c *pageCache) put(key string, version uint64, body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= maxCachedPages {
		c.entries = map[string]cachedPage{}
	}
	c.entries[key] = cachedPage{body: body, version: version, at: time.Now()}
}
