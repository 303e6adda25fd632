package index

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	bq "github.com/blevesearch/bleve/v2/search/query"
	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/schema"
	"github.com/encommun/trouvaille/store"
)

// FacetValue is one value of a facet with the number of matching notes.
type FacetValue struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Hit is one note of a result page.
type Hit struct {
	ID    string `json:"id"`
	Type  string `json:"type"`
	Title string `json:"title"`
	URL   string `json:"url,omitempty"`
	// Visibility is the note's (public, community or private), which the
	// caller sees since the note is in its scope: a client links a note
	// without url to the site's page /n/{id} only when it is public (that
	// page shows public notes only).
	Visibility    string         `json:"visibility"`
	PublishedAt   *time.Time     `json:"published_at,omitempty"`
	Authors       []string       `json:"authors"`
	Organisations []string       `json:"organisations"`
	Carnets       []store.Carnet `json:"carnets"`
	Terms         []string       `json:"terms"`
	TitleHTML     string         `json:"title_html"`
	SnippetHTML   string         `json:"snippet_html"`
	// MatchedWords are the query's words (or phrases) the note matches, as
	// typed; fewer than the query's when the note misses some (Result.Relaxed).
	// Absent when there is no query, and for pages sorted by title.
	MatchedWords []string `json:"matched_words,omitempty"`
}

// Missing returns the words of the query (Result.Words) that hit h lacks,
// in the query's order: none when the query has a single word, or when the
// hit does not say which words it matches (no query, pages by title).
func (r *Result) Missing(h *Hit) []string {
	if len(r.Words) < 2 || len(h.MatchedWords) == 0 {
		return nil
	}
	var out []string
	for _, w := range r.Words {
		if !slices.Contains(h.MatchedWords, w) {
			out = append(out, w)
		}
	}
	return out
}

// Result is one page of search results with its facets.
type Result struct {
	Query   string  `json:"query"`
	Total   uint64  `json:"total"`
	Page    int     `json:"page"`
	PerPage int     `json:"per_page"`
	TookMS  float64 `json:"took_ms"`
	// Relaxed: no note has every word of the query; those shown have the
	// most. (When some notes have every word but fewer than a page, they
	// come first and the notes with most words follow them, Relaxed stays
	// false: each hit's matched_words tells.)
	Relaxed bool `json:"relaxed"`
	// Words are the query's words (or phrases) the notes are searched for,
	// as MatchedWords names them: without the excluded ones, the stop
	// words and a question's words (« comment », « où trouver »). A hit
	// lacks the ones its MatchedWords does not name. Absent when there is
	// no query, and for pages sorted by title.
	Words []string `json:"words,omitempty"`
	// Partial: a quoted phrase had more candidates than could be read in
	// the phrase budget (index.PhraseBudget, MaxPhraseCandidates); the best
	// scored were verified, so the total is a lower bound (for an excluded
	// phrase, a few notes holding it may remain). Absent otherwise.
	Partial bool `json:"partial,omitempty"`
	// Suggestion is a corrected query ("Vouliez-vous dire…?"), given when
	// the query found little and the correction finds more (discover/correct.go).
	Suggestion *Suggestion             `json:"suggestion,omitempty"`
	Hits       []Hit                   `json:"hits"`
	Facets     map[string][]FacetValue `json:"facets"`
}

// Suggestion is a corrected query and what it finds.
type Suggestion struct {
	Q     string `json:"q"`
	Total uint64 `json:"total"`
}

// Notes gives the stored notes of a page of hits (the store implements it).
type Notes interface {
	GetMany(ids []string) (map[string]*store.Note, error)
}

