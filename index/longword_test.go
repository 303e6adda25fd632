package index

import (
	"context"
	"strings"
	"testing"

	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

// TestNoteWithAnOverlongWord: a note whose body holds a run of letters
// longer than any word (analysis.MaxWordBytes) is indexed, found by its
// other words, and leaves every search answering: such a term, over the
// dictionary walks' limit, failed every search whose last word began it
// (« kk », « se » for a private note's « secretcode… »), telling an
// anonymous caller how a hidden note's word began.
func TestNoteWithAnOverlongWord(t *testing.T) {
	priv := bodyNote("priv", "secretcode"+strings.Repeat("k", 4097)+" jardin")
	priv.Visibility, priv.Authors = "private", []string{"Ana Roy"}
	ix, m := openTestIndex(t, []*store.Note{
		bodyNote("long", strings.Repeat("k", 4097)+" potager"),
		bodyNote("e", "q"+strings.Repeat("é", 20000)+" serre"),
		priv,
	})
	for _, q := range []string{"kk", "kkkkkkk", "se", "secret", "secretd", "ee", "eeeeeeex", "logement eee", "potager", "serre", "jardin"} {
		res, err := ix.Search(context.Background(), query.Request{Q: q, PerPage: 10}, m)
		if err != nil {
			t.Errorf("%q: %v", q, err)
			continue
		}
		for _, h := range res.Hits {
			if h.ID == "priv" {
				t.Errorf("%q: the private note came back", q)
			}
		}
	}
	for q, want := range map[string]string{"potager": "long", "serre": "e"} {
		if ids, _ := sortedHits(t, ix, m, query.Request{Q: q, PerPage: 10}); strings.Join(ids, " ") != want {
			t.Errorf("%q: %v, want %s", q, ids, want)
		}
	}
}
