package index

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	bq "github.com/blevesearch/bleve/v2/search/query"
	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

// Synonyms of several words ("pouvoir d'agir" for « capacité ») only match
// the notes that hold them as a phrase. The index marks those notes when it
// indexes them: each note gets, in field fSynPhrase, the key of every such
// synonym of the list in force that its texts hold (query.PhraseMarker), and
// a search restricts the synonym to that one term. A phrase is only trusted
// to the marks if every indexed note was checked for it: the set "marked"
// (kept in the index, keyMarked) starts as the list's phrases on an empty
// index; it loses, when the list changes, the phrases the new list adds
// (older notes were not checked for them), and, when a batch is applied,
// the phrases the batch was not checked for (prepared under another list,
// or written by a process with another list: `trouvaille ingest`, and the
// catch-up at start, run with the default list). Those, until the next `reindex`,
// are verified by reading the candidate notes (synonymPhraseIDs), as every
// synonym phrase was before 2026-12-02: up to 5,000 notes read and analysed
// on first use (1.2 s and 450 MB allocated at 100k notes).

// SetSynonyms replaces the synonyms the index applies to queries (nil: the
// default list). Searches already running keep the list they started with.
func (ix *Index) SetSynonyms(s *analysis.Synonyms) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	m := query.NewPhraseMarker(cmpSynonyms(s))
	n, err := ix.bi.DocCount()
	if err != nil {
		return fmt.Errorf("compter les notes de l’index : %w", err)
	}
	marked := map[string]bool{}
	for _, k := range m.Keys() {
		if n == 0 || (*ix.marked.Load())[k] {
			marked[k] = true
		}
	}
	if err := ix.bi.SetInternal(keyMarked, encodeMarked(marked)); err != nil {
		return fmt.Errorf("enregistrer les synonymes marqués : %w", err)
	}
	ix.marked.Store(&marked)
	ix.marker.Store(m)
	ix.synonyms.Store(s)
	ix.cache.clear()
	ix.synPhrases.clear()
	return nil
}

func cmpSynonyms(s *analysis.Synonyms) *analysis.Synonyms {
	if s == nil {
		return analysis.DefaultSynonyms()
	}
	return s
}

// PhraseMarks returns how many phrases of the list in force the index has
// marked on every note, and how many it has not (those are verified by
// reading until a reindex).
func (ix *Index) PhraseMarks() (marked, unmarked int) {
	set := *ix.marked.Load()
	for _, k := range ix.marker.Load().Keys() {
		if set[k] {
			marked++
		} else {
			unmarked++
		}
	}
	return marked, unmarked
}

// Synonyms returns the list the index applies.
func (ix *Index) Synonyms() *analysis.Synonyms { return cmpSynonyms(ix.synonyms.Load()) }

// loadMarked sets up the marker of the default list and reads the set of
// marked phrases (Open). An index without the set (empty, just created)
// marks every phrase of the list from its first note.
func (ix *Index) loadMarked() error {
	m := query.NewPhraseMarker(analysis.DefaultSynonyms())
	ix.marker.Store(m)
	v, err := ix.bi.GetInternal(keyMarked)
	if err != nil {
		return fmt.Errorf("lire les synonymes marqués de l’index : %w", err)
	}
	marked := map[string]bool{}
	if v != nil {
		var keys []string
		if err := json.Unmarshal(v, &keys); err != nil {
			return fmt.Errorf("lire les synonymes marqués de l’index : %w", err)
		}
		for _, k := range keys {
			marked[k] = true
		}
	} else if n, err := ix.bi.DocCount(); err != nil {
		return fmt.Errorf("compter les notes de l’index : %w", err)
	} else if n == 0 {
		for _, k := range m.Keys() {
			marked[k] = true
		}
		if err := ix.bi.SetInternal(keyMarked, encodeMarked(marked)); err != nil {
			return fmt.Errorf("enregistrer les synonymes marqués : %w", err)
		}
	}
	ix.marked.Store(&marked)
	return nil
}

// markedAfter returns the marked set once a batch prepared with marker m
// is applied: without the phrases m does not find, whose marks the batch's
// notes lack (a batch prepared before the list changed, or written by a
// process that runs with another list, as `trouvaille ingest` with the
// default one); nil when unchanged. Called under mu.
func (ix *Index) markedAfter(m *query.PhraseMarker) map[string]bool {
	cur := *ix.marked.Load()
	for k := range cur {
		if m.Has(k) {
			continue
		}
		out := make(map[string]bool, len(cur))
		for k := range cur {
			if m.Has(k) {
				out[k] = true
			}
		}
		return out
	}
	return nil
}

