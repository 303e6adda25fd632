package index

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/encommun/trouvaille/store"
)

// Facet names (API) and the keyword fields behind them.
var facetFields = map[string]string{
	"authors":       fAuthor,
	"organisations": fOrg,
	"carnets":       fCarnet,
	"blocs":         fBloc,
	"terms":         fTerm,
	"type":          fType,
}

// FacetNames lists the facets in display order.
var FacetNames = []string{"authors", "organisations", "carnets", "blocs", "terms", "type"}

// Filter names (API parameters) and their keyword fields. Filters on the same
// field are ORed, filters on different fields are ANDed.
var filterFields = map[string]string{
	"author":       fAuthor,
	"organisation": fOrg,
	"carnet":       fCarnet,
	"bloc":         fBloc,
	"term":         fTerm,
	"type":         fType,
	"community":    fCommunity,
}

// FilterNames lists the filter parameters.
var FilterNames = []string{"organisation", "carnet", "bloc", "author", "term", "type", "community"}

// facetOfFilter maps a filter to the facet whose counts ignore it (disjunctive faceting).
var facetOfFilter = map[string]string{
	"author":       "authors",
	"organisation": "organisations",
	"carnet":       "carnets",
	"bloc":         "blocs",
	"term":         "terms",
	"type":         "type",
}

// Sort orders.
var sortOrders = map[string][]string{
	"":              {"-_score", "-" + fPublished, "_id"},
	"relevance":     {"-_score", "-" + fPublished, "_id"},
	"-published_at": {"-" + fPublished, "-_score", "_id"},
	"published_at":  {fPublished, "-_score", "_id"},
	"title":         {fTitleSort, "_id"},
}

// Limits of a search request.
const (
	DefaultPerPage   = 20
	MaxPerPage       = 100
	DefaultFacetSize = 10
	MaxFacetSize     = 100
	MaxResultWindow  = 10000
)

// Request is one search, as the API and the CLI express it.
type Request struct {
	Q               string
	Filters         map[string][]string // keys among FilterNames
	PublishedAfter  *time.Time          // inclusive
	PublishedBefore *time.Time          // exclusive
	Facets          []string            // nil: all facets; empty: none
	FacetSize       int
	Sort            string
	Page            int // from 1
	PerPage         int
	NoSnippets      bool
}

// FacetValue is one value of a facet with the number of matching notes.
type FacetValue struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Hit is one note of a result page.
type Hit struct {
	ID            string         `json:"id"`
	Type          string         `json:"type"`
	Title         string         `json:"title"`
	URL           string         `json:"url,omitempty"`
	PublishedAt   *time.Time     `json:"published_at,omitempty"`
	Authors       []string       `json:"authors"`
	Organisations []string       `json:"organisations"`
	Carnets       []store.Carnet `json:"carnets"`
	Terms         []string       `json:"terms"`
	TitleHTML     string         `json:"title_html"`
	SnippetHTML   string         `json:"snippet_html"`
	Score         float64        `json:"-"`
}

// Result is one page of search results with its facets.
type Result struct {
	Query   string                  `json:"query"`
	Total   uint64                  `json:"total"`
	Page    int                     `json:"page"`
	PerPage int                     `json:"per_page"`
	TookMS  float64                 `json:"took_ms"`
	Relaxed bool                    `json:"relaxed"`
	Hits    []Hit                   `json:"hits"`
	Facets  map[string][]FacetValue `json:"facets"`
}

// Notes gives the stored notes of a page of hits (the store implements it).
type Notes interface {
	GetMany(ids []string) (map[string]*store.Note, error)
}

