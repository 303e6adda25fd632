package web

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/encommun/trouvaille"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/schema"
)

// perPage is the number of hits on one page: ten is what a person scans
// without scrolling far, and it keeps the first page light.
const perPage = 10

// facetSize is the number of values asked for each facet on the search page
// (the browse pages ask for the maximum).
const facetSize = 20

// state is everything a search page shows, as it lives in the query string:
// q, the filters, the date range, the sort, the page and (when chosen by
// hand) the language. The same URL renders the same page with or without
// JavaScript.
type state struct {
	Q       string
	Filters map[string][]string // keys among schema.FilterNames()
	After   string              // YYYY-MM-DD, as typed
	Before  string              // YYYY-MM-DD, inclusive
	// BadAfter and BadBefore hold a date that is not one, as typed: the
	// page says so rather than search without it (which would widen the
	// search without a word).
	BadAfter, BadBefore string
	Sort                string
	Page                int
	Lang                string // "en" when chosen with ?lang=, else ""
}

// sorts lists the sort orders the page offers, relevance first.
var sorts = []string{"", "-published_at", "published_at", "title"}

// parseState reads a page URL's query. Unlike the API it is lenient: an
// unknown parameter, an empty field of a submitted form or a bad page number
// is ignored rather than refused, since people edit URLs by hand; a page past
// the result window is kept, so the page can say why it shows nothing.
func parseState(v url.Values) state {
	s := state{Q: strings.TrimSpace(v.Get("q")), Page: 1}
	for _, name := range schema.FilterNames() {
		for _, val := range v[name] {
			if val = strings.TrimSpace(val); val != "" && !contains(s.Filters[name], val) {
				if s.Filters == nil {
					s.Filters = map[string][]string{}
				}
				s.Filters[name] = append(s.Filters[name], val)
			}
		}
	}
	if d := strings.TrimSpace(v.Get("published_after")); validDate(d) {
		s.After = d
	} else {
		s.BadAfter = d
	}
	if d := strings.TrimSpace(v.Get("published_before")); validDate(d) {
		s.Before = d
	} else {
		s.BadBefore = d
	}
	if so := v.Get("sort"); contains(sorts, so) {
		s.Sort = so
	}
	// A page past the result window is kept: the page says so (a page
	// number times perPage may overflow, so it is never multiplied here).
	if p, err := strconv.Atoi(v.Get("page")); err == nil && p > 1 {
		s.Page = p
	}
	if l := strings.ToLower(v.Get("lang")); l == langEN || l == langFR {
		s.Lang = l
	}
	return s
}

// badDate is the first date of the URL that is not one, and the label of its
// field ("date_after" or "date_before"); "" when both are dates or absent.
func (s state) badDate() (string, string) {
	switch {
	case s.BadAfter != "":
		return clip(s.BadAfter), "date_after"
	case s.BadBefore != "":
		return clip(s.BadBefore), "date_before"
	}
	return "", ""
}

// clip shortens what a URL held to what a message can show: 40 characters,
// valid UTF-8.
func clip(s string) string {
	s = strings.ToValidUTF8(s, "�")
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

func validDate(s string) bool {
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// values is the canonical query string of the state, in a stable order.
func (s state) values() url.Values {
	v := url.Values{}
	if s.Q != "" {
		v.Set("q", s.Q)
	}
	for _, name := range schema.FilterNames() {
		for _, val := range s.Filters[name] {
			v.Add(name, val)
		}
	}
	if s.After != "" {
		v.Set("published_after", s.After)
	}
	if s.Before != "" {
		v.Set("published_before", s.Before)
	}
	if s.Sort != "" {
		v.Set("sort", s.Sort)
	}
	if s.Page > 1 {
		v.Set("page", strconv.Itoa(s.Page))
	}
	if s.Lang != "" {
		v.Set("lang", s.Lang)
	}
	return v
}

// URL is the search page's address for this state.
func (s state) URL() string {
	if q := s.values().Encode(); q != "" {
		return "/?" + q
	}
	return "/"
}

func (s state) clone() state {
	c := s
	c.Filters = map[string][]string{}
	for k, v := range s.Filters {
		c.Filters[k] = append([]string(nil), v...)
	}
	return c
}

// without removes one filter value and goes back to page 1.
func (s state) without(name, val string) state {
	c := s.clone()
	c.Page = 1
	var keep []string
	for _, x := range c.Filters[name] {
		if x != val {
			keep = append(keep, x)
		}
	}
	if len(keep) == 0 {
		delete(c.Filters, name)
	} else {
		c.Filters[name] = keep
	}
	return c
}

// with adds one filter value (kept once) and goes back to page 1.
func (s state) with(name, val string) state {
	c := s.clone()
	c.Page = 1
	if !contains(c.Filters[name], val) {
		c.Filters[name] = append(c.Filters[name], val)
	}
	return c
}

// atPage is the same search at another page.
func (s state) atPage(p int) state {
	c := s.clone()
	c.Page = p
	return c
}

// hasFilters reports whether any filter or date is set.
func (s state) hasFilters() bool {
	return len(s.Filters) > 0 || s.After != "" || s.Before != ""
}

// maxPage is the last page the result window holds.
const maxPage = query.MaxResultWindow / perPage

// tooFar reports whether the page is past the result window.
func (s state) tooFar() bool { return s.Page > maxPage }

// request turns the state into an index request.
func (s state) request() trouvaille.Request {
	r := trouvaille.Request{
		Q: s.Q, Sort: s.Sort, Page: s.Page, PerPage: perPage, FacetSize: facetSize,
	}
	if len(s.Filters) > 0 {
		r.Filters = s.Filters
	}
	if t, err := time.Parse("2006-01-02", s.After); err == nil {
		r.PublishedAfter = &t
	}
	if t, err := time.Parse("2006-01-02", s.Before); err == nil {
		t = t.AddDate(0, 0, 1) // the whole last day, as the API does
		r.PublishedBefore = &t
	}
	return r
}

// langURL adds ?lang= to a path when the language was chosen by hand.
func langURL(path, lang string) string {
	if lang == "" {
		return path
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + "lang=" + lang
}

// filterURL is the search filtered on one value (used by note and browse pages).
func filterURL(param, val, lang string) string {
	s := state{Filters: map[string][]string{param: {val}}, Page: 1, Lang: lang}
	return s.URL()
}
