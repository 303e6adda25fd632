package termdict

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/blevesearch/vellum"
	"github.com/encommun/trouvaille/analysis"
)

// inflected accepts exactly the words within the distance of the term,
// alone or with an ending s, x, e or es: checked against the definition on
// random words of four letters, and on the cases it is for.
func TestInflectedAutomaton(t *testing.T) {
	accepts := func(term, word string, dist int) bool {
		for _, end := range []string{"", "s", "x", "e", "es"} {
			if strings.HasSuffix(word, end) && analysis.WithinTypos(term, strings.TrimSuffix(word, end), dist) {
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
