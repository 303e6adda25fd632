package termdict

import (
	"math/rand/v2"
	"strings"
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

// inflected accepts exactly the words within the distance of the term,
// alone or with an ending s, x, e or es: checked against the definition on
// random words of four letters, and on the cases it is for.
func TestInflectedAutomaton(t *testing.T) {
	accepts := func(term, word string, dist int) bool {
		for _, end := range []string{"", "s", "x", "e", "es"} {
			if strings.HasSuffix(word, end) && osaDistance(term, strings.TrimSuffix(word, end)) <= dist {
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
		{"aidayt", "aidante", true},
		{"aidayt", "aidantes", true},
		{"aidayt", "aidantex", false},
		{"tabke", "tableau", false}, // not an ending
		{"tabke", "tables", true},
		{"logment", "logements", true},
	} {
		a, err := levBuilders[1].BuildDfa(tc.term, 1)
		if err != nil {
			t.Fatal(err)
		}
		if got := vellum.AutomatonContains(inflected{inner: a}, []byte(tc.word)); got != tc.want {
			t.Errorf("%q ~ %q: %v, want %v", tc.term, tc.word, got, tc.want)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	word := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = "aesx"[r.IntN(4)]
		}
		return string(b)
	}
	for i := 0; i < 3000; i++ {
		term := word(1 + r.IntN(5))
		dist := 1 + r.IntN(2)
		a, err := levBuilders[dist].BuildDfa(term, uint8(dist))
		if err != nil {
			t.Fatal(err)
		}
		for j := 0; j < 20; j++ {
			w := word(r.IntN(9))
			if got, want := vellum.AutomatonContains(inflected{inner: a}, []byte(w)), accepts(term, w, dist); got != want {
				t.Fatalf("term %q distance %d, word %q: %v, want %v", term, dist, w, got, want)
			}
		}
	}
}
