package index

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

// TestTyposFindTheRightWordsNotes: the README's typo budget (none up to 4
// letters, one edit from 5, two from 9), on the demo corpus: a misspelled
// word finds the notes of the word meant, the best of them first, whatever
// letter the typo hits — including one that keeps the stemmer from cutting
// the suffix (« logment » stays whole where « logement » stems to « log »),
// and whatever field holds the word (a carnet's title, « En bref »).
func TestTyposFindTheRightWordsNotes(t *testing.T) {
	ix, notes := openDemoIndex(t)
	search := func(q string, per int) *Result {
		t.Helper()
		r := query.Request{Q: q, PerPage: per, Facets: []string{}, NoSuggestion: true}
		if err := r.Normalize(); err != nil {
			t.Fatal(err)
		}
		res, err := ix.Search(context.Background(), r, notes)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	ids := func(res *Result) []string {
		var out []string
		for _, h := range res.Hits {
			out = append(out, h.ID)
		}
		return out
	}
	for _, tc := range []struct {
		typo, right string
		// share is the least part of the right word's notes the typo
		// finds, in percent (its close forms and completions are not the
		// typo's).
		share int
	}{
		{"logment", "logement", 100},   // a letter missing where the suffix starts
		{"lgement", "logement", 100},   // a letter missing early
		{"logemnt", "logement", 100},   // a letter missing late
		{"lojement", "logement", 100},  // a letter replaced
		{"logemant", "logement", 100},  // a letter replaced in the suffix
		{"loggement", "logement", 100}, // a letter doubled
		{"economei", "economie", 100},  // two letters swapped
		{"benvoles", "benevoles", 100}, // a letter missing
		{"jardn", "jardin", 100},       // five letters: one edit
		{"aidayt", "aidant", 100},      // the notes write only aidants, aidante, aidant·es
		{"aidamt", "aidant", 100},
		{"abitation", "habitation", 100},          // the first sounds (analysis.FirstSounds)
		{"sitoyen", "citoyen", 100},               // s for c before e, i
		{"filanthropie", "philanthropie", 100},    // f for ph
		{"otonomie", "autonomie", 100},            // o for au
		{"jentrification", "gentrification", 100}, // j for g
		{"anfant", "enfant", 100},                 // a for e before n
		{"ebergement", "hebergement", 80},         // h missing (not héberge­ur·es, close forms of the right word)
		{"habitaion", "habitation", 70},           // nine letters
		{"cooperatve", "cooperative", 70},
		{"alimetaire", "alimentaire", 70},
		{"finacement", "financement", 70},
		{"finnacemnt", "financement", 70}, // ten letters: two edits
		{"coopertaive", "cooperative", 70},
	} {
		right := search(tc.right, 100)
		typo := search(tc.typo, 100)
		if right.Total == 0 {
			t.Fatalf("%s: no note", tc.right)
		}
		if int(typo.Total)*100 < int(right.Total)*tc.share {
			t.Errorf("%s finds %d notes, %s %d (want %d%% at least)", tc.typo, typo.Total, tc.right, right.Total, tc.share)
		}
		if best := right.Hits[0].ID; !slices.Contains(ids(typo)[:min(3, len(typo.Hits))], best) {
			t.Errorf("%s: the best note for %s (%s) is not in its first three: %v", tc.typo, tc.right, best, ids(typo)[:min(3, len(typo.Hits))])
		}
	}
	// Four letters and less: no typo (« snte » is not « sante »).
	if res := search("snte", 10); res.Total != 0 {
		t.Errorf("a four-letter typo found %d notes", res.Total)
	}
}

// TestInclusiveParensFindLikeTheDot: « participant(e)s » finds what
// « participant·es » finds (it found nothing).
func TestInclusiveParensFindLikeTheDot(t *testing.T) {
	ix, notes := openDemoIndex(t)
	total := func(q string) uint64 { return searchTotal(t, ix, notes, q) }
	for _, tc := range [][2]string{{"participant(e)s", "participant·es"}, {"intervenant(e)s", "intervenant·es"}, {"étudiant(e)s", "étudiant·es"},
		// With slashes: « étudiant/e/s » found nothing, « étudiant/es »
		// the notes on « escale ».
		{"étudiant/e/s", "étudiant·es"}, {"intervenant/e/s", "intervenant·es"}, {"étudiant/es", "étudiant·es"},
		{"travailleur/euse/s", "travailleur·euse·s"}, {"participant/e/s logement", "participant·es logement"}} {
		if got, want := total(tc[0]), total(tc[1]); want == 0 || got != want {
			t.Errorf("%s: %d notes, %s: %d", tc[0], got, tc[1], want)
		}
	}
}

// searchTotal is the number of notes q finds on ix (no facets, no "did
// you mean").
func searchTotal(t *testing.T, ix *Index, notes Notes, q string) uint64 {
	t.Helper()
	r := query.Request{Q: q, PerPage: 5, Facets: []string{}, NoSuggestion: true}
	if err := r.Normalize(); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(context.Background(), r, notes)
	if err != nil {
		t.Fatal(err)
	}
	return res.Total
}

// TestOneTypoBeforeTwo: the typo rule counts typos. « abitation » is one
// typo of « habitation » (its first sound) and two of « animation »: with
// the word in the same field, every « habitation » note comes before every
// « animation » one (they were level).
func TestOneTypoBeforeTwo(t *testing.T) {
	ix, notes := openDemoIndex(t)
	plan := planFor(t, ix, notes, query.Request{Q: "abitation"})
	w := plan.Words()[0]
	if !slices.Contains(w.TypoTerms(), "habit") || slices.Contains(w.FarTypoTerms(), "habit") {
		t.Errorf("habit should be one typo away: typos %v, two typos %v", w.TypoTerms(), w.FarTypoTerms())
	}
	if !slices.Contains(w.FarTypoTerms(), "anim") {
		t.Errorf("anim should be two typos away: typos %v, two typos %v", w.TypoTerms(), w.FarTypoTerms())
	}
	r := query.Request{Q: "abitation", PerPage: 100, Facets: []string{}, NoSuggestion: true}
	if err := r.Normalize(); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(context.Background(), r, notes)
	if err != nil {
		t.Fatal(err)
	}
	lastNear, firstFar := -1, len(res.Hits)
	for i, h := range res.Hits {
		title := strings.ToLower(h.Title)
		switch {
		case strings.Contains(title, "habitation"):
			lastNear = i
		case strings.Contains(title, "anim"):
			firstFar = min(firstFar, i)
		}
	}
	if lastNear < 0 || firstFar == len(res.Hits) {
		t.Fatalf("want both habitation and animation titles among %d hits", len(res.Hits))
	}
	if lastNear > firstFar {
		t.Errorf("a title with « habitation » at %d, after one with « anim… » at %d", lastNear, firstFar)
	}
}

// A word of two or three letters being typed that is a word itself (« ca »:
// the CA, with its synonym « conseil d'administration ») still finds what it
// begins (« café », « caisse »), but the notes holding the word come first,
// as a misspelling's notes come after the word's: the person may be typing
// « café », more likely means the CA. The title holding both words would
// otherwise put « Recruter au café » first (field rule).
func TestShortWordBeingTypedBeforeItsCompletions(t *testing.T) {
	notes := []*store.Note{
		{ID: "cafe", Title: "Recruter au café du quartier"},
		{ID: "caisse", Title: "Recruter avec la caisse populaire"},
		{ID: "ca", Title: "Nos bénévoles", Body: "Comment recruter pour le CA de l’organisme."},
		{ID: "conseil", Title: "Nos bénévoles", Body: "Recruter au conseil d’administration : nos trucs."},
		{ID: "none", Title: "Recruter des bénévoles"},
	}
	// « mur » has no synonym: the notes write it (knownWordDF), so
	// « murale » and « murs » follow the notes with « mur ».
	for i := range 3 {
		notes = append(notes, &store.Note{ID: fmt.Sprintf("mur%d", i), Title: "Peindre", Body: "Un mur de la ville à repeindre."})
	}
	notes = append(notes, &store.Note{ID: "murale", Title: "Peindre une murale"})
	for _, n := range notes {
		n.Type, n.Visibility = "note", "public"
	}
	ix, m := openTestIndex(t, notes)
	cases := []struct {
		q, first, then string // the notes of first before those of then
	}{
		{q: "recruter ca", first: "ca conseil", then: "cafe caisse"},
		{q: "peindre mur", first: "mur0 mur1 mur2", then: "murale"},
	}
	for _, c := range cases {
		r := query.Request{Q: c.q, PerPage: 20, Facets: []string{}, NoSuggestion: true}
		if err := r.Normalize(); err != nil {
			t.Fatal(err)
		}
		res, err := ix.Search(context.Background(), r, m)
		if err != nil {
			t.Fatal(err)
		}
		at := map[string]int{}
		for i, h := range res.Hits {
			at[h.ID] = i
		}
		for _, f := range strings.Fields(c.first) {
			for _, l := range strings.Fields(c.then) {
				fi, ok1 := at[f]
				li, ok2 := at[l]
				if !ok1 || !ok2 || fi > li {
					t.Errorf("%q: want %s before %s (both found), got %s", c.q, f, l, ids(res))
				}
			}
		}
	}
}

// A short word being typed with a synonym of several words (« ca », the CA
// and « conseil d'administration ») is one word with its synonyms for the
// ranking; its completions as written (« calibrés ») still count as loose
// matches there, after the notes holding the word itself. They once stayed
// behind when the word joined its synonyms, and a note with a rare word
// and « calibrés » came before the notes on the CA's members.
func TestShortWordWithSynonymPhraseKeepsItsCompletionsLoose(t *testing.T) {
	notes := []*store.Note{
		// In the summary, a field the completions as stems are not
		// looked for in: found as written (schema.Words).
		{ID: "completion", Title: "Nos bénévoles", Summary: "Des programmes calibrés pour les grands centres.", Body: "Recruter des gens."},
		{ID: "ca", Title: "Nos bénévoles", Body: "Les membres du CA se réunissent."},
	}
	// « membres » is common, « recruter » rare: the rarity rule alone
	// would put the completion's note first.
	for i := range 4 {
		notes = append(notes, &store.Note{ID: fmt.Sprintf("m%d", i), Title: "Comité", Body: "Les membres du comité."})
	}
	// More common completions of « ca » as written (summaries: a body's
	// words are indexed as written only where their stems do not reach
	// them): « calibrés » is not among the stems of the completions the
	// word keeps, only among its completions as written.
	for i := range 2 {
		notes = append(notes, &store.Note{ID: fmt.Sprintf("f%d", i), Title: "Divers", Summary: "Cadre, caisse, camion, canal, canot, capital, carte, casse, cause, cave, cabane."})
	}
	for _, n := range notes {
		n.Type, n.Visibility = "note", "public"
	}
	ix, m := openTestIndex(t, notes)
	res := hits(t, ix, m, "recruter membres du ca", 20)
	at := map[string]int{}
	for i, h := range res.Hits {
		at[h.ID] = i
	}
	ca, ok1 := at["ca"]
	comp, ok2 := at["completion"]
	if !ok1 || !ok2 || ca > comp {
		t.Errorf("want the CA's note before the one with « calibrés » (both found), got %s", ids(res))
	}
}

// A note holding a short word being typed (« ca », the CA) is ranked by
// the fields holding the word, not by those holding only one of its
// completions: « café » in a title does not put the CA of the note's body
// in its title, ahead of a note whose summary names the CA.
func TestFieldRuleReadsTheWordNotItsCompletions(t *testing.T) {
	notes := []*store.Note{
		{ID: "cafe", Title: "Rencontre au café", Body: "Les membres du CA se réunissent."},
		{ID: "resume", Title: "Rencontre", Summary: "Le CA se réunit.", Body: "Les membres se réunissent."},
	}
	for _, n := range notes {
		n.Type, n.Visibility = "note", "public"
	}
	ix, m := openTestIndex(t, notes)
	if got := ids(hits(t, ix, m, "membres du ca", 20)); got != "resume,cafe" {
		t.Errorf("got %s, want resume,cafe (the CA named in a summary before a title's « café »)", got)
	}
}
