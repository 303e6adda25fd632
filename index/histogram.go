package index

import (
	"context"
	"sort"
	"strconv"
	"time"

	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// PublishedFacet is the date histogram facet: notes by year of publication,
// or by month ("2024-03") when the request's date range lies within one
// calendar year. Like the other facets it is disjunctive: its counts ignore
// the date range itself (so the other years stay visible) and respect every
// other filter. Years come newest first, months in calendar order; notes
// without a date are not counted.
const PublishedFacet = "published"

// histogramMonths reports whether the request's date range lies within one
// calendar year, and which.
func histogramMonths(r Request) (int, bool) {
	if r.PublishedAfter == nil || r.PublishedBefore == nil {
		return 0, false
	}
	a := r.PublishedAfter.UTC()
	b := r.PublishedBefore.UTC().Add(-time.Nanosecond) // before is exclusive
	if a.Year() != b.Year() {
		return 0, false
	}
	return a.Year(), true
}

// publishedHistogram counts the public notes matching text and every filter
// but the date range, by year or month. It makes its own pass over the
// matches (without scoring), reading the published column of each segment.
//
// TODO(lead): fold this into execute's single pass (a published-bucket count
// next to the facet counts) to save the second pass on requests that want it.
func (ix *Index) publishedHistogram(ctx context.Context, r Request, text textQuery) ([]FacetValue, error) {
	year, months := histogramMonths(r)
	nr := r
	nr.PublishedAfter, nr.PublishedBefore = nil, nil
	nr.Facets = []string{}
	ep, err := ix.execPlanFor(nr)
	if err != nil {
		return nil, err
	}
	adv, err := ix.bi.Advanced()
	if err != nil {
		return nil, err
	}
	reader, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	defer reader.Close()
	v, err := ix.cols.columnsFor(reader)
	if err != nil {
		return nil, err
	}
	for g := range ep.groups {
		grp := &ep.groups[g]
		grp.ords = grp.ords[:0]
		for _, val := range grp.values {
			if o, ok := ix.cols.lookup(grp.col, val); ok {
				grp.ords = append(grp.ords, o)
			}
		}
	}
	var q query.Query
	switch {
	case text.must == nil && text.mustNot == nil:
		q = query.NewMatchAllQuery()
	case text.mustNot == nil:
		q = text.must
	default:
		b := query.NewBooleanQuery(nil, nil, nil)
		if text.must != nil {
			b.AddMust(text.must)
		} else {
			b.AddMust(query.NewMatchAllQuery())
		}
		b.AddMustNot(text.mustNot)
		q = b
	}
	s, err := q.Searcher(ctx, reader, ix.bi.Mapping(), search.SearcherOptions{Score: "none"})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0), IndexReader: reader}
	counts := map[int]int{} // year, or month 1-12
	for n := 0; ; n++ {
		if n&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		dm, err := s.Next(sctx)
		if err != nil {
			return nil, err
		}
		if dm == nil {
			break
		}
		global := dm.IndexInternalID.Value()
		sctx.DocumentMatchPool.Put(dm)
		si, local := v.locate(global)
		sc := v.cols[si]
		if local >= sc.n || !sc.public[local] || sc.published[local] == noDate {
			continue
		}
		ok := true
		for g := range ep.groups {
			if !passes(sc, local, &ep.groups[g], ep) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		t := time.Unix(0, sc.published[local]).UTC()
		if months {
			if t.Year() == year {
				counts[int(t.Month())]++
			}
			continue
		}
		counts[t.Year()]++
	}
	keys := make([]int, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	out := make([]FacetValue, 0, len(keys))
	if months {
		sort.Ints(keys)
		for _, m := range keys {
			out = append(out, FacetValue{Value: time.Date(year, time.Month(m), 1, 0, 0, 0, 0, time.UTC).Format("2006-01"), Count: counts[m]})
		}
		return out, nil
	}
	sort.Sort(sort.Reverse(sort.IntSlice(keys)))
	for _, y := range keys {
		out = append(out, FacetValue{Value: strconv.Itoa(y), Count: counts[y]})
	}
	return out, nil
}
