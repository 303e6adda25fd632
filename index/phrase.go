package index

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

// MaxPhraseCandidates bounds the notes whose text is read to verify a
// phrase. Beyond it, only the best-ranked candidates are verified, so the
// total of a phrase query that common is a lower bound (Result.Partial).
// Within PhraseBudget, about a thousand notes are read at 100k notes and a
// few hundred at a million: more candidates would not be read.
const MaxPhraseCandidates = 2000

// PhraseBudget bounds the time a search spends on its phrases, counted from
// the start: finding the candidates (rankedCandidates) is part of it, then
// reading them to verify each phrase (the cost bound of the search core
// issue: the index keeps no positions, and a phrase of common words has
// thousands of candidates). Candidates are verified best-ranked first, by
// chunks, on every core;
// past the budget the chunks not yet read are left out, and the result is
// marked partial (its total a lower bound), as Meilisearch's searchCutoffMs
// does. The first minVerified candidates are always verified. A variable
// so that tests can make it bite.
var PhraseBudget = 100 * time.Millisecond

// minVerified is how many of the best-scored candidates are verified
// whatever the time.
const minVerified = 2 * verifyChunk

// verifyPhrases finds, for the plan's phrases, the notes whose stored text
// holds them word for word: candidates come from the index (all the phrase's
// words), the verification reads title, summary, body, terms and
// organisations from the store. It sets the plan's phrase and excluded ids.
func (ix *Index) verifyPhrases(ctx context.Context, r query.Request, p *query.Plan, notes Notes) error {
	pos, neg := p.Phrases()
	deadline := time.Now().Add(PhraseBudget)
	if len(pos) > 0 {
		c, err := ix.rankedCandidates(ctx, r, p, pos, false)
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		phraseIDs, read, _, err := c.verify(ctx, notes, deadline, func(n *store.Note) bool { return notePhrases(n, pos, false) },
			func(strictKept int) bool { return strictKept < query.RelaxBelow })
		if err != nil {
			return err
		}
		p.SetPhraseIDs(phraseIDs)
		if c.partial(read, phraseIDs) {
			p.SetPartial()
		}
	}
	// The excluded phrases are verified in the notes the search would
	// count: those holding the words of one of them among the notes the
	// query finds (with the verified phrases), the best ranked first, each
	// note read once for them all (one reading per phrase took half a
	// second for 31 phrases of common words at a million notes).
	if len(neg) > 0 {
		c, err := ix.rankedCandidates(ctx, r, p, neg, true)
		if err != nil {
			return err
		}
		// The search relaxes when fewer than query.RelaxBelow of the notes
		// with every word are left once the excluded ones are taken out. The
		// candidates with every word are only those also holding the
		// phrases' words, no more than the search's: so this says the
		// search relaxes whenever it may.
		out, read, relaxed, err := c.verify(ctx, notes, deadline, func(n *store.Note) bool { return notePhrases(n, neg, true) },
			func(strictOut int) bool { return c.strictTotal-uint64(strictOut) < query.RelaxBelow })
		if err != nil {
			return err
		}
		p.AddExcludedIDs(out...)
		if read < c.strict || c.strictTotal > uint64(c.strict) ||
			(relaxed && (read < len(c.ids) || c.total > uint64(len(c.ids)))) {
			p.SetPartial()
		}
	}
	return nil
}

// verifyChunk is how many notes a worker of verifyNotes reads at once.
const verifyChunk = 64

