package reports

import (
	"context"
	"sync"
	"time"
)

// routingTTL bounds how long another process's edit of categories, areas or rules can
// go unseen here; edits made through this process are seen at once.
const routingTTL = 30 * time.Second

// routingCache keeps categories, areas and routing rules, read on every new
// report and changed a few times a year.
type routingCache struct {
	mu     sync.Mutex
	at     time.Time
	cats   []Category
	areas  []Area
	rules  []Rule
	loaded bool
}

func (c *routingCache) invalidate() {
	c.mu.Lock()
	c.loaded = false
	c.mu.Unlock()
}

func (s *Service) routing(ctx context.Context) ([]Area, []Rule, error) {
	c := &s.cache
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.loaded && time.Since(c.at) < routingTTL {
		return c.areas, c.rules, nil
	}
	cats, err := s.Categories(ctx, false)
	if err != nil {
		return nil, nil, err
	}
	areas, err := s.Areas(ctx)
	if err != nil {
		return nil, nil, err
	}
	rules, err := s.Rules(ctx)
	if err != nil {
		return nil, nil, err
	}
	c.cats, c.areas, c.rules, c.at, c.loaded = cats, areas, rules, time.Now(), true
	return areas, rules, nil
}

// cachedCategory finds a category by id or code in the cache.
func (s *Service) cachedCategory(ctx context.Context, idOrCode string) (Category, bool, error) {
	if _, _, err := s.routing(ctx); err != nil {
		return Category{}, false, err
	}
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	for _, c := range s.cache.cats {
		if c.ID == idOrCode || c.Code == idOrCode {
			return c, true, nil
		}
	}
	return Category{}, false, nil
}

func (s *Service) cachedAreas(ctx context.Context) ([]Area, error) {
	a, _, err := s.routing(ctx)
	return a, err
}

func (s *Service) cachedRules(ctx context.Context) ([]Rule, error) {
	_, r, err := s.routing(ctx)
	return r, err
}
