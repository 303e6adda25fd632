package query

import (
	"strings"
	"testing"

	"github.com/encommun/trouvaille/analysis"
)

func TestMatcherGrouped(t *testing.T) {
	for q, want := range map[string]bool{
		"jardin potager":         false,
		`"jardin potager"`:       true,
		`serre "jardin potager"`: true,
		"financement":            false,
	} {
		if got := NewMatcher(q).Grouped(); got != want {
			t.Errorf("%s: Grouped() = %v, want %v", q, got, want)
		}
	}
}

// MarkPhrases marks a synonym of several words where its words follow each
// other as in the synonym, stop words between them included, and nowhere
// else.
func TestMarkPhrases(t *testing.T) {
	m := &Matcher{exact: map[string]bool{}}
	m.addPhrase("organisme à but non lucratif")
	m.addPhrase("centre d’action bénévole")
	m.addPhrase("organisme à but non lucratif") // once
	if len(m.phrases) != 2 || !m.HasPhrases() || m.Empty() {
		t.Fatalf("phrases %d", len(m.phrases))
	}
	for _, tc := range []struct{ text, want string }{
		{"un organisme à but non lucratif", "_ X _ X X X"},
		{"des organismes à buts non lucratifs", "_ X _ X X X"},
		{"un organisme dont le but est non lucratif", "_ _ _ _ _ _ _ _"},
		{"le Centre d'action bénévole de Laval", "_ X X X _ _ _"}, // the elided d' takes no position
		{"action bénévole du centre", "_ _ _ _"},
		{"", ""},
	} {
		toks := analysis.Analyze(tc.text)
		matched := make([]bool, len(toks))
		m.MarkPhrases(toks, matched, 0)
		// One mark per position (stop words take one, elided articles none),
		// as many as the words split at spaces and apostrophes.
		words := strings.Fields(strings.NewReplacer("'", " ", "’", " ").Replace(tc.text))
		got := make([]string, len(words))
		for i := range got {
			got[i] = "_"
		}
		for i, tk := range toks {
			if matched[i] {
				got[tk.Position-1] = "X"
			}
		}
		if g := strings.Join(got, " "); g != tc.want {
			t.Errorf("%q: %s, want %s", tc.text, g, tc.want)
		}
	}
}
