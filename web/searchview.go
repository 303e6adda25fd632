package web

import (
	"fmt"
	"html/template"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/encommun/trouvaille"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/schema"
)

// searchView is the search page's data.
type searchView struct {
	State      state
	Error      string
	Count      string // "111 résultats : 102 notes, 7 termes et 2 organisations", announced to screen readers
	SeeAll     string // "Voir les 111 résultats", the filter sheet's button
	NFilters   int    // chips, shown on the "Filtres (1)" control
	Entity     *entityView
	Correction *correction
	Guide      *guide
	Fewer      []chip // zero results: the same search with one word less
	French     []chip // English interface, zero results: French words of the glossary
	InEnglish  bool
	Home       bool // no words, no filter: the newest notes
	Relaxed    bool
	Partial    bool // a quoted phrase verified in the best candidates only
	Suggestion *suggestion
	Empty      bool
	EmptyTitle string
	Hits       []hitView
	Start      int // number of the first hit (for <ol start>)
	Facets     []facetView
	Chips      []chip
	ClearURL   string
	Sorts      []option
	Pages      *pagination
	Filtered   bool
	Total      int
}

type hitView struct {
	ID, URL, Type, TypeLabel string
	TitleHTML, SnippetHTML   template.HTML
	Date, DateISO            string
	Authors, Orgs, Terms     []link // each adds its filter to the current search
	Carnets                  []carnetLink
	Missing                  string // query words the hit lacks (from matched_words)
	Original                 string
	T                        map[string]string
}

// carnetLink is a carnet line of a hit: the carnet and, under it, its bloc,
// each adding its filter.
type carnetLink struct{ Label, URL, Bloc, BlocURL string }

// entityView is the card shown above the results when the query names a
// lexicon term or an organisation.
type entityView struct {
	Kind, KindLabel, Title, Text string
	URL                          string // the term's or organisation's page
	NotesURL, NotesLabel         string // the search filtered on it
}

// correction says that a typed word was read as another one, with the link
// that searches the word exactly as typed.
type correction struct {
	Read, Typed string // the query as read, and as typed
	URL         string // search the typed words exactly
}

// guide is what the home page offers to start with.
type guide struct {
	Examples, Orgs, Terms []chip
}

type facetView struct {
	Name, Param, Label string
	What               string // plain-language explanation (« C’est quoi ? »)
	Shown, More        []facetValue
	Filter             bool // long list: offer a filter box
	BrowseURL          string
	Nested             *facetView // the blocs of the chosen carnet, under the carnets
}

type facetValue struct {
	ID, Param, Value, Label, Count string
	Checked                        bool
	URL                            string // for facets without a checkbox (years)
}

type chip struct{ Label, URL string }

type option struct {
	Value, Label string
	Selected     bool
}

type pagination struct {
	Label             string
	Prev, Next        string
	Items             []pageLink
	Current, LastPage int
}

type pageLink struct {
	N       int
	URL     string
	Current bool
	Gap     bool
}

// facetOrder is the order of the side panel: from what a person knows best
// (the kind of note, who wrote it up) to the finer classifications.
// Each facet's filter parameter comes from schema.Dimensions.
var facetOrder = []string{"type", "organisations", "terms", "carnets", "blocs", "authors"}

// shownValues is how many values a facet shows before "Voir plus".
const shownValues = 6

var browsePath = map[string]string{"organisations": "/organisations", "carnets": "/carnets", "terms": "/termes"}

func typeLabel(t map[string]string, typ string) string {
	if l, ok := t["type_"+typ]; ok {
		return l
	}
	return typ
}

