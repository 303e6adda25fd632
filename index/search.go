package index

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
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
	NoSynonyms      bool // synonyms=false: no synonym expansion for this query
	// NoSuggestion skips the "did you mean" look-up (the corrector's own
	// searches, and callers that never show it).
	NoSuggestion bool
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
}

// Result is one page of search results with its facets.
type Result struct {
	Query   string  `json:"query"`
	Total   uint64  `json:"total"`
	Page    int     `json:"page"`
	PerPage int     `json:"per_page"`
	TookMS  float64 `json:"took_ms"`
	Relaxed bool    `json:"relaxed"`
	// Suggestion is a corrected query ("Vouliez-vous dire…?"), given when
	// the query found little and the correction finds more (correct.go).
	Suggestion *Suggestion             `json:"suggestion,omitempty"`
	Hits       []Hit                   `json:"hits"`
	Facets     map[string][]FacetValue `json:"facets"`
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
		if _, ok := facetFields[f]; !ok && f != PublishedFacet {
			return badParam("facets", "unknown_facet", "facette inconnue « %s » : choisissez parmi %s, %s", f, strings.Join(FacetNames, ", "), PublishedFacet)
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

// wantFacets returns the requested keyword facets (the published histogram apart).
func (r *Request) wantFacets() []string {
	if r.Facets == nil {
		return FacetNames
	}
	var out []string
	for _, f := range r.Facets {
		if f != PublishedFacet {
			out = append(out, f)
		}
	}
	return out
}

// wantPublished reports whether the published histogram is requested (it is
// by default).
func (r *Request) wantPublished() bool {
	if r.Facets == nil {
		return true
	}
	for _, f := range r.Facets {
		if f == PublishedFacet {
			return true
		}
	}
	return false
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
	if !r.NoSynonyms {
		verify := func(pw *plannedWord) ([]string, error) { return ix.synonymPhraseIDs(ctx, pw, notes) }
		if err := plan.applySynonyms(pq, ix.Synonyms(), verify); err != nil {
			return nil, err
		}
	}
	if err := ix.verifyPhrases(ctx, r, plan, notes); err != nil {
		return nil, err
	}
	res := &Result{Query: r.Q, Page: r.Page, PerPage: r.PerPage, Hits: []Hit{}, Facets: map[string][]FacetValue{}}
	key := cacheKey(r, plan)
	var f *found
	if v, ok := ix.cache.get(key); ok {
		f = v.(*found)
	} else {
		f, err = ix.find(ctx, r, plan)
		if err != nil {
			return nil, err
		}
		ix.cache.put(key, f)
	}
	// The cached value is shared by every caller: hand out copies only, so
	// that a caller sorting or editing its facets never changes the next
	// caller's result.
	res.Total, res.Relaxed, res.Facets = f.total, f.relaxed, f.cloneFacets()
	if err := ix.hydrate(r, plan, f.ids, notes, res); err != nil {
		return nil, err
	}
	if !r.NoSuggestion {
		res.Suggestion = ix.suggestion(ctx, r, pq, res, notes)
	}
	res.TookMS = float64(time.Since(start).Microseconds()) / 1000
	return res, nil
}

// found is what the index finds for a request: the page of note ids, the
// exact total and the facets. Cached per request until the index changes.
type found struct {
	ids     []string
	total   uint64
	relaxed bool
	facets  map[string][]FacetValue
}

// cloneFacets returns a deep copy of the facets, for a caller to own.
func (f *found) cloneFacets() map[string][]FacetValue {
	out := make(map[string][]FacetValue, len(f.facets))
	for name, vals := range f.facets {
		out[name] = append(make([]FacetValue, 0, len(vals)), vals...)
	}
	return out
}

func cacheKey(r Request, p *plan) string {
	var b strings.Builder
	for _, w := range p.words {
		fmt.Fprintf(&b, "%q|%v|%v|%v|%v|%v|%v|%s|%q;", w.clause.Text, w.clause.Phrase, w.fuzzyTerms, w.prefixTerms, w.prefixWords, w.prefixStems, w.prefixVariants, w.prefix, w.synonyms)
	}
	fmt.Fprintf(&b, "-%d|%v|%v|", len(p.excluded), p.phraseIDs, p.excludedIDs)
	for _, w := range p.excluded {
		fmt.Fprintf(&b, "%q;", w.clause.Text)
	}
	names := make([]string, 0, len(r.Filters))
	for n := range r.Filters {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "%s=%q;", n, r.Filters[n])
	}
	fmt.Fprintf(&b, "%v|%v|%v|%d|%s|%d|%d", r.PublishedAfter, r.PublishedBefore, r.Facets, r.FacetSize, r.Sort, r.Page, r.PerPage)
	return b.String()
}

// find runs the strict query, then, when nothing matches every word, the
// relaxed ones (at least n-1 words, then n-2…), and reads the page's ids.
func (ix *Index) find(ctx context.Context, r Request, plan *plan) (*found, error) {
	ep, err := ix.execPlanFor(r)
	if err != nil {
		return nil, err
	}
	ep.text = plan.strict()
	ep.scoring = ep.text.must != nil
	if ep.text.must == nil && (r.Sort == "" || r.Sort == "relevance") {
		ep.order = "-published_at" // browsing: newest first
	}
	er, err := ix.execute(ctx, ep)
	if err != nil {
		return nil, err
	}
	// The hits point into er's snapshot: keep it open until their ids are read.
	defer func() { er.release() }()
	f := &found{}
	if er.total == 0 {
		for min := len(plan.words) - 1; min >= 1; min-- {
			ep.text = plan.relaxed(min)
			rr, err := ix.execute(ctx, ep)
			if err != nil {
				return nil, err
			}
			if rr.total > 0 {
				er.release()
				er, f.relaxed = rr, true
				break
			}
			rr.release()
		}
	}
	f.total = er.total
	f.facets = map[string][]FacetValue{}
	for i, name := range r.wantFacets() {
		f.facets[name] = ix.topValues(ep.facets[i], er.counts[i], r.FacetSize)
	}
	if ep.hist {
		f.facets[PublishedFacet] = histogramValues(er.hist, ep.histMonths, ep.histYear)
	}
	if r.Sort == "title" {
		f.ids, err = ix.titlePage(ctx, r, ep.text)
		return f, err
	}
	from := (r.Page - 1) * r.PerPage
	for i := from; i < len(er.hits); i++ {
		id, err := er.view.externalID(er.hits[i])
		if err != nil {
			return nil, err
		}
		f.ids = append(f.ids, id)
	}
	return f, nil
}

// execPlanFor translates the request's filters and facets into column terms.
func (ix *Index) execPlanFor(r Request) (*execPlan, error) {
	ep := &execPlan{after: noDate, before: noDate, order: r.Sort, keep: r.Page * r.PerPage, dateGroup: -1}
	ep.hist = r.wantPublished()
	ep.histYear, ep.histMonths = histogramMonths(r)
	if ep.order == "" {
		ep.order = "relevance"
	}
	if r.Sort == "title" {
		ep.keep = 0
	}
	want := r.wantFacets()
	for _, name := range want {
		ep.facets = append(ep.facets, columnOf(facetFields[name]))
	}
	names := make([]string, 0, len(r.Filters))
	for n := range r.Filters {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		g := filterGroup{name: name, col: columnOf(filterFields[name]), facet: -1, values: r.Filters[name]}
		if fa, ok := facetOfFilter[name]; ok {
			for i, w := range want {
				if w == fa {
					g.facet = i
				}
			}
		}
		ep.groups = append(ep.groups, g)
	}
	if r.PublishedAfter != nil || r.PublishedBefore != nil {
		if r.PublishedAfter != nil {
			ep.after = r.PublishedAfter.UnixNano()
		}
		if r.PublishedBefore != nil {
			ep.before = r.PublishedBefore.UnixNano()
		}
		ep.dateGroup = len(ep.groups)
		ep.groups = append(ep.groups, filterGroup{name: "published", col: -1, facet: -1})
	}
	return ep, nil
}

func columnOf(field string) int {
	for i, f := range columnFields {
		if f == field {
			return i
		}
	}
	panic("index: no column for field " + field)
}

// topValues returns the size most frequent values, ties alphabetical.
func (ix *Index) topValues(col int, counts []uint32, size int) []FacetValue {
	type vc struct {
		ord   uint32
		count uint32
	}
	var nz []vc
	for o, c := range counts {
		if c > 0 {
			nz = append(nz, vc{uint32(o), c})
		}
	}
	out := make([]FacetValue, 0, min(size, len(nz)))
	vals := make([]string, len(nz))
	for i, x := range nz {
		vals[i] = ix.cols.value(col, x.ord)
	}
	idx := make([]int, len(nz))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool {
		if nz[idx[a]].count != nz[idx[b]].count {
			return nz[idx[a]].count > nz[idx[b]].count
		}
		return vals[idx[a]] < vals[idx[b]]
	})
	for _, i := range idx {
		if len(out) == size {
			break
		}
		out = append(out, FacetValue{Value: vals[i], Count: int(nz[i].count)})
	}
	return out
}