// Normalize checks a request and fills its defaults. It returns a *RequestError
// naming the parameter at fault.
func (r *Request) Normalize() error {
	if r.Page == 0 {
		r.Page = 1
	}
	if r.Page < 1 {
		return badParam("page", "invalid_page", "la page doit être un nombre entier à partir de 1")
	}
	if r.PerPage == 0 {
		r.PerPage = DefaultPerPage
	}
	if r.PerPage < 1 || r.PerPage > MaxPerPage {
		return badParam("per_page", "invalid_per_page", "per_page doit être entre 1 et %d", MaxPerPage)
	}
	if r.Page*r.PerPage > MaxResultWindow {
		return badParam("page", "page_too_far", "on ne peut pas aller au-delà du résultat %d : précisez la recherche ou ajoutez des filtres", MaxResultWindow)
	}
	if r.FacetSize == 0 {
		r.FacetSize = DefaultFacetSize
	}
	if r.FacetSize < 1 || r.FacetSize > MaxFacetSize {
		return badParam("facet_size", "invalid_facet_size", "facet_size doit être entre 1 et %d", MaxFacetSize)
	}
	if _, ok := sortOrders[r.Sort]; !ok {
		return badParam("sort", "invalid_sort", "tri inconnu « %s » : utilisez relevance, -published_at, published_at ou title", r.Sort)
	}
	for _, f := range r.Facets {
		if _, ok := facetFields[f]; !ok {
			return badParam("facets", "unknown_facet", "facette inconnue « %s » : choisissez parmi %s", f, strings.Join(FacetNames, ", "))
		}
	}
	for name, vals := range r.Filters {
		if _, ok := filterFields[name]; !ok {
			return badParam(name, "unknown_filter", "filtre inconnu « %s » : utilisez %s", name, strings.Join(FilterNames, ", "))
		}
		for _, v := range vals {
			if strings.TrimSpace(v) == "" {
				return badParam(name, "empty_filter", "le filtre %s est vide : donnez une valeur ou retirez le paramètre", name)
			}
		}
	}
	if r.PublishedAfter != nil && r.PublishedBefore != nil && !r.PublishedAfter.Before(*r.PublishedBefore) {
		return badParam("published_before", "empty_date_range", "published_before doit être après published_after")
	}
	return nil
}

func (r *Request) wantFacets() []string {
	if r.Facets == nil {
		return FacetNames
	}
	return r.Facets
}

// Search runs a request: the index finds and ranks the notes and counts the
// facets; notes gives the text of the page of hits, from which titles and
// snippets are highlighted.
func (ix *Index) Search(ctx context.Context, r Request, notes Notes) (*Result, error) {
	start := time.Now()
	if err := r.Normalize(); err != nil {
		return nil, err
	}
	pq, err := ParseQuery(r.Q)
	if err != nil {
		return nil, err
	}
	dict := ix.dictionary()
	plan, err := newPlan(pq, dict)
	dict.close()
	if err != nil {
		return nil, err
	}
	if err := ix.verifyPhrases(ctx, r, plan, notes); err != nil {
		return nil, err
	}
	res := &Result{Query: r.Q, Page: r.Page, PerPage: r.PerPage, Hits: []Hit{}, Facets: map[string][]FacetValue{}}

	text := plan.strict()
	sr, err := ix.run(ctx, r, text, "", true)
	if err != nil {
		return nil, err
	}
	if sr.Total == 0 {
		for min := len(plan.words) - 1; min >= 1; min-- {
			relaxed := plan.relaxed(min)
			rr, err := ix.run(ctx, r, relaxed, "", true)
			if err != nil {
				return nil, err
			}
			if rr.Total > 0 {
				sr, text, res.Relaxed = rr, relaxed, true
				break
			}
		}
	}
	res.Total = sr.Total
	if err := ix.facets(ctx, r, text, sr, res); err != nil {
		return nil, err
	}
	if err := ix.hydrate(r, plan, sr, notes, res); err != nil {
		return nil, err
	}
	res.TookMS = float64(time.Since(start).Microseconds()) / 1000
	return res, nil
}

// run executes the text query under the request's filters, leaving out the
// filter named skip (for a disjunctive facet). With page, it fetches the page
// of hits and the facets of unfiltered fields; without, only the facet of skip.
func (ix *Index) run(ctx context.Context, r Request, text textQuery, skip string, page bool) (*bleve.SearchResult, error) {
	q := ix.boolean(r, text, skip)
	var req *bleve.SearchRequest
	if page {
		req = bleve.NewSearchRequestOptions(q, r.PerPage, (r.Page-1)*r.PerPage, false)
		order := sortOrders[r.Sort]
		if text.must == nil && (r.Sort == "" || r.Sort == "relevance") {
			order = sortOrders["-published_at"] // browsing: newest first
		}
		req.SortBy(order)
		for _, f := range r.wantFacets() {
			if _, filtered := r.Filters[filterOfFacet(f)]; filtered {
				continue // counted by its own disjunctive search
			}
			req.AddFacet(f, bleve.NewFacetRequest(facetFields[f], facetFetchSize(r.FacetSize)))
		}
	} else {
		req = bleve.NewSearchRequestOptions(q, 0, 0, false)
		f := facetOfFilter[skip]
		req.AddFacet(f, bleve.NewFacetRequest(facetFields[f], facetFetchSize(r.FacetSize)))
	}
	req.Score = "" // default scoring
	return ix.bi.SearchInContext(ctx, req)
}

