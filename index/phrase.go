package index

import (
	"context"

	"github.com/blevesearch/bleve/v2"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

// MaxPhraseCandidates bounds the notes whose text is read to verify a
// phrase. Beyond it, only the best-scored candidates are verified, so the
// total of a phrase query that common is a lower bound.
const MaxPhraseCandidates = 5000

// verifyPhrases finds, for the plan's phrases, the notes whose stored text
// holds them word for word: candidates come from the index (all the phrase's
// words), the verification reads title, summary, body, terms and
// organisations from the store. It sets the plan's phrase and excluded ids.
func (ix *Index) verifyPhrases(ctx context.Context, r query.Request, p *query.Plan, notes Notes) error {
	pos, neg := p.Phrases()
	if len(pos) > 0 {
		tq := p.Strict()
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
		phraseIDs := []string{}
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
				phraseIDs = append(phraseIDs, id)
			}
		}
		p.SetPhraseIDs(phraseIDs)
	}
	for _, w := range neg {
		ids, err := ix.candidates(ctx, r, query.TextQuery{Must: w.Query()})
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
				p.AddExcludedIDs(id)
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
func (ix *Index) candidates(ctx context.Context, r query.Request, tq query.TextQuery) ([]string, error) {
	q := ix.boolean(r, tq, "")
	req := bleve.NewSearchRequestOptions(q, MaxPhraseCandidates, 0, false)
	return ix.searchIDs(ctx, req)
}

// phraseTexts are the texts of a note a phrase is looked for in: title,
// summary, body as plain text, terms and organisations.
func phraseTexts(n *store.Note) []string {
	texts := []string{n.Title, n.Summary, PlainText(n.Body)}
	texts = append(texts, n.Terms...)
	return append(texts, n.Organisations...)
}

func noteHasPhrase(n *store.Note, w *query.Word) bool {
	for _, t := range phraseTexts(n) {
		if w.InText(t) {
			return true
		}
	}
	return false
}
