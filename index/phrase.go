package index

import (
	"context"

	"github.com/blevesearch/bleve/v2"
	"github.com/encommun/trouvaille/store"
)

// MaxPhraseCandidates bounds the notes whose text is read to verify a
// phrase. Beyond it, only the best-scored candidates are verified, so the
// total of a phrase query that common is a lower bound.
const MaxPhraseCandidates = 5000

// verifyPhrases finds, for the plan's phrases, the notes whose stored text
// holds them word for word: candidates come from the index (all the phrase's
// words), the verification reads title, summary, body, terms and
// organisations from the store. It fills p.phraseIDs and p.excludedIDs.
func (ix *Index) verifyPhrases(ctx context.Context, r Request, p *plan, notes Notes) error {
	pos, neg := p.phrases()
	if len(pos) > 0 {
		tq := p.strict()
		ids, err := ix.candidates(ctx, r, tq)
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		got, err := notes.GetMany(ids)
		if err != nil {
			return err
		}
		p.phraseIDs = []string{}
		for i, id := range ids {
			if err := verifyCancelled(ctx, i); err != nil {
				return err
			}
			n := got[id]
			if n == nil {
				continue
			}
			ok := true
			for _, w := range pos {
				if !noteHasPhrase(n, w) {
					ok = false
					break
				}
			}
			if ok {
				p.phraseIDs = append(p.phraseIDs, id)
			}
		}
	}
	for _, w := range neg {
		ids, err := ix.candidates(ctx, r, textQuery{must: w.q})
		if err != nil {
			return err
		}
		got, err := notes.GetMany(ids)
		if err != nil {
			return err
		}
		for i, id := range ids {
			if err := verifyCancelled(ctx, i); err != nil {
				return err
			}
			if n := got[id]; n != nil && noteHasPhrase(n, w) {
				p.excludedIDs = append(p.excludedIDs, id)
			}
		}
	}
	return nil
}

// verifyCancelled checks ctx every 64 notes verified: reading and
// analysing up to MaxPhraseCandidates notes must stop when the request does.
func verifyCancelled(ctx context.Context, i int) error {
	if i&63 == 0 {
		return ctx.Err()
	}
	return nil
}

// candidates returns the ids of the best-scored notes matching tq under the
// request's filters, up to MaxPhraseCandidates.
func (ix *Index) candidates(ctx context.Context, r Request, tq textQuery) ([]string, error) {
	q := ix.boolean(r, tq, "")
	req := bleve.NewSearchRequestOptions(q, MaxPhraseCandidates, 0, false)
	return ix.searchIDs(ctx, req)
}

func noteHasPhrase(n *store.Note, w *plannedWord) bool {
	if hasPhrase(n.Title, w) || hasPhrase(n.Summary, w) || hasPhrase(PlainText(n.Body), w) {
		return true
	}
	for _, list := range [][]string{n.Terms, n.Organisations} {
		for _, s := range list {
			if hasPhrase(s, w) {
				return true
			}
		}
	}
	return false
}

// hasPhrase reports whether text holds the phrase's terms at the phrase's
// relative positions (alternatives at one position are ORed).
func hasPhrase(text string, w *plannedWord) bool {
	if text == "" || len(w.positions) == 0 {
		return false
	}
	toks := Analyze(text)
	at := make(map[int][]string, len(toks))
	for _, t := range toks {
		at[t.Position] = append(at[t.Position], t.Term)
	}
	has := func(pos int, alts []string) bool {
		for _, t := range at[pos] {
			for _, a := range alts {
				if t == a {
					return true
				}
			}
		}
		return false
	}
	for _, t := range toks {
		if !has(t.Position, w.positions[0]) {
			continue
		}
		ok := true
		for i := 1; i < len(w.positions); i++ {
			if !has(t.Position+w.offsets[i], w.positions[i]) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}
