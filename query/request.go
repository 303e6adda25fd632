package query

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/encommun/trouvaille/schema"
	"github.com/encommun/trouvaille/store"

	"github.com/encommun/trouvaille/analysis"
)

// Limits of a search request.
const (
	DefaultPerPage   = 20
	MaxPerPage       = 100
	DefaultFacetSize = 10
	MaxFacetSize     = 100
	MaxResultWindow  = 10000
	// RelaxBelow: when fewer notes than this hold every word of a query,
	// the notes with most of the words follow them, level by level, until
	// this many are counted (or one word is left). A page of the site's
	// results, whatever the page size a request asks: the total of a
	// search is then the same for every caller (the partners' box asks
	// for 5 notes, the site's page for 10, the API's default is 20); it
	// was the page asked for, and « logement montreal » counted 1 note
	// with per_page=1 and 56 with per_page=2.
	RelaxBelow = 10
)

// Request is one search, as the API and the CLI express it.
type Request struct {
	Q               string
	Filters         map[string][]string // keys among schema.FilterNames()
	PublishedAfter  *time.Time          // inclusive
	PublishedBefore *time.Time          // exclusive
	Facets          []string            // nil: all facets; empty: none
	FacetSize       int
	Sort            string
	Page            int // from 1
	PerPage         int
	NoSnippets      bool
	NoSynonyms      bool // synonyms=false: no synonym expansion for this query
	// NoSuggestion skips the "did you mean" look-up (the corrector's own
	// searches, and callers that never show it).
	NoSuggestion bool
	// Scope is what the caller may see (the zero Scope: public notes only).
	// The engine sets it from the caller's key or token; it is never read
	// from request parameters.
	Scope Scope
}

// Normalize checks a request and fills its defaults. It returns a *RequestError
// naming the parameter at fault.
func (r *Request) Normalize() error {
	if r.Page == 0 {
		r.Page = 1
	}
	if r.Page < 1 {
		return BadParam("page", "invalid_page", "la page doit être un nombre entier à partir de 1")
	}
	if r.PerPage == 0 {
		r.PerPage = DefaultPerPage
	}
	if r.PerPage < 1 || r.PerPage > MaxPerPage {
		return BadParam("per_page", "invalid_per_page", "per_page doit être entre 1 et %d", MaxPerPage)
	}
	// Page*PerPage can overflow: compare the page with the last one the
	// window holds instead (PerPage is at least 1 here).
	if r.Page > MaxResultWindow/r.PerPage {
		return BadParam("page", "page_too_far", "la page %s est au-delà des %s premiers résultats (page %s au plus avec per_page=%d) : précisez la recherche ou ajoutez des filtres", analysis.FrenchInt(int64(r.Page)), analysis.FrenchInt(MaxResultWindow), analysis.FrenchInt(int64(MaxResultWindow/r.PerPage)), r.PerPage)
	}
	if r.FacetSize == 0 {
		r.FacetSize = DefaultFacetSize
	}
	if r.FacetSize < 1 || r.FacetSize > MaxFacetSize {
		return BadParam("facet_size", "invalid_facet_size", "facet_size doit être entre 1 et %d", MaxFacetSize)
	}
	if _, ok := schema.SortOrders(r.Sort); !ok {
		return BadParam("sort", "invalid_sort", "tri inconnu « %s » : utilisez relevance, -published_at, published_at ou title", r.Sort)
	}
	for _, f := range r.Facets {
		if _, _, ok := schema.ByFacet(f); !ok && f != schema.PublishedFacet {
			return BadParam("facets", "unknown_facet", "facette inconnue « %s » : choisissez parmi %s, %s", f, strings.Join(schema.FacetNames(), ", "), schema.PublishedFacet)
		}
	}
	for name, vals := range r.Filters {
		if _, _, ok := schema.ByFilter(name); !ok {
			return BadParam(name, "unknown_filter", "filtre inconnu « %s » : utilisez %s", name, strings.Join(schema.FilterNames(), ", "))
		}
		for _, v := range vals {
			if strings.TrimSpace(v) == "" {
				return BadParam(name, "empty_filter", "le filtre %s est vide : donnez une valeur ou retirez le paramètre", name)
			}
			if !utf8.ValidString(v) {
				return BadParam(name, "invalid_utf8", "la valeur du filtre %s n’est pas de l’UTF-8 valide : encodez-la en UTF-8", name)
			}
			if i := strings.IndexFunc(v, isValueControl); i >= 0 {
				// No note holds one (ingestion refuses them): the filter
				// would silently find nothing.
				r, _ := utf8.DecodeRuneInString(v[i:])
				return BadParam(name, "invalid_filter", "la valeur du filtre %s contient un caractère de contrôle (U+%04X) : retirez-le", name, r)
			}
			if err := checkType(name, name, v); err != nil {
				return err
			}
		}
	}
	// The values as the notes hold them, in a copy: the caller's map may
	// be shared.
	r.Filters = NormalFilters(r.Filters)
	for _, set := range r.Scope.Filters {
		if err := CheckFilters("scope", set); err != nil {
			return err
		}
	}
	// Equal bounds are an empty range (the end is exclusive) that finds
	// nothing: two bounds beyond the same end of the dates' range are
	// clamped to one value, and a request normalized twice must pass again.
	if r.PublishedAfter != nil && r.PublishedBefore != nil && r.PublishedAfter.After(*r.PublishedBefore) {
		return BadParam("published_before", "empty_date_range", "published_before doit être après published_after")
	}
	r.PublishedAfter, r.PublishedBefore = clampDate(r.PublishedAfter), clampDate(r.PublishedBefore)
	return nil
}

// isValueControl reports a control character no stored value holds: every
// C0 and C1 control but tab and line feed (as ingestion checks them).
func isValueControl(r rune) bool {
	return unicode.IsControl(r) && r != '\t' && r != '\n'
}

// clampDate brings a date bound near the range notes' dates can take
// (store.MinDate to store.MaxDate): a day before it or after it, so that
// 9999-12-31 or 1500-01-01 mean "no limit" instead of overflowing UnixNano
// (which holds years 1678 to 2262 only), while a bound outside the range
// stays in another year than the range's ends (the histogram's choice of
// months reads the bounds' years). Clamping never changes which notes pass,
// since no note is dated outside the range. The caller's time is not
// modified.
func clampDate(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	lo, hi := store.MinDate().AddDate(0, 0, -1), store.MaxDate().Add(time.Nanosecond).AddDate(0, 0, 1)
	switch {
	case t.Before(lo):
		return &lo
	case t.After(hi):
		return &hi
	}
	return t
}

// WantFacets returns the requested keyword facets (the published histogram
// apart), each once, in the order first asked.
func (r *Request) WantFacets() []string {
	if r.Facets == nil {
		return schema.FacetNames()
	}
	var out []string
	for _, f := range r.Facets {
		if f != schema.PublishedFacet && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// WantPublished reports whether the published histogram is requested (it is
// by default).
func (r *Request) WantPublished() bool {
	if r.Facets == nil {
		return true
	}
	for _, f := range r.Facets {
		if f == schema.PublishedFacet {
			return true
		}
	}
	return false
}