// Search runs a request: the index finds and ranks the notes and counts the
// facets; notes gives the text of the page of hits, from which titles and
// snippets are highlighted.
func (ix *Index) Search(ctx context.Context, r query.Request, notes Notes) (*Result, error) {
	start := time.Now()
	// Read before anything of the index: a result found on a snapshot
	// older than a change is not cached (resultCache.put).
	gen := ix.cache.generation()
	if err := r.Normalize(); err != nil {
		return nil, err
	}
	pq, err := query.Parse(r.Q)
	if err != nil {
		return nil, err
	}
	pq = ix.rewrite(r, pq)
	plan, f, err := ix.planAndFind(ctx, r, pq, notes, gen)
	if err != nil {
		return nil, err
	}
	if f.relaxed {
		// No note holds every word with a letter being typed that some
		// notes hold as a word (« internet h », « h » of « 9 h »): the
		// person is most likely typing a longer word; the other words'
		// notes, if they find some.
		trimmed, ok := pq.DropShortTyped()
		if !ok {
			// « théorie du »: a stop word being typed, whose
			// completions the other words' notes do not hold.
			var syn *analysis.Synonyms
			if !r.NoSynonyms {
				syn = ix.Synonyms()
			}
			dict := ix.DictionaryFor(r.Scope)
			trimmed, ok = pq.DropStopTyped(dict, syn)
			dict.Close()
		}
		if ok {
			plan2, f2, err := ix.planAndFind(ctx, r, trimmed, notes, gen)
			if err != nil {
				return nil, err
			}
			if f2.total > 0 {
				plan, f, pq = plan2, f2, trimmed
			}
		}
	}
	if f.relaxed {
		// « charte de lia »: the last word, being typed, begins a word
		// of the notes (« liaison »), so it was not read with its
		// apostrophe; no note holds it with the others, while « l’ia »
		// does: read so.
		dict := ix.DictionaryFor(r.Scope)
		restored, ok := pq.RestoreLastElision(dict)
		dict.Close()
		if ok {
			plan2, f2, err := ix.planAndFind(ctx, r, restored, notes, gen)
			if err != nil {
				return nil, err
			}
			if f2.total > 0 && !f2.relaxed {
				plan, f, pq = plan2, f2, restored
			}
		}
	}
	if f.total == 0 {
		// Nothing for a hyphenated word whole nor as its adjacent parts
		// (« aînés-isolés », « sainte-agate »): its parts as words.
		if split, ok := pq.SplitHyphens(); ok {
			plan2, f2, err := ix.planAndFind(ctx, r, split, notes, gen)
			if err != nil {
				return nil, err
			}
			if f2.total > 0 {
				plan, f = plan2, f2
			}
		}
	}
	res := &Result{Query: r.Q, Page: r.Page, PerPage: r.PerPage, Hits: []Hit{}, Facets: map[string][]FacetValue{}}
	// The cached value is shared by every caller: hand out copies only, so
	// that a caller sorting or editing its facets never changes the next
	// caller's result.
	res.Total, res.Relaxed, res.Facets = f.total, f.relaxed, f.cloneFacets()
	res.Words = slices.Clone(f.words)
	res.Partial = plan.Partial()
	if err := ix.hydrate(r, plan, f, notes, res); err != nil {
		return nil, err
	}
	res.TookMS = float64(time.Since(start).Microseconds()) / 1000
	return res, nil
}

// rewrite reads the query as the person meant it before searching, each
// rewrite asking the dictionary of the caller's scope (one reader for
// all): a hyphenated word that can match no note as its parts
// (« sainte-agate »), a word typed without its apostrophe with it
// (« coop dhabitation », « lia générative »), and a letter being typed
// that no note holds left out until the second one (« maison des f »).
func (ix *Index) rewrite(r query.Request, pq query.ParsedQuery) query.ParsedQuery {
	dict := ix.DictionaryFor(r.Scope)
	defer dict.Close()
	if inclusive, ok := pq.InclusiveLast(dict); ok {
		pq = inclusive
	}
	if strings.IndexFunc(r.Q, query.IsMinus) >= 0 {
		var syn *analysis.Synonyms
		if !r.NoSynonyms {
			syn = ix.Synonyms()
		}
		if split, ok := pq.SplitUnknownHyphens(dict, syn); ok {
			pq = split
		}
	}
	if restored, ok := pq.RestoreElisions(dict); ok {
		pq = restored
	}
	if trimmed, ok := pq.WithoutShortTyped(dict); ok {
		pq = trimmed
	}
	if joined, ok := pq.JoinWritten(dict); ok {
		pq = joined
	}
	return pq
}

