package web

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"unicode"

	"github.com/encommun/trouvaille"
	"github.com/encommun/trouvaille/query"
	"github.com/gin-gonic/gin"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

type browseView struct {
	Intro   string
	Letters []letter
	Groups  []group
	Capped  bool // the list holds only the most frequent values
}

type letter struct {
	L, ID string
	Has   bool
}

type group struct {
	L, ID   string
	Entries []entry
}

type entry struct{ Label, URL, Count string }

// browseFacets maps each browse page to its facet, filter and messages.
var browseFacets = map[string]struct{ param, title, intro, nav string }{
	"organisations": {"organisation", "browse_orgs", "browse_orgs_intro", "orgs"},
	"carnets":       {"carnet", "browse_carnets", "browse_carnets_intro", "carnets"},
	"terms":         {"term", "browse_terms", "browse_terms_intro", "terms"},
}

// browse serves an alphabetical list of a facet's values with their counts.
// The values come from the facet itself (up to query.MaxFacetSize of them,
// the most frequent): the index has no call that lists every value yet.
func (s *Site) browse(c *gin.Context, facet string) {
	bf := browseFacets[facet]
	p := s.newPage(c, "", bf.nav)
	p.Title = p.T[bf.title]
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.timeout)
	defer cancel()
	res, err := s.eng.Search(ctx, trouvaille.Scope{}, trouvaille.Request{Facets: []string{facet}, FacetSize: query.MaxFacetSize, PerPage: 1, NoSnippets: true})
	if err != nil {
		s.logf("web: browse %s: %v", facet, err)
		res = &trouvaille.Result{}
	}
	vals := res.Facets[facet]
	v := &browseView{Intro: p.T[bf.intro], Capped: len(vals) >= query.MaxFacetSize}
	col := collate.New(language.CanadianFrench, collate.IgnoreCase, collate.IgnoreDiacritics)
	sort.SliceStable(vals, func(i, j int) bool { return col.CompareString(vals[i].Value, vals[j].Value) < 0 })
	byLetter := map[string]*group{}
	for _, fv := range vals {
		l := initial(fv.Value)
		g, ok := byLetter[l]
		if !ok {
			g = &group{L: l, ID: "lettre-" + letterID(l)}
			byLetter[l] = g
			v.Groups = append(v.Groups, *g)
		}
		g.Entries = append(g.Entries, entry{Label: fv.Value, URL: filterURL(bf.param, fv.Value, p.Explicit), Count: notesCount(fv.Count, p.Lang)})
	}
	for i := range v.Groups {
		v.Groups[i] = *byLetter[v.Groups[i].L]
	}
	for _, l := range append(strings.Split("ABCDEFGHIJKLMNOPQRSTUVWXYZ", ""), "#") {
		_, has := byLetter[l]
		v.Letters = append(v.Letters, letter{L: l, ID: "lettre-" + letterID(l), Has: has})
	}
	p.Data = v
	s.render(c, http.StatusOK, "browse", p)
}

// initial is the index letter of a value: its first letter without accent,
// upper-cased; "#" for digits and symbols.
func initial(s string) string {
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		r = unicode.ToUpper(r)
		if r >= 'A' && r <= 'Z' {
			return string(r)
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			return "#"
		}
	}
	return "#"
}

func letterID(l string) string {
	if l == "#" {
		return "autres"
	}
	return strings.ToLower(l)
}
