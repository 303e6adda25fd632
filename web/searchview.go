package web

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/encommun/trouvaille"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/schema"
)

// searchView is the search page's data.
type searchView struct {
	State      state
	Error      string
	Count      string // "23 notes trouvées", announced to screen readers
	Home       bool   // no words, no filter: the newest notes
	Relaxed    bool
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
	Authors, Organisations   string
	Carnets                  []string
	Original                 string
	T                        map[string]string
}

type facetView struct {
	Name, Param, Label string
	Shown, More        []facetValue
	Filter             bool // long list: offer a filter box
	BrowseURL          string
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
	v.Home = st.Q == "" && !st.hasFilters()
	v.Filtered = st.hasFilters()
	switch {
	case v.Error != "":
	case res.Total == 0:
		v.Count = t["count_zero"]
	case v.Home:
		v.Count = fmt.Sprintf(t["count_recent"], formatCount(v.Total, lang))
	case res.Total == 1:
		v.Count = t["count_one"]
	default:
		v.Count = fmt.Sprintf(t["count_many"], formatCount(v.Total, lang))
	}
	if v.Error == "" && res.Total == 0 {
		v.Empty = true
		if st.Q != "" {
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
	for _, h := range res.Hits {
		v.Hits = append(v.Hits, newHitView(h, p))
	}
	// Facets, with the selected values always present.
	for _, facet := range facetOrder {
		vals, ok := res.Facets[facet]
		if !ok {
			continue
		}
		dim, _, _ := schema.ByFacet(facet)
		fo := struct{ facet, param string }{facet, dim.Filter}
		fv := facetView{Name: fo.facet, Param: fo.param, Label: t["facet_"+fo.facet]}
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
		v.Chips = append(v.Chips, chip{Label: t["date_after"] + " " + st.After, URL: c.URL()})
	}
	if st.Before != "" {
		c := st.clone()
		c.Before, c.Page = "", 1
		v.Chips = append(v.Chips, chip{Label: t["date_before"] + " " + st.Before, URL: c.URL()})
	}
	if len(v.Chips) > 0 {
		v.ClearURL = state{Q: st.Q, Sort: st.Sort, Page: 1, Lang: st.Lang}.URL()
	}
	for i, so := range sorts {
		key := []string{"sort_relevance", "sort_newest", "sort_oldest", "sort_title"}[i]
		v.Sorts = append(v.Sorts, option{Value: so, Label: t[key], Selected: so == st.Sort})
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

func newHitView(h trouvaille.Hit, p *page) hitView {
	lang := p.Explicit
	hv := hitView{
		ID: h.ID, URL: langURL("/n/"+h.ID, lang), Type: h.Type, TypeLabel: typeLabel(p.T, h.Type),
		TitleHTML: template.HTML(h.TitleHTML), SnippetHTML: template.HTML(h.SnippetHTML),
		Date: formatDate(h.PublishedAt, p.Lang), Authors: strings.Join(h.Authors, ", "),
		Organisations: strings.Join(h.Organisations, ", "), Original: h.URL, T: p.T,
	}
	if h.PublishedAt != nil {
		hv.DateISO = h.PublishedAt.UTC().Format("2006-01-02")
	}
	for _, c := range h.Carnets {
		hv.Carnets = append(hv.Carnets, carnetLabel(c))
	}
	return hv
}

func carnetLabel(c trouvaille.Carnet) string {
	if c.Bloc == "" {
		return c.Title
	}
	return c.Title + " · " + c.Bloc
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
