package index

import (
	"context"
	"strings"
	"testing"

	bq "github.com/blevesearch/bleve/v2/search/query"
	"github.com/encommun/trouvaille/query"
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

// countingDict counts the dictionary look-ups of query expansion, and the
// fields typo look-ups read.
type countingDict struct {
	d             query.Dictionary
	fuzzy, prefix int
	fuzzyFields   map[string]bool
}

func (c *countingDict) Fuzzy(field, term string, fuzziness int) ([]query.DictTerm, error) {
	c.fuzzy++
	if c.fuzzyFields == nil {
		c.fuzzyFields = map[string]bool{}
	}
	c.fuzzyFields[field] = true
	return c.d.Fuzzy(field, term, fuzziness)
}

func (c *countingDict) FuzzyInflected(field, term string, fuzziness int) ([]query.DictTerm, error) {
	c.fuzzy++
	if c.fuzzyFields == nil {
		c.fuzzyFields = map[string]bool{}
	}
	c.fuzzyFields[field] = true
	return c.d.FuzzyInflected(field, term, fuzziness)
}

func (c *countingDict) Prefix(field, prefix string, limit int) ([]query.DictTerm, error) {
	c.prefix++
	return c.d.Prefix(field, prefix, limit)
}

func (c *countingDict) FuzzyPrefix(field, prefix string, fuzziness, limit int) ([]query.DictTerm, error) {
	c.fuzzy++
	return c.d.FuzzyPrefix(field, prefix, fuzziness, limit)
}

func (c *countingDict) SoundsLike(field, word string, stems bool) ([]query.DictTerm, error) {
	c.fuzzy++
	return c.d.SoundsLike(field, word, stems)
}

func (c *countingDict) SoundsLikePrefix(field, prefix string, limit int) ([]query.DictTerm, error) {
	c.fuzzy++
	return c.d.SoundsLikePrefix(field, prefix, limit)
}

func (c *countingDict) Term(field, term string) (uint64, error) {
	c.prefix++
	return c.d.Term(field, term)
}

// termLeaves counts the term queries of a query tree: each is one posting
// list walk.
func termLeaves(q bq.Query) int {
	switch q := q.(type) {
	case *bq.TermQuery:
		return 1
	case *bq.DisjunctionQuery:
		n := 0
		for _, c := range q.Disjuncts {
			n += termLeaves(c)
		}
		return n
	case *bq.ConjunctionQuery:
		n := 0
		for _, c := range q.Conjuncts {
			n += termLeaves(c)
		}
		return n
	case *bq.BooleanQuery:
		n := 0
		for _, c := range []bq.Query{q.Must, q.Should, q.MustNot} {
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
	fuzzyFields   int // fields typo look-ups read
}

// planCost plans q over the index's dictionaries, as Search does, and
// counts what the expansion cost.
func planCost(t *testing.T, ix *Index, q string) expansionCost {
	t.Helper()
	pq, err := query.Parse(q)
	if err != nil {
		t.Fatal(err)
	}
	d := ix.Dictionary()
	defer d.Close()
	cd := &countingDict{d: d}
	p, err := query.NewPlan(pq, cd)
	if err != nil {
		t.Fatal(err)
	}
	return expansionCost{prefix: cd.prefix, fuzzy: cd.fuzzy, leaves: termLeaves(p.Strict().Must), fuzzyFields: len(cd.fuzzyFields)}
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
	// The fields a typo is looked up in: those a misspelled word alone reads.
	fields := planCost(t, ix, misspell("financement")+" ").fuzzyFields
	if fields == 0 {
		t.Fatal("a misspelled word alone reads no typo look-up")
	}
	for _, trailing := range []string{"", " "} { // last word typed or not
		right := planCost(t, ix, strings.Join(budgetWords, " ")+trailing)
		bad := planCost(t, ix, strings.Join(wrong, " ")+trailing)
		t.Logf("spelled right %+v, misspelled %+v", right, bad)
		// Spelled right, words need no typo look-up; misspelled, each word
		// gets about one probe across the fuzzy fields.
		if max := len(wrong) * fields; bad.fuzzy > max {
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
	// Each word of a short query costs what it costs alone (a query of one
	// word has the whole budget, far more than a word can use).
	for _, q := range []string{"financment", "gouvernace partagé", "comunauté de pratique", "finacement partiipation citoyen"} {
		pq, err := query.Parse(q + " ")
		if err != nil {
			t.Fatal(err)
		}
		var alone expansionCost
		for _, c := range pq.Clauses {
			one := planCost(t, ix, c.Text+" ")
			alone.fuzzy += one.fuzzy
			alone.prefix += one.prefix
		}
		got := planCost(t, ix, q+" ")
		if got.fuzzy != alone.fuzzy || got.prefix != alone.prefix {
			t.Errorf("%q: %d typo and %d prefix look-ups, want the %d and %d of its words alone", q, got.fuzzy, got.prefix, alone.fuzzy, alone.prefix)
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
	res, err := ix.Search(context.Background(), query.Request{Q: strings.Join(wrong, " ")}, notes)
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
		if _, err := ix.Search(context.Background(), query.Request{Q: q, Page: 1 + i%50, PerPage: 20}, notes); err != nil {
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
