package index

import (
	"context"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	bq "github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"
)

// The words as written (fWords) are indexed without frequencies, and so are
// the single occurrences of the fields of lengthFields (lengths.go); zap
// keeps no norm for such postings either. Trouvaille's own scores count a
// word as written as one occurrence in a field of average length
// (wordsScore), and a single occurrence with the length the note's column
// holds, but Bleve's scorer reads the missing norm as +Inf and scores the
// note NaN. The few searches still scored by Bleve (a phrase's candidates,
// the executor's fallback) therefore run on bleveScored(q): the same notes,
// with those fields adding nothing to the score.

// unscoredQuery matches what q matches, with a score of 0.
type unscoredQuery struct{ q bq.Query }

func (u unscoredQuery) Searcher(ctx context.Context, r bindex.IndexReader, m mapping.IndexMapping, o search.SearcherOptions) (search.Searcher, error) {
	o.Score = "none"
	return u.q.Searcher(ctx, r, m, o)
}

// bleveScored returns q with its term queries on the words as written and
// the fields of lengthFields unscored. q is not modified (a plan's queries are shared): the compound
// queries on the way to such a term are copies, of the same types, since
// Bleve's boolean query looks at the types of its parts.
func bleveScored(q bq.Query) bq.Query {
	all := func(qs []bq.Query) ([]bq.Query, bool) {
		var out []bq.Query
		for i, c := range qs {
			if s := bleveScored(c); s != c || out != nil {
				if out == nil {
					out = append(make([]bq.Query, 0, len(qs)), qs[:i]...)
				}
				out = append(out, s)
			}
		}
		return out, out != nil
	}
	switch q := q.(type) {
	case *bq.TermQuery:
		if q.FieldVal == fWords || lengthField(q.FieldVal) >= 0 {
			return unscoredQuery{q}
		}
	case *bq.DisjunctionQuery:
		if qs, changed := all(q.Disjuncts); changed {
			c := *q
			c.Disjuncts = qs
			return &c
		}
	case *bq.ConjunctionQuery:
		if qs, changed := all(q.Conjuncts); changed {
			c := *q
			c.Conjuncts = qs
			return &c
		}
	case *bq.BooleanQuery:
		parts := []bq.Query{q.Must, q.Should, q.MustNot, q.Filter}
		changed := false
		for i, p := range parts {
			if p != nil {
				if s := bleveScored(p); s != p {
					parts[i], changed = s, true
				}
			}
		}
		if changed {
			c := *q
			c.Must, c.Should, c.MustNot, c.Filter = parts[0], parts[1], parts[2], parts[3]
			return &c
		}
	}
	return q
}