// titlePage reads a page sorted by title through Bleve (title sort keys are
// doc values, not columns).
func (ix *Index) titlePage(ctx context.Context, r Request, text textQuery) ([]string, error) {
	q := ix.boolean(r, text, "")
	req := bleve.NewSearchRequestOptions(q, r.PerPage, (r.Page-1)*r.PerPage, false)
	req.SortBy(sortOrders["title"])
	return ix.searchIDs(ctx, req)
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

// hydrate reads the page of hits from the store and highlights them.
func (ix *Index) hydrate(r Request, plan *plan, ids []string, notes Notes, res *Result) error {
	got, err := notes.GetMany(ids)
	if err != nil {
		return fmt.Errorf("lire les notes de la page : %w", err)
	}
	m := plan.matcher()
	for _, id := range ids {
		n, ok := got[id]
		if !ok || !n.Public() {
			continue // deleted since, or not visible: never shown
		}
		res.Hits = append(res.Hits, newHit(n, m, !r.NoSnippets))
	}
	return nil
}

// newHit builds the hit of a stored note, highlighted for m (nil: no query).
func newHit(n *store.Note, m *Matcher, snippet bool) Hit {
	h := Hit{
		ID: n.ID, Type: n.Type, Title: n.Title, URL: n.URL, PublishedAt: n.PublishedAt,
		Authors: nonNil(n.Authors), Organisations: nonNil(n.Organisations),
		Carnets: n.Carnets, Terms: nonNil(n.Terms),
	}
	if h.Carnets == nil {
		h.Carnets = []store.Carnet{}
	}
	h.TitleHTML = Highlight(n.Title, m)
	if snippet {
		h.SnippetHTML = Snippet(m, SnippetWords, n.Summary, n.Body)
	}
	return h
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// searchIDs runs a Bleve request and returns the ids of its hits, in order.
func (ix *Index) searchIDs(ctx context.Context, req *bleve.SearchRequest) ([]string, error) {
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids, nil
}
