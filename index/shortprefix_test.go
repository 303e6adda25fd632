package index

import (
	"testing"

	"github.com/encommun/trouvaille/query"
)

// TestShortPrefixCompletionsDoNotScore: the completions of a word being
// typed of two or three letters that the notes do not write match (the
// word's query keeps them) but add nothing to the score (no scorer key);
// a short word the notes write (an acronym typed whole) and a longer word
// being typed keep their completions' scores.
func TestShortPrefixCompletionsDoNotScore(t *testing.T) {
	ix, notes := openDemoIndex(t)
	for _, c := range []struct {
		q        string
		unscored bool // the last word's completions do not score
	}{
		{"pr", true},
		{"logement pr", true},
		{"coo", true},
		{"rh", false},   // written by the notes: an acronym typed whole
		{"prog", false}, // four letters
		{"pr ", false},  // typed whole: no completions
	} {
		plan := planFor(t, ix, notes, query.Request{Q: c.q})
		words := plan.Words()
		last := words[len(words)-1]
		un := last.UnscoredTerms()
		if (len(un) > 0) != c.unscored {
			t.Errorf("%q: %d unscored completions, want some: %v", c.q, len(un), c.unscored)
			continue
		}
		matched := map[[2]string]float64{}
		leaves(last.Query(), matched)
		sc := newScorer(nil, newRanker(plan))
		keys := map[string]bool{}
		for _, k := range sc.keys {
			keys[k[1]] = true
		}
		for term := range un {
			if keys[term] {
				t.Errorf("%q: completion %q scores", c.q, term)
			}
		}
		inQuery := 0
		for k := range matched {
			if un[k[1]] {
				inQuery++
			}
		}
		if c.unscored && inQuery == 0 {
			t.Errorf("%q: the unscored completions are not in the word's query: they no longer match", c.q)
		}
		if len(sc.keys) == 0 && c.q == "logement pr" {
			t.Errorf("%q: no term scores, « logement » should", c.q)
		}
	}
}
