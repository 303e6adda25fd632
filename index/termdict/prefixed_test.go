package termdict

import (
	"testing"

	"github.com/blevesearch/vellum"

	"github.com/encommun/trouvaille/analysis"
)

// accepts runs a on s, as a dictionary walk does.
func accepts(a vellum.Automaton, s string) bool {
	st := a.Start()
	for i := 0; i < len(s); i++ {
		if !a.CanMatch(st) {
			return false
		}
		st = a.Accept(st, s[i])
	}
	return a.IsMatch(st)
}

// TestPrefixedAcceptsTypoedBeginnings: prefixed accepts exactly the words
// one of whose beginnings is within the distance of the word being typed
// (FuzzyPrefix: « finacem » reaches « financement »).
func TestPrefixedAcceptsTypoedBeginnings(t *testing.T) {
	words := []string{"financement", "financer", "finance", "fiance", "fin", "finacem", "sentinelle", "sentier",
		"senti", "utilisatrices", "utilisation", "gentrification", "general", "f", "", "financements", "xfinance"}
	for _, tc := range []struct {
		prefix string
		k      int
	}{{"finacem", 1}, {"sentinn", 1}, {"utilisatric", 2}, {"gentrificti", 2}, {"fi", 1}} {
		dfa, err := levBuilders[tc.k].BuildDfa(tc.prefix, uint8(tc.k))
		if err != nil {
			t.Fatal(err)
		}
		a := prefixed{inner: dfa}
		for _, w := range words {
			want := false
			for i := 0; i <= len(w); i++ {
				if analysis.EditDistance(tc.prefix, w[:i]) <= tc.k {
					want = true
					break
				}
			}
			if got := accepts(a, w); got != want {
				t.Errorf("%q within %d: %q accepted %v, want %v", tc.prefix, tc.k, w, got, want)
			}
		}
	}
}