// boolean combines the text query with the filters (all but skip).
func (ix *Index) boolean(r Request, text textQuery, skip string) *query.BooleanQuery {
	q := query.NewBooleanQuery(nil, nil, nil)
	if text.must != nil {
		q.AddMust(text.must)
	} else {
		q.AddMust(query.NewMatchAllQuery())
	}
	if text.mustNot != nil {
		q.AddMustNot(text.mustNot)
	}
	q.AddFilter(ix.filterQuery(r, skip))
	return q
}

func facetFetchSize(n int) int { return n*2 + 10 }

func filterOfFacet(facet string) string {
	for f, fa := range facetOfFilter {
		if fa == facet {
			return f
		}
	}
	return ""
}

// filterQuery is the visibility rule (public notes only) plus the request's
// filters, except skip.
func (ix *Index) filterQuery(r Request, skip string) query.Query {
	vis := query.NewTermQuery(store.VisibilityPublic)
	vis.SetField(fVis)
	parts := []query.Query{vis}
	names := make([]string, 0, len(r.Filters))
	for name := range r.Filters {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if name == skip {
			continue
		}
		var alts []query.Query
		for _, v := range r.Filters[name] {
			t := query.NewTermQuery(v)
			t.SetField(filterFields[name])
			alts = append(alts, t)
		}
		parts = append(parts, query.NewDisjunctionQuery(alts))
	}
	if r.PublishedAfter != nil || r.PublishedBefore != nil {
		var s, e time.Time
		if r.PublishedAfter != nil {
			s = *r.PublishedAfter
		}
		if r.PublishedBefore != nil {
			e = *r.PublishedBefore
		}
		incl, excl := true, false
		d := query.NewDateRangeInclusiveQuery(s, e, &incl, &excl)
		d.SetField(fPublished)
		parts = append(parts, d)
	}
	if len(parts) == 1 {
		return vis
	}
	return query.NewConjunctionQuery(parts)
}

// facets fills res.Facets: facets without an active filter come from the main
// search; each facet with an active filter is counted by one more search that
// ignores that filter (disjunctive faceting, like Algolia refinement lists).
func (ix *Index) facets(ctx context.Context, r Request, text textQuery, sr *bleve.SearchResult, res *Result) error {
	for _, f := range r.wantFacets() {
		fr := sr.Facets[f]
		if filter := filterOfFacet(f); filter != "" {
			if _, filtered := r.Filters[filter]; filtered {
				other, err := ix.run(ctx, r, text, filter, false)
				if err != nil {
					return err
				}
				fr = other.Facets[f]
			}
		}
		res.Facets[f] = facetValues(fr, r.FacetSize)
	}
	return nil
}

func facetValues(fr *search.FacetResult, size int) []FacetValue {
	out := []FacetValue{}
	if fr == nil || fr.Terms == nil {
		return out
	}
	for _, t := range fr.Terms.Terms() {
		out = append(out, FacetValue{Value: t.Term, Count: t.Count})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Value < out[j].Value
	})
	if len(out) > size {
		out = out[:size]
	}
	return out
}

// hydrate reads the page of hits from the store and highlights them.
func (ix *Index) hydrate(r Request, plan *plan, sr *bleve.SearchResult, notes Notes, res *Result) error {
	ids := make([]string, len(sr.Hits))
	for i, h := range sr.Hits {
		ids[i] = h.ID
	}
	got, err := notes.GetMany(ids)
	if err != nil {
		return fmt.Errorf("lire les notes de la page : %w", err)
	}
	m := plan.matcher()
	for _, h := range sr.Hits {
		n, ok := got[h.ID]
		if !ok || !n.Public() {
			continue // deleted since, or not visible: never shown
		}
		hit := Hit{
			ID: n.ID, Type: n.Type, Title: n.Title, URL: n.URL, PublishedAt: n.PublishedAt,
			Authors: nonNil(n.Authors), Organisations: nonNil(n.Organisations),
			Carnets: n.Carnets, Terms: nonNil(n.Terms), Score: h.Score,
		}
		if hit.Carnets == nil {
			hit.Carnets = []store.Carnet{}
		}
		hit.TitleHTML = Highlight(n.Title, m)
		if !r.NoSnippets {
			hit.SnippetHTML = Snippet(m, SnippetWords, n.Summary, n.Body)
		}
		res.Hits = append(res.Hits, hit)
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
