package index

import (
	"sync"

	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// synPhraseCacheSize bounds the multi-word synonyms whose notes are kept.
const synPhraseCacheSize = 256

// synPhraseCache keeps, per multi-word synonym, the public notes that hold
// it as a phrase (synonymPhraseIDs). Unlike the other caches it survives
// writes: Apply checks the notes of each batch against every phrase kept
// (a note written is checked again, a note deleted leaves), because emptying
// it on every write made each search needing a synonym re-read and analyse
// up to MaxPhraseCandidates notes while writes flowed (10 % of all CPU in the
// soak at 100k notes, and searches past the 10 s timeout).
//
// A list computed while a batch was being applied may miss that batch: it
// is kept only if no batch ended meanwhile (epoch), like the store's cache.
type synPhraseCache struct {
	mu    sync.Mutex
	epoch uint64
	lru   *simplelru.LRU[string, *synPhrases]
}

// synPhrases is one synonym's notes. A list computed from
// MaxPhraseCandidates candidates (the synonym's words in more notes than
// that) is a lower bound, like a phrase query's total; it is kept up to
// date all the same: a note written is checked, a note deleted leaves.
// Recomputing it after each write, as was done, gave another lower bound
// and cost a search needing it up to 5,000 notes read and analysed (1.2 s
// at 100k) after every write.
type synPhrases struct {
	word *query.Word
	ids  map[string]struct{}
	list []string // ids as a slice, rebuilt after a change
}

func newSynPhraseCache() *synPhraseCache {
	l, _ := simplelru.NewLRU[string, *synPhrases](synPhraseCacheSize, nil)
	return &synPhraseCache{lru: l}
}

// get returns the notes kept for key and the epoch to hand back to put.
func (c *synPhraseCache) get(key string) ([]string, bool, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.lru.Get(key)
	if !ok {
		return nil, false, c.epoch
	}
	if e.list == nil {
		e.list = make([]string, 0, len(e.ids))
		for id := range e.ids {
			e.list = append(e.list, id)
		}
	}
	return e.list, true, c.epoch
}

// put keeps ids for key unless a batch was applied since get returned epoch.
func (c *synPhraseCache) put(epoch uint64, key string, w *query.Word, ids []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.epoch != epoch {
		return
	}
	set := make(map[string]struct{}, len(ids))
	for _, id := range ids {
		set[id] = struct{}{}
	}
	c.lru.Add(key, &synPhrases{word: w, ids: set, list: append([]string{}, ids...)})
}

// update brings every kept list up to date with a batch the index has
// applied. Each note of the batch is analysed once, whatever the number of
// phrases kept.
func (c *synPhraseCache) update(entries []store.Entry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.epoch++
	if c.lru.Len() == 0 {
		return
	}
	texts := make([][]*query.AnalyzedText, len(entries))
	for i, e := range entries {
		if e.Note != nil && e.Note.Public() {
			texts[i] = noteTexts(e.Note)
		}
	}
	for _, key := range c.lru.Keys() {
		sp, _ := c.lru.Peek(key)
		for i, e := range entries {
			_, had := sp.ids[e.ID]
			has := texts[i] != nil && anyHas(texts[i], sp.word)
			if had != has {
				if has {
					sp.ids[e.ID] = struct{}{}
				} else {
					delete(sp.ids, e.ID)
				}
				sp.list = nil
			}
		}
	}
}

// clear forgets every list (the synonyms in force changed).
func (c *synPhraseCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.epoch++
	c.lru.Purge()
}

// noteTexts analyses the texts a phrase is looked for in (phraseTexts).
func noteTexts(n *store.Note) []*query.AnalyzedText {
	texts := phraseTexts(n)
	out := make([]*query.AnalyzedText, len(texts))
	for i, t := range texts {
		out[i] = query.Analyzed(t)
	}
	return out
}

func anyHas(texts []*query.AnalyzedText, w *query.Word) bool {
	for _, t := range texts {
		if w.InAnalyzed(t) {
			return true
		}
	}
	return false
}
