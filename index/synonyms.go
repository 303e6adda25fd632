package index

import (
	"context"

	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

// SetSynonyms replaces the synonyms the index applies to queries (nil: the
// default list). Searches already running keep the list they started with.
func (ix *Index) SetSynonyms(s *analysis.Synonyms) {
	ix.synonyms.Store(s)
	ix.cache.clear()
	ix.synPhrases.clear()
}

// Synonyms returns the list the index applies.
func (ix *Index) Synonyms() *analysis.Synonyms {
	if s := ix.synonyms.Load(); s != nil {
		return s
	}
	return analysis.DefaultSynonyms()
}

// applySynonyms adds the synonyms in force to the plan, each synonym of
// several words restricted to the notes that hold it as a phrase.
func (ix *Index) applySynonyms(ctx context.Context, p *query.Plan, pq query.ParsedQuery, notes Notes) error {
	syn := ix.Synonyms()
	verified := map[string][]string{}
	for _, pw := range p.SynonymPhrases(pq, syn) {
		ids, err := ix.synonymPhraseIDs(ctx, pw, notes)
		if err != nil {
			return err
		}
		verified[pw.Text()] = ids
	}
	p.ApplySynonyms(pq, syn, verified)
	return nil
}

// synonymPhraseIDs returns the public notes whose stored text holds the
// synonym pw as a phrase (see phrase.go), cached and kept up to date by
// writes (synPhraseCache).
// Candidates are capped like phrases' (MaxPhraseCandidates).
func (ix *Index) synonymPhraseIDs(ctx context.Context, pw *query.Word, notes Notes) ([]string, error) {
	key := pw.Text()
	ids, ok, epoch := ix.synPhrases.get(key)
	if ok {
		return ids, nil
	}
	cands, err := ix.candidates(ctx, query.Request{}, query.TextQuery{Must: pw.Query()})
	if err != nil {
		return nil, err
	}
	out, err := verifyNotes(ctx, cands, notes, func(n *store.Note) bool { return noteHasPhrase(n, pw) })
	if err != nil {
		return nil, err
	}
	ix.synPhrases.put(epoch, key, pw, out)
	return out, nil
}
