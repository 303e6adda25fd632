package index

import (
	"context"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	bq "github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"
)

// ConstantScore returns a query that matches what q matches, every match
// scored score: no index statistics (term frequencies across notes, the
// query norm) enter it. Related notes (discover) are ranked with it, so that
// their order never depends on notes the caller may not see.
func ConstantScore(q bq.Query, score float64) bq.Query { return constantQuery{q: q, score: score} }

type constantQuery struct {
	q     bq.Query
	score float64
}

func (c constantQuery) Searcher(ctx context.Context, r bindex.IndexReader, m mapping.IndexMapping, o search.SearcherOptions) (search.Searcher, error) {
	o.Score = "none" // the matches only: the score is set here
	s, err := c.q.Searcher(ctx, r, m, o)
	if err != nil {
		return nil, err
	}
	return &constantSearcher{Searcher: s, score: c.score}, nil
}

// constantSearcher is a searcher whose matches all score the same, whatever
// the query norm its parent hands down.
type constantSearcher struct {
	search.Searcher
	score float64
}

func (s *constantSearcher) set(d *search.DocumentMatch, err error) (*search.DocumentMatch, error) {
	if d != nil {
		d.Score = s.score
	}
	return d, err
}

func (s *constantSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	return s.set(s.Searcher.Next(ctx))
}

func (s *constantSearcher) Advance(ctx *search.SearchContext, id bindex.IndexInternalID) (*search.DocumentMatch, error) {
	return s.set(s.Searcher.Advance(ctx, id))
}

func (s *constantSearcher) Weight() float64      { return s.score * s.score }
func (s *constantSearcher) SetQueryNorm(float64) {}
