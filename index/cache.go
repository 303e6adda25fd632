package index

import lru "github.com/hashicorp/golang-lru/v2"

// resultCache is a bounded LRU cache of index results for repeated requests
// (the empty query's facets above all) and of dictionary look-ups, emptied
// on every index change. Values must be treated as immutable: callers copy
// before handing anything mutable out (see found.cloneFacets).
type resultCache struct {
	c *lru.Cache[string, any]
}

func newResultCache(max int) *resultCache {
	c, err := lru.New[string, any](max)
	if err != nil {
		panic("index: cache size must be positive") // programming error: sizes are constants
	}
	return &resultCache{c: c}
}

func (c *resultCache) get(k string) (any, bool) { return c.c.Get(k) }

func (c *resultCache) put(k string, v any) { c.c.Add(k, v) }

func (c *resultCache) clear() { c.c.Purge() }

// expansionCache remembers each segment's dictionary look-ups (typos and
// prefixes repeat while people type). Its keys name the segment read, which
// never changes: it is not emptied by writes, and the entries of merged-away
// segments age out.
type expansionCache = resultCache

// expansionCacheSize bounds the look-ups kept (one per segment read; most
// hold one or a few terms, the largest 64 to 256).
const expansionCacheSize = 32768

// Get and Put let a resultCache serve as a termdict.Cache.
func (c *resultCache) Get(k string) (any, bool) { return c.get(k) }

// Put stores v under k.
func (c *resultCache) Put(k string, v any) { c.put(k, v) }