// planAndFind plans the parsed query pq of request r and finds its notes
// (from the result cache when it holds them; gen is the cache's generation
// read before anything of the index).
func (ix *Index) planAndFind(ctx context.Context, r query.Request, pq query.ParsedQuery, notes Notes, gen uint64) (*query.Plan, *found, error) {
	plan, err := ix.planQuery(ctx, r, pq, notes)
	if err != nil {
		return nil, nil, err
	}
	if err := ix.verifyPhrases(ctx, r, plan, notes); err != nil {
		return nil, nil, err
	}
	key := cacheKey(r, plan)
	if v, ok := ix.cache.get(key); ok {
		return plan, v.(*found), nil
	}
	f, err := ix.find(ctx, r, plan, notes)
	if err != nil {
		return nil, nil, err
	}
	ix.cache.put(gen, key, f)
	return plan, f, nil
}

// planQuery plans pq in the caller's scope, its synonyms applied (phrases
// not yet verified). A word misspelled inside a synonym of several words is
// planned again spelled as the member writes it (query.CorrectMembers).
func (ix *Index) planQuery(ctx context.Context, r query.Request, pq query.ParsedQuery, notes Notes) (*query.Plan, error) {
	dict := ix.DictionaryFor(r.Scope)
	plan, err := query.NewPlan(pq, dict)
	if err == nil && !r.NoSynonyms {
		if fixed, ok := plan.CorrectMembers(pq, ix.Synonyms()); ok {
			pq = fixed
			plan, err = query.NewPlan(pq, dict)
		}
	}
	dict.Close()
	if err != nil {
		return nil, err
	}
	if err := ix.applySynonyms(ctx, r.Scope, plan, pq, notes, !r.NoSynonyms); err != nil {
		return nil, err
	}
	return plan, nil
}

// found is what the index finds for a request: the page of note ids, the
// exact total and the facets. Cached per request until the index changes.
type found struct {
	ids     []string
	matched [][]string // per id, the query words it matches (nil: not known)
	words   []string   // the query words matched names (nil: not known)
	// tiers, per id, are the field tiers where the note matches some query
	// word (nil: not known): snippets skip the texts that cannot match.
	tiers   []uint8
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

func cacheKey(r query.Request, p *query.Plan) string {
	var b strings.Builder
	b.WriteString(p.Key())
	names := make([]string, 0, len(r.Filters))
	for n := range r.Filters {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "%s=%q;", n, r.Filters[n])
	}
	fmt.Fprintf(&b, "scope{%s}|", r.Scope.Key())
	// No facets asked (an empty list) and the default ones (nil) print
	// alike with %v: the one answer was given to the other.
	facets := "default"
	if r.Facets != nil {
		facets = fmt.Sprintf("%q", r.Facets)
	}
	fmt.Fprintf(&b, "%v|%v|%s|%d|%s|%d|%d", r.PublishedAfter, r.PublishedBefore, facets, r.FacetSize, r.Sort, r.Page, r.PerPage)
	return b.String()
}

// find runs the strict query, then, when fewer notes than a page match every
// word, the relaxed ones (at least n-1 words, then n-2…, down to the first
// that fills the page, or one word), and reads the page's ids. Notes with
// more of the words always rank first (rank.go), so the notes with every
// word lead and those missing fewest words follow them.
func (ix *Index) find(ctx context.Context, r query.Request, plan *query.Plan, notes Notes) (*found, error) {
	ep, err := ix.searchPlan(r, plan, notes)
	if err != nil {
		return nil, err
	}
	er, err := ix.execute(ctx, ep)
	if err != nil {
		return nil, err
	}
	// The hits point into er's snapshot: keep it open until their ids are read.
	defer func() { er.release() }()
	f := &found{}
	if er.filled {
		// The bitmap executor added the notes with most words itself.
		if n := len(plan.Words()); er.minWords < n {
			f.relaxed = er.strictTotal == 0
			ep.text = plan.Relaxed(er.minWords)
		}
	} else if er.total < query.RelaxBelow {
		strict := er.total
		for min := plan.WordCount() - 1; min >= 1; min-- {
			rp := *ep
			rp.text = plan.Relaxed(min)
			rr, err := ix.execute(ctx, &rp)
			if err != nil {
				return nil, err
			}
			if rr.total >= query.RelaxBelow || min == 1 {
				if rr.total > er.total {
					er.release()
					er, f.relaxed = rr, strict == 0
					ep = &rp
				} else {
					rr.release()
				}
				break
			}
			rr.release()
		}
	}
	f.total = er.total
	f.facets = map[string][]FacetValue{}
	for i, name := range r.WantFacets() {
		f.facets[name] = topValues(ix.facetValues(ep.facets[i], er.counts[i], ep.blocCarnets), r.FacetSize)
	}
	if ep.hist {
		f.facets[schema.PublishedFacet] = histogramValues(er.hist, ep.histMonths, ep.histYear)
	}
	if r.Sort == "title" {
		skip, need := (r.Page-1)*r.PerPage, r.Page*r.PerPage
		switch {
		case er.matched == nil: // not the bitmap executor's
			f.ids, err = ix.titlePage(ctx, r, ep.text)
		case walkTitles(er.total, uint64(need), er.view.docs()):
			f.ids, err = titleWalk(ctx, er.view, er.matched, skip, need)
		default:
			f.ids, err = titleTop(ctx, er.view, er.matched, skip, need)
		}
		return f, err
	}
	// The tiers hold every word's matches when the ranker holds every word.
	tiersKnown := ep.rank != nil && len(ep.rank.words) == len(plan.Words())
	f.words = ep.rank.wordTexts()
	from := (r.Page - 1) * r.PerPage
	for i := from; i < len(er.hits); i++ {
		id, err := er.view.externalID(er.hits[i])
		if err != nil {
			return nil, err
		}
		f.ids = append(f.ids, id)
		f.matched = append(f.matched, ep.rank.matchedWords(er.hits[i].mask))
		if tiersKnown {
			f.tiers = append(f.tiers, er.hits[i].tiers)
		}
	}
	return f, nil
}

