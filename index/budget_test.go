package index

import (
	"context"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/search/query"
)

// budgetWords are 32 words of the demo corpus, spelled right.
var budgetWords = strings.Fields("organismes personnes participant données synthèse numérique communautaire pratique " +
	"bénévoles constats financement mission sociale échanges plusieurs évaluation organisation participation " +
	"citoyen économie coopérative logement terrain membres alimentaire expérience familles partager activités " +
	"rencontre recommandations gouvernance")

// misspell drops the letter in the middle of a word.
func misspell(w string) string {
	rs := []rune(w)
	i := len(rs) / 2
	return string(append(rs[:i:i], rs[i+1:]...))
}

// countingDict counts the dictionary look-ups of query expansion.
type countingDict struct {
	d             Dictionary
	fuzzy, prefix int
}

func (c *countingDict) Fuzzy(field, term string, fuzziness int) ([]DictTerm, error) {
	c.fuzzy++
	return c.d.Fuzzy(field, term, fuzziness)
}

func (c *countingDict) Prefix(field, prefix string, limit int) ([]DictTerm, error) {
	c.prefix++
	return c.d.Prefix(field, prefix, limit)
}

// termLeaves counts the term queries of a query tree: each is one posting
// list walk.
func termLeaves(q query.Query) int {
	switch q := q.(type) {
	case *query.TermQuery:
		return 1
	case *query.DisjunctionQuery:
		n := 0
		for _, c := range q.Disjuncts {
			n += termLeaves(c)
		}
		return n
	case *query.ConjunctionQuery:
		n := 0
		for _, c := range q.Conjuncts {
			n += termLeaves(c)
		}
		return n
	case *query.BooleanQuery:
		n := 0
		for _, c := range []query.Query{q.Must, q.Should, q.MustNot} {
			if c != nil {
				n += termLeaves(c)
			}
		}
		return n
	}
	return 0
}

type expansionCost struct {
	prefix, fuzzy int // dictionary look-ups: prefix, typo (automaton walks, the costly ones)
	leaves        int // term queries of the strict query
}

func planCost(t *testing.T, ix *Index, q string) expansionCost {
	t.Helper()
	pq, err := ParseQuery(q)
	if err != nil {
		t.Fatal(err)
	}
	d := ix.dictionary()
	defer d.close()
	cd := &countingDict{d: d}
	p, err := newPlan(pq, cd)
	if err != nil {
		t.Fatal(err)
	}
	return expansionCost{prefix: cd.prefix, fuzzy: cd.fuzzy, leaves: termLeaves(p.strict().must)}
}

// Regression (issue 13): a query of 32 misspelled words expanded every word
// to up to 24 typo terms with up to 20 automaton walks, and cost several
// times the same words spelled right. Each query now has a budget of
// dictionary look-ups and of typo terms. Counted, not timed.
func TestExpansionBudget(t *testing.T) {
	ix, _ := openDemoIndex(t)
	var wrong []string
	for _, w := range budgetWords {
		wrong = append(wrong, misspell(w))
	}
	for _, trailing := range []string{"", " "} { // last word typed or not
		right := planCost(t, ix, strings.Join(budgetWords, " ")+trailing)
		bad := planCost(t, ix, strings.Join(wrong, " ")+trailing)
		t.Logf("spelled right %+v, misspelled %+v", right, bad)
		// Spelled right, words need no typo look-up; misspelled, each word
		// gets about one probe across the fuzzy fields.
		if max := len(wrong) * len(fuzzyFields); bad.fuzzy > max {
			t.Errorf("misspelled: %d typo look-ups, more than %d", bad.fuzzy, max)
		}
		if b, r := bad.prefix+bad.fuzzy, right.prefix+right.fuzzy; b > 2*r {
			t.Errorf("misspelled: %d look-ups, more than twice the %d of the words spelled right", b, r)
		}
		if bad.leaves > 2*right.leaves {
			t.Errorf("misspelled: %d term queries, more than twice the %d of the words spelled right", bad.leaves, right.leaves)
		}
	}
	// Short queries keep their full expansion: the budget binds long ones.
	for _, q := range []string{"financment", "gouvernace partagé", "comunauté de pratique", "finacement partiipation citoyen"} {
		pq, err := ParseQuery(q + " ")
		if err != nil {
			t.Fatal(err)
		}
		d := ix.dictionary()
		unbounded := &countingDict{d: d}
		for _, c := range pq.Clauses {
			if w := planWord(c); w != nil {
				if err := w.expand(unbounded, maxFuzzyTerms); err != nil {
					t.Fatal(err)
				}
			}
		}
		d.close()
		got := planCost(t, ix, q+" ")
		if got.fuzzy != unbounded.fuzzy || got.prefix != unbounded.prefix {
			t.Errorf("%q: %d typo and %d prefix look-ups, want the unbounded %d and %d", q, got.fuzzy, got.prefix, unbounded.fuzzy, unbounded.prefix)
		}
	}
}

// The budget cuts typo expansions, not correction: each misspelled word of a
// long query still finds its notes when alone... and the long query answers.
func TestMisspelledLongQueryAnswers(t *testing.T) {
	ix, notes := openDemoIndex(t)
	var wrong []string
	for _, w := range budgetWords {
		wrong = append(wrong, misspell(w))
	}
	res, err := ix.Search(context.Background(), Request{Q: strings.Join(wrong, " ")}, notes)
	if err != nil {
		t.Fatal(err)
	}
	if res.Total == 0 {
		t.Error("32 misspelled words find nothing")
	}
}

func benchmarkWords(b *testing.B, words []string) {
	ix, notes := openDemoIndex(b)
	q := strings.Join(words, " ")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// A distinct page each time keeps the result cache out of the
		// measure, and the dictionary look-ups start cold, as for a query
		// never seen.
		b.StopTimer()
		ix.expansions.clear()
		b.StartTimer()
		if _, err := ix.Search(context.Background(), Request{Q: q, Page: 1 + i%50, PerPage: 20}, notes); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSearch32SpelledRight and BenchmarkSearch32Misspelled compare a
// query of 32 words of the demo corpus with the same words misspelled
// (issue 13: the second must not cost much more).
func BenchmarkSearch32SpelledRight(b *testing.B) { benchmarkWords(b, budgetWords) }

func BenchmarkSearch32Misspelled(b *testing.B) {
	var wrong []string
	for _, w := range budgetWords {
		wrong = append(wrong, misspell(w))
	}
	benchmarkWords(b, wrong)
}