func (v *searchView) build(p *page, res *trouvaille.Result) {
	st, t, lang := v.State, p.T, p.Lang
	v.Total = int(res.Total)
	v.Relaxed = res.Relaxed
	v.Partial = res.Partial
	v.Home = st.Q == "" && !st.hasFilters()
	v.Filtered = st.hasFilters()
	v.InEnglish = lang == langEN
	if v.Error == "" {
		v.Count = countText(t, lang, res)
		if v.Home && res.Total > 0 {
			// Nothing searched yet: what there is to browse, not
			// « 317 résultats » of no search.
			kinds, _ := kindsText(t, lang, res)
			if kinds == "" {
				kinds = v.Count
			}
			v.Count = t["home_browse"] + t["colon"] + " " + kinds
			// The order the sort menu shows (it said « les plus récentes
			// d’abord » over a list sorted by title).
			order := map[string]string{"published_at": "home_order_oldest", "title": "home_order_title"}[st.Sort]
			if order == "" {
				order = "home_order"
			}
			v.Count += " — " + t[order]
		}
		v.SeeAll = seeAll(t, lang, v.Total)
	}
	if v.Error == "" && res.Total == 0 {
		v.Empty = true
		if oneLetter(st.Q) {
			// Words are completed from their second letter: one letter
			// finds only notes holding it as a word.
			v.EmptyTitle = t["empty_one_letter"]
		} else if st.Q != "" {
			v.EmptyTitle = fmt.Sprintf(t["empty_title"], st.Q)
		} else {
			v.EmptyTitle = t["empty_filters"]
		}
	}
	if sg := res.Suggestion; sg != nil && sg.Q != "" {
		ss := st.clone()
		ss.Q, ss.Page = sg.Q, 1
		v.Suggestion = &suggestion{Q: sg.Q, Total: sg.Total, URL: ss.URL()}
	}
	if v.Error == "" {
		v.Start = (st.Page-1)*perPage + 1
	}
	for i := range res.Hits {
		// The words the engine searched for that the hit lacks: never a
		// stop word or a question's word, which are not searched.
		v.Hits = append(v.Hits, newHitView(res.Hits[i], p, st, strings.Join(res.Missing(&res.Hits[i]), ", ")))
	}
	if st.Page == 1 && v.Suggestion == nil && len(res.Hits) > 0 {
		v.Correction = detectCorrection(st, res.Words, res.Hits)
	}
	if v.Home {
		v.Guide = newGuide(t, st, res)
	}
	if quotes := "\"«»“”„"; v.Empty && strings.ContainsAny(st.Q, quotes) {
		// A phrase found nothing: the same words, anywhere in the note
		// (between any quotes the search reads: « », “ ” too).
		fs := st.clone()
		fs.Page = 1
		fs.Q = strings.Join(strings.Fields(strings.Map(func(r rune) rune {
			if strings.ContainsRune(quotes, r) {
				return ' '
			}
			return r
		}, st.Q)), " ")
		v.Fewer = append(v.Fewer, chip{Label: fs.Q, URL: fs.URL()})
	}
	// Fewer words: each of the words searched for left out in turn (not a
	// stop word, which changes nothing).
	if words := res.Words; v.Empty && len(words) > 1 {
		for i := range words {
			if len(v.Fewer) == 3 {
				break
			}
			fs := st.clone()
			fs.Page = 1
			fs.Q = strings.Join(append(append([]string(nil), words[:i]...), words[i+1:]...), " ")
			v.Fewer = append(v.Fewer, chip{Label: fs.Q, URL: fs.URL()})
		}
	}
	// Facets, with the selected values always present.
	for _, facet := range facetOrder {
		vals, ok := res.Facets[facet]
		if !ok {
			continue
		}
		dim, _, _ := schema.ByFacet(facet)
		fo := struct{ facet, param string }{facet, dim.Filter}
		fv := facetView{Name: fo.facet, Param: fo.param, Label: t["facet_"+fo.facet], What: t["what_"+fo.facet]}
		if bp, ok := browsePath[fo.facet]; ok && len(vals) >= facetSize {
			fv.BrowseURL = langURL(bp, st.Lang)
		}
		seen := map[string]bool{}
		var all []facetValue
		for i, fval := range vals {
			seen[fval.Value] = true
			all = append(all, facetValue{
				ID: fmt.Sprintf("f-%s-%d", fo.param, i), Param: fo.param, Value: fval.Value, Label: valueLabel(t, fo.param, fval.Value),
				Count: formatCount(fval.Count, lang), Checked: contains(st.Filters[fo.param], fval.Value),
			})
		}
		for i, sel := range st.Filters[fo.param] {
			if !seen[sel] {
				all = append([]facetValue{{ID: fmt.Sprintf("f-%s-s%d", fo.param, i), Param: fo.param, Value: sel, Label: valueLabel(t, fo.param, sel), Count: "0", Checked: true}}, all...)
			}
		}
		if len(all) == 0 {
			continue
		}
		n := shownValues
		if len(all) <= shownValues+2 {
			n = len(all) // never hide just one or two values
		}
		// Checked values stay visible even past the cut.
		for _, fval := range all {
			if len(fv.Shown) < n || fval.Checked {
				fv.Shown = append(fv.Shown, fval)
			} else {
				fv.More = append(fv.More, fval)
			}
		}
		fv.Filter = len(all) > shownValues+2
		// Blocs mean something only under their carnet: they are shown
		// nested under the chosen carnet, and not at all before one is
		// chosen (unless a bloc filter is already set).
		if fo.facet == "blocs" {
			carnets := st.Filters["carnet"]
			if len(carnets) == 1 {
				fv.Label = fmt.Sprintf(t["blocs_of"], carnets[0])
				for i := range v.Facets {
					if v.Facets[i].Name == "carnets" {
						nested := fv
						v.Facets[i].Nested = &nested
					}
				}
				continue
			}
			if len(st.Filters["bloc"]) == 0 {
				continue
			}
		}
		v.Facets = append(v.Facets, fv)
	}
	// Years, once the index offers a "published" facet: links setting the date range.
	if years, ok := res.Facets["published"]; ok && len(years) > 0 {
		fv := facetView{Name: "published", Label: t["facet_published"]}
		for _, y := range years {
			if len(y.Value) != 4 {
				continue
			}
			ys := st.clone()
			ys.After, ys.Before, ys.Page = y.Value+"-01-01", y.Value+"-12-31", 1
			fv.Shown = append(fv.Shown, facetValue{Value: y.Value, Label: y.Value, Count: formatCount(y.Count, lang), URL: ys.URL(),
				Checked: st.After == y.Value+"-01-01" && st.Before == y.Value+"-12-31"})
		}
		if len(fv.Shown) > 0 {
			v.Facets = append(v.Facets, fv)
		}
	}
	// Chips, in the order of the URL.
	for _, name := range schema.FilterNames() {
		for _, val := range st.Filters[name] {
			v.Chips = append(v.Chips, chip{Label: t["chip_"+name] + t["colon"] + " " + valueLabel(t, name, val), URL: st.without(name, val).URL()})
		}
	}
	if st.After != "" {
		c := st.clone()
		c.After, c.Page = "", 1
		v.Chips = append(v.Chips, chip{Label: t["date_after"] + " " + dayText(st.After, lang), URL: c.URL()})
	}
	if st.Before != "" {
		c := st.clone()
		c.Before, c.Page = "", 1
		v.Chips = append(v.Chips, chip{Label: t["date_before"] + " " + dayText(st.Before, lang), URL: c.URL()})
	}
	v.NFilters = len(v.Chips)
	if len(v.Chips) > 0 {
		v.ClearURL = state{Q: st.Q, Sort: st.Sort, Page: 1, Lang: st.Lang}.URL()
	}
	for i, so := range sorts {
		key := []string{"sort_relevance", "sort_newest", "sort_oldest", "sort_title"}[i]
		sel, label := so == st.Sort, t[key]
		if st.Q == "" {
			// Without words, relevance means nothing: the engine lists the
			// newest first, and the menu says so.
			if so == "" {
				label = t["sort_newest"]
			} else if so == "-published_at" && !sel {
				continue
			}
		}
		v.Sorts = append(v.Sorts, option{Value: so, Label: label, Selected: sel})
	}
	v.Pages = newPagination(st, v.Total, t)
}

