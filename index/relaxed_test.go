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

// bodyNote is a public note with a body and a title that names it only.
func bodyNote(id, body string) *store.Note {
	return &store.Note{ID: id, Type: "note", Title: "Note " + id, Body: body, Visibility: "public"}
}

// sortedHits searches and returns the ids of the hits, sorted, and the result.
func sortedHits(t *testing.T, ix *Index, m memNotes, r query.Request) ([]string, *Result) {
	t.Helper()
	res, err := ix.Search(context.Background(), r, m)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	slices.Sort(ids)
	return ids, res
}

// The notes with most of the words, added when none has them all, are
// still subject to exclusions, verified phrases and deletions.
func TestRelaxedLevelsKeepRestrictions(t *testing.T) {
	ix, m := openTestIndex(t, []*store.Note{
		bodyNote("a", "Un jardin potager au centre."),
		bodyNote("b", "Un jardin potager et une serre interdite."),
		bodyNote("c", "Une serre pour le jardin."),
		bodyNote("d", "Le potager derrière, puis le jardin."),
		bodyNote("e", "Un jardin sans rien."),
	})
	search := func(q string) []string {
		t.Helper()
		ids, _ := sortedHits(t, ix, m, query.Request{Q: q, PerPage: 10})
		return ids
	}
	check := func(q, want string) {
		t.Helper()
		if got := strings.Join(search(q), ","); got != want {
			t.Errorf("%s: %s, want %s", q, got, want)
		}
	}
	// No note has all three words: those with two, then one, without the
	// excluded word's notes.
	check("jardin potager zzzyqx -interdite", "a,c,d,e")
	// Past maxBucketWords words, the levels come from countPlanes.
	check("jardin potager serre centre derrière zzzyqx aaaqqq bbbqqq cccqqq dddqqq -interdite", "a,c,d,e")
	check(`jardin potager centre derrière zzzyqx aaaqqq bbbqqq cccqqq dddqqq "jardin potager"`, "a,b")
	// A quoted phrase restricts every level: b holds the phrase and
	// « serre », a the phrase only; the notes with « serre » only (c) or
	// the phrase's words apart (d) do not follow them.
	check(`"jardin potager" serre`, "a,b")
	// No note has the phrase and the other word: those with the phrase.
	check(`"jardin potager" zzzyqx`, "a,b")
	check(`"jardin potager" zzzyqx -interdite`, "a")
	check(`"potager derrière" serre zzzyqx`, "d")
	check(`"potager jardin" serre`, "")
	// An excluded phrase alone: every other note, newest first.
	check(`-"jardin potager"`, "c,d,e")
	check(`jardin -"jardin potager" -"serre pour"`, "d,e")
	// A deleted note never comes back through the relaxed levels.
	if err := ix.Apply([]store.Entry{{Seq: 100, ID: "a"}}); err != nil {
		t.Fatal(err)
	}
	delete(m, "a")
	check("jardin potager zzzyqx -interdite", "c,d,e")
}

// A note holding a quoted phrase but not the query's other words follows the
// notes that hold them all, marked with the words it matches: the phrase's
// candidates are the notes with the phrase's words, not with every word.
func TestPhraseNotesMissingOtherWords(t *testing.T) {
	ix, m := openTestIndex(t, []*store.Note{
		bodyNote("a", "Un jardin potager au centre du quartier, avec des bacs et des outils."),
		bodyNote("b", "Un jardin potager et une serre."),
		bodyNote("c", "Une serre pour le jardin et le potager."),
		bodyNote("d", "Le potager derrière, puis le jardin, et une serre."),
	})
	for _, tc := range []struct {
		q       string
		want    string // ids in order, each with the words it matches
		total   uint64
		relaxed bool
	}{
		{`"jardin potager" serre`, `b[jardin potager|serre] a[jardin potager]`, 2, false},
		{`serre "jardin potager"`, `b[serre|jardin potager] a[jardin potager]`, 2, false},
		{`"jardin potager" zzzyqx`, `b[jardin potager] a[jardin potager]`, 2, true},
		{`"jardin potager" serre compost`, `b[jardin potager|serre] a[jardin potager]`, 2, true},
		{`"jardin serre"`, ``, 0, false},
	} {
		res, err := ix.Search(context.Background(), query.Request{Q: tc.q, PerPage: 10}, m)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.ID+"["+strings.Join(h.MatchedWords, "|")+"]")
		}
		if g := strings.Join(got, " "); g != tc.want || res.Total != tc.total || res.Relaxed != tc.relaxed || res.Partial {
			t.Errorf("%s: %s (total %d, relaxed %v, partial %v), want %s (total %d, relaxed %v)", tc.q, g, res.Total, res.Relaxed, res.Partial, tc.want, tc.total, tc.relaxed)
		}
	}
}