// searchPlan is the plan find executes first: the strict query, ranked by
// the rules, relaxed by the executor until a page is filled.
func (ix *Index) searchPlan(r query.Request, plan *query.Plan, notes Notes) (*execPlan, error) {
	ep, err := ix.execPlanFor(r)
	if err != nil {
		return nil, err
	}
	ep.text = plan.Strict()
	ep.scoring = ep.text.Must != nil
	ep.rank = newRanker(plan)
	ep.plan, ep.fill, ep.notes = plan, query.RelaxBelow, notes
	if ep.text.Must == nil && (r.Sort == "" || r.Sort == "relevance") {
		ep.order = "-published_at" // browsing: newest first
	}
	return ep, nil
}

// execPlanFor translates the request's filters and facets into column terms.
func (ix *Index) execPlanFor(r query.Request) (*execPlan, error) {
	ep := &execPlan{after: noDate, before: noDate, order: r.Sort, keep: r.Page * r.PerPage, skip: (r.Page - 1) * r.PerPage, dateGroup: -1}
	ep.hist = r.WantPublished()
	ep.histYear, ep.histMonths = histogramMonths(r)
	if ep.order == "" {
		ep.order = "relevance"
	}
	if r.Sort == "title" {
		ep.keep, ep.regions = 0, true
	}
	want := r.WantFacets()
	for _, name := range want {
		_, col, _ := schema.ByFacet(name)
		ep.facets = append(ep.facets, col)
	}
	for _, ff := range filterFields(r.Filters, ix.carnetBlocPairs) {
		g := filterGroup{name: ff.name, col: ff.col, facet: -1, values: ff.values}
		if d, _, _ := schema.ByFilter(ff.name); d.Facet != "" {
			for i, w := range want {
				if w == d.Facet {
					g.facet = i
				}
			}
		}
		ep.groups = append(ep.groups, g)
	}
	if carnets, ok := chosenCarnets(r); ok {
		// The blocs of the chosen carnets: counted with their carnet.
		for i, w := range want {
			if w == "blocs" {
				ep.facets[i] = carnetBlocCol
				ep.blocCarnets = carnets
			}
		}
	}
	sc := r.Scope
	ep.scope = scopePlan{admin: sc.Admin, level: sc.Level, communities: sc.Communities, user: sc.User}
	for si, set := range sc.Filters {
		for name := range set {
			if _, _, ok := schema.ByFilter(name); !ok {
				return nil, query.BadParam("scope", "unknown_filter", "filtre de portée inconnu « %s »", name)
			}
		}
		for _, ff := range filterFields(set, ix.carnetBlocPairs) {
			ep.groups = append(ep.groups, filterGroup{name: fmt.Sprintf("scope%d.%s", si, ff.name), col: ff.col, facet: -1, values: ff.values})
		}
	}
	if r.PublishedAfter != nil || r.PublishedBefore != nil {
		ep.after, ep.before = dateBounds(r)
		ep.dateGroup = len(ep.groups)
		ep.groups = append(ep.groups, filterGroup{name: "published", col: -1, facet: -1})
	}
	return ep, nil
}