// verifyNotes returns, in their order, the ids whose stored note passes
// keep: notes read and analysed in chunks, best-scored first, on every
// core, stopping when the request does. Past the deadline (unless zero),
// the chunks not yet started are left out (beyond the first minRead
// notes); read is how many of the first ids were all read (len(ids) when
// none was left out).
func verifyNotes(ctx context.Context, ids []string, notes Notes, deadline time.Time, minRead int, keep func(*store.Note) bool) (_ []string, read int, _ error) {
	ok := make([]bool, len(ids))
	chunks := (len(ids) + verifyChunk - 1) / verifyChunk
	var firstSkipped atomic.Int64
	firstSkipped.Store(int64(len(ids)))
	err := parallelEach(ctx, chunks, func(_, c int) error {
		if !deadline.IsZero() && c*verifyChunk >= minRead && time.Now().After(deadline) {
			for {
				cur := firstSkipped.Load()
				if int64(c*verifyChunk) >= cur || firstSkipped.CompareAndSwap(cur, int64(c*verifyChunk)) {
					return nil
				}
			}
		}
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
		return nil, 0, err
	}
	out := []string{}
	for i, id := range ids {
		if ok[i] {
			out = append(out, id)
		}
	}
	return out, int(firstSkipped.Load()), nil
}

// phraseCandidates are the notes that may hold a query's quoted phrases:
// ids, best ranked first, those with every word of the query leading
// (strict of them).
type phraseCandidates struct {
	ids    []string
	strict int    // how many of ids hold every word of the query
	total  uint64 // how many notes were counted, ids or not
	// strictTotal is how many notes hold every word: more than strict
	// when the candidates stop before the strict level does.
	strictTotal uint64
}

// verify reads the candidates and returns those keep accepts, in their
// order, and how many of the first candidates were all read (verifyNotes);
// The notes with every word are read first; those missing words only when
// relaxes says the search will show them, given how many of the former
// were kept: otherwise reading them would spend the budget on notes no
// page shows. The first minVerified candidates are read whatever the time.
// relaxed reports whether relaxes said so.
func (c *phraseCandidates) verify(ctx context.Context, notes Notes, deadline time.Time, keep func(*store.Note) bool, relaxes func(strictKept int) bool) (_ []string, read int, relaxed bool, _ error) {
	kept, read, err := verifyNotes(ctx, c.ids[:c.strict], notes, deadline, minVerified, keep)
	if err != nil || read < c.strict {
		return kept, read, false, err
	}
	if !relaxes(len(kept)) {
		return kept, read, false, nil
	}
	if c.strict == len(c.ids) {
		return kept, read, true, nil
	}
	more, read, err := verifyNotes(ctx, c.ids[c.strict:], notes, deadline, minVerified-c.strict, keep)
	if err != nil {
		return nil, 0, false, err
	}
	return append(kept, more...), c.strict + read, true, nil
}

// partial reports whether a search restricted to the verified notes may
// miss some, its total then a lower bound. read is how many of the first
// candidates were read (verifyNotes), verified those that hold the phrases
// (in the candidates' order). The search shows the notes that miss words
// when fewer than query.RelaxBelow hold every word.
func (c *phraseCandidates) partial(read int, verified []string) bool {
	if read < c.strict || c.strictTotal > uint64(c.strict) {
		return true // notes with every word left unread
	}
	if read == len(c.ids) && c.total == uint64(len(c.ids)) {
		return false // every candidate read
	}
	// Notes missing words were left unread: they count only when the
	// search relaxes, that is when fewer than query.RelaxBelow of the
	// notes with every word hold the phrases (verified is in the order of
	// ids).
	strict, j := 0, 0
	for _, id := range verified {
		for j < c.strict && c.ids[j] != id {
			j++
		}
		if j == c.strict {
			break
		}
		strict++
		j++
	}
	return strict < query.RelaxBelow
}

// rankedCandidates returns the notes that may hold the quoted phrases
// (the plan's own, or an excluded one): those holding every word of each,
// under the request's filters and scope, the best ranked first by the
// ranking rules (ties in index order), up to MaxPhraseCandidates. The notes with every word of the
// query lead; those missing other words follow them, level by level, as the
// search adds them when fewer than a page has every word (a phrase is never
// missed: its words are required). It runs on the bitmap executor: Bleve's
// searchers took 3 s to rank the candidates of an 8-word phrase of common
// words at a million notes.
func (ix *Index) rankedCandidates(ctx context.Context, r query.Request, plan *query.Plan, phrases []*query.Word, any bool) (*phraseCandidates, error) {
	ep, err := ix.execPlanFor(r)
	if err != nil {
		return nil, err
	}
	ep.facets, ep.hist = nil, false // counted by the search itself
	for g := range ep.groups {
		ep.groups[g].facet = -1
	}
	ep.text = plan.Strict()
	// By the rules alone: scoring the ties at the 2,000th place took half
	// of this at a million notes, and the page is scored by the search.
	ep.scoring = false
	ep.rank = newRanker(plan)
	ep.plan, ep.fill, ep.must, ep.mustAny = plan, MaxPhraseCandidates, phrases, any
	ep.order, ep.keep, ep.skip = "relevance", MaxPhraseCandidates, 0
	if ep.text.Must == nil {
		ep.order = "-published_at" // browsing, as find does
	}
	er, err := ix.execute(ctx, ep)
	if err != nil {
		return nil, err
	}
	defer er.release()
	c := &phraseCandidates{ids: make([]string, 0, len(er.hits)), total: er.total, strictTotal: er.total}
	if er.filled {
		c.strictTotal = er.strictTotal
	}
	c.strict = int(min(c.strictTotal, uint64(len(er.hits))))
	for _, h := range er.hits {
		id, err := er.view.externalID(h)
		if err != nil {
			return nil, err
		}
		c.ids = append(c.ids, id)
	}
	return c, nil
}

// candidates returns the ids of the best-scored notes matching tq under the
// request's filters, up to MaxPhraseCandidates.
func (ix *Index) candidates(ctx context.Context, r query.Request, tq query.TextQuery) ([]string, error) {
	q := bleveScored(ix.boolean(r, tq, ""))
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

func noteHasPhrase(n *store.Note, w *query.Word) bool { return notePhrases(n, []*query.Word{w}, false) }

// notePhrases reports whether n's texts hold every phrase of ws (any of
// them when any is set), each text analysed once whatever the phrases.
func notePhrases(n *store.Note, ws []*query.Word, any bool) bool {
	found := make([]bool, len(ws))
	left := len(ws)
	for _, t := range phraseTexts(n) {
		if t == "" {
			continue
		}
		a := query.Analyzed(t)
		for i, w := range ws {
			if found[i] || !w.InAnalyzed(a) {
				continue
			}
			if any {
				return true
			}
			found[i] = true
			if left--; left == 0 {
				return true
			}
		}
	}
	return false
}
