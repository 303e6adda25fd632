package trouvaille

import (
	"context"
	"fmt"
	"testing"
)

// TestSeveralExcludedPhrases: the notes excluded by several quoted phrases
// are those holding any of them (each phrase checked in every candidate,
// the candidates of all the phrases read once): the count is the word's
// less the notes holding one phrase or the other, and no note holding
// either is shown.
func TestSeveralExcludedPhrases(t *testing.T) {
	e := openEngine(t, t.TempDir())
	ingestLines(t, e, string(DemoNotes))
	ids := func(q string) (map[string]bool, uint64) {
		res, err := e.Search(context.Background(), Scope{}, Request{Q: q, PerPage: 100, NoSnippets: true})
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		if res.Partial || res.Relaxed {
			t.Fatalf("%q: partial %v relaxed %v: the totals do not add up", q, res.Partial, res.Relaxed)
		}
		got := map[string]bool{}
		for _, h := range res.Hits {
			got[h.ID] = true
		}
		if uint64(len(got)) != res.Total {
			t.Fatalf("%q: %d hits of %d: more than a page", q, len(got), res.Total)
		}
		return got, res.Total
	}
	for _, c := range []struct{ word, a, b, c string }{
		{"logement", "logement social", "coopérative d'habitation", "logement abordable"},
		{"alimentaire", "sécurité alimentaire", "banque alimentaire", "cuisine collective"},
		{"numérique", "fracture numérique", "littératie numérique", "fracture numérique"},
	} {
		all, _ := ids(c.word + " ")
		holding := map[string]bool{}
		for _, ph := range []string{c.a, c.b, c.c} {
			with, n := ids(fmt.Sprintf("%s %q ", c.word, ph))
			if n == 0 {
				t.Errorf("%s %q: no note: the case checks nothing", c.word, ph)
			}
			for id := range with {
				if all[id] { // a phrase's synonyms may find notes without the word
					holding[id] = true
				}
			}
		}
		q := fmt.Sprintf("%s -%q -%q -%q ", c.word, c.a, c.b, c.c)
		got, total := ids(q)
		if want := uint64(len(all) - len(holding)); total != want {
			t.Errorf("%q: %d notes, want %d (%d with the word, %d holding a phrase)", q, total, want, len(all), len(holding))
		}
		for id := range got {
			if holding[id] {
				t.Errorf("%q shows %s, which holds an excluded phrase", q, id)
			}
		}
	}
}
