package index

import (
	"context"
	"sort"
	"strings"
)

// Facet value search: the values of one facet whose words start with what
// is typed, with exact counts under a search and its filters — for facets
// with hundreds of values (organisations, terms, authors), where the top 10
// of a search's facets cannot show them all. Counts come from the same
// single pass as a search's facets (execute), over every value rather than
// the top few.

// Limits of a facet value search.
const (
	DefaultFacetSearchLimit = 10
	MaxFacetSearchLimit     = 100
)

// FacetSearch returns up to limit values of facet matching prefix (every
// word of prefix starts a word of the value, accents and case ignored; an
// empty prefix matches every value), most frequent first, counted over the
// public notes matching r (its query, filters and dates; like the search's
// facets, the facet's own filter is ignored).
func (ix *Index) FacetSearch(ctx context.Context, facet, prefix string, r Request, limit int, notes Notes) ([]FacetValue, error) {
	if _, ok := facetFields[facet]; !ok {
		return nil, badParam("facet", "unknown_facet", "facette inconnue « %s » : choisissez parmi %s", facet, strings.Join(FacetNames, ", "))
	}
	if limit == 0 {
		limit = DefaultFacetSearchLimit
	}
	if limit < 1 || limit > MaxFacetSearchLimit {
		return nil, badParam("limit", "invalid_limit", "limit doit être entre 1 et %d", MaxFacetSearchLimit)
	}
	if len(prefix) > MaxQueryBytes {
		return nil, badParam("q", "query_too_long", "le préfixe fait %d octets, le maximum est %d : raccourcissez-le", len(prefix), MaxQueryBytes)
	}
	r.Facets = []string{facet}
	r.Page, r.PerPage = 1, 1
	if err := r.Normalize(); err != nil {
		return nil, err
	}
	counts, col, err := ix.allCounts(ctx, r, notes)
	if err != nil {
		return nil, err
	}
	words, _ := foldedWords(prefix)
	out := []FacetValue{}
	for o, c := range counts {
		if c == 0 {
			continue
		}
		v := ix.cols.value(col, uint32(o))
		if len(words) > 0 && !wordsPrefix(v, words) {
			continue
		}
		out = append(out, FacetValue{Value: v, Count: int(c)})
	}
	sortValues(out)
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// FacetValues lists every value of a facet among public notes with its
// count, most frequent first (ties alphabetical). The browse pages use it.
func (ix *Index) FacetValues(ctx context.Context, facet string) ([]FacetValue, error) {
	if _, ok := facetFields[facet]; !ok {
		return nil, badParam("facet", "unknown_facet", "facette inconnue « %s » : choisissez parmi %s", facet, strings.Join(FacetNames, ", "))
	}
	r := Request{Facets: []string{facet}, Page: 1, PerPage: 1}
	if err := r.Normalize(); err != nil {
		return nil, err
	}
	counts, col, err := ix.allCounts(ctx, r, nil)
	if err != nil {
		return nil, err
	}
	out := []FacetValue{}
	for o, c := range counts {
		if c > 0 {
			out = append(out, FacetValue{Value: ix.cols.value(col, uint32(o)), Count: int(c)})
		}
	}
	sortValues(out)
	return out, nil
}

func sortValues(vs []FacetValue) {
	sort.Slice(vs, func(i, j int) bool {
		if vs[i].Count != vs[j].Count {
			return vs[i].Count > vs[j].Count
		}
		return vs[i].Value < vs[j].Value
	})
}

// wordsPrefix reports whether every word of words starts a word of v.
func wordsPrefix(v string, words []string) bool {
	vw, _ := foldedWords(v)
	for _, w := range words {
		ok := false
		for _, x := range vw {
			if strings.HasPrefix(x, w) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// allCounts runs r (one facet requested) and returns the counts of every
// value of that facet, with the facet's column. Like Search, it falls back to
// the relaxed query when nothing matches every word.
func (ix *Index) allCounts(ctx context.Context, r Request, notes Notes) ([]uint32, int, error) {
	p := &plan{}
	if r.Q != "" {
		pq, err := ParseQuery(r.Q)
		if err != nil {
			return nil, 0, err
		}
		dict := ix.dictionary()
		p, err = newPlan(pq, dict)
		dict.close()
		if err != nil {
			return nil, 0, err
		}
		if notes != nil {
			if !r.NoSynonyms {
				verify := func(pw *plannedWord) ([]string, error) { return ix.synonymPhraseIDs(ctx, pw, notes) }
				if err := p.applySynonyms(pq, ix.Synonyms(), verify); err != nil {
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
	ep.text = p.strict()
	er, err := ix.execute(ctx, ep)
	if err != nil {
		return nil, 0, err
	}
	defer func() { er.release() }()
	if er.total == 0 {
		for min := len(p.words) - 1; min >= 1; min-- {
			ep.text = p.relaxed(min)
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
