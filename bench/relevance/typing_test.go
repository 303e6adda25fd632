package relevance

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/encommun/trouvaille"
)

// typingCeilings are the most prefixes of each set's judged queries that
// may find nothing, or come back relaxed, where the whole query does not
// (TestTypingLetterByLetter). Session 37 found 82 on the demo set and
// brought it to 15 (praxis 31 → 24, besoins 17 → 12); session 38 to 14 and 23
// (a stop word being typed); the milieux set (session 39) counted 39 at its
// first measure, most of them prefixes of words no note writes (« midnight »,
// « essouflement ») whose whole query comes back relaxed, 42 once words
// typed apart match the word the notes write joined (« eco anxiete jeunes »
// no longer relaxed, « eco anx » still), 39 once a word being typed
// completes the word joined; the set typed by ear (session 40) counted 8
// and 32 with session 39's engine, 13 and 30 once a word spelled as it
// sounds finds the word meant: « cest quoi un alofone » now finds
// « allophone », and its seven prefixes before the word is typed whole
// (« cest quoi », « cest quoi un alof ») count, where « analfab » and
// « analfabe » no longer do; then 7 and 26, and demo 13, praxis 22,
// besoins 11, milieux 35, once a word being typed that no note writes
// completes the way it sounds (« alofo », « allophone »); then demo 12,
// besoins 12, milieux 37, by-ear 27 on the milieux needs, once a hostile
// audit's wrong completions were removed (the last letter typed is
// sounded, « kart » no longer « carrefour »; c is /s/ only before e, i, y,
// « essou » no longer « écologie »): those prefixes had counted as found;
// against the session's start, no ceiling is higher; then praxis 21 and
// besoins 11 (session 45), once the question is read over the query's
// opening: « que faire si r » and « comment savoir si q », a letter being
// typed after the question, no longer find nothing. What is left is
// listed in docs/relevance.md.
// Lower a ceiling when a change lowers the count; never raise one to let
// a change through.
var typingCeilings = map[string]int{"demo": 12, "praxis": 21, "besoins": 11, "milieux": 37, "oreille-besoins": 7, "oreille-milieux": 27}

// TestTypingLetterByLetter types each judged query a letter at a time, as
// the search page and the widget search at each pause, and counts the
// prefixes (from three letters, not ending with a space) that find nothing
// while the whole query finds notes, or come back relaxed while the whole
// query does not: what a person sees flash as « Aucun résultat » or as notes
// missing words while typing words the notes hold.
func TestTypingLetterByLetter(t *testing.T) {
	for _, set := range judgedSets {
		t.Run(set.name, func(t *testing.T) {
			qs, err := Load(set.queries)
			if err != nil {
				t.Fatal(err)
			}
			eng := loadEngine(t, set.notes)
			search := func(q string) *trouvaille.Result {
				res, err := eng.Search(context.Background(), trouvaille.Scope{}, trouvaille.Request{Q: q, PerPage: 10, Facets: []string{}, NoSnippets: true})
				if err != nil {
					t.Fatalf("%q: %v", q, err)
				}
				return res
			}
			var odd []string
			for _, q := range qs {
				whole := search(q.Q)
				for i := range q.Q {
					p := q.Q[:i]
					if utf8.RuneCountInString(p) < 3 || strings.HasSuffix(p, " ") {
						continue
					}
					res := search(p)
					switch {
					case res.Total == 0 && whole.Total > 0:
						odd = append(odd, p+" (nothing; whole: "+q.Q+")")
					case res.Relaxed && !whole.Relaxed:
						odd = append(odd, p+" (relaxed; whole: "+q.Q+")")
					}
				}
			}
			t.Logf("%d of the prefixes of %d queries:\n%s", len(odd), len(qs), strings.Join(odd, "\n"))
			switch ceiling := typingCeilings[set.name]; {
			case len(odd) > ceiling:
				t.Errorf("%d prefixes find nothing or come back relaxed where their whole query does not; at most %d", len(odd), ceiling)
			case len(odd) < ceiling:
				t.Logf("%d prefixes, under the ceiling of %d: lower typingCeilings[%q]", len(odd), ceiling, set.name)
			}
		})
	}
}
