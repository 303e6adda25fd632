package trouvaille

import (
	"context"
	"slices"
	"testing"
)

// TestRepeatedWordSearchedOnce: a word typed twice finds, counts and
// ranks as the word typed once, and is named once among the words
// searched for.
func TestRepeatedWordSearchedOnce(t *testing.T) {
	e := openEngine(t, t.TempDir())
	ingestLines(t, e, string(DemoNotes))
	for _, c := range []struct{ twice, once string }{
		{"logement logement social ", "logement social "},
		{"Économie economie solidaire ", "Économie solidaire "},
		{"jardin jardin jardin jardin communautaire", "jardin communautaire"},
		{`"sécurité alimentaire" "sécurité alimentaire" quartier`, `"sécurité alimentaire" quartier`},
		{"logement -montreal -montreal ", "logement -montreal "},
		// A word with synonyms of one word (a region's towns): the
		// second once added its synonyms alone, as a word every note
		// had to hold too.
		{"saguenay saguenay ", "saguenay "},
		{"aines aines ", "aines "},
		// A lexicon entry's title typed twice is still its title.
		{"tiers-lieu tiers-lieu ", "tiers-lieu "},
		{"economie sociale economie sociale ", "economie sociale "},
		// A synonym of several words after a word typed twice.
		{"décision décision par consentement ", "décision par consentement "},
		{"centre centre d'action benevole ", "centre d'action benevole "},
	} {
		search := func(q string) *Result {
			res, err := e.Search(context.Background(), Scope{}, Request{Q: q, PerPage: 50})
			if err != nil {
				t.Fatalf("%q: %v", q, err)
			}
			return res
		}
		a, b := search(c.twice), search(c.once)
		if a.Total != b.Total || a.Relaxed != b.Relaxed || !slices.Equal(a.Words, b.Words) {
			t.Errorf("%q: total %d relaxed %v words %q; %q: %d %v %q", c.twice, a.Total, a.Relaxed, a.Words, c.once, b.Total, b.Relaxed, b.Words)
			continue
		}
		if a.Total == 0 {
			t.Errorf("%q finds nothing: the comparison says nothing", c.once)
		}
		for i := range min(len(a.Hits), len(b.Hits)) {
			if a.Hits[i].ID != b.Hits[i].ID || !slices.Equal(a.Hits[i].MatchedWords, b.Hits[i].MatchedWords) {
				t.Errorf("%q: place %d is %s %q, %q has %s %q", c.twice, i+1, a.Hits[i].ID, a.Hits[i].MatchedWords, c.once, b.Hits[i].ID, b.Hits[i].MatchedWords)
				break
			}
		}
	}
}
