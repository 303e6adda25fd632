package index

import (
	"sync"
)

// resultCache is a tiny cache of index results for repeated requests (the
// empty query's facets above all), emptied on every index change.
type resultCache struct {
	mu  sync.Mutex
	max int
	m   map[string]any
}

func newResultCache(max int) *resultCache { return &resultCache{max: max, m: map[string]any{}} }

func (c *resultCache) get(k string) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok
}

func (c *resultCache) put(k string, v any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		for key := range c.m { // evict an arbitrary entry
			delete(c.m, key)
			break
		}
	}
	c.m[k] = v
}

func (c *resultCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.m)
}

// expansionCache remembers dictionary look-ups (typos and prefixes repeat
// while people type) and verified synonym phrases; emptied whenever the
// index changes.
type expansionCache = resultCache

// Get and Put let a resultCache serve as a termdict.Cache.
func (c *resultCache) Get(k string) (any, bool) { return c.get(k) }

// Put stores v under k.
func (c *resultCache) Put(k string, v any) { c.put(k, v) }
