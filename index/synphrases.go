package index

import (
	"slices"
	"sync"

	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// synPhraseCacheSize bounds the multi-word synonyms whose notes are kept.
const synPhraseCacheSize = 256

// synPhraseCache keeps, per multi-word synonym, the notes that hold it as a
// phrase, of every visibility, with what a scope needs to tell whether it
// may see them (synonymPhraseIDs). Unlike the other caches it survives
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
	ids  map[string]phraseNote
	list []phraseNote // ids as a slice, rebuilt after a change
}

// phraseNote is a note holding a synonym phrase, with its visibility.
type phraseNote struct {
	id, vis, community string
	readers            []string
}

func newPhraseNote(n *store.Note) phraseNote {
	return phraseNote{id: n.ID, vis: n.Visibility, community: n.Community, readers: n.Readers}
}

// visibleIDs returns the ids of the notes among ns that sc may see.
func visibleIDs(ns []phraseNote, sc query.Scope) []string {
	out := make([]string, 0, len(ns))
	for _, n := range ns {
		if sc.Visible(n.vis, n.community, n.readers) {
			out = append(out, n.id)
		}
	}
	return out
}

func newSynPhraseCache() *synPhraseCache {
	l, _ := simplelru.NewLRU[string, *synPhrases](synPhraseCacheSize, nil)
	return &synPhraseCache{lru: l}
}

// get returns the notes kept for key and the epoch to hand back to put.
func (c *synPhraseCache) get(key string) ([]phraseNote, bool, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.lru.Get(key)
	if !ok {
		return nil, false, c.epoch
	}
	if e.list == nil {
		e.list = make([]phraseNote, 0, len(e.ids))
		for _, n := range e.ids {
			e.list = append(e.list, n)
		}
	}
	return e.list, true, c.epoch
}

// put keeps ids for key unless a batch was applied since get returned epoch.
func (c *synPhraseCache) put(epoch uint64, key string, w *query.Word, ns []phraseNote) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.epoch != epoch {
		return
	}
	set := make(map[string]phraseNote, len(ns))
	for _, n := range ns {
		set[n.id] = n
	}
	c.lru.Add(key, &synPhrases{word: w, ids: set, list: append([]phraseNote{}, ns...)})
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
		if e.Note != nil {
			texts[i] = noteTexts(e.Note)
		}
	}
	for _, key := range c.lru.Keys() {
		sp, _ := c.lru.Peek(key)
		for i, e := range entries {
			old, had := sp.ids[e.ID]
			has := texts[i] != nil && anyHas(texts[i], sp.word)
			switch {
			case has:
				// A note still holding the phrase may have changed
				// visibility.
				if n := newPhraseNote(e.Note); !had || !samePhraseNote(old, n) {
					sp.ids[e.ID] = n
					sp.list = nil
				}
			case had:
				delete(sp.ids, e.ID)
				sp.list = nil
			}
		}
	}
}

func samePhraseNote(a, b phraseNote) bool {
	return a.id == b.id && a.vis == b.vis && a.community == b.community && slices.Equal(a.readers, b.readers)
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
