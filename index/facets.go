package index

import (
	"context"
	"fmt"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bq "github.com/blevesearch/bleve/v2/search/query"
	"github.com/encommun/trouvaille/index/termdict"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/schema"
	"github.com/encommun/trouvaille/store"
)

// What package discover reads of the index beyond Search: every value of a
// facet with its count, the public notes' ids, Bleve requests it builds
// itself (related notes) and the hits of stored notes (NewHit).

// FacetCounts returns every value of facet with a non-zero count over the
// notes r's scope sees matching r (its query, filters and dates; like a search's
// facets, the facet's own filter is ignored), in no particular order. notes
// verifies phrases and multi-word synonyms; nil skips them (no query).
func (ix *Index) FacetCounts(ctx context.Context, facet string, r query.Request, notes Notes) ([]FacetValue, error) {
	r.Facets = []string{facet}
	r.Page, r.PerPage = 1, 1
	if err := r.Normalize(); err != nil {
		return nil, err
	}
	counts, col, carnets, err := ix.allCounts(ctx, r, notes)
	if err != nil {
		return nil, err
	}
	out := ix.facetValues(col, counts, carnets)
	if out == nil {
		out = []FacetValue{}
	}
	return out, nil
}

// allCounts runs r (one facet requested) and returns the counts of every
// value of that facet, with the facet's column (and, for the blocs under a
// chosen carnet, the carnets: facetValues). Like Search, it falls back to
// the relaxed query when nothing matches every word.
func (ix *Index) allCounts(ctx context.Context, r query.Request, notes Notes) ([]uint32, int, []string, error) {
	p := &query.Plan{}
	if r.Q != "" {
		pq, err := query.Parse(r.Q)
		if err != nil {
			return nil, 0, nil, err
		}
		if notes != nil {
			// As Search plans (synonyms, a misspelled member corrected).
			if p, err = ix.planQuery(ctx, r, pq, notes); err != nil {
				return nil, 0, nil, err
			}
			if err := ix.verifyPhrases(ctx, r, p, notes); err != nil {
				return nil, 0, nil, err
			}
		} else {
			dict := ix.DictionaryFor(r.Scope)
			p, err = query.NewPlan(pq, dict)
			dict.Close()
			if err != nil {
				return nil, 0, nil, err
			}
		}
	}
	ep, err := ix.execPlanFor(r)
	if err != nil {
		return nil, 0, nil, err
	}
	ep.keep = 0
	ep.order = "relevance"
	ep.text = p.Strict()
	er, err := ix.execute(ctx, ep)
	if err != nil {
		return nil, 0, nil, err
	}
	defer func() { er.release() }()
	if er.total == 0 {
		for min := p.WordCount() - 1; min >= 1; min-- {
			ep.text = p.Relaxed(min)
			rr, err := ix.execute(ctx, ep)
			if err != nil {
				return nil, 0, nil, err
			}
			if rr.total > 0 {
				er.release()
				er = rr
				break
			}
			rr.release()
		}
	}
	return er.counts[0], ep.facets[0], ep.blocCarnets, nil
}

// ValueCounts returns, for each of values, how many notes the scope may see
// hold it in the keyword facet (schema.ByFacet) as the index stands now,
// deleted notes left out: the discovery view, which follows the index a
// little late, checks its completions against it, so that a value whose
// last visible note was just hidden or deleted is no longer proposed.
func (ix *Index) ValueCounts(sc query.Scope, facet string, values []string) ([]int, error) {
	dim, _, ok := schema.ByFacet(facet)
	if !ok {
		return nil, fmt.Errorf("facette inconnue : %q", facet)
	}
	r, err := openReader(ix.bi)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, fmt.Errorf("index inattendu (%T) : seul scorch est pris en charge", r)
	}
	out := make([]int, len(values))
	only := visibleNotes(sc)
	for _, ss := range snap.Segments() {
		seg := ss.Segment()
		td, err := seg.Dictionary(dim.Field)
		if err != nil {
			return nil, fmt.Errorf("dictionnaire du champ %s : %w", dim.Field, err)
		}
		var visible *roaring.Bitmap // nil: every note (the admin)
		if only != nil {
			if visible, err = termdict.NotesOf(seg, only); err != nil {
				return nil, err
			}
			if visible.IsEmpty() {
				continue
			}
		}
		deleted := ss.Deleted()
		for i, v := range values {
			b, err := termdict.PostingsBitmap(td, v)
			if err != nil {
				return nil, fmt.Errorf("dictionnaire du champ %s : %w", dim.Field, err)
			}
			if b.IsEmpty() {
				continue
			}
			if visible != nil {
				b = roaring.And(b, visible)
			}
			if deleted != nil && !deleted.IsEmpty() {
				b = roaring.AndNot(b, deleted)
			}
			out[i] += int(b.GetCardinality())
		}
	}
	return out, nil
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
