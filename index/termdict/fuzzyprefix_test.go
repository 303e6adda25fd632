package termdict

import (
	"math/rand/v2"
	"testing"

	"github.com/blevesearch/vellum"
)

// osaDistance is the edit distance with adjacent transpositions counted as
// one edit, as the Levenshtein automata of levBuilders count.
func osaDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// extended accepts exactly the words that extend by at most extra bytes a
// word within the distance of the term: checked against the definition on
// random words of three letters, and on the cases it is for.
func TestExtendedAutomaton(t *testing.T) {
	accepts := func(term, word string, dist, extra int) bool {
		for cut := len(word); cut >= 0 && len(word)-cut <= extra; cut-- {
			if osaDistance(term, word[:cut]) <= dist {
				return true
			}
		}
		return false
	}
	for _, tc := range []struct {
		term, word string
		want       bool
	}{
		{"aidayt", "aidant", true},
		{"aidayt", "aidants", true},
		{"aidayt", "aidantes", true},
		{"aidayt", "aidantesx", false}, // three past the match
		{"aidayt", "aidxyz", false},
		{"logment", "logements", true},
		{"logment", "logement", true},
	} {
		a, err := levBuilders[1].BuildDfa(tc.term, 1)
		if err != nil {
			t.Fatal(err)
		}
		x := extended{inner: a, extra: 2}
		if got := vellum.AutomatonContains(x, []byte(tc.word)); got != tc.want {
			t.Errorf("%q ~ %q: %v, want %v", tc.term, tc.word, got, tc.want)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	word := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = "abc"[r.IntN(3)]
		}
		return string(b)
	}
	for i := 0; i < 3000; i++ {
		term := word(1 + r.IntN(5))
		dist, extra := 1+r.IntN(2), r.IntN(3)
		a, err := levBuilders[dist].BuildDfa(term, uint8(dist))
		if err != nil {
			t.Fatal(err)
		}
		x := extended{inner: a, extra: extra}
		for j := 0; j < 20; j++ {
			w := word(r.IntN(9))
			if got, want := vellum.AutomatonContains(x, []byte(w)), accepts(term, w, dist, extra); got != want {
				t.Fatalf("term %q distance %d extra %d, word %q: %v, want %v", term, dist, extra, w, got, want)
			}
		}
	}
}
