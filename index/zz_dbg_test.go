package index

import (
	"context"
	"fmt"
	"testing"

	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

func TestZZDbg(t *testing.T) {
	notes := []*store.Note{
		{ID: "bas", Type: "note", Title: "Au Bas-Saint-Laurent", Body: "Le bas du fleuve.", Visibility: "public"},
		{ID: "autre", Type: "note", Title: "Autre chose", Body: "Rien.", Visibility: "public"},
	}
	ix, m := openTestIndex(t, notes)
	for _, q := range []string{"base ", "basé ", "bases "} {
		r := query.Request{Q: q, Facets: []string{}, NoSuggestion: true}
		r.Normalize()
		res, _ := ix.Search(context.Background(), r, m)
		for _, h := range res.Hits {
			fmt.Printf("%q %s %+v\n", q, h.ID, h.MatchedWords)
		}
	}
}
