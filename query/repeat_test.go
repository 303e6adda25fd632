package query

import "testing"

// TestRepeatedWordsAreOneWord: a word typed twice is searched once,
// whatever its case or accents, and so is a phrase or an exclusion typed
// twice; words that differ in how they are typed (being typed, excluded,
// in quotes) or in their analysis stay apart.
func TestRepeatedWordsAreOneWord(t *testing.T) {
	for _, c := range []struct{ q, want, excluded string }{
		{"logement logement ", "logement", ""},
		{"logement logement", "logement logement", ""},           // the second one is being typed
		{"Logement logement LOGEMENT ", "Logement LOGEMENT", ""}, // the capitals make an acronym's term
		{"logement logement social", "logement social", ""},
		{"économie economie sociale", "économie sociale", ""},
		{"logement social logement social ", "logement social", ""},
		{"logement logem", "logement logem", ""}, // the last word is being typed
		{"co co co", "co co", ""},                // the same: « co » whole, then « co » being typed
		{`"logement social" "logement social" logement`, `logement social logement`, ""},
		{`"logement social" "social logement"`, `logement social social logement`, ""},
		{"logement -social -social ", "logement", "social"},
		{"logement -logement ", "logement", "logement"},
		{`logement -"aide sociale" -"aide sociale"`, "logement", "aide sociale"},
		{"provinciaux provinciale ", "provinciaux provinciale", ""}, // two forms typed: two words
	} {
		got, ex := plannedTexts(t, c.q)
		if got != c.want || ex != c.excluded {
			t.Errorf("%q searches %q, excluding %q; want %q, excluding %q", c.q, got, ex, c.want, c.excluded)
		}
	}
}

// TestRepeatedWordsTitleKey: the words typed twice name a title once (the
// exact-title rule): « tiers-lieu tiers-lieu » is the entry « Tiers-lieu »,
// and the stop words between the words still count.
func TestRepeatedWordsTitleKey(t *testing.T) {
	for _, c := range []struct{ twice, once string }{
		{"tiers-lieu tiers-lieu ", "tiers-lieu "},
		{"économie sociale economie sociale ", "économie sociale "},
		{"théorie du changement théorie changement ", "théorie du changement "},
	} {
		_, a := planOf(t, c.twice)
		_, b := planOf(t, c.once)
		if a.TitleKey() == "" || a.TitleKey() != b.TitleKey() {
			t.Errorf("%q: title key %q, %q: %q", c.twice, a.TitleKey(), c.once, b.TitleKey())
		}
	}
}
