package index

import (
	"context"
	"testing"

	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

// An excluded word leaves out what the word would find through the
// synonyms (default list: Mtl, Montréal; OBNL, OSBL,
// organisme à but non lucratif), a synonym of several words only where a
// note holds it as a phrase, and nothing the word only looks like (a close
// form); an excluded phrase keeps its exact words. Strict and relaxed
// searches, the total and the facets agree, with synonyms=false too (the
// result cache tells them apart), and a multi-word synonym the index has
// not marked (verified by reading the notes) excludes as a marked one.
func TestExcludedWordSynonymsInSearch(t *testing.T) {
	notes := []*store.Note{
		{ID: "montreal", Title: "Logement à Montréal"},
		{ID: "mtl", Title: "Logement social à MTL"},
		{ID: "montrealaise", Title: "Logement : une coopérative montréalaise"}, // a close form of montreal, not a synonym
		{ID: "quebec", Title: "Logement à Québec"},
		{ID: "saint", Title: "Logement à Saint-Jérôme"},
		{ID: "st", Title: "Logement à St-Jérôme"},
		{ID: "obnl", Title: "Logement géré par un organisme à but non lucratif"},
		{ID: "scattered", Title: "Logement : non, l’organisme n’a pas de but lucratif"},
		{ID: "osbl", Title: "Logement des OSBL"},
		{ID: "rq", Title: "Logement : le regroupement québécois des coops"},
		{ID: "rqscattered", Title: "Logement : le regroupement des coops québécoises"},
	}
	for _, n := range notes {
		n.Type, n.Visibility = "note", "public"
	}
	ix, m := openTestIndex(t, notes)
	cases := []struct {
		q     string
		nosyn bool
		want  string // ids found, sorted
	}{
		{q: "logement -mtl", want: "montrealaise obnl osbl quebec rq rqscattered saint scattered st"},
		{q: "logement -mtl", nosyn: true, want: "montreal montrealaise obnl osbl quebec rq rqscattered saint scattered st"},
		{q: "logement -montreal", want: "montrealaise obnl osbl quebec rq rqscattered saint scattered st"},
		{q: `logement -"mtl"`, want: "montreal montrealaise obnl osbl quebec rq rqscattered saint scattered st"},
		{q: "logement -St-Jérôme", want: "montreal montrealaise mtl obnl osbl quebec rq rqscattered scattered"},
		// « St » is read « saint » (analysis.saintOf): the phrase too.
		{q: `logement -"St-Jérôme"`, want: "montreal montrealaise mtl obnl osbl quebec rq rqscattered scattered"},
		{q: "logement -OBNL", want: "montreal montrealaise mtl quebec rq rqscattered saint scattered st"},
		{q: "logement -osbl -mtl", want: "montrealaise quebec rq rqscattered saint scattered st"},
		// Relaxed: no note has « appartement », the notes with one word
		// of two follow, the exclusion still holds.
		{q: "logement appartement -mtl", want: "montrealaise obnl osbl quebec rq rqscattered saint scattered st"},
	}
	check := func(ix *Index, q string, nosyn bool, want string) {
		t.Helper()
		r := query.Request{Q: q + " ", NoSynonyms: nosyn, Facets: []string{"type"}, NoSuggestion: true}
		res, err := ix.Search(context.Background(), r, m)
		if err != nil {
			t.Fatal(err)
		}
		if got := sortedIDs(res); got != want {
			t.Errorf("%q (synonyms=%v): %s, want %s", q, !nosyn, got, want)
		}
		if res.Total != uint64(len(res.Hits)) {
			t.Errorf("%q (synonyms=%v): total %d, %d hits", q, !nosyn, res.Total, len(res.Hits))
		}
		if f := res.Facets["type"]; len(f) != 1 || uint64(f[0].Count) != res.Total {
			t.Errorf("%q (synonyms=%v): type facet %+v, total %d", q, !nosyn, f, res.Total)
		}
	}
	for _, c := range cases {
		check(ix, c.q, c.nosyn, c.want)
	}
	// A list with a multi-word synonym the index has not marked on its
	// notes (the list came after them): verified by reading the notes.
	if err := ix.SetSynonyms(mustSyn(t, "RQ, regroupement québécois\nMtl, Montréal")); err != nil {
		t.Fatal(err)
	}
	if _, unmarked := ix.PhraseMarks(); unmarked == 0 {
		t.Fatal("the phrase is marked: the verified path is not tested")
	}
	check(ix, "logement -rq", false, "montreal montrealaise mtl obnl osbl quebec rqscattered saint scattered st")
	check(ix, "logement -rq -montreal", false, "montrealaise obnl osbl quebec rqscattered saint scattered st")
}
