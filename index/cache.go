package index

import (
	"sync"
	"unsafe"

	"github.com/encommun/trouvaille/query"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// resultCache is a bounded LRU cache of index results for repeated requests
// (the empty query's facets above all), emptied on every index change.
// Values must be treated as immutable: callers copy before handing anything
// mutable out (see found.cloneFacets).
//
// A result computed while the index changed (a search that read the
// snapshot before a batch and finished after it) must not be kept: it
// would be served until the next change. put therefore takes the
// generation read before the search began, and keeps the result only if
// no clear came in between.
type resultCache struct {
	c   *lru.Cache[string, any]
	mu  sync.Mutex // orders put against clear
	gen uint64
}

func newResultCache(max int) *resultCache {
	c, err := lru.New[string, any](max)
	if err != nil {
		panic("index: cache size must be positive") // programming error: sizes are constants
	}
	return &resultCache{c: c}
}

func (c *resultCache) get(k string) (any, bool) { return c.c.Get(k) }

// generation returns the cache's generation, to hand back to put.
func (c *resultCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put keeps v under k unless the cache was cleared since generation gen.
func (c *resultCache) put(gen uint64, k string, v any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen == c.gen {
		c.c.Add(k, v)
	}
}

func (c *resultCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.c.Purge()
}

// expansionCache remembers each segment's dictionary look-ups (typos and
// prefixes repeat while people type). Its keys name the segment read, which
// never changes: it is not emptied by writes, and the entries of merged-away
// segments age out. It is bounded by the bytes its answers hold, not their
// number: most hold one term or none, a completion up to 256.
type expansionCache struct {
	mu    sync.Mutex
	lru   *simplelru.LRU[string, []query.DictTerm]
	bytes int
	max   int
}

// expansionCacheBytes bounds the memory of the look-ups kept.
const expansionCacheBytes = 16 << 20

func newExpansionCache(maxBytes int) *expansionCache {
	c := &expansionCache{max: maxBytes}
	// The count bound is never the one reached: every entry costs at least
	// entryOverhead bytes.
	l, err := simplelru.NewLRU[string, []query.DictTerm](maxBytes/entryOverhead+1, func(k string, v []query.DictTerm) {
		c.bytes -= entryBytes(k, v)
	})
	if err != nil {
		panic("index: cache size must be positive")
	}
	c.lru = l
	return c
}

// entryOverhead is what an entry costs beyond its key and terms: the
// list element, the map slot and the slice header.
const entryOverhead = 128

func entryBytes(k string, v []query.DictTerm) int {
	n := entryOverhead + len(k) + len(v)*int(unsafe.Sizeof(query.DictTerm{}))
	for _, t := range v {
		n += len(t.Term)
	}
	return n
}

// Get returns the look-up kept under k (a termdict.Cache).
func (c *expansionCache) Get(k string) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.lru.Get(k)
	return v, ok
}

// Put keeps a look-up, dropping the least recently used ones beyond the
// byte bound.
func (c *expansionCache) Put(k string, v any) {
	terms, ok := v.([]query.DictTerm)
	if !ok {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lru.Remove(k) // its bytes leave through the eviction callback
	c.lru.Add(k, terms)
	c.bytes += entryBytes(k, terms)
	for c.bytes > c.max && c.lru.Len() > 1 {
		c.lru.RemoveOldest()
	}
}

// clear forgets every look-up.
func (c *expansionCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lru.Purge()
	c.bytes = 0
}