// valueLabel shows type values in words; other values as they are.
func valueLabel(t map[string]string, param, val string) string {
	if param == "type" {
		return typeLabel(t, val)
	}
	return val
}

func newHitView(h trouvaille.Hit, p *page, st state, missing string) hitView {
	lang := p.Explicit
	hv := hitView{
		ID: h.ID, URL: langURL("/n/"+h.ID, lang), Type: h.Type, TypeLabel: typeLabel(p.T, h.Type),
		TitleHTML: template.HTML(h.TitleHTML), SnippetHTML: template.HTML(h.SnippetHTML),
		Date: formatDate(h.PublishedAt, p.Lang), Original: h.URL, T: p.T,
	}
	if h.PublishedAt != nil {
		hv.DateISO = h.PublishedAt.UTC().Format("2006-01-02")
	}
	for _, a := range h.Authors {
		hv.Authors = append(hv.Authors, link{a, st.with("author", a).URL()})
	}
	for _, o := range h.Organisations {
		hv.Orgs = append(hv.Orgs, link{o, st.with("organisation", o).URL()})
	}
	for _, tm := range h.Terms {
		hv.Terms = append(hv.Terms, link{tm, st.with("term", tm).URL()})
	}
	for _, c := range h.Carnets {
		cl := carnetLink{Label: c.Title, URL: st.with("carnet", c.Title).URL()}
		if c.Bloc != "" {
			cl.Bloc, cl.BlocURL = c.Bloc, st.with("carnet", c.Title).with("bloc", c.Bloc).URL()
		}
		hv.Carnets = append(hv.Carnets, cl)
	}
	hv.Missing = missing
	return hv
}

func newPagination(st state, total int, t map[string]string) *pagination {
	last := (total + perPage - 1) / perPage
	if max := query.MaxResultWindow / perPage; last > max {
		last = max
	}
	if last <= 1 {
		return nil
	}
	cur := st.Page
	p := &pagination{Current: cur, LastPage: last, Label: fmt.Sprintf(t["page_of"], cur, last)}
	if cur > 1 {
		p.Prev = st.atPage(cur - 1).URL()
	}
	if cur < last {
		p.Next = st.atPage(cur + 1).URL()
	}
	prevN := 0
	for n := 1; n <= last; n++ {
		if n != 1 && n != last && (n < cur-2 || n > cur+2) {
			continue
		}
		if prevN != 0 && n > prevN+1 {
			p.Items = append(p.Items, pageLink{Gap: true})
		}
		p.Items = append(p.Items, pageLink{N: n, URL: st.atPage(n).URL(), Current: n == cur})
		prevN = n
	}
	return p
}

// oneLetter reports whether q ends with a single letter being typed.
func oneLetter(q string) bool {
	fields := strings.Fields(q)
	if len(fields) == 0 {
		return false
	}
	// The last word, after an elided article (« l'i », « c'est q »): the
	// search leaves a letter being typed out beside words it finds, so a
	// search that finds nothing ending on one is one to keep typing.
	w := fields[len(fields)-1]
	if i := strings.LastIndexAny(w, "'’"); i >= 0 {
		_, size := utf8.DecodeRuneInString(w[i:])
		w = w[i+size:]
	}
	r, n := utf8.DecodeRuneInString(w)
	return n > 0 && n == len(w) && unicode.IsLetter(r)
}
