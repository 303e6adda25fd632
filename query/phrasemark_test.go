package query

import (
	"testing"

	"github.com/encommun/trouvaille/analysis"
)

// The marker finds a synonym phrase in a text exactly when Word.InAnalyzed
// (the check by reading the note) does: stop words inside the phrase leave
// gaps that must match, accents, plurals and elisions do not matter, and
// the words must follow each other.
func TestPhraseMarkerMatchesInAnalyzed(t *testing.T) {
	syn, err := analysis.ParseSynonyms("OBNL, organisme à but non lucratif\nempowerment, pouvoir d'agir\nCA, conseil d'administration\nÉS, économie sociale", "test")
	if err != nil {
		t.Fatal(err)
	}
	m := NewPhraseMarker(syn)
	if got := len(m.Keys()); got != 4 {
		t.Fatalf("%d phrases marked, want 4 (OBNL, empowerment, CA, ÉS are one word): %q", got, m.Keys())
	}
	cases := []struct {
		text string
		want []string // alternatives found
	}{
		{"Un organisme à but non lucratif du quartier", []string{"organisme à but non lucratif"}},
		{"des ORGANISMES a but non lucratifs", []string{"organisme à but non lucratif"}},
		{"organisme de but non lucratif", []string{"organisme à but non lucratif"}}, // a stop word for a stop word: the gap is the same
		{"organisme but non lucratif", nil},                                         // the gap is missing
		{"organisme à but lucratif", nil},
		{"le but de rester non lucratif", nil},
		{"leur pouvoir d’agir collectif", []string{"pouvoir d'agir"}},
		{"Pouvoirs d'agir", []string{"pouvoir d'agir"}},
		{"pouvoir, agir", []string{"pouvoir d'agir"}}, // punctuation is not a word: InAnalyzed agrees
		{"agir pour le pouvoir", nil},
		{"son conseil d'administration et l'économie sociale", []string{"conseil d'administration", "économie sociale"}},
		{"economie sociale economie sociale", []string{"économie sociale"}},
		{"", nil},
	}
	for _, c := range cases {
		toks := analysis.Tokens(c.text, nil)
		found := map[string]bool{}
		m.Mark(toks, func(k string) { found[k] = true })
		a := Analyzed(c.text)
		for _, alt := range syn.Alternatives() {
			w := synonymPhrase(alt)
			if w == nil {
				continue
			}
			key := PhraseKey(w)
			want := false
			for _, x := range c.want {
				want = want || x == alt
			}
			if found[key] != want {
				t.Errorf("%q: phrase %q marked %v, want %v", c.text, alt, found[key], want)
			}
			if w.InAnalyzed(a) != want {
				t.Errorf("%q: InAnalyzed(%q) = %v, want %v (the table is wrong)", c.text, alt, w.InAnalyzed(a), want)
			}
		}
	}
}

// A phrase's key does not depend on how the synonyms file spells it, only
// on what it matches (a word in capitals also matches as written, as an
// acronym would: « ECONOMIE SOCIALE » has a key of its own).
func TestPhraseKey(t *testing.T) {
	key := func(s string) string { return PhraseKey(synonymPhrase(s)) }
	same := [][2]string{
		{"pouvoir d'agir", "Pouvoirs d’agir"},
		{"organisme à but non lucratif", "organismes a but non lucratif"},
		{"économie sociale", "economie sociale"},
	}
	for _, c := range same {
		if key(c[0]) != key(c[1]) {
			t.Errorf("%q and %q: keys %q and %q differ", c[0], c[1], key(c[0]), key(c[1]))
		}
	}
	differ := [][2]string{
		{"économie sociale", "sociale économie"},
		{"organisme à but non lucratif", "organisme but non lucratif"},
	}
	for _, c := range differ {
		if key(c[0]) == key(c[1]) {
			t.Errorf("%q and %q: same key %q", c[0], c[1], key(c[0]))
		}
	}
	if synonymPhrase("OBNL") != nil {
		t.Error("a one-word synonym is not a phrase")
	}
}

// TestPhraseMarkerFindsEveryPhrase: each phrase of the default list is
// marked in a text holding it (its first term passes the marker's filter
// of first terms), and a text of none of them marks nothing.
func TestPhraseMarkerFindsEveryPhrase(t *testing.T) {
	m := NewPhraseMarker(analysis.DefaultSynonyms())
	for _, alt := range analysis.DefaultSynonyms().Alternatives() {
		w := synonymPhrase(alt)
		if w == nil {
			continue
		}
		want := PhraseKey(w)
		found := false
		m.Mark(analysis.Tokens("Nous parlons de "+alt+" ici.", nil), func(k string) { found = found || k == want })
		if !found {
			t.Errorf("%q is not marked in a text holding it", alt)
		}
	}
	n := 0
	m.Mark(analysis.Tokens("Une note sans aucune expression de la liste, sur le jardinage et la cuisine.", nil), func(string) { n++ })
	if n != 0 {
		t.Errorf("a text of no phrase got %d marks", n)
	}
}
