package query

import (
	"strings"
	"testing"
)

// TestSplitHyphensDashes: a dash put for the hyphen (en and em dashes,
// minus sign, full-width hyphen-minus) or a hyphen typed twice joins two
// words as the hyphen does; the search reads the word as its parts side by
// side (« Trois–Rivières » finds « Trois-Rivières »), so when that finds
// nothing the parts are read apart as for « aînés-isolés ». They were not:
// « aînés–isolés » and « aînés--isolés » found nothing on the demo where
// « aînés-isolés » found 37 notes. Dashes at either end, or between other
// characters, split nothing.
func TestSplitHyphensDashes(t *testing.T) {
	for _, c := range []struct {
		q, want string // clauses' texts, "|" between
		ok      bool
	}{
		{"aînés–isolés ", "aînés|isolés", true},      // en dash
		{"aînés—isolés ", "aînés|isolés", true},      // em dash
		{"aînés−isolés ", "aînés|isolés", true},      // minus sign
		{"aînés－isolés ", "aînés|isolés", true},      // full-width
		{"aînés--isolés ", "aînés|isolés", true},     // doubled
		{"aînés-‐-isolés ", "aînés|isolés", true},    // mixed run
		{"a-b--c—d ", "a|b|c|d", true},               // chain
		{"aînés-- isolés ", "aînés--|isolés", false}, // at the end
		{"logement –montréal ", "logement|-montréal", false},
		{"x-–", "x-–", false},
		{"l’–x ", "l’–x", false},
	} {
		pq, err := Parse(c.q)
		if err != nil {
			t.Fatal(err)
		}
		split, ok := pq.SplitHyphens()
		var got []string
		for _, cl := range split.Clauses {
			s := cl.Text
			if cl.Exclude {
				s = "-" + s
			}
			got = append(got, s)
		}
		if g := strings.Join(got, "|"); g != c.want || ok != c.ok {
			t.Errorf("SplitHyphens(%q) = %q, %v; want %q, %v", c.q, g, ok, c.want, c.ok)
		}
	}
}
