package web

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"unicode"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

type browseView struct {
	Intro   string
	Total   string // « 300 organisations au total, de A à Z. »
	Letters []letter
	Groups  []group
	ByPage  bool // one letter per page (?lettre=A): the index links to pages
}

type letter struct {
	L, ID, URL string
	Has, Cur   bool
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

// browseOnePage is the longest list shown on one page under its A–Z
// index; a longer one is shown one letter per page (?lettre=A).
var browseOnePage = 600

// browse serves an alphabetical list of every value of a facet with its
// count (Engine.FacetValues: all of them, not the most frequent).
func (s *Site) browse(c *gin.Context, facet string) {
	bf := browseFacets[facet]
	p := s.newPage(c, "", bf.nav)
	p.Title = p.T[bf.title]
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.timeout)
	defer cancel()
	vals, err := s.eng.FacetValues(ctx, facet)
	if err != nil {
		s.logf("web: browse %s: %v", facet, err)
		vals = nil
	}
	v := &browseView{Intro: p.T[bf.intro], ByPage: len(vals) > browseOnePage}
	v.Total = fmt.Sprintf(p.T["browse_count"], formatCount(len(vals), p.Lang)+" "+lowerFirst(p.T[bf.title]))
	col := collate.New(language.CanadianFrench, collate.IgnoreCase, collate.IgnoreDiacritics)
	sort.SliceStable(vals, func(i, j int) bool { return col.CompareString(vals[i].Value, vals[j].Value) < 0 })
	byLetter := map[string]*group{}
	var order []string
	for _, fv := range vals {
		l := initial(fv.Value)
		g, ok := byLetter[l]
		if !ok {
			g = &group{L: l, ID: "lettre-" + letterID(l)}
			byLetter[l] = g
			order = append(order, l)
		}
		g.Entries = append(g.Entries, entry{Label: fv.Value, URL: filterURL(bf.param, fv.Value, p.Explicit), Count: notesCount(fv.Count, p.Lang)})
	}
	cur := ""
	if v.ByPage {
		cur = strings.ToUpper(c.Query("lettre"))
		if cur == "AUTRES" {
			cur = "#"
		}
		if _, ok := byLetter[cur]; !ok && len(order) > 0 {
			// The first letter that has values: names starting with a
			// digit or a symbol (« # ») sort first, but a person expects A.
			cur = order[0]
			for _, l := range order {
				if l != "#" {
					cur = l
					break
				}
			}
		}
	}
	for _, l := range order {
		if !v.ByPage || l == cur {
			v.Groups = append(v.Groups, *byLetter[l])
		}
	}
	for _, l := range append(strings.Split("ABCDEFGHIJKLMNOPQRSTUVWXYZ", ""), "#") {
		_, has := byLetter[l]
		lt := letter{L: l, ID: "lettre-" + letterID(l), Has: has, Cur: l == cur}
		lt.URL = "#" + lt.ID
		if v.ByPage {
			lt.URL = langURL(c.Request.URL.Path+"?lettre="+letterID(l), p.Explicit)
		}
		v.Letters = append(v.Letters, lt)
	}
	if v.ByPage {
		p.Title += " — " + fmt.Sprintf(p.T["browse_letter_page"], cur)
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
