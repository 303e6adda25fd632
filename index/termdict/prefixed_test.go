package termdict

import (
	"testing"

	"github.com/blevesearch/vellum"
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

// within reports whether the edit distance of a and b is at most k.
func within(a, b string, k int) bool {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)] <= k
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
				if within(tc.prefix, w[:i], tc.k) {
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
