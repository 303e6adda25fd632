package index

import (
	"context"
	"strings"
	"testing"

	"github.com/encommun/trouvaille/query"
)

// A synonym of several words the search matched through is highlighted
// where its words follow each other, in titles and snippets, and never where
// they stand apart: « OBNL » marks « organisme à but non lucratif ».
func TestSynonymPhrasesHighlighted(t *testing.T) {
	ix, notes := openDemoIndex(t)
	r := query.Request{Q: "obnl", Facets: []string{}, NoSuggestion: true, PerPage: 50}
	if err := r.Normalize(); err != nil {
		t.Fatal(err)
	}
	m := planFor(t, ix, notes, r).Matcher()
	for _, tc := range []struct{ text, want string }{
		{"Un organisme à but non lucratif du quartier", "Un <mark>organisme</mark> à <mark>but</mark> <mark>non</mark> <mark>lucratif</mark> du quartier"},
		{"Les organismes sans but lucratif", "Les <mark>organismes</mark> sans <mark>but</mark> <mark>lucratif</mark>"},
		{"Un organisme dont le but n’est pas lucratif", "Un organisme dont le but n’est pas lucratif"},
		{"L’OBNL et l’organisme", "L’<mark>OBNL</mark> et l’organisme"},
	} {
		if got := Highlight(tc.text, m); got != strings.ReplaceAll(tc.want, "’", "&rsquo;") && got != tc.want {
			t.Errorf("Highlight(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
	// Through a search: the lexicon entry's summary, and a phrase that
	// straddles the snippet's chunks of analysis (1,500 bytes).
	res, err := ix.Search(context.Background(), r, notes)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, h := range res.Hits {
		if strings.Contains(h.SnippetHTML, "<mark>Organisme</mark> à <mark>but</mark> <mark>non</mark> <mark>lucratif</mark>") {
			found = true
		}
	}
	if !found {
		t.Errorf("no snippet marks the phrase: %s", ids(res))
	}
	long := strings.Repeat("Du texte sans rapport avec la question posée ici. ", 29) + "Un organisme à but non lucratif."
	if got := Snippet(m, SnippetWords, long); !strings.Contains(got, "<mark>organisme</mark> à <mark>but</mark> <mark>non</mark> <mark>lucratif</mark>") {
		t.Errorf("long text's snippet: %s", got)
	}
}
