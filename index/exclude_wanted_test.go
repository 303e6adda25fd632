package index

import (
	"context"
	"testing"

	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

// An excluded word's synonyms do not leave out what the positive words ask
// for: with « garderie => CPE, centre de la petite enfance » and « Mtl,
// Montréal » (default list), « cpe -garderie » and « montreal -mtl » found
// nothing, every note the positive word finds being one the exclusion's
// synonyms left out. The notes writing the excluded word itself still go,
// and so do the positive words' own synonyms that were not typed (« cpe
// -garderie » leaves out « centre de la petite enfance »).
func TestExclusionSparesWhatIsAskedFor(t *testing.T) {
	notes := []*store.Note{
		{ID: "cpe", Title: "Places en CPE"},
		{ID: "centre", Title: "Un centre de la petite enfance en région"},
		{ID: "garderie", Title: "Une garderie en milieu familial"},
		{ID: "both", Title: "Garderie ou CPE ?"},
		{ID: "service", Title: "Un service de garde scolaire"},
		{ID: "montreal", Title: "Logement à Montréal"},
		{ID: "mtl", Title: "Logement à MTL"},
		{ID: "quebec", Title: "Logement à Québec"},
	}
	for _, n := range notes {
		n.Type, n.Visibility = "note", "public"
	}
	ix, m := openTestIndex(t, notes)
	for _, c := range []struct{ q, want string }{
		{"cpe -garderie", "cpe"},
		{"centre de la petite enfance -garderie", "centre"},
		{"montreal -mtl", "montreal"},
		// Relaxed: the notes with « logement » alone follow.
		{"logement montreal -mtl", "montreal quebec"},
		// What the positive words do not ask for still goes.
		{"logement -mtl", "quebec"},
		{"garderie -cpe", "garderie service"},
		{"cpe -cpe", ""},
	} {
		res, err := ix.Search(context.Background(), query.Request{Q: c.q + " ", NoSuggestion: true}, m)
		if err != nil {
			t.Fatal(err)
		}
		if got := sortedIDs(res); got != c.want {
			t.Errorf("%q: %s, want %s", c.q, got, c.want)
		}
	}
}
