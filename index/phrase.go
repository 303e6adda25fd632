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
		phraseIDs, err := verifyNotes(ctx, ids, notes, func(n *store.Note) bool {
			for _, w := range pos {
				if !noteHasPhrase(n, w) {
					return false
				}
			}
			return true
		})
		if err != nil {
			return err
		}
		p.SetPhraseIDs(phraseIDs)
	}
	for _, w := range neg {
		ids, err := ix.candidates(ctx, r, query.TextQuery{Must: w.Query()})
		if err != nil {
			return err
		}
		out, err := verifyNotes(ctx, ids, notes, func(n *store.Note) bool { return noteHasPhrase(n, w) })
		if err != nil {
			return err
		}
		p.AddExcludedIDs(out...)
	}
	return nil
}

// verifyChunk is how many notes a worker of verifyNotes reads at once.
const verifyChunk = 64

// verifyNotes returns, in their order, the ids whose stored note passes
// keep: up to MaxPhraseCandidates notes read and analysed, in chunks, on
// every core, stopping when the request does.
func verifyNotes(ctx context.Context, ids []string, notes Notes, keep func(*store.Note) bool) ([]string, error) {
	ok := make([]bool, len(ids))
	chunks := (len(ids) + verifyChunk - 1) / verifyChunk
	err := parallelEach(ctx, chunks, func(_, c int) error {
		part := ids[c*verifyChunk : min(len(ids), (c+1)*verifyChunk)]
		got, err := notes.GetMany(part)
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err // a request gone while the chunk was read
		}
		for i, id := range part {
			if n := got[id]; n != nil && keep(n) {
				ok[c*verifyChunk+i] = true
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := []string{}
	for i, id := range ids {
		if ok[i] {
			out = append(out, id)
		}
	}
	return out, nil
}

// candidates returns the ids of the best-scored notes matching tq under the
// request's filters, up to MaxPhraseCandidates.
func (ix *Index) candidates(ctx context.Context, r query.Request, tq query.TextQuery) ([]string, error) {
	q := ix.boolean(r, tq, "")
	req := bleve.NewSearchRequestOptions(q, MaxPhraseCandidates, 0, false)
	return ix.searchIDs(ctx, req)
}

// phraseTexts are the texts of a note a phrase is looked for in: title,
// summary, body, terms and organisations. The body is its Markdown source,
// as the index analyses it (and marks synonym phrases in it): Markdown's
// marks are punctuation to the analyzer, and converting the body to plain
// text first took a quarter of a phrase verification's time.
func phraseTexts(n *store.Note) []string {
	texts := []string{n.Title, n.Summary, n.Body}
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
