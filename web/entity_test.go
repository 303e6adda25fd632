package web

import (
	"html"
	"net/url"
	"regexp"
	"testing"

	trouvaille "github.com/encommun/trouvaille"
)

// A lexicon term whose title carries its acronym in parentheses is named
// by its whole title, by its name without the acronym and by the acronym
// alone; the card keeps the whole title.
func TestEntityCardAcronym(t *testing.T) {
	s, _ := testServer(t)
	title := regexp.MustCompile(`<h3 class="entity-title">(?:<a [^>]*>)?([^<]*)`)
	notes := regexp.MustCompile(`<p class="entity-links"><a href="([^"]*)"`)
	for _, c := range []struct{ q, want string }{
		{"CdP", "Communauté de pratique (CdP)"},
		{"cdp", "Communauté de pratique (CdP)"},
		{"communauté de pratique", "Communauté de pratique (CdP)"},
		{"Communauté de pratique (CdP)", "Communauté de pratique (CdP)"},
		{"animer une CdP", "Communauté de pratique (CdP)"},
		{"ACA", "Action communautaire autonome (ACA)"},
		{"action communautaire autonome", "Action communautaire autonome (ACA)"},
		{"conseil d’administration", "Conseil d’administration (CA)"},
		{"rôle du CA", "Conseil d’administration (CA)"},
		{"intelligence artificielle", "Intelligence artificielle (IA)"},
		{"logement abordable", "Logement abordable"},
		// « ça » is no acronym, nor is a lower-case two-letter word
		// among others.
		{"ça", ""},
		{"ça va", ""},
		{"le ca", ""},
	} {
		_, _, body := fetch(t, s.URL+"/?q="+url.QueryEscape(c.q))
		got := ""
		if m := title.FindStringSubmatch(body); m != nil {
			got = html.UnescapeString(m[1])
		}
		if got != c.want {
			t.Errorf("%q: entity card %q, want %q", c.q, got, c.want)
			continue
		}
		if c.want == "" {
			continue
		}
		m := notes.FindStringSubmatch(body)
		if m == nil {
			t.Errorf("%q: no link to the notes", c.q)
			continue
		}
		u, err := url.Parse(html.UnescapeString(m[1]))
		if err != nil || u.Query().Get("term") != c.want {
			t.Errorf("%q: notes link %q does not filter on the whole title", c.q, m[1])
		}
	}
}

func TestNamesEntity(t *testing.T) {
	for _, c := range []struct {
		q, title string
		whole    bool
		want     bool
	}{
		{"cdp", "Communauté de pratique (CdP)", true, true},
		{"CDP", "Communauté de pratique (CdP)", true, true},
		{"communaute de pratique", "Communauté de pratique (CdP)", true, true},
		{"communauté de pratique (CdP)", "Communauté de pratique (CdP)", true, true},
		{"communauté de pratique cdp", "Communauté de pratique (CdP)", true, true},
		{"une cdp", "Communauté de pratique (CdP)", true, false},
		{"une cdp", "Communauté de pratique (CdP)", false, true},
		{"communauté", "Communauté de pratique (CdP)", false, false},
		{"pratique", "Communauté de pratique (CdP)", false, false},
		{"ca", "Conseil d’administration (CA)", true, true},
		{"ça", "Conseil d’administration (CA)", true, false},
		{"le ca", "Conseil d’administration (CA)", false, false},
		{"le CA", "Conseil d’administration (CA)", false, true},
		{"conseil d'administration", "Conseil d’administration (CA)", false, true},
		// A parenthesis that is no acronym names nothing by itself.
		{"québec", "Fiducie (Québec)", true, false},
		{"fiducie (québec)", "Fiducie (Québec)", true, true},
		{"fiducie", "Fiducie (Québec)", true, false},
		{"tiess", "TIESS", true, true},
		{"", "TIESS", false, false},
	} {
		if got := namesEntity(c.q, c.title, c.whole); got != c.want {
			t.Errorf("namesEntity(%q, %q, %v) = %v, want %v", c.q, c.title, c.whole, got, c.want)
		}
	}
}

// An organisation or term without an entry of its own gets the notes
// card when the query is its name without the acronym, or the acronym.
func TestFacetEntityAcronym(t *testing.T) {
	p := &page{Lang: langFR, T: messages[langFR]}
	res := &trouvaille.Result{Facets: map[string][]trouvaille.FacetValue{
		"organisations": {{Value: "Table de concertation en sécurité alimentaire (TCSA)", Count: 4}},
	}}
	for _, q := range []string{"TCSA", "tcsa", "table de concertation en sécurité alimentaire"} {
		e := facetEntity(state{Q: q, Page: 1}, p, res)
		if e == nil || e.Title != "Table de concertation en sécurité alimentaire (TCSA)" || e.Kind != "organisation" {
			t.Errorf("%q: card %+v", q, e)
		}
	}
	if e := facetEntity(state{Q: "concertation", Page: 1}, p, res); e != nil {
		t.Errorf("a word of the name gives a card: %+v", e)
	}
}
