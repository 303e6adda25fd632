package discover

import (
	"context"
	"sort"
	"strings"

	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/index"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/schema"
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
func (d *Discovery) FacetSearch(ctx context.Context, facet, prefix string, r query.Request, limit int) ([]index.FacetValue, error) {
	if _, _, ok := schema.ByFacet(facet); !ok {
		return nil, unknownFacet(facet)
	}
	if limit == 0 {
		limit = DefaultFacetSearchLimit
	}
	if limit < 1 || limit > MaxFacetSearchLimit {
		return nil, query.BadParam("limit", "invalid_limit", "limit doit être entre 1 et %d", MaxFacetSearchLimit)
	}
	if err := query.CheckText("q", prefix); err != nil {
		return nil, err
	}
	if len(prefix) > query.MaxQueryBytes {
		return nil, query.BadParam("q", "query_too_long", "le préfixe fait %s octets, le maximum est %s : raccourcissez-le", analysis.FrenchInt(int64(len(prefix))), analysis.FrenchInt(query.MaxQueryBytes))
	}
	all, err := d.ix.FacetCounts(ctx, facet, r, d.notes)
	if err != nil {
		return nil, err
	}
	words := queryWords(prefix)
	out := []index.FacetValue{}
	for _, fv := range all {
		if len(words) > 0 && !wordsPrefix(fv.Value, words) {
			continue
		}
		out = append(out, fv)
	}
	sortValues(out)
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// FacetValues lists every value of a facet among public notes with its
// count, most frequent first (ties alphabetical). The browse pages use it.
func (d *Discovery) FacetValues(ctx context.Context, facet string) ([]index.FacetValue, error) {
	if _, _, ok := schema.ByFacet(facet); !ok {
		return nil, unknownFacet(facet)
	}
	out, err := d.ix.FacetCounts(ctx, facet, query.Request{}, nil)
	if err != nil {
		return nil, err
	}
	sortValues(out)
	return out, nil
}

func unknownFacet(facet string) error {
	return query.BadParam("facet", "unknown_facet", "facette inconnue « %s » : choisissez parmi %s", facet, strings.Join(schema.FacetNames(), ", "))
}

func sortValues(vs []index.FacetValue) {
	sort.Slice(vs, func(i, j int) bool {
		if vs[i].Count != vs[j].Count {
			return vs[i].Count > vs[j].Count
		}
		return vs[i].Value < vs[j].Value
	})
}

// wordsPrefix reports whether every word of words starts a word of v, an
// abbreviation of « saint » read either way (« saint » starts « Ste- »'s
// word, « st » « Saint- »'s), as completions read it.
func wordsPrefix(v string, words []string) bool {
	vw, _ := foldedWords(v)
	for _, w := range words {
		ok := false
		for _, x := range vw {
			if strings.HasPrefix(x, w) || strings.HasPrefix(sugWord(x), w) || strings.HasPrefix(x, sugWord(w)) {
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