// chosenCarnets returns the carnets a request's notes may be in, when its
// filters or its scope's (a key held to its carnets) name some: those every
// list names; ok is false when none does. The blocs facet then counts the
// blocs of those carnets only (a key held to carnet A listed the blocs its
// notes have in their other carnets).
func chosenCarnets(r query.Request) (carnets []string, ok bool) {
	lists := [][]string{r.Filters["carnet"]}
	for _, set := range r.Scope.Filters {
		lists = append(lists, set["carnet"])
	}
	for _, l := range lists {
		if len(l) == 0 {
			continue
		}
		if !ok {
			carnets, ok = slices.Clone(l), true
			continue
		}
		carnets = slices.DeleteFunc(carnets, func(c string) bool { return !slices.Contains(l, c) })
	}
	return carnets, ok
}

// filterField is what one filter of a set asks: a note passes when it holds
// one of values in field (column col).
type filterField struct {
	name, field string
	col         int
	values      []string
}

// filterFields returns a filter set's filters, by name, as the fields and
// values the notes must hold. A bloc filter beside a carnet filter asks for
// the blocs of those carnets (schema.CarnetBloc): a note in two carnets has
// one bloc in each, and « carnet A, bloc 3 » found the notes whose bloc 3
// was in carnet B.
//
// pairs gives the (carnet, bloc) values to ask for (nil: every pair, when
// there are few enough: carnetBlocPairs).
func filterFields(set map[string][]string, pairs func(carnets, blocs []string) []string) []filterField {
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]filterField, 0, len(names))
	for _, name := range names {
		d, col, _ := schema.ByFilter(name)
		ff := filterField{name: name, field: d.Field, col: col, values: set[name]}
		if carnets := set["carnet"]; name == "bloc" && len(carnets) > 0 {
			if pairs == nil {
				pairs = carnetBlocPairs
			}
			if values := pairs(carnets, set[name]); values != nil {
				ff.field, ff.col, ff.values = schema.CarnetBloc, carnetBlocCol, values
			}
		}
		out = append(out, ff)
	}
	return out
}

// maxCarnetBlocPairs bounds the (carnet, bloc) values a filter set asks for
// by writing every pair: a key may hold a thousand filter values, and a
// request more, whose product would be millions of terms to look up.
const maxCarnetBlocPairs = 1024

// carnetBlocPairs writes every pair of carnets and blocs, nil when there
// are more than maxCarnetBlocPairs: the bloc filter then stays the bloc in
// any of the carnets (the carnet filter beside it still holds).
func carnetBlocPairs(carnets, blocs []string) []string {
	if len(carnets)*len(blocs) > maxCarnetBlocPairs {
		return nil
	}
	out := make([]string, 0, len(carnets)*len(blocs))
	for _, c := range carnets {
		for _, b := range blocs {
			out = append(out, schema.CarnetBlocValue(c, b))
		}
	}
	return out
}

// carnetBlocPairs is the package's carnetBlocPairs that, past the bound,
// reads the pairs the index holds for each carnet (one dictionary walk per
// carnet) and keeps those of the blocs: exact whatever the sets' sizes.
func (ix *Index) carnetBlocPairs(carnets, blocs []string) []string {
	if out := carnetBlocPairs(carnets, blocs); out != nil {
		return out
	}
	want := make(map[string]bool, len(blocs))
	for _, b := range blocs {
		want[b] = true
	}
	dict := ix.DictionaryFor(query.Scope{Admin: true})
	defer dict.Close()
	out := []string{}
	for _, c := range carnets {
		terms, err := dict.Prefix(schema.CarnetBloc, schema.CarnetBlocValue(c, ""), 1<<20)
		if err != nil {
			return nil
		}
		for _, t := range terms {
			if _, b := schema.SplitCarnetBloc(t.Term); want[b] {
				out = append(out, t.Term)
			}
		}
	}
	return out
}