func encodeMarked(marked map[string]bool) []byte {
	keys := make([]string, 0, len(marked))
	for k := range marked {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b, _ := json.Marshal(keys)
	return b
}

// applySynonyms adds the synonyms in force to the plan (none when withList
// is false: the words typed apart that the notes write joined are applied
// all the same, being no synonyms), each synonym of several words
// restricted to the notes that hold it as a phrase, among those the scope
// sees.
func (ix *Index) applySynonyms(ctx context.Context, sc query.Scope, p *query.Plan, pq query.ParsedQuery, notes Notes, withList bool) error {
	var syn *analysis.Synonyms
	if withList {
		syn = ix.Synonyms()
	}
	only := map[string]bq.Query{}
	for _, pw := range p.SynonymPhrases(pq, syn) {
		q, err := ix.phraseNotes(ctx, sc, pw, notes)
		if err != nil {
			return err
		}
		only[pw.Text()] = q
	}
	if words := p.SynonymWords(pq, syn); len(words) > 0 {
		dict := ix.DictionaryFor(sc)
		for a, term := range words {
			if !query.HeldInFields(dict, term) {
				only[a] = nil
			}
		}
		dict.Close()
	}
	p.ApplySynonyms(pq, syn, only)
	return nil
}

// phraseNotes returns a query of the notes holding the synonym pw as a
// phrase (nil: none): its mark when every note was checked for it, else the
// notes synonymPhraseIDs verified.
func (ix *Index) phraseNotes(ctx context.Context, sc query.Scope, pw *query.Word, notes Notes) (bq.Query, error) {
	if key := query.PhraseKey(pw); (*ix.marked.Load())[key] {
		// A phrase no note holds is left out of the query, as a verified
		// one found in no note: its words would still count in the score.
		// Only the notes the scope sees count (the query must not depend
		// on the others).
		d := ix.DictionaryFor(sc)
		n, err := d.Term(fSynPhrase, key)
		d.Close()
		if err != nil || n == 0 {
			return nil, err
		}
		q := bq.NewTermQuery(key)
		q.SetField(fSynPhrase)
		return q, nil
	}
	held, err := ix.synonymPhraseIDs(ctx, pw, notes)
	if err != nil {
		return nil, err
	}
	// As for a marked phrase, only the notes the scope sees count.
	ids := visibleIDs(held, sc)
	if len(ids) == 0 {
		return nil, nil
	}
	return bq.NewDocIDQuery(ids), nil
}

// synonymPhraseIDs returns the notes whose stored text holds the synonym pw
// as a phrase (see phrase.go), of every visibility (the caller keeps those
// its scope sees), cached and kept up to date by writes (synPhraseCache).
// Only for phrases not marked on every note. Candidates are capped like
// phrases' (MaxPhraseCandidates), the public notes and the others apart:
// the others never take a public note's place.
func (ix *Index) synonymPhraseIDs(ctx context.Context, pw *query.Word, notes Notes) ([]phraseNote, error) {
	key := pw.Text()
	held, ok, epoch := ix.synPhrases.get(key)
	if ok {
		return held, nil
	}
	cands, err := ix.candidates(ctx, query.Request{}, query.TextQuery{Must: pw.Query()})
	if err != nil {
		return nil, err
	}
	public := bq.NewTermQuery(store.VisibilityPublic)
	public.SetField(fVis)
	others, err := ix.candidates(ctx, query.Request{Scope: query.Scope{Admin: true, Level: query.LevelPrivate}}, query.TextQuery{Must: pw.Query(), MustNot: public})
	if err != nil {
		return nil, err
	}
	cands = append(cands, others...)
	// No time budget: the list is cached and kept up to date by writes.
	var mu sync.Mutex
	seen := make(map[string]phraseNote)
	ids, _, err := verifyNotes(ctx, cands, notes, time.Time{}, 0, func(n *store.Note) bool {
		if !noteHasPhrase(n, pw) {
			return false
		}
		mu.Lock()
		seen[n.ID] = newPhraseNote(n)
		mu.Unlock()
		return true
	})
	if err != nil {
		return nil, err
	}
	held = make([]phraseNote, 0, len(ids))
	for _, id := range ids {
		held = append(held, seen[id])
	}
	ix.synPhrases.put(epoch, key, pw, held)
	return held, nil
}
