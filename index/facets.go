package index

import (
	"context"

	"github.com/blevesearch/bleve/v2"
	bq "github.com/blevesearch/bleve/v2/search/query"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/schema"
	"github.com/encommun/trouvaille/store"
)

// What package discover reads of the index beyond Search: every value of a
// facet with its count, the public notes' ids, Bleve requests it builds
// itself (related notes) and the hits of stored notes (NewHit).

// FacetCounts returns every value of facet with a non-zero count over the
// public notes matching r (its query, filters and dates; like a search's
// facets, the facet's own filter is ignored), in no particular order. notes
// verifies phrases and multi-word synonyms; nil skips them (no query).
func (ix *Index) FacetCounts(ctx context.Context, facet string, r query.Request, notes Notes) ([]FacetValue, error) {
	r.Facets = []string{facet}
	r.Page, r.PerPage = 1, 1
	if err := r.Normalize(); err != nil {
		return nil, err
	}
	counts, col, err := ix.allCounts(ctx, r, notes)
	if err != nil {
		return nil, err
	}
	out := []FacetValue{}
	for o, c := range counts {
		if c > 0 {
			out = append(out, FacetValue{Value: ix.cols.value(col, uint32(o)), Count: int(c)})
		}
	}
	return out, nil
}

// allCounts runs r (one facet requested) and returns the counts of every
// value of that facet, with the facet's column. Like Search, it falls back to
// the relaxed query when nothing matches every word.
func (ix *Index) allCounts(ctx context.Context, r query.Request, notes Notes) ([]uint32, int, error) {
	p := &query.Plan{}
	if r.Q != "" {
		pq, err := query.Parse(r.Q)
		if err != nil {
			return nil, 0, err
		}
		dict := ix.DictionaryFor(r.Scope)
		p, err = query.NewPlan(pq, dict)
		dict.Close()
		if err != nil {
			return nil, 0, err
		}
		if notes != nil {
			if !r.NoSynonyms {
				if err := ix.applySynonyms(ctx, r.Scope, p, pq, notes); err != nil {
					return nil, 0, err
				}
			}
			if err := ix.verifyPhrases(ctx, r, p, notes); err != nil {
				return nil, 0, err
			}
		}
	}
	ep, err := ix.execPlanFor(r)
	if err != nil {
		return nil, 0, err
	}
	ep.keep = 0
	ep.order = "relevance"
	ep.text = p.Strict()
	er, err := ix.execute(ctx, ep)
	if err != nil {
		return nil, 0, err
	}
	defer func() { er.release() }()
	if er.total == 0 {
		for min := p.WordCount() - 1; min >= 1; min-- {
			ep.text = p.Relaxed(min)
			rr, err := ix.execute(ctx, ep)
			if err != nil {
				return nil, 0, err
			}
			if rr.total > 0 {
				er.release()
				er = rr
				break
			}
			rr.release()
		}
	}
	return er.counts[0], ep.facets[0], nil
}

// PublicIDs lists the ids of every public note in the index.
func (ix *Index) PublicIDs(ctx context.Context) ([]string, error) {
	n, err := ix.bi.DocCount()
	if err != nil {
		return nil, err
	}
	vis := bq.NewTermQuery(store.VisibilityPublic)
	vis.SetField(schema.Vis)
	req := bleve.NewSearchRequestOptions(vis, int(n), 0, false)
	req.Score = "none"
	return ix.searchIDs(ctx, req)
}

// SearchIDs runs a Bleve request built by the caller and returns the ids of
// its hits, in order.
func (ix *Index) SearchIDs(ctx context.Context, req *bleve.SearchRequest) ([]string, error) {
	return ix.searchIDs(ctx, req)
}