// facetValues returns the values of column col with a non-zero count, in
// no particular order. The blocs counted with their carnet (carnetBlocCol)
// are those of carnets, named by their bloc; a bloc of the same name in two
// of the carnets is one value, its counts added (a note holding it in both
// counts twice: the page asks the blocs of one carnet).
func (ix *Index) facetValues(col int, counts []uint32, carnets []string) []FacetValue {
	var out []FacetValue
	var at map[string]int // carnetBlocCol: a bloc's index in out
	for o, c := range counts {
		if c == 0 {
			continue
		}
		v := ix.cols.value(col, uint32(o))
		if col == carnetBlocCol {
			carnet, bloc := schema.SplitCarnetBloc(v)
			if !slices.Contains(carnets, carnet) {
				continue
			}
			if at == nil {
				at = map[string]int{}
			}
			if i, ok := at[bloc]; ok {
				out[i].Count += int(c)
				continue
			}
			at[bloc], v = len(out), bloc
		}
		out = append(out, FacetValue{Value: v, Count: int(c)})
	}
	return out
}

// topValues returns the size most frequent of vals, ties alphabetical.
func topValues(vals []FacetValue, size int) []FacetValue {
	sort.Slice(vals, func(a, b int) bool {
		if vals[a].Count != vals[b].Count {
			return vals[a].Count > vals[b].Count
		}
		return vals[a].Value < vals[b].Value
	})
	return vals[:min(size, len(vals))]
}

// titlePage reads a page sorted by title through Bleve (title sort keys are
// doc values, not columns).
func (ix *Index) titlePage(ctx context.Context, r query.Request, text query.TextQuery) ([]string, error) {
	q := ix.boolean(r, text, "")
	req := bleve.NewSearchRequestOptions(q, r.PerPage, (r.Page-1)*r.PerPage, false)
	order, _ := schema.SortOrders("title")
	req.SortBy(order)
	req.Score = "none" // ordered by title: no score needed
	return ix.searchIDs(ctx, req)
}

// boolean combines the text query with the filters (all but skip).
func (ix *Index) boolean(r query.Request, text query.TextQuery, skip string) *bq.BooleanQuery {
	q := bq.NewBooleanQuery(nil, nil, nil)
	if text.Must != nil {
		q.AddMust(text.Must)
	} else {
		q.AddMust(bq.NewMatchAllQuery())
	}
	if text.MustNot != nil {
		q.AddMustNot(text.MustNot)
	}
	q.AddFilter(ix.filterQuery(r, skip))
	return q
}

// ScopeQuery is the Bleve form of a scope: the notes it may see (visibility)
// under its mandatory filters.
func ScopeQuery(s query.Scope) bq.Query { return scopeQuery(s, nil) }

