package trouvaille

import (
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
		sameAnswers(t, e, c.twice, c.once)
	}
}
