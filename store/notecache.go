package store

import (
	"sync"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// noteCacheSize is how many decoded notes the store keeps: a search page
// reads its notes (20 by default) to build titles and snippets, and phrase
// checks read their candidates; decoding one (zstd, then JSON) costs tens of
// microseconds, and the same notes come back query after query.
const noteCacheSize = 2048

// noteCache keeps recently read notes, decoded. Readers share the cached
// *Note: callers must not modify a note the store returns (they copy it
// first, as Engine.Note does to hide Readers).
//
// Consistency: Apply drops the ids it changed and moves the epoch on, once
// its batch is committed; a reader caches what it read only if no Apply
// ended while it was reading (same epoch before and after), so a note read
// from a snapshot older than a write never outlives that write in the cache.
type noteCache struct {
	mu    sync.Mutex
	epoch uint64
	lru   *simplelru.LRU[string, *Note]
}

func newNoteCache(size int) *noteCache {
	l, _ := simplelru.NewLRU[string, *Note](size, nil)
	return &noteCache{lru: l}
}

// lookup fills out with the cached notes among ids and returns the ids it
// did not find and the epoch to hand back to add.
func (c *noteCache) lookup(ids []string, out map[string]*Note) (missing []string, epoch uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		if n, ok := c.lru.Get(id); ok {
			out[id] = n
		} else {
			missing = append(missing, id)
		}
	}
	return missing, c.epoch
}

// add caches notes read since lookup returned epoch, unless a write ended
// in between.
func (c *noteCache) add(epoch uint64, notes map[string]*Note, ids []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.epoch != epoch {
		return
	}
	for _, id := range ids {
		if n, ok := notes[id]; ok {
			c.lru.Add(id, n)
		}
	}
}

// forget drops the notes of ids (written or deleted) and moves the epoch on.
func (c *noteCache) forget(ids []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.epoch++
	for _, id := range ids {
		c.lru.Remove(id)
	}
}