// When a phrase search's total is a lower bound: candidates left unread
// count only where the search would show them, when fewer than
// query.RelaxBelow candidates with every word hold the phrase.
func TestPhraseCandidatesPartial(t *testing.T) {
	// query.RelaxBelow candidates with every word, then 3 missing some.
	var ids, strictIDs []string
	for i := range query.RelaxBelow {
		strictIDs = append(strictIDs, fmt.Sprintf("s%d", i))
	}
	ids = append(append(ids, strictIDs...), "r1", "r2", "r3")
	n := query.RelaxBelow
	cand := func(total, strictTotal uint64) phraseCandidates {
		return phraseCandidates{ids: ids, strict: n, total: total, strictTotal: strictTotal}
	}
	for _, tc := range []struct {
		name        string
		c           phraseCandidates
		read        int
		verified    []string
		wantPartial bool
	}{
		{"all read", cand(uint64(n+3), uint64(n)), n + 3, []string{"s1", "r2"}, false},
		{"strict left unread", cand(uint64(n+3), uint64(n)), n - 1, []string{"s1"}, true},
		{"strict beyond the candidates", cand(uint64(n+30), uint64(n+20)), n + 3, []string{"s1", "s2"}, true},
		{"relaxed unread, enough strict", cand(uint64(n+3), uint64(n)), n + 1, strictIDs, false},
		{"relaxed unread, search relaxes", cand(uint64(n+3), uint64(n)), n + 1, []string{"s1", "s2", "s3", "r1"}, true},
		{"relaxed beyond the candidates, search relaxes", cand(50, uint64(n)), n + 3, []string{"s2", "r1", "r3"}, true},
		{"relaxed beyond the candidates, enough strict", cand(50, uint64(n)), n + 3, append(append([]string{}, strictIDs...), "r3"), false},
		{"no strict note", phraseCandidates{ids: ids[n:], strict: 0, total: 3, strictTotal: 0}, 1, nil, true},
	} {
		if got := tc.c.partial(tc.read, tc.verified); got != tc.wantPartial {
			t.Errorf("%s: partial %v, want %v", tc.name, got, tc.wantPartial)
		}
	}
}

// Regression: the facets of a relaxed page describe the notes with at
// least as many words as those shown. A level below them that added no note
// (each of its notes failing the filter) still counted its notes in the
// filter's own facet: « Verdure » showed 2 for one note with two of the
// words and one with a single word.
func TestRelaxedFacetsCountTheLevelsShown(t *testing.T) {
	note := func(id, term, body string) *store.Note {
		n := bodyNote(id, body)
		n.Terms = []string{term}
		return n
	}
	ix, m := openTestIndex(t, []*store.Note{
		note("a", "Horticulture", "Un jardin potager."),
		note("b", "Verdure", "Un jardin potager aussi."),
		note("c", "Verdure", "Une serre chauffée."),
	})
	ids, res := sortedHits(t, ix, m, query.Request{Q: "jardin potager serre", PerPage: 10, Filters: map[string][]string{"term": {"Horticulture"}}})
	if strings.Join(ids, ",") != "a" || res.Total != 1 || !res.Relaxed {
		t.Fatalf("hits %v, total %d, relaxed %v; want a, 1, true", ids, res.Total, res.Relaxed)
	}
	got := map[string]int{}
	for _, v := range res.Facets["terms"] {
		got[v.Value] = v.Count
	}
	// b has two of the words (the page's level) and fails only the term
	// filter: it counts for « Verdure »; c has one word: it does not.
	if got["Horticulture"] != 1 || got["Verdure"] != 1 || len(got) != 2 {
		t.Errorf("terms facet %v, want Horticulture 1, Verdure 1", res.Facets["terms"])
	}
}