// scopeQuery is ScopeQuery, pairs giving the (carnet, bloc) values of a
// bloc beside a carnet (filterFields).
func scopeQuery(s query.Scope, pairs func(carnets, blocs []string) []string) bq.Query {
	term := func(field, v string) *bq.TermQuery {
		t := bq.NewTermQuery(v)
		t.SetField(field)
		return t
	}
	var parts []bq.Query
	if !s.Admin {
		alts := []bq.Query{term(fVis, store.VisibilityPublic)}
		if s.Level >= query.LevelCommunity && len(s.Communities) > 0 {
			var cs []bq.Query
			for _, c := range s.Communities {
				cs = append(cs, term(fCommunity, c))
			}
			alts = append(alts, bq.NewConjunctionQuery([]bq.Query{term(fVis, store.VisibilityCommunity), bq.NewDisjunctionQuery(cs)}))
		}
		if s.Level >= query.LevelPrivate && s.User != "" {
			alts = append(alts, bq.NewConjunctionQuery([]bq.Query{term(fVis, store.VisibilityPrivate), term(schema.Readers, s.User)}))
		}
		parts = append(parts, bq.NewDisjunctionQuery(alts))
	}
	for _, set := range s.Filters {
		for _, ff := range filterFields(set, pairs) {
			var alts []bq.Query
			for _, v := range ff.values {
				alts = append(alts, term(ff.field, v))
			}
			parts = append(parts, bq.NewDisjunctionQuery(alts))
		}
	}
	if len(parts) == 0 {
		return bq.NewMatchAllQuery()
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return bq.NewConjunctionQuery(parts)
}

// filterQuery is the scope's rule (visibility and mandatory filters) plus
// the request's filters, except skip.
func (ix *Index) filterQuery(r query.Request, skip string) bq.Query {
	vis := scopeQuery(r.Scope, ix.carnetBlocPairs)
	parts := []bq.Query{vis}
	for _, ff := range filterFields(r.Filters, ix.carnetBlocPairs) {
		if ff.name == skip {
			continue
		}
		var alts []bq.Query
		for _, v := range ff.values {
			t := bq.NewTermQuery(v)
			t.SetField(ff.field)
			alts = append(alts, t)
		}
		parts = append(parts, bq.NewDisjunctionQuery(alts))
	}
	if r.PublishedAfter != nil || r.PublishedBefore != nil {
		after, before := dateBounds(r)
		parts = append(parts, &publishedRange{cols: ix.cols, after: after, before: before})
	}
	if len(parts) == 1 {
		return vis
	}
	return bq.NewConjunctionQuery(parts)
}

// hydrate reads the page of hits from the store and highlights them.
func (ix *Index) hydrate(r query.Request, plan *query.Plan, f *found, notes Notes, res *Result) error {
	// The page's notes are read and highlighted in parts, on every core.
	parts := parallelWorkers(len(f.ids) / minHydratePart)
	hits := make([]Hit, len(f.ids))
	shown := make([]bool, len(f.ids))
	m := plan.Matcher()
	err := parallelEach(context.Background(), parts, func(_, part int) error {
		lo, hi := part*len(f.ids)/parts, (part+1)*len(f.ids)/parts
		got, err := notes.GetMany(f.ids[lo:hi])
		if err != nil {
			return fmt.Errorf("lire les notes de la page : %w", err)
		}
		for i := lo; i < hi; i++ {
			n, ok := got[f.ids[i]]
			if !ok || !r.Scope.Allows(n) {
				continue // deleted since, or not visible: never shown
			}
			var may uint8 = mayMatchAll
			if i < len(f.tiers) && !m.HasPrefixes() && !m.Grouped() {
				may = textsMayMatch(f.tiers[i])
			}
			hits[i], shown[i] = newHit(n, m, !r.NoSnippets, may), true
			if i < len(f.matched) && len(f.matched[i]) > 0 {
				hits[i].MatchedWords = append([]string(nil), f.matched[i]...)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i, h := range hits {
		if shown[i] {
			res.Hits = append(res.Hits, h)
		}
	}
	return nil
}

// minHydratePart is the fewest notes of a page worth a goroutine of their own.
const minHydratePart = 4

// NewHit builds the hit of a stored note, highlighted for m (nil: no query).
func NewHit(n *store.Note, m *query.Matcher, snippet bool) Hit {
	return newHit(n, m, snippet, mayMatchAll)
}

// Which of a note's texts may hold a match, for its snippet.
const (
	mayMatchSummary = 1 << iota
	mayMatchBody
	mayMatchAll = mayMatchSummary | mayMatchBody
)

// textsMayMatch tells, from the field tiers where a note matches the query
// (schema.FieldTiers), which of its summary and body may hold a match: the
// body only with its tier (which also holds the words as written of every
// text, schema.Words). The summary, short, is always read: a typo's
// corrections are not looked up in every field, so the index may not count
// a summary the matcher highlights.
func textsMayMatch(tiers uint8) uint8 {
	if tiers&(1<<schema.TierOf(schema.Body)) != 0 {
		return mayMatchAll
	}
	return mayMatchSummary
}

// newHit is NewHit, its snippet skipping the texts may says cannot match.
func newHit(n *store.Note, m *query.Matcher, snippet bool, may uint8) Hit {
	h := Hit{
		ID: n.ID, Type: n.Type, Title: n.Title, URL: n.URL, Visibility: n.Visibility, PublishedAt: n.PublishedAt,
		Authors: nonNil(n.Authors), Organisations: nonNil(n.Organisations),
		Carnets: n.Carnets, Terms: nonNil(n.Terms),
	}
	if h.Carnets == nil {
		h.Carnets = []store.Carnet{}
	}
	h.TitleHTML = Highlight(n.Title, m)
	if snippet {
		h.SnippetHTML = snippetOf(m, SnippetWords, []string{n.Summary, n.Body}, []bool{may&mayMatchSummary != 0, may&mayMatchBody != 0})
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