// Result.Words names the words searched for as MatchedWords names them
// (not the stop words, a question's words or the excluded words), and
// Missing the ones a hit lacks; neither without a query nor by title.
func TestWordsSearchedAndMissing(t *testing.T) {
	ix, m := openTestIndex(t, []*store.Note{
		bodyNote("a", "Financer un organisme de logement à Montréal."),
		bodyNote("b", "Financer un organisme."),
		bodyNote("c", "Le logement des aînés."),
	})
	for _, tc := range []struct {
		q, sort string
		words   string
		missing string // per hit in order, the words it lacks
	}{
		{q: "comment financer un organisme", words: "financer|organisme", missing: "b[] a[]"},
		{q: "le logement des aînés à montreal", words: "logement|aînés|montreal", missing: "c[montreal] a[aînés]"},
		{q: "logement,montreal -aînés", words: "logement|montreal", missing: "a[]"},
		{q: `"un organisme" logement`, words: "un organisme|logement", missing: "a[] b[logement]"}, // a phrase is required at every level
		{q: "logement", words: "logement", missing: "c[] a[]"},
		{q: "logement", sort: "title", words: "", missing: "a[] c[]"},
		{q: "", words: "", missing: "a[] b[] c[]"},
	} {
		res, err := ix.Search(context.Background(), query.Request{Q: tc.q, Sort: tc.sort, PerPage: 10}, m)
		if err != nil {
			t.Fatal(err)
		}
		var missing []string
		for i := range res.Hits {
			missing = append(missing, res.Hits[i].ID+"["+strings.Join(res.Missing(&res.Hits[i]), "|")+"]")
		}
		if got := strings.Join(res.Words, "|"); got != tc.words {
			t.Errorf("%q (sort %q): words %q, want %q", tc.q, tc.sort, got, tc.words)
		}
		if got := strings.Join(missing, " "); got != tc.missing {
			t.Errorf("%q (sort %q): missing %s, want %s", tc.q, tc.sort, got, tc.missing)
		}
	}
}

// A hyphenated word that finds nothing, whole or with all its parts, is
// read as its parts, separate words: the notes holding most of them follow
// (« aînés-bénévoles » found nothing, no note holding both), and a typo in
// a compound is tolerated (« sainte-agate »). One that finds notes keeps
// its meaning (« porte-parole »), and neither a phrase nor an excluded word
// is split.
func TestHyphenatedWordFindingNothing(t *testing.T) {
	ix, m := openTestIndex(t, []*store.Note{
		bodyNote("isoles", "Rejoindre les aînés les plus isolés du quartier."),
		bodyNote("agathe", "Une friperie à Sainte-Agathe-des-Monts."),
		bodyNote("porte", "La porte-parole du comité et les aînés."),
		bodyNote("parole", "Une porte ouverte, la parole aux aînés."),
	})
	for _, tc := range []struct {
		q     string
		want  string // ids in order
		words string
	}{
		{"aînés-isolés", "isoles", "aînés-isolés"},
		{"aînés-bénévoles", "isoles parole porte", "aînés|bénévoles"},
		{"sainte-agate", "agathe", "sainte|agate"},
		{"porte-parole", "porte parole", "porte-parole"},
		{`"aînés-bénévoles"`, "", "aînés-bénévoles"},
		{"aînés -aînés-isolés", "parole porte", "aînés"},
		{"xyzzy-plugh", "", "xyzzy|plugh"}, // no part known: read apart before searching
		// With another word the search finds notes anyway: a compound with
		// a part no note writes is read apart before searching.
		{"friperie sainte-agate", "agathe", "friperie|sainte|agate"},
		{"aînés porte-paorle", "porte parole isoles", "aînés|porte|paorle"},
		{"aînés porte-parole", "porte parole isoles", "aînés|porte-parole"},
	} {
		res, err := ix.Search(context.Background(), query.Request{Q: tc.q + " ", PerPage: 10}, m)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if got, words := strings.Join(ids, " "), strings.Join(res.Words, "|"); got != tc.want || words != tc.words || res.Total != uint64(len(ids)) {
			t.Errorf("%s: %q (total %d, words %q), want %q (words %q)", tc.q, got, res.Total, words, tc.want, tc.words)
		}
	}
}
